/* test-halo-sim-fixture.c: the fixture and helpers of the programs testing HyHaloClient
 * against halyard-sim
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "test-halo-sim-fixture.h"

HyHaloClient *
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

void
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

void
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

HyHaloList *
finish_list (Fixture *f, HyHaloClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = wait_result (f);
  return hy_halo_client_list_finish (client, result, error);
}

HyHaloRecord *
finish_record (Fixture *f, HyHaloClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = wait_result (f);
  return hy_halo_client_record_finish (client, result, error);
}

JsonArray *
state_array (HySim *sim, const char *key, JsonNode **keep)
{
  *keep = hy_sim_dump_state (sim);
  return json_object_get_array_member (json_node_get_object (*keep), key);
}

guint
state_count (HySim *sim, const char *key)
{
  g_autoptr (JsonNode) state = NULL;
  return json_array_get_length (state_array (sim, key, &state));
}

gint64
state_first_id (HySim *sim, const char *key)
{
  g_autoptr (JsonNode) state = NULL;
  JsonArray *array = state_array (sim, key, &state);
  return json_object_get_int_member (json_array_get_object_element (array, 0), "id");
}

guint
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

JsonObject *
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

HyHaloRecord *
create_ticket (Fixture *f, const char *summary, GError **error)
{
  g_autoptr (JsonObject) ticket = ticket_for (f->sim, summary);

  hy_halo_client_create_ticket_async (f->client, ticket, HY_HALO_PRIORITY_ALERT, "alert:disk", NULL,
                                      hy_test_result_cb, &f->result);
  return finish_record (f, f->client, error);
}
