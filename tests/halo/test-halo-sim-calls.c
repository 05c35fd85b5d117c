/* test-halo-sim-calls.c: HyHaloClient against halyard-sim, in-process on a free port: the call
 * state machine (token refresh, Halo's rate limit and the client's budget, server errors, outcomes
 * unknown after a commit, the lanes' priority)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "test-halo-sim-fixture.h"

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

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  hy_test_init (&argc, &argv);

  HALO_SIM_TEST_ADD ("/halo/sim/token-refresh", test_token_refresh);
  HALO_SIM_TEST_ADD ("/halo/sim/rate-limit", test_rate_limit);
  HALO_SIM_TEST_ADD ("/halo/sim/rate-limit-bounded", test_rate_limit_bounded);
  HALO_SIM_TEST_ADD ("/halo/sim/budget-bounded", test_budget_bounded);
  HALO_SIM_TEST_ADD ("/halo/sim/server-errors", test_server_errors);
  HALO_SIM_TEST_ADD ("/halo/sim/outcome-unknown", test_outcome_unknown);
  HALO_SIM_TEST_ADD ("/halo/sim/error-after-commit", test_error_after_commit);
  HALO_SIM_TEST_ADD ("/halo/sim/priority", test_priority);

  return g_test_run ();
}
