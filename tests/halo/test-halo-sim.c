/* test-halo-sim.c: HyHaloClient against halyard-sim, in-process on a free port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "hy-test-halo.h"

#define SIM_SECRET "demo-secret"

typedef struct
{
  HyTestHalo *halo;
  HySim *sim; /* halo's */
  HyHaloClient *client;
  GPtrArray *events; /* halo's */
  GAsyncResult *result;
  GRegex *token_like;
} Fixture;

static HyHaloClient *
new_client (Fixture *f, const char *secret)
{
  g_autoptr (GError) error = NULL;
  HyHaloClient *client =
      hy_halo_client_new (hy_sim_get_base_url (f->sim), NULL, "halyard-demo", secret, NULL, &error);

  g_assert_no_error (error);
  hy_halo_client_set_clock (client, f->halo->clock);
  hy_halo_client_set_retry_policy (client, 3, 5, 40);
  hy_test_record_events (client, f->events);
  return client;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  HySimGenerateOptions options;

  hy_sim_generate_options_init (&options);
  options.clients = 6;
  options.sites_per_client = 2;
  options.assets_per_client = 20;
  options.seed = 42;
  f->halo = hy_test_halo_new (&options, "hy-halo-sim-XXXXXX");
  f->sim = f->halo->sim;
  f->events = f->halo->events;
  f->client = new_client (f, SIM_SECRET);
  /* the sim's tokens are 64 hex digits */
  f->token_like = g_regex_new ("[0-9a-fA-F]{40,}", 0, 0, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  /* Redaction: no secret and no token in ANY observed event, whatever the test did */
  g_assert_cmpuint (f->events->len, >, 0);
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      const char *fields[] = { e->method,        e->path,  e->request_body,
                               e->response_body, e->error, e->record };

      for (guint j = 0; j < G_N_ELEMENTS (fields); j++)
        if (fields[j])
          {
            g_assert_null (strstr (fields[j], SIM_SECRET));
            if (g_regex_match (f->token_like, fields[j], 0, NULL))
              g_error ("token-like text in an event: %s", fields[j]);
            g_assert_null (strstr (fields[j], "Authorization"));
          }
    }
  g_assert_finalize_object (f->client);
  g_clear_pointer (&f->halo, hy_test_halo_free);
  g_regex_unref (f->token_like);
  g_assert_null (f->result);
}

#define wait_result(f) hy_test_wait_result (&(f)->result)

static HyHaloList *
finish_list (Fixture *f, HyHaloClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = wait_result (f);
  return hy_halo_client_list_finish (client, result, error);
}

static HyHaloRecord *
finish_record (Fixture *f, HyHaloClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = wait_result (f);
  return hy_halo_client_record_finish (client, result, error);
}

static JsonArray *
state_array (HySim *sim, const char *key, JsonNode **keep)
{
  *keep = hy_sim_dump_state (sim);
  return json_object_get_array_member (json_node_get_object (*keep), key);
}

static guint
state_count (HySim *sim, const char *key)
{
  g_autoptr (JsonNode) state = NULL;
  return json_array_get_length (state_array (sim, key, &state));
}

static gint64
state_first_id (HySim *sim, const char *key)
{
  g_autoptr (JsonNode) state = NULL;
  JsonArray *array = state_array (sim, key, &state);
  return json_object_get_int_member (json_array_get_object_element (array, 0), "id");
}

static guint
count_events (Fixture *f, const char *path_prefix, guint status, HyHaloEventLevel level)
{
  guint n = 0;

  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (g_str_has_prefix (e->path, path_prefix) && (status == 0 || e->status == status) &&
          e->level == level)
        n++;
    }
  return n;
}

/* ------------------------------------------------------------------------- */

static void
test_discovery (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloRecord) me = NULL;
  g_autofree char *token_url = NULL;

  hy_sim_set_require_tenant (f->sim, TRUE);
  hy_halo_client_get_agent_me_async (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                     hy_test_result_cb, &f->result);
  me = finish_record (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hy_halo_record_get_id (me), >, 0);
  g_assert_nonnull (hy_halo_record_get_name (me));
  token_url = g_strdup_printf ("%s/auth/token", hy_sim_get_base_url (f->sim));
  g_assert_cmpstr (hy_halo_client_get_token_url (f->client), ==, token_url);
  g_assert_cmpstr (hy_halo_client_get_tenant (f->client), ==, "demo");
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/authinfo"), ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/auth/token"), ==, 1);
  /* token requests are reported, with the body redacted */
  g_assert_cmpuint (count_events (f, "/auth/token?tenant=demo", 200, HY_HALO_EVENT_INFO), ==, 1);
}

static void
test_invalid_client (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloClient) wrong = new_client (f, "not-the-secret");
  g_autoptr (HyHaloRecord) me = NULL;

  hy_halo_client_get_agent_me_async (wrong, HY_HALO_PRIORITY_INTERACTIVE, NULL, hy_test_result_cb,
                                     &f->result);
  me = finish_record (f, wrong, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT);
  g_clear_error (&error);

  /* a scope that does not cover assets: 403 naming the scope */
  hy_sim_set_granted_scopes (f->sim, "read:customers");
  hy_halo_client_list_assets_async (f->client, 0, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                    &f->result);
  {
    g_autoptr (HyHaloList) list = finish_list (f, f->client, &error);
    g_assert_null (list);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_FORBIDDEN);
    g_assert_nonnull (strstr (error->message, "read:assets"));
  }
}

typedef void (
    *ListFunc) (HyHaloClient *, HyHaloPriority, GCancellable *, GAsyncReadyCallback, gpointer);

static void
test_lists (Fixture *f, gconstpointer data)
{
  static const struct
  {
    ListFunc func;
    const char *state_key;
    gboolean wrapped;
  } table[] = {
    { hy_halo_client_list_clients_async, "clients", TRUE },
    { hy_halo_client_list_agents_async, "agents", FALSE },
    { hy_halo_client_list_teams_async, "teams", FALSE },
    { hy_halo_client_list_ticket_types_async, "ticket_types", FALSE },
    { hy_halo_client_list_statuses_async, "statuses", FALSE },
    { hy_halo_client_list_outcomes_async, "outcomes", FALSE },
    { hy_halo_client_list_asset_types_async, "asset_types", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HyHaloList) list = NULL;

      table[i].func (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL, hy_test_result_cb, &f->result);
      list = finish_list (f, f->client, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %u records in %u requests", table[i].state_key, list->records->len,
                      list->requests);
      /* agents include the API-only one */
      g_assert_cmpuint (list->records->len, ==, state_count (f->sim, table[i].state_key));
      g_assert_cmpuint (list->records->len, >, 0);
      g_assert_false (list->inconsistent);
      g_assert_cmpuint (list->dropped, ==, 0);
      if (table[i].wrapped)
        g_assert_cmpint (list->record_count, ==, list->records->len);
      else
        g_assert_cmpint (list->record_count, ==, -1);
      /* Halo returns the bare lists whole: one request, never a second page (HALO-API §11) */
      if (!table[i].wrapped)
        g_assert_cmpuint (list->requests, ==, 1);
      for (guint j = 0; j < list->records->len; j++)
        {
          g_assert_cmpint (hy_halo_record_get_id (g_ptr_array_index (list->records, j)), >, 0);
          g_assert_nonnull (hy_halo_record_get_name (g_ptr_array_index (list->records, j)));
        }
    }

  /* per client: sites, assets (with their fields), users */
  {
    gint64 client_id = state_first_id (f->sim, "clients");
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloList) sites = NULL;
    g_autoptr (HyHaloList) assets = NULL;
    g_autoptr (HyHaloList) users = NULL;

    hy_halo_client_list_sites_async (f->client, client_id, HY_HALO_PRIORITY_BULK, NULL,
                                     hy_test_result_cb, &f->result);
    sites = finish_list (f, f->client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (sites->records->len, ==, 2);
    hy_halo_client_list_assets_async (f->client, client_id, HY_HALO_PRIORITY_BULK, NULL,
                                      hy_test_result_cb, &f->result);
    assets = finish_list (f, f->client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (assets->records->len, ==, 20);
    for (guint j = 0; j < assets->records->len; j++)
      {
        HyHaloRecord *r = g_ptr_array_index (assets->records, j);
        g_assert_cmpint (hy_halo_record_get_client_id (r), ==, client_id);
        g_assert_true (json_object_has_member (hy_halo_record_get_object (r), "fields"));
      }
    hy_halo_client_list_users_async (f->client, client_id, HY_HALO_PRIORITY_BULK, NULL,
                                     hy_test_result_cb, &f->result);
    users = finish_list (f, f->client, &error);
    g_assert_no_error (error);
    for (guint j = 0; j < users->records->len; j++)
      g_assert_cmpint (hy_halo_record_get_client_id (g_ptr_array_index (users->records, j)), ==,
                       client_id);
  }
}

static void
test_paging (Fixture *f, gconstpointer data)
{
  static const struct
  {
    guint cap;
    guint page_size;
    guint requests;
  } table[] = {
    { 7, 100, 18 },  /* 120 assets, capped at 7 per page whatever page_size says */
    { 100, 10, 12 }, /* asking for 10 gets 10 */
    { 100, 100, 2 }, /* 100 + 20 */
    { 120, 120, 2 }, /* page_size is capped at 100 whatever the caller asks: 100 + 20 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HyHaloList) list = NULL;
      g_autoptr (GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);

      hy_sim_set_page_cap (f->sim, table[i].cap);
      hy_halo_client_set_page_size (f->client, table[i].page_size);
      hy_halo_client_list_assets_async (f->client, 0, HY_HALO_PRIORITY_BULK, NULL,
                                        hy_test_result_cb, &f->result);
      list = finish_list (f, f->client, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->records->len, ==, 120);
      g_assert_cmpint (list->record_count, ==, 120);
      g_assert_cmpuint (list->requests, ==, table[i].requests);
      g_assert_false (list->inconsistent);
      for (guint j = 0; j < list->records->len; j++)
        {
          HyHaloRecord *r = g_ptr_array_index (list->records, j);
          g_assert_false (g_hash_table_contains (ids, hy_halo_record_get_object (r)));
          g_hash_table_add (ids, hy_halo_record_get_object (r));
        }
    }
  /* a bare list (agents) past a small cap */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloList) list = NULL;

    hy_sim_set_page_cap (f->sim, 2);
    hy_halo_client_list_agents_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                      &f->result);
    list = finish_list (f, f->client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->records->len, ==, state_count (f->sim, "agents"));
  }

  /* Some tenants serve assets in pages of 50 whatever page_size says: paged by what came back */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloList) list = NULL;

    hy_sim_set_page_cap (f->sim, 100);
    hy_sim_set_asset_page_cap (f->sim, 50);
    hy_halo_client_set_page_size (f->client, 100);
    hy_halo_client_list_assets_async (f->client, 0, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                      &f->result);
    list = finish_list (f, f->client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->records->len, ==, 120);
    g_assert_cmpuint (list->requests, ==, 3);
    g_assert_false (list->inconsistent);
    hy_sim_set_asset_page_cap (f->sim, 0);
  }
}

static JsonObject *
ticket_for (HySim *sim, const char *summary)
{
  JsonObject *ticket = json_object_new ();

  json_object_set_string_member (ticket, "summary", summary);
  json_object_set_string_member (ticket, "details", "Disk C: at 95%");
  /* ids as Halo sometimes sends them: must go out as integers */
  json_object_set_double_member (ticket, "client_id", (double) state_first_id (sim, "clients"));
  json_object_set_double_member (ticket, "tickettype_id",
                                 (double) state_first_id (sim, "ticket_types"));
  return ticket;
}

static HyHaloRecord *
create_ticket (Fixture *f, const char *summary, GError **error)
{
  g_autoptr (JsonObject) ticket = ticket_for (f->sim, summary);

  hy_halo_client_create_ticket_async (f->client, ticket, HY_HALO_PRIORITY_ALERT, "alert:disk", NULL,
                                      hy_test_result_cb, &f->result);
  return finish_record (f, f->client, error);
}

static void
test_tickets (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloRecord) created = create_ticket (f, "Disk full on PC-1", &error);
  g_autoptr (HyHaloRecord) updated = NULL;
  g_autoptr (HyHaloRecord) fetched = NULL;
  g_autoptr (HyHaloRecord) action = NULL;
  g_autoptr (HyHaloList) found = NULL;
  g_autoptr (HyHaloList) ignored = NULL;
  g_autoptr (JsonObject) fields = json_object_new ();
  g_autoptr (JsonObject) note = json_object_new ();
  g_autoptr (HyHaloRecord) other = NULL;
  gint64 id;
  gboolean warned = FALSE;

  g_assert_no_error (error);
  id = hy_halo_record_get_id (created);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpstr (hy_halo_record_get_name (created), ==, "Disk full on PC-1");
  /* the body went out without decimals */
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (g_strcmp0 (e->method, "POST") == 0 && g_str_has_prefix (e->path, "/api/Tickets"))
        {
          g_assert_null (strstr (e->request_body, ".0"));
          g_assert_cmpstr (e->record, ==, "alert:disk");
        }
    }

  json_object_set_string_member (fields, "summary", "Disk full on PC-1 (again)");
  hy_halo_client_update_ticket_async (f->client, id, fields, HY_HALO_PRIORITY_ALERT, NULL, NULL,
                                      hy_test_result_cb, &f->result);
  updated = finish_record (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hy_halo_record_get_id (updated), ==, id);

  hy_halo_client_get_ticket_async (f->client, id, HY_HALO_PRIORITY_INTERACTIVE, NULL, NULL,
                                   hy_test_result_cb, &f->result);
  fetched = finish_record (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hy_halo_record_get_name (fetched), ==, "Disk full on PC-1 (again)");

  /* an action needs an outcome: Halo's own text comes back */
  json_object_set_int_member (note, "ticket_id", id);
  json_object_set_string_member (note, "note", "Cleared temp files");
  json_object_set_double_member (note, "timetaken", 0.25);
  hy_halo_client_create_action_async (f->client, note, HY_HALO_PRIORITY_ALERT, NULL, NULL,
                                      hy_test_result_cb, &f->result);
  action = finish_record (f, f->client, &error);
  g_assert_null (action);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "An Outcome must be entered for this Action"));
  g_clear_error (&error);
  json_object_set_string_member (note, "outcome", "Private Note");
  hy_halo_client_create_action_async (f->client, note, HY_HALO_PRIORITY_ALERT, NULL, NULL,
                                      hy_test_result_cb, &f->result);
  action = finish_record (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hy_halo_record_get_int (action, "ticket_id"), ==, id);

  /* search */
  other = create_ticket (f, "Printer offline", &error);
  g_assert_no_error (error);
  hy_halo_client_search_tickets_async (f->client, state_first_id (f->sim, "clients"), "disk", TRUE,
                                       HY_HALO_PRIORITY_INTERACTIVE, NULL, hy_test_result_cb,
                                       &f->result);
  found = finish_list (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->records->len, ==, 1);
  g_assert_cmpint (hy_halo_record_get_id (g_ptr_array_index (found->records, 0)), ==, id);

  /* a filter Halo ignores (third_party_id on Tickets): caught, dropped, reported */
  hy_halo_client_list_async (f->client, HY_HALO_KIND_TICKET, "third_party_id=424242",
                             "third_party_id", 424242, HY_HALO_PRIORITY_BULK, NULL, NULL,
                             hy_test_result_cb, &f->result);
  ignored = finish_list (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ignored->records->len, ==, 0);
  g_assert_cmpuint (ignored->dropped, ==, 2);
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (e->level == HY_HALO_EVENT_WARNING && g_strcmp0 (e->method, "LIST") == 0 &&
          strstr (e->error, "third_party_id=424242"))
        warned = TRUE;
    }
  g_assert_true (warned);
}

static void
test_token_refresh (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint tokens;

  hy_sim_set_token_lifetime (f->sim, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (HyHaloRecord) me = NULL;
      hy_halo_client_get_agent_me_async (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                         hy_test_result_cb, &f->result);
      me = finish_record (f, f->client, &error);
      g_assert_no_error (error);
      if (i == 0)
        hy_clock_advance (f->halo->clock, 1200 * 1000); /* past the token's 1 s */
    }
  /* refreshed before use, never refused */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/auth/token"), ==, 2);
  g_assert_cmpuint (count_events (f, "/api/", 401, HY_HALO_EVENT_WARNING), ==, 0);

  /* revoked: one 401, one new token, the same request again, success */
  hy_sim_set_token_lifetime (f->sim, 3600);
  {
    g_autoptr (HyHaloRecord) me = NULL;
    hy_halo_client_get_agent_me_async (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                       hy_test_result_cb, &f->result);
    me = finish_record (f, f->client, &error);
    g_assert_no_error (error);
  }
  tokens = hy_sim_count_requests (f->sim, "POST", "/auth/token");
  hy_sim_revoke_tokens (f->sim);
  {
    g_autoptr (HyHaloList) list = NULL;
    hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                       hy_test_result_cb, &f->result);
    list = finish_list (f, f->client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->records->len, ==, state_count (f->sim, "clients"));
  }
  g_assert_cmpuint (count_events (f, "/api/Client", 401, HY_HALO_EVENT_WARNING), ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/auth/token"), ==, tokens + 1);
}

static void
test_rate_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloList) list = NULL;
  gint64 start;

  /* warm up the token so the sim's window only sees list pages */
  {
    g_autoptr (HyHaloRecord) me = NULL;
    hy_halo_client_get_agent_me_async (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                       hy_test_result_cb, &f->result);
    me = finish_record (f, f->client, &error);
    g_assert_no_error (error);
  }
  /* Halo allows 4 per 500 ms and sends no Retry-After; the client thinks it may send 100 */
  hy_sim_set_rate_limit (f->sim, 4, 500, FALSE);
  hy_halo_client_set_rate_limit (f->client, 100, 500);
  hy_sim_set_page_cap (f->sim, 10);
  start = g_get_monotonic_time ();
  hy_halo_client_list_assets_async (f->client, 0, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                    &f->result);
  list = finish_list (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->records->len, ==, 120);
  g_assert_cmpuint (count_events (f, "/api/Asset", 429, HY_HALO_EVENT_WARNING), >=, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 500 * 1000);

  /* a budget that matches Halo's limit never meets a 429 */
  g_ptr_array_set_size (f->events, 0);
  hy_clock_advance (f->halo->clock, 600 * 1000); /* both windows roll */
  hy_halo_client_set_rate_limit (f->client, 4, 550);
  {
    g_autoptr (HyHaloList) again = NULL;
    hy_halo_client_list_assets_async (f->client, 0, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                      &f->result);
    again = finish_list (f, f->client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (again->records->len, ==, 120);
  }
  g_assert_cmpuint (count_events (f, "/api/Asset", 429, HY_HALO_EVENT_WARNING), ==, 0);

  /* persistent 429s give up with RATE_LIMITED after the allowed waits */
  hy_sim_set_rate_limit (f->sim, 1, 60000, TRUE);
  hy_halo_client_set_rate_limit (f->client, 100, 50);
  hy_halo_client_set_rate_limit_waits (f->client, 0);
  {
    g_autoptr (HyHaloList) none = NULL;
    hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                       &f->result);
    none = finish_list (f, f->client, &error);
    if (!none)
      g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED);
    g_clear_error (&error);
    hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                       &f->result);
    g_clear_pointer (&none, hy_halo_list_free);
    none = finish_list (f, f->client, &error);
    g_assert_null (none);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED);
    g_assert_nonnull (strstr (error->message, "Rate Limit Reached"));
  }
}


/* A bounded client (a command) does not wait out Halo's limit: a 429 without Retry-After (a
 * whole window) fails at once with RATE_LIMITED and nothing more is sent; the next call fails
 * at once too, without asking Halo; a full budget of its own is waited for only the bound. */
static void
test_rate_limit_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloList) list = NULL;
  g_autoptr (HyHaloRecord) me = NULL;
  gint64 start;

  hy_halo_client_get_agent_me_async (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                     hy_test_result_cb, &f->result);
  me = finish_record (f, f->client, &error);
  g_assert_no_error (error);

  hy_halo_client_set_max_wait (f->client, 200);
  hy_sim_set_rate_limit (f->sim, 1, 300000, FALSE);
  hy_halo_client_set_rate_limit (f->client, 100, 300000);
  hy_sim_reset_counters (f->sim);
  start = g_get_monotonic_time ();
  hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->result);
  list = finish_list (f, f->client, &error);
  if (list != NULL) /* the one request the sim allows */
    {
      g_clear_pointer (&list, hy_halo_list_free);
      hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                         &f->result);
      list = finish_list (f, f->client, &error);
    }
  g_assert_null (list);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "300 s"));
  g_clear_error (&error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  {
    guint sent = hy_sim_count_requests (f->sim, NULL, "/api/");

    hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                       &f->result);
    list = finish_list (f, f->client, &error);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED);
    g_clear_error (&error);
    g_assert_cmpuint (hy_sim_count_requests (f->sim, NULL, "/api/"), ==, sent);
  }
}

static void
test_budget_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloList) first = NULL;
  g_autoptr (HyHaloList) second = NULL;
  gint64 start;

  /* Its own budget: three requests per 5 minutes (the sign-in's two, then one list). */
  hy_halo_client_set_max_wait (f->client, 300);
  hy_halo_client_set_rate_limit (f->client, 3, 300000);
  hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->result);
  first = finish_list (f, f->client, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->result);
  second = finish_list (f, f->client, &error);
  g_assert_null (second);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (error->message, "within the 1 s allowed"));
  g_clear_error (&error);

  /* The next call does not wait the bound again. */
  start = g_get_monotonic_time ();
  hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->result);
  second = finish_list (f, f->client, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 300 * 1000);
}

static void
test_server_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloList) list = NULL;

  /* signed in first: fail_next counts every /api request, /api/authinfo included */
  {
    g_autoptr (HyHaloRecord) me = NULL;
    hy_halo_client_get_agent_me_async (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                       hy_test_result_cb, &f->result);
    me = finish_record (f, f->client, &error);
    g_assert_no_error (error);
  }
  hy_sim_fail_next (f->sim, 2, 503);
  hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->result);
  list = finish_list (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->records->len, ==, state_count (f->sim, "clients"));
  g_assert_cmpuint (count_events (f, "/api/Client", 503, HY_HALO_EVENT_WARNING), ==, 2);

  hy_sim_fail_next (f->sim, 1, 408);
  g_clear_pointer (&list, hy_halo_list_free);
  hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->result);
  list = finish_list (f, f->client, &error);
  g_assert_no_error (error);

  /* more failures than retries (3): SERVER_ERROR after 4 attempts */
  hy_sim_fail_next (f->sim, 10, 500);
  g_clear_pointer (&list, hy_halo_list_free);
  hy_sim_reset_counters (f->sim);
  hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->result);
  list = finish_list (f, f->client, &error);
  g_assert_null (list);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_SERVER_ERROR);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Client"), ==, 4);
  g_clear_error (&error);
  hy_sim_fail_next (f->sim, 0, 500);

  /* a sim that is down (503): unavailable, not failing */
  hy_sim_set_down (f->sim, TRUE);
  hy_halo_client_list_clients_async (f->client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->result);
  list = finish_list (f, f->client, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_UNAVAILABLE);
  hy_sim_set_down (f->sim, FALSE);
}

static void
test_outcome_unknown (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloRecord) created = NULL;
  g_autoptr (HyHaloRecord) first = create_ticket (f, "Before", &error);
  guint before;

  g_assert_no_error (error);
  before = state_count (f->sim, "tickets");
  hy_sim_reset_counters (f->sim);
  hy_sim_drop_after_commit (f->sim, 1);
  created = create_ticket (f, "Dropped", &error);
  g_assert_null (created);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "look it up"));
  /* committed once, not retried */
  g_assert_cmpuint (state_count (f->sim, "tickets"), ==, before + 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Tickets"), ==, 1);
  g_clear_error (&error);

  /* an update is safe to repeat: retried after the drop */
  hy_sim_drop_after_commit (f->sim, 1);
  {
    g_autoptr (JsonObject) fields = json_object_new ();
    g_autoptr (HyHaloRecord) updated = NULL;

    json_object_set_string_member (fields, "summary", "After");
    hy_halo_client_update_ticket_async (f->client, hy_halo_record_get_id (first), fields,
                                        HY_HALO_PRIORITY_ALERT, NULL, NULL, hy_test_result_cb,
                                        &f->result);
    updated = finish_record (f, f->client, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (hy_halo_record_get_name (updated), ==, "After");
  }
}

typedef struct
{
  Fixture *f;
  guint bulk_left;
  GAsyncResult *me;
  gint64 me_queued;
  gint64 me_done;
  GPtrArray *bulk;
} Race;

static void
race_bulk_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Race *race = user_data;

  g_ptr_array_add (race->bulk, g_object_ref (result));
  race->bulk_left--;
}

static void
race_me_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Race *race = user_data;

  race->me = g_object_ref (result);
  race->me_done = g_get_monotonic_time ();
}

static gboolean
race_done (gpointer user_data)
{
  Race *race = user_data;

  return race->bulk_left == 0 && race->me != NULL;
}

static gboolean
race_start_me_cb (gpointer user_data)
{
  Race *race = user_data;

  guint used, max, window_ms, waiting;

  /* the first window is used up and the bulk listings' next pages wait */
  hy_halo_client_get_rate_usage (race->f->client, &used, &max, &window_ms, &waiting);
  g_assert_cmpuint (used, ==, 4);
  g_assert_cmpuint (max, ==, 4);
  g_assert_cmpuint (window_ms, ==, 600);
  g_assert_cmpuint (waiting, <=, 4);
  race->me_queued = g_get_monotonic_time ();
  hy_halo_client_get_agent_me_async (race->f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                     race_me_cb, race);
  return G_SOURCE_REMOVE;
}

/* A create Halo saved and then answered with an error (500, 502, 503, 408, or 401 once the body
 * was read) is never sent again by the client: its outcome is unknown, and the caller looks it
 * up. A refusal that proves nothing was saved (400, 409, 422…) stays what it is. */
static void
test_error_after_commit (Fixture *f, gconstpointer data)
{
  static const guint statuses[] = { 500, 502, 503, 408, 401 };
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloRecord) warm = create_ticket (f, "Signed in", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr (HyHaloRecord) created = NULL;
      g_autofree char *summary = g_strdup_printf ("Saved then %u", statuses[i]);
      g_autofree char *code = g_strdup_printf ("HTTP %u", statuses[i]);
      guint before = state_count (f->sim, "tickets");

      hy_sim_reset_counters (f->sim);
      hy_sim_set_error_after_commit (f->sim, 1, statuses[i]);
      created = create_ticket (f, summary, &error);
      hy_sim_set_error_after_commit (f->sim, 0, 0);
      g_assert_null (created);
      g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN);
      g_assert_nonnull (strstr (error->message, code));
      g_assert_nonnull (strstr (error->message, "look it up"));
      /* saved once, sent once */
      g_assert_cmpuint (state_count (f->sim, "tickets"), ==, before + 1);
      g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Tickets"), ==, 1);
      g_clear_error (&error);
    }

  /* after the 401 the client signs in again for what comes next */
  {
    g_autoptr (HyHaloRecord) after = create_ticket (f, "After the 401", &error);
    g_assert_no_error (error);
  }

  /* an action and an asset batch alike */
  {
    g_autoptr (JsonObject) note = json_object_new ();
    g_autoptr (HyHaloRecord) action = NULL;
    guint before = state_count (f->sim, "actions");

    json_object_set_int_member (note, "ticket_id", hy_halo_record_get_id (warm));
    json_object_set_string_member (note, "outcome", "Private Note");
    json_object_set_string_member (note, "note", "Saved then 502");
    hy_sim_reset_counters (f->sim);
    hy_sim_set_error_after_commit (f->sim, 1, 502);
    hy_halo_client_create_action_async (f->client, note, HY_HALO_PRIORITY_ALERT, NULL, NULL,
                                        hy_test_result_cb, &f->result);
    action = finish_record (f, f->client, &error);
    hy_sim_set_error_after_commit (f->sim, 0, 0);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN);
    g_assert_cmpuint (state_count (f->sim, "actions"), ==, before + 1);
    g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Actions"), ==, 1);
    g_clear_error (&error);
  }

  /* an update is safe to repeat: a 503 after its commit is retried */
  {
    g_autoptr (JsonObject) fields = json_object_new ();
    g_autoptr (HyHaloRecord) updated = NULL;

    json_object_set_string_member (fields, "summary", "Updated twice");
    hy_sim_reset_counters (f->sim);
    hy_sim_fail_next (f->sim, 1, 503);
    hy_halo_client_update_ticket_async (f->client, hy_halo_record_get_id (warm), fields,
                                        HY_HALO_PRIORITY_ALERT, NULL, NULL, hy_test_result_cb,
                                        &f->result);
    updated = finish_record (f, f->client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Tickets"), ==, 2);
  }

  /* a refusal proves nothing was saved: its own error, not an unknown outcome, not resent */
  {
    g_autoptr (HyHaloRecord) refused = NULL;

    hy_sim_reset_counters (f->sim);
    hy_sim_fail_next (f->sim, 1, 400);
    refused = create_ticket (f, "Refused", &error);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_REQUEST);
    g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Tickets"), ==, 1);
    g_clear_error (&error);
  }
}

static void
test_priority (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloRecord) me = NULL;
  Race race = { f, 4, NULL, 0, 0, g_ptr_array_new_with_free_func (g_object_unref) };

  {
    g_autoptr (HyHaloRecord) warm = NULL;
    hy_halo_client_get_agent_me_async (f->client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                       hy_test_result_cb, &f->result);
    warm = finish_record (f, f->client, &error);
    g_assert_no_error (error);
  }
  /* 4 requests per 600 ms. Four bulk listings (6 pages each) take the whole first window and
   * queue their second pages; the interactive call queued after them (at 100 ms) goes first
   * in the next window (at ~600 ms). In arrival order it would wait for the window after
   * (~1200 ms). */
  hy_halo_client_set_rate_limit (f->client, 4, 600);
  hy_sim_set_page_cap (f->sim, 20);
  hy_clock_advance (f->halo->clock, 650 * 1000); /* the warm-up's window rolls */
  for (guint i = 0; i < 4; i++)
    hy_halo_client_list_assets_async (f->client, 0, HY_HALO_PRIORITY_BULK, NULL, race_bulk_cb,
                                      &race);
  g_timeout_add (100, race_start_me_cb, &race);
  hy_test_wait_until (race_done, &race, "the four listings and the interactive call");

  me = hy_halo_client_record_finish (f->client, race.me, &error);
  g_assert_no_error (error);
  g_test_message ("interactive call waited %" G_GINT64_FORMAT " ms",
                  (race.me_done - race.me_queued) / 1000);
  g_assert_cmpint (race.me_done - race.me_queued, >=, 300 * 1000);
  g_assert_cmpint (race.me_done - race.me_queued, <, 950 * 1000);
  for (guint i = 0; i < race.bulk->len; i++)
    {
      g_autoptr (HyHaloList) list =
          hy_halo_client_list_finish (f->client, g_ptr_array_index (race.bulk, i), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->records->len, ==, 120);
    }
  g_object_unref (race.me);
  g_ptr_array_unref (race.bulk);
}

static JsonObject *
new_asset (gint64 client_id, gint64 site_id, gint64 type_id, const char *tag)
{
  JsonObject *asset = json_object_new ();

  json_object_set_int_member (asset, "client_id", client_id);
  json_object_set_double_member (asset, "site_id", (double) site_id);
  g_autofree char *type = g_strdup_printf ("%" G_GINT64_FORMAT, type_id);

  json_object_set_string_member (asset, "assettype_id", type);
  if (tag)
    json_object_set_string_member (asset, "inventory_number", tag);
  return asset;
}

/* Each saved record has its own id, the update's id for an update, and is the sim's asset with
 * the asset number and notes sent */
static void
check_batch_saved (Fixture *f, GPtrArray *input, GPtrArray *saved)
{
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (JsonNode) after = hy_sim_dump_state (f->sim);
  JsonArray *assets = json_object_get_array_member (json_node_get_object (after), "assets");

  for (guint i = 0; i < saved->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (saved, i);
      JsonObject *in = g_ptr_array_index (input, i);
      gint64 id = hy_halo_record_get_id (r);
      gboolean found = FALSE;

      g_assert_cmpint (id, >, 0);
      g_assert_false (g_hash_table_contains (ids, &id));
      g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
      if (hy_halo_json_get_id (in, "id") > 0)
        g_assert_cmpint (id, ==, hy_halo_json_get_id (in, "id"));
      /* the id belongs to the asset with that asset number in the sim */
      for (guint j = 0; j < json_array_get_length (assets); j++)
        {
          JsonObject *a = json_array_get_object_element (assets, j);
          if (json_object_get_int_member (a, "id") != id)
            continue;
          found = TRUE;
          if (json_object_has_member (in, "inventory_number"))
            g_assert_cmpstr (json_object_get_string_member (a, "inventory_number"), ==,
                             json_object_get_string_member (in, "inventory_number"));
          if (json_object_has_member (in, "notes"))
            g_assert_cmpstr (json_object_get_string_member (a, "notes"), ==,
                             json_object_get_string_member (in, "notes"));
        }
      g_assert_true (found);
    }
}

/* a batch of creates whose connection drops after the commit: outcome unknown, not resent */
static void
check_dropped_batch (Fixture *f, gint64 client_id, gint64 site_id, gint64 type_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GAsyncResult) dropped = NULL;
  g_autoptr (GPtrArray) none = NULL;
  guint before = state_count (f->sim, "assets");

  g_ptr_array_add (more, new_asset (client_id, site_id, type_id, "HY-DROP-1"));
  g_ptr_array_add (more, new_asset (client_id, site_id, type_id, "HY-DROP-2"));
  hy_sim_drop_after_commit (f->sim, 1);
  hy_halo_client_save_assets_async (f->client, more, HY_HALO_PRIORITY_BULK, NULL, NULL,
                                    hy_test_result_cb, &f->result);
  dropped = wait_result (f);
  none = hy_halo_client_save_assets_finish (f->client, dropped, &error);
  g_assert_null (none);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpuint (state_count (f->sim, "assets"), ==, before + 2);
}

static void
test_batch_writes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) input = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonObject *root = json_node_get_object (state);
  JsonObject *existing0 =
      json_array_get_object_element (json_object_get_array_member (root, "assets"), 0);
  JsonObject *existing1 =
      json_array_get_object_element (json_object_get_array_member (root, "assets"), 1);
  JsonObject *site =
      json_array_get_object_element (json_object_get_array_member (root, "sites"), 0);
  gint64 client_id = json_object_get_int_member (site, "client_id");
  gint64 site_id = json_object_get_int_member (site, "id");
  gint64 type_id = state_first_id (f->sim, "asset_types");
  guint assets_before = state_count (f->sim, "assets");

  /* 7 creates, an update in the middle, another at the end, one create without asset number */
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *tag = g_strdup_printf ("HY-NEW-%u", i);
      g_ptr_array_add (input, new_asset (client_id, site_id, type_id, tag));
      if (i == 3)
        {
          JsonObject *update = json_object_new ();
          g_autofree char *id =
              g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (existing0, "id"));

          json_object_set_string_member (update, "id", id);
          json_object_set_string_member (update, "notes", "updated by the batch");
          g_ptr_array_add (input, update);
        }
    }
  {
    JsonObject *update = json_object_new ();
    json_object_set_int_member (update, "id", json_object_get_int_member (existing1, "id"));
    json_object_set_string_member (update, "notes", "updated too");
    g_ptr_array_add (input, update);
  }
  g_ptr_array_add (input, new_asset (client_id, site_id, type_id, NULL));

  hy_halo_client_set_batch_size (f->client, 3);
  hy_sim_reset_counters (f->sim);
  hy_halo_client_save_assets_async (f->client, input, HY_HALO_PRIORITY_BULK, "group:7", NULL,
                                    hy_test_result_cb, &f->result);
  result = wait_result (f);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (saved->len, ==, input->len);
  /* 9 batchable items in batches of 3, the untagged create alone */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 4);
  g_assert_cmpuint (state_count (f->sim, "assets"), ==, assets_before + 8);

  check_batch_saved (f, input, saved);

  /* the caller's objects were not changed (ids normalised on copies only) */
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (input, 4), "id"), !=, NULL);

  check_dropped_batch (f, client_id, site_id, type_id);
}

/* Creates in @n_clients clients (3 each, tagged PREFIX-c-i), in one call; the ids must be the
 * sim's assets with those asset numbers, whatever order Halo answers in. */
static void
creates_in_clients (Fixture *f, const char *prefix, guint n_clients, GPtrArray **out_input)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonArray *sites = json_object_get_array_member (json_node_get_object (state), "sites");
  gint64 type_id = state_first_id (f->sim, "asset_types");
  GPtrArray *input = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gint64 last_client = 0;
  gint64 last_site = 0;
  guint clients = 0;

  for (guint s = 0; s < json_array_get_length (sites) && clients < n_clients; s++)
    {
      JsonObject *site = json_array_get_object_element (sites, s);
      gint64 client_id = json_object_get_int_member (site, "client_id");

      if (client_id == last_client)
        continue;
      last_client = client_id;
      last_site = json_object_get_int_member (site, "id");
      clients++;
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *tag = g_strdup_printf ("%s-%u-%u", prefix, clients, i);
          g_ptr_array_add (input, new_asset (client_id, json_object_get_int_member (site, "id"),
                                             type_id, tag));
        }
    }
  /* One create known by its key field (device name) only */
  {
    JsonObject *named = new_asset (last_client, last_site, type_id, NULL);
    g_autofree char *name = g_strdup_printf ("%s-NAMED-PC", prefix);
    JsonArray *fields = json_array_new ();
    JsonObject *field = json_object_new ();

    /* Halo derives key_field from the type's key field (Device Name, 101) and ignores it on
     * write: the name goes in fields; key_field stays in the input for the read-back. */
    json_object_set_int_member (field, "id", 101);
    json_object_set_string_member (field, "value", name);
    json_array_add_object_element (fields, field);
    json_object_set_array_member (named, "fields", fields);
    json_object_set_string_member (named, "key_field", name);
    g_ptr_array_add (input, named);
  }
  *out_input = input;
}

static void
check_saved_ids (Fixture *f, GPtrArray *input, GPtrArray *saved)
{
  g_autoptr (JsonNode) after = hy_sim_dump_state (f->sim);
  JsonArray *assets = json_object_get_array_member (json_node_get_object (after), "assets");

  g_assert_cmpuint (saved->len, ==, input->len);
  for (guint i = 0; i < saved->len; i++)
    {
      JsonObject *in = g_ptr_array_index (input, i);
      gint64 id = hy_halo_record_get_id (g_ptr_array_index (saved, i));
      gboolean found = FALSE;

      g_assert_cmpint (id, >, 0);
      for (guint j = 0; j < json_array_get_length (assets); j++)
        {
          JsonObject *a = json_array_get_object_element (assets, j);
          const char *member =
              json_object_has_member (in, "inventory_number") ? "inventory_number" : "key_field";
          if (json_object_get_int_member (a, "id") != id)
            continue;
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (a, member), ==,
                           json_object_get_string_member (in, member));
          g_assert_cmpint (json_object_get_int_member (a, "client_id"), ==,
                           hy_halo_json_get_id (in, "client_id"));
        }
      g_assert_true (found);
    }
}

/* ?returnall=true honoured: one POST for the whole batch, across clients, and no read-back. */
static void
test_batch_returnall (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  creates_in_clients (f, "RA", 4, &input);
  hy_sim_reset_counters (f->sim);
  hy_halo_client_save_assets_async (f->client, input, HY_HALO_PRIORITY_BULK, "group:ra", NULL,
                                    hy_test_result_cb, &f->result);
  result = wait_result (f);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Asset"), ==, 0);
  check_saved_ids (f, input, saved);
}

/* A Halo that ignores ?returnall (the last record only): the creates are read back after the
 * POST with lists, not one GET per asset; the list requests carry the caller's record tag. Here
 * one list of every asset (2 pages of 100) is cheaper than one per client concerned (4). */
static void
test_batch_returnall_ignored (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  guint tagged = 0;

  creates_in_clients (f, "IG", 4, &input);
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sim_reset_counters (f->sim);
  g_ptr_array_set_size (f->events, 0);
  hy_halo_client_save_assets_async (f->client, input, HY_HALO_PRIORITY_BULK, "group:ig", NULL,
                                    hy_test_result_cb, &f->result);
  result = wait_result (f);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 1);
  /* 13 creates in 4 clients (20 assets each: one page each); 133 assets in all: 2 pages */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Asset"), ==, 2);
  check_saved_ids (f, input, saved);
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (g_strcmp0 (e->method, "GET") == 0 && g_str_has_prefix (e->path, "/api/Asset"))
        {
          g_assert_cmpstr (e->record, ==, "group:ig");
          tagged++;
        }
    }
  g_assert_cmpuint (tagged, ==, 2);
}

/* The same when one list of every asset would take more pages than the clients' lists: its
 * first page says so (record_count), and the clients are listed one by one — one request more
 * than listing them at once, never a whole list of Halo's assets. */
static void
test_batch_returnall_ignored_per_client (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonArray *assets;
  guint expected = 1, global = 0;

  creates_in_clients (f, "PC", 4, &input);
  hy_halo_client_set_page_size (f->client, 10);
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sim_reset_counters (f->sim);
  g_ptr_array_set_size (f->events, 0);
  hy_halo_client_save_assets_async (f->client, input, HY_HALO_PRIORITY_BULK, NULL, NULL,
                                    hy_test_result_cb, &f->result);
  result = wait_result (f);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  check_saved_ids (f, input, saved);

  /* 1 first page of every asset, then each client's pages of 10 */
  state = hy_sim_dump_state (f->sim);
  assets = json_object_get_array_member (json_node_get_object (state), "assets");
  {
    g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    for (guint i = 0; i < input->len; i++)
      {
        gint64 id = hy_halo_json_get_id (g_ptr_array_index (input, i), "client_id");
        gboolean known = FALSE;
        for (guint c = 0; c < ids->len; c++)
          known = known || g_array_index (ids, gint64, c) == id;
        if (!known)
          g_array_append_val (ids, id);
      }
    for (guint c = 0; c < ids->len; c++)
      {
        guint n = 0;
        for (guint j = 0; j < json_array_get_length (assets); j++)
          if (json_object_get_int_member (json_array_get_object_element (assets, j), "client_id") ==
              g_array_index (ids, gint64, c))
            n++;
        expected += (n + 9) / 10;
      }
  }
  g_assert_cmpuint (expected, >, 1 + 4);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Asset"), ==, expected);
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (g_strcmp0 (e->method, "GET") == 0 && g_str_has_prefix (e->path, "/api/Asset") &&
          strstr (e->path, "client_id=") == NULL)
        global++;
    }
  g_assert_cmpuint (global, ==, 1);
}

/* HY_HALO_SAVE_NO_READ_BACK: the caller reads many saves back at once, so a Halo that ignores
 * ?returnall costs the POST only; the creates its answer did not identify come back NULL. */
static void
test_batch_no_read_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  guint identified = 0;

  creates_in_clients (f, "NR", 3, &input);
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sim_reset_counters (f->sim);
  hy_halo_client_save_assets_full_async (f->client, input, HY_HALO_SAVE_NO_READ_BACK,
                                         HY_HALO_PRIORITY_BULK, NULL, NULL, hy_test_result_cb,
                                         &f->result);
  result = wait_result (f);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Asset"), ==, 0);
  g_assert_cmpuint (saved->len, ==, input->len);
  for (guint i = 0; i < saved->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (saved, i);
      JsonObject *in = g_ptr_array_index (input, i);

      if (r == NULL)
        continue;
      identified++;
      g_assert_cmpint (hy_halo_record_get_id (r), >, 0);
      if (json_object_has_member (in, "inventory_number"))
        g_assert_cmpstr (hy_halo_record_get_string (r, "inventory_number"), ==,
                         json_object_get_string_member (in, "inventory_number"));
      else
        g_assert_cmpstr (hy_halo_record_get_string (r, "key_field"), ==,
                         json_object_get_string_member (in, "key_field"));
    }
  /* Halo answered with its last record only */
  g_assert_cmpuint (identified, ==, 1);
}

/* Two creates with the same asset number in one client cannot be told apart in one answer:
 * each is sent on its own. */
static void
test_batch_same_key (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *first;

  creates_in_clients (f, "DUP", 1, &input);
  first = g_ptr_array_index (input, 0);
  g_ptr_array_add (input, new_asset (hy_halo_json_get_id (first, "client_id"),
                                     hy_halo_json_get_id (first, "site_id"),
                                     hy_halo_json_get_id (first, "assettype_id"), "DUP-1-0"));
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sim_reset_counters (f->sim);
  hy_halo_client_save_assets_async (f->client, input, HY_HALO_PRIORITY_BULK, NULL, NULL,
                                    hy_test_result_cb, &f->result);
  result = wait_result (f);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  /* the other 3 in one POST (then one list), the two twins alone */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 3);
  g_assert_cmpint (hy_halo_record_get_id (g_ptr_array_index (saved, 0)), !=,
                   hy_halo_record_get_id (g_ptr_array_index (saved, input->len - 1)));
  check_saved_ids (f, input, saved);
}

/* Halo ignored returnall and the client already holds an asset with a create's asset number:
 * the read-back cannot tell which is new, and says so rather than guessing. */
static void
test_batch_returnall_ignored_ambiguous (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GPtrArray) earlier =
      g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) first = NULL;
  g_autoptr (GPtrArray) first_saved = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *one;

  creates_in_clients (f, "AMB", 1, &input);
  one = g_ptr_array_index (input, 0);
  g_ptr_array_add (earlier, new_asset (hy_halo_json_get_id (one, "client_id"),
                                       hy_halo_json_get_id (one, "site_id"),
                                       hy_halo_json_get_id (one, "assettype_id"), "AMB-1-0"));
  hy_halo_client_save_assets_async (f->client, earlier, HY_HALO_PRIORITY_BULK, NULL, NULL,
                                    hy_test_result_cb, &f->result);
  first = wait_result (f);
  first_saved = hy_halo_client_save_assets_finish (f->client, first, &error);
  g_assert_no_error (error);

  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_halo_client_save_assets_async (f->client, input, HY_HALO_PRIORITY_BULK, NULL, NULL,
                                    hy_test_result_cb, &f->result);
  result = wait_result (f);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_null (saved);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "AMB-1-0"));
  g_assert_nonnull (strstr (error->message, "asset number"));
}

/* list_sites (0) lists every client's sites; a client id filters (and is checked). */
static void
test_list_sites_all (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloList) all = NULL;
  g_autoptr (HyHaloList) one = NULL;
  gint64 client_id = state_first_id (f->sim, "clients");

  hy_halo_client_list_sites_async (f->client, 0, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                   &f->result);
  all = finish_list (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->records->len, ==, state_count (f->sim, "sites"));
  g_assert_cmpuint (all->records->len, >, 2);
  hy_halo_client_list_sites_async (f->client, client_id, HY_HALO_PRIORITY_BULK, NULL,
                                   hy_test_result_cb, &f->result);
  one = finish_list (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->records->len, ==, 2);
}

/* A list call's record tag is on each of its requests' events */
static void
test_list_record_tag (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloList) list = NULL;
  guint tagged = 0;

  hy_halo_client_set_page_size (f->client, 2);
  g_ptr_array_set_size (f->events, 0);
  hy_halo_client_list_async (f->client, HY_HALO_KIND_CLIENT, NULL, NULL, 0, HY_HALO_PRIORITY_BULK,
                             "computer:pc1", NULL, hy_test_result_cb, &f->result);
  list = finish_list (f, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->requests, >, 1);
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (g_str_has_prefix (e->path, "/api/Client"))
        {
          g_assert_cmpstr (e->record, ==, "computer:pc1");
          tagged++;
        }
    }
  g_assert_cmpuint (tagged, ==, list->requests);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  hy_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/halo/sim/discovery", test_discovery);
  ADD ("/halo/sim/invalid-client-and-scope", test_invalid_client);
  ADD ("/halo/sim/lists", test_lists);
  ADD ("/halo/sim/list-sites-all", test_list_sites_all);
  ADD ("/halo/sim/list-record-tag", test_list_record_tag);
  ADD ("/halo/sim/batch-returnall", test_batch_returnall);
  ADD ("/halo/sim/batch-returnall-ignored", test_batch_returnall_ignored);
  ADD ("/halo/sim/batch-returnall-ignored-per-client", test_batch_returnall_ignored_per_client);
  ADD ("/halo/sim/batch-no-read-back", test_batch_no_read_back);
  ADD ("/halo/sim/batch-same-key", test_batch_same_key);
  ADD ("/halo/sim/batch-returnall-ignored-ambiguous", test_batch_returnall_ignored_ambiguous);
  ADD ("/halo/sim/paging", test_paging);
  ADD ("/halo/sim/tickets-actions-filters", test_tickets);
  ADD ("/halo/sim/token-refresh", test_token_refresh);
  ADD ("/halo/sim/rate-limit", test_rate_limit);
  ADD ("/halo/sim/rate-limit-bounded", test_rate_limit_bounded);
  ADD ("/halo/sim/budget-bounded", test_budget_bounded);
  ADD ("/halo/sim/server-errors", test_server_errors);
  ADD ("/halo/sim/outcome-unknown", test_outcome_unknown);
  ADD ("/halo/sim/error-after-commit", test_error_after_commit);
  ADD ("/halo/sim/priority", test_priority);
  ADD ("/halo/sim/batch-writes", test_batch_writes);
  return g_test_run ();
}
