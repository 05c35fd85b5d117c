/* test-sim-faults.c: halyard-sim through real HTTP: rate limits, failures, dropped replies and
 * latency
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-sim-fixture.h"

static void
test_rate_limit (Fixture *f, gconstpointer data)
{
  g_auto (Response) limited = { 0 };
  g_auto (Response) with_header = { 0 };
  g_auto (Response) token = { 0 };

  hy_sim_set_rate_limit (f->sim, 3, 60000, FALSE);
  for (guint i = 0; i < 3; i++)
    {
      g_auto (Response) ok = { 0 };

      g_assert_cmpuint (api_get (f, "/api/Status", &ok), ==, 200);
    }

  g_assert_cmpuint (api_get (f, "/api/Status", &limited), ==, 429);
  g_assert_cmpstr (limited.body, ==, "Rate Limit Reached - 3 Requests per rolling 1 minute window");
  g_assert_null (limited.retry_after);

  /* The token endpoint counts too. */
  send_full (f, "POST", "/auth/token", NULL, "application/x-www-form-urlencoded",
             "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret",
             &token);
  g_assert_cmpuint (token.status, ==, 429);

  hy_sim_set_rate_limit (f->sim, 1, 300000, TRUE);
  {
    g_assert_cmpuint (get_status (f, "/api/Status"), ==, 200);
  }
  g_assert_cmpuint (api_get (f, "/api/Status", &with_header), ==, 429);
  g_assert_cmpstr (with_header.body, ==,
                   "Rate Limit Reached - 1 Requests per rolling 5 minute window");
  g_assert_nonnull (with_header.retry_after);
  g_assert_cmpint (g_ascii_strtoll (with_header.retry_after, NULL, 10), >=, 299);

  /* A rolling window: once it has passed, requests go through again. */
  hy_sim_set_rate_limit (f->sim, 2, 800, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      g_auto (Response) ok = { 0 };

      g_assert_cmpuint (api_get (f, "/api/Status", &ok), ==, 200);
    }
  {
    g_assert_cmpuint (get_status (f, "/api/Status"), ==, 429);
  }
  hy_clock_advance (f->clock, 900 * 1000);
  g_assert_cmpuint (get_status (f, "/api/Status"), ==, 200);

  hy_sim_set_rate_limit (f->sim, 0, 0, FALSE);
}

static void
test_fail_next_and_server_errors (Fixture *f, gconstpointer data)
{
  g_auto (Response) html = { 0 };

  hy_sim_fail_next (f->sim, 2, 503);
  for (guint i = 0; i < 2; i++)
    {
      g_auto (Response) failed = { 0 };

      g_assert_cmpuint (api_get (f, "/api/Client", &failed), ==, 503);
    }
  g_assert_cmpuint (get_status (f, "/api/Client"), ==, 200);

  hy_sim_fail_next (f->sim, 1, 429);
  {
    g_auto (Response) limited = { 0 };

    g_assert_cmpuint (api_get (f, "/api/Client", &limited), ==, 429);
    g_assert_cmpstr (limited.body, ==,
                     "Rate Limit Reached - 300 Requests per rolling 5 minute window");
    g_assert_null (limited.retry_after);
  }

  hy_sim_fail_next (f->sim, 1, 502);
  g_assert_cmpuint (api_get (f, "/api/Client", &html), ==, 502);
  g_assert_true (g_str_has_prefix (html.content_type, "text/html"));

  hy_sim_set_server_errors (f->sim, 1.0, 7);
  for (guint i = 0; i < 6; i++)
    {
      g_auto (Response) failed = { 0 };
      guint status = api_get (f, "/api/Client", &failed);

      g_assert_true (status == 500 || status == 502);
    }

  hy_sim_set_server_errors (f->sim, 0.0, 7);
  hy_sim_set_down (f->sim, TRUE);
  {
    g_assert_cmpuint (get_status (f, "/api/Client"), ==, 503);
  }
  hy_sim_set_down (f->sim, FALSE);
  {
    g_assert_cmpuint (get_status (f, "/api/Client"), ==, 200);
  }
}

static void
test_drop_after_commit (Fixture *f, gconstpointer data)
{
  g_auto (Response) dropped = { 0 };
  g_autoptr (JsonNode) state = NULL;
  JsonArray *tickets;
  guint before = state_count (f, "tickets");
  gboolean found = FALSE;

  hy_sim_drop_after_commit (f->sim, 1);
  send_full (f, "POST", "/api/Tickets", f->token, "application/json",
             "[{\"summary\":\"Lost reply\",\"tickettype_id\":4,\"client_id\":12}]", &dropped);
  g_assert_nonnull (dropped.error);
  g_assert_cmpuint (dropped.status, ==, 0);

  /* The write happened, exactly once. */
  state = hy_sim_dump_state (f->sim);
  tickets = json_object_get_array_member (json_node_get_object (state), "tickets");
  g_assert_cmpuint (json_array_get_length (tickets), ==, before + 1);
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (tickets, i),
                                                       "summary"),
                        "Lost reply") == 0;
  g_assert_true (found);

  g_assert_cmpuint (post_status (f, "/api/Tickets",
                                 "[{\"summary\":\"Heard\",\"tickettype_id\":4,\"client_id\":12}]"),
                    ==, 201);
  g_assert_cmpuint (state_count (f, "tickets"), ==, before + 2);
}

static void
test_latency (Fixture *f, gconstpointer data)
{
  gint64 start;

  hy_sim_set_latency (f->sim, 150);
  start = g_get_monotonic_time ();
  g_assert_cmpuint (get_status (f, "/api/Status"), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  hy_sim_set_latency (f->sim, 0);
}

static void
wait_for_requests (HySim *sim, guint count)
{
  while (hy_sim_get_request_count (sim) < count)
    g_main_context_iteration (NULL, FALSE);
}

/* A client that hangs up while its answer is held back by the latency: the held answer is
 * dropped with the connection (unpausing it would trip libsoup's io_data assertion). */
static void
test_latency_hang_up (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strdup_printf ("%s/api/authinfo", hy_sim_get_base_url (f->sim));
  guint before = hy_sim_get_request_count (f->sim);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr (SoupSession) session = new_session ();
      g_auto (Response) later = { 0 };

      hy_sim_set_latency (f->sim, 5);
      soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, cancellable, NULL, NULL);
      wait_for_requests (f->sim, ++before);
      g_cancellable_cancel (cancellable);
      g_clear_object (&session);

      /* An answer held longer comes after the hung-up one's time: when it arrives, the
       * simulator has been through the moment it would have answered the first. */
      hy_sim_set_latency (f->sim, 10);
      send_full (f, "GET", "/api/authinfo", NULL, NULL, NULL, &later);
      g_assert_no_error (later.error);
      g_assert_cmpuint (later.status, ==, 200);
      before++;
    }
}

/* Stopping while answers are held back, at every moment of their wait: none is sent on a
 * connection the stop has closed. */
static void
test_latency_stop (void)
{
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr (HySim) sim = hy_sim_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (SoupSession) session = new_session ();
      g_autofree char *url = NULL;

      g_assert_true (hy_sim_start (sim, 0, &error));
      g_assert_no_error (error);
      hy_sim_set_latency (sim, 1 + i % 3);
      url = g_strdup_printf ("%s/api/authinfo", hy_sim_get_base_url (sim));
      for (guint j = 0; j < 6; j++)
        {
          g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

          soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
        }
      wait_for_requests (sim, 1 + i % 6);
      hy_sim_stop (sim);
      g_clear_object (&session);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

int
main (int argc, char *argv[])
{
  hy_test_init (&argc, &argv);

  SIM_TEST_ADD ("/sim/faults/rate-limit", test_rate_limit);
  SIM_TEST_ADD ("/sim/faults/fail-next", test_fail_next_and_server_errors);
  SIM_TEST_ADD ("/sim/faults/drop-after-commit", test_drop_after_commit);
  SIM_TEST_ADD ("/sim/faults/latency", test_latency);
  SIM_TEST_ADD ("/sim/faults/latency-hang-up", test_latency_hang_up);
  g_test_add_func ("/sim/latency-stop", test_latency_stop);

  return g_test_run ();
}
