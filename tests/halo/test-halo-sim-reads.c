/* test-halo-sim-reads.c: HyHaloClient against halyard-sim, in-process on a free port:
 * discovery and sign-in, lists and their paging, tickets and actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "test-halo-sim-fixture.h"

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

  HALO_SIM_TEST_ADD ("/halo/sim/discovery", test_discovery);
  HALO_SIM_TEST_ADD ("/halo/sim/invalid-client-and-scope", test_invalid_client);
  HALO_SIM_TEST_ADD ("/halo/sim/lists", test_lists);
  HALO_SIM_TEST_ADD ("/halo/sim/list-sites-all", test_list_sites_all);
  HALO_SIM_TEST_ADD ("/halo/sim/list-record-tag", test_list_record_tag);
  HALO_SIM_TEST_ADD ("/halo/sim/paging", test_paging);
  HALO_SIM_TEST_ADD ("/halo/sim/tickets-actions-filters", test_tickets);

  return g_test_run ();
}
