/* test-sim-server.c: halyard-sim through real HTTP: the /_sim endpoints, request counts,
 * concurrent clients, start and stop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-sim-fixture.h"

static void
test_sim_endpoints (Fixture *f, gconstpointer data)
{
  g_auto (Response) state = { 0 };
  g_auto (Response) faults = { 0 };
  g_auto (Response) bad = { 0 };
  g_auto (Response) seeded = { 0 };
  g_auto (Response) bad_seed = { 0 };
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;
  static const char *const keys[] = { "clients",  "sites",    "assets",      "agents",
                                      "tickets",  "actions",  "users",       "ticket_types",
                                      "statuses", "outcomes", "asset_types", "teams" };

  send_full (f, "GET", "/_sim/state", NULL, NULL, NULL, &state);
  g_assert_cmpuint (state.status, ==, 200);
  node = parse (state.body);
  object = json_node_get_object (node);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_get_array_member (object, keys[i]) != NULL);
  g_assert_cmpint (json_object_get_int_member (object, "requests"), >=, 1);

  send_full (f, "POST", "/_sim/faults", NULL, "application/json",
             "{\"fail_next\":{\"count\":1,\"status\":500},\"page_cap\":100}", &faults);
  g_assert_cmpuint (faults.status, ==, 204);
  g_assert_cmpuint (get_status (f, "/api/Client"), ==, 500);

  send_full (f, "POST", "/_sim/faults", NULL, "application/json",
             "{\"granted_scopes\":\"read:tickets\"}", &faults);
  g_assert_cmpuint (get_status (f, "/api/Client"), ==, 403);

  send_full (f, "POST", "/_sim/faults", NULL, "application/json", "{not json", &bad);
  g_assert_cmpuint (bad.status, ==, 400);

  /* A seed through HTTP, for a separate sim process. */
  send_full (f, "POST", "/_sim/seed", NULL, "application/json",
             "{\"clients\":[{\"id\":5,\"name\":\"Only Client\"}]}", &seeded);
  g_assert_cmpuint (seeded.status, ==, 204);
  g_assert_cmpuint (state_count (f, "clients"), ==, 1);
  g_assert_cmpuint (state_count (f, "statuses"), >, 0);
  send_full (f, "POST", "/_sim/seed", NULL, "application/json",
             "{\"clients\":[{\"id\":5,\"name\":\"A\"},{\"id\":5,\"name\":\"B\"}]}", &bad_seed);
  g_assert_cmpuint (bad_seed.status, ==, 400);
  g_assert_cmpuint (state_count (f, "clients"), ==, 1);
}

static void
test_request_counts (Fixture *f, gconstpointer data)
{
  g_auto (Response) state = { 0 };

  hy_sim_reset_counters (f->sim);
  get_status (f, "/api/Client");
  get_status (f, "/API/client?search=x");
  post_status (f, "/api/Client", "[{\"name\":\"Counted Ltd\"}]");
  send_full (f, "GET", "/_sim/state", NULL, NULL, NULL, &state);

  g_assert_cmpuint (hy_sim_get_request_count (f->sim), ==, 3);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/client"), ==, 2);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "post", "/API/Client"), ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, NULL, "/api/"), ==, 3);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/asset"), ==, 0);
}

typedef struct
{
  const char *base_url;
  const char *token;
  guint ok;
  guint created;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", worker->token);

  for (guint i = 0; i < 40; i++)
    {
      gboolean write = i % 4 == 0;
      g_autofree char *url =
          g_strdup_printf ("%s%s", worker->base_url,
                           write ? "/api/Client"
                                 : "/api/Asset?pageinate=true&page_size=100&page_no=1");
      g_autoptr (SoupMessage) msg = soup_message_new (write ? "POST" : "GET", url);
      g_autoptr (GBytes) body = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
      if (write)
        {
          static const char json[] = "[{\"name\":\"Parallel Ltd\"}]";
          g_autoptr (GBytes) request = g_bytes_new_static (json, sizeof json - 1);

          soup_message_set_request_body_from_bytes (msg, "application/json", request);
        }

      body = soup_session_send_and_read (session, msg, NULL, NULL);
      if (body != NULL && soup_message_get_status (msg) == (write ? 201 : 200))
        {
          worker->ok++;
          worker->created += write;
        }
    }

  return NULL;
}

/* Four clients at once while faults change under them: no deadlock, every write counted. */
static void
test_concurrency (Fixture *f, gconstpointer data)
{
  Worker workers[4] = { { 0 } };
  GThread *threads[4];
  guint clients = state_count (f, "clients");
  guint created = 0;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      workers[i].base_url = hy_sim_get_base_url (f->sim);
      workers[i].token = f->token;
      threads[i] = g_thread_new ("sim-client", worker_thread, &workers[i]);
    }

  for (guint i = 0; i < 20; i++)
    {
      g_auto (Response) state = { 0 };

      hy_sim_set_page_cap (f->sim, i % 2 == 0 ? 50 : 100);
      hy_sim_set_latency (f->sim, i % 3);
      send_full (f, "GET", "/_sim/state", NULL, NULL, NULL, &state);
      g_assert_cmpuint (state.status, ==, 200);
    }

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (workers[i].ok, ==, 40);
      created += workers[i].created;
    }

  g_assert_cmpuint (created, ==, 40);
  g_assert_cmpuint (state_count (f, "clients"), ==, clients + created);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/client"), ==, 40);
}

static gboolean
request_seen (gpointer sim)
{
  return hy_sim_get_request_count (sim) > 0;
}

/* Start, a port already taken, stop with an answer still delayed, start again. */
static void
test_lifecycle (void)
{
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (HySim) other = hy_sim_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  g_assert_null (hy_sim_get_base_url (sim));
  g_assert_true (hy_sim_start (sim, 0, &error));
  g_assert_no_error (error);
  port = hy_sim_get_port (sim);
  g_assert_cmpuint (port, >, 0);

  g_assert_false (hy_sim_start (sim, 0, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_RUNNING);
  g_clear_error (&error);

  g_assert_false (hy_sim_start (other, port, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_LISTEN);
  g_clear_error (&error);

  /* A delayed answer in flight does not hold up stop. */
  hy_sim_set_latency (sim, 2000);
  url = g_strdup_printf ("%s/api/authinfo", hy_sim_get_base_url (sim));
  msg = soup_message_new ("GET", url);
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  /* The simulator counts in its own thread: looked at every 10 ms. */
  hy_test_wait_until_polled (request_seen, sim, 10, "the request reaching the simulator");
  g_assert_cmpuint (hy_sim_get_request_count (sim), ==, 1);
  hy_sim_stop (sim);
  hy_sim_stop (sim);

  hy_sim_set_latency (sim, 0);
  g_assert_true (hy_sim_start (sim, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hy_sim_get_base_url (sim), "http://127.0.0.1:"));
  hy_sim_stop (sim);
}

int
main (int argc, char *argv[])
{
  hy_test_init (&argc, &argv);

  SIM_TEST_ADD ("/sim/control/endpoints", test_sim_endpoints);
  SIM_TEST_ADD ("/sim/control/request-counts", test_request_counts);
  SIM_TEST_ADD ("/sim/concurrency", test_concurrency);
  g_test_add_func ("/sim/lifecycle", test_lifecycle);

  return g_test_run ();
}
