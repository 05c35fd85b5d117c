/* test-service-cli.c: the integration as a service, with halyard-cli processes on one data
 * directory against a separate halyard-sim process:
 * - `serve` twice: the second refuses (exit 1, naming the first); SIGTERM stops it (exit 0);
 * - `serve` killed with SIGKILL and restarted loses and duplicates nothing;
 * - a bulk `sync` and an `alert raise` under a tight `connect --rate-limit`: the raise returns
 *   within a second, queued; the ticket is sent before the bulk work ends; no 429;
 * - `serve`'s first sync with the budget spent for bulk work and an `alert raise`: the ticket's
 *   POST takes the next free request, before the bulk request that was already waiting;
 * - a group that failed because its company was unlinked clears once the company is linked
 *   (the running service re-syncs it), with no switch toggled.
 *
 * The test waits on the store's "changed" signal (it watches the same database), never on a
 * sleep.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "hy-test-sync.h"
#include "store/hy-store-service.h"
#include "sync/hy-sync-payload.h"

#define RATE_MAX       10
#define RATE_WINDOW_MS 2000

typedef struct
{
  guint devices;
  HyTestSimProcess *sim;
  const char *url; /* the simulator's */
  char *dir;
  HyStore *store; /* the test's own connection to the data directory's database */
  gint64 client_ids[2];
} Fixture;

typedef struct
{
  guint devices;
  gboolean rate_limited;
  gboolean link_first_company;
  guint rate_max;       /* 0: RATE_MAX */
  guint rate_window_ms; /* 0: RATE_WINDOW_MS */
} Params;

static JsonNode *
sim_state (Fixture *f)
{
  return hy_test_sim_process_state (f->sim);
}

#define SPAWN(f, flags, ...) \
  hy_test_cli_spawnv (HY_CLI_BINARY, (f)->dir, (flags), (const char *const[]){ __VA_ARGS__, NULL })

/* Runs halyard-cli to the end; its exit status, stdout and stderr. */
static int
run_cli (Fixture *f, const char *input, char **out, char **err, const char *const *args)
{
  HyTestCliRun run = { 0 };
  int status = hy_test_cli_runv (HY_CLI_BINARY, f->dir, input, &run, args);

  *out = g_steal_pointer (&run.out);
  *err = g_steal_pointer (&run.err);
  hy_test_cli_run_clear (&run);
  return status;
}

#define RUN(f, input, out, err, ...)                   \
  ({                                                   \
    const char *const args_[] = { __VA_ARGS__, NULL }; \
    run_cli ((f), (input), (out), (err), args_);       \
  })

static JsonObject *
parse_object (const char *text, JsonNode **out_root)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  *out_root = json_node_copy (json_parser_get_root (parser));
  return json_node_get_object (*out_root);
}

/* ---- Waiting on the store --------------------------------------------------------------- */

typedef gboolean (*Condition) (Fixture *f, gpointer data);

typedef struct
{
  Fixture *f;
  Condition condition;
  gpointer data;
} Wait;

static gboolean
wait_done (gpointer user_data)
{
  Wait *wait = user_data;

  return wait->condition (wait->f, wait->data);
}

/* Runs the main context until @condition holds, looking again after each change the store
 * reports (whoever wrote it). */
static void
wait_until (Fixture *f, Condition condition, gpointer data, const char *what)
{
  Wait wait = { f, condition, data };

  hy_test_store_wait_until (f->store, wait_done, &wait, what);
}

static gboolean
holder_is (Fixture *f, gpointer data)
{
  g_autoptr (HyLeaseHolder) holder = hy_store_lease_get_holder (f->store, NULL);
  const char *pid = data;

  return holder != NULL && holder->pid == g_ascii_strtoll (pid, NULL, 10);
}

static gboolean
outbox_done_at_least (Fixture *f, gpointer data)
{
  return hy_store_outbox_count (f->store, HY_OUTBOX_STATE_DONE, NULL) >= GPOINTER_TO_INT (data);
}

static gboolean
all_delivered (Fixture *f, gpointer data)
{
  g_autoptr (GPtrArray) groups = hy_store_list_group_sync (f->store, TRUE, NULL);
  g_autoptr (HyAlert) alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "disk-1", NULL);

  if (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_PENDING, NULL) != 0 ||
      hy_store_outbox_count (f->store, HY_OUTBOX_STATE_INFLIGHT, NULL) != 0)
    return FALSE;
  if (data != NULL && (alert == NULL || alert->state != HY_ALERT_STATE_DELIVERED))
    return FALSE;
  for (guint i = 0; groups != NULL && i < groups->len; i++)
    if (((HyGroupSync *) g_ptr_array_index (groups, i))->state != HY_SYNC_STATE_SYNCED)
      return FALSE;
  return groups != NULL;
}

/* The requests bulk work may take in a window: the last tenth of the limit is left to alerts
 * (and interactive requests). */
static guint
bulk_share (const Params *params)
{
  return params->rate_max - MAX (params->rate_max / 10, 1);
}

/* Bulk work has spent its share of the shared budget. */
static gboolean
bulk_budget_spent (Fixture *f, gpointer data)
{
  const Params *params = data;
  gint64 window_us = (gint64) params->rate_window_ms * 1000;

  return hy_store_rate_used (f->store, window_us, g_get_real_time (), NULL) >= bulk_share (params);
}

/* When the shared budget grants a bulk request again, as it stands at @now: its oldest
 * requests leave the window then (every process's: connect's preflight counts too). */
static gint64
bulk_budget_free_at (Fixture *f, const Params *params, gint64 now)
{
  gint64 free_at = hy_store_rate_free_at (f->store, bulk_share (params),
                                          (gint64) params->rate_window_ms * 1000, now, NULL);

  g_assert_cmpint (free_at, >=, 0);
  return free_at;
}

static gboolean
alert_delivered (Fixture *f, gpointer data)
{
  g_autoptr (HyAlert) alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, data, NULL);

  return alert != NULL && alert->state == HY_ALERT_STATE_DELIVERED;
}

static gboolean
group_state_is (Fixture *f, gpointer data)
{
  g_autoptr (HyGroupSync) sync = hy_store_get_group_sync (f->store, "g0", NULL);

  return sync != NULL && sync->state == GPOINTER_TO_INT (data);
}

/* ---- Fixture ---------------------------------------------------------------------------- */

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const Params *params = data;
  guint rate_max = params->rate_max > 0 ? params->rate_max : RATE_MAX;
  guint window_ms = params->rate_window_ms > 0 ? params->rate_window_ms : RATE_WINDOW_MS;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *rate = g_strdup_printf ("%u", rate_max);
  g_autofree char *window = g_strdup_printf ("%u", window_ms);
  g_autofree char *rate_limit = g_strdup_printf ("%u/%u", rate_max, window_ms / 1000);
  g_autofree char *cli_out = NULL;
  g_autofree char *cli_err = NULL;
  g_autoptr (JsonNode) state = NULL;

  if (params->rate_limited)
    /* Halo's own limiter, as tight as the one given to connect. */
    f->sim = hy_test_sim_process_spawn (HY_SIM_BINARY, "--clients", "4", "--sites-per-client", "1",
                                        "--assets-per-client", "0", "--agents", "2", "--latency-ms",
                                        "5", "--rate-limit", rate, "--rate-window-ms", window);
  else
    f->sim = hy_test_sim_process_spawn (HY_SIM_BINARY, "--clients", "4", "--sites-per-client", "1",
                                        "--assets-per-client", "0", "--agents", "2", "--latency-ms",
                                        "20");
  f->url = f->sim->url;
  f->devices = params->devices;
  f->dir = hy_test_make_tmp_dir ("hy-service-XXXXXX");

  /* The connection as a technician makes it, with the rate limit. */
  g_assert_cmpint (RUN (f, "demo-secret\n", &cli_out, &cli_err, "connect", "--url", f->url,
                        "--tenant", "demo", "--client-id", "halyard-demo", "--secret-stdin",
                        "--no-keyring", "--rate-limit", rate_limit),
                   ==, 0);

  path = g_build_filename (f->dir, "halyard.db", NULL);
  f->store = hy_store_open (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr (HyProfile) profile = hy_store_get_profile (f->store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (profile->rate_max, ==, rate_max);
    g_assert_cmpuint (profile->rate_window, ==, window_ms / 1000);
  }

  state = sim_state (f);
  for (guint c = 0; c < 2; c++)
    f->client_ids[c] = hy_test_state_client (state, c);
  hy_test_sync_add_customers (f->store, state, f->devices, 4, params->link_first_company);
  hy_test_store_add_user (f->store, "u1", "Jane Tech", NULL, 0);
  hy_test_store_add_policy (f->store, "p1", "Disk space");
  g_assert_true (hy_store_map_policy (f->store, "p1", 4, 9, &error));
  g_assert_true (hy_store_set_enabled (f->store, TRUE, &error));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->sim, hy_test_sim_process_free);
  hy_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Starts `serve` and waits for its first line (it holds the lease then); its pid. */
static GSubprocess *
start_serve (Fixture *f, char **out_pid)
{
  GSubprocess *serve =
      SPAWN (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, "serve");
  g_autoptr (GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *o;

  g_assert_no_error (error);
  g_assert_nonnull (line);
  o = parse_object (line, &root);
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "serving");
  *out_pid = g_strdup (g_subprocess_get_identifier (serve));
  g_assert_cmpint (json_object_get_int_member (o, "pid"), ==, g_ascii_strtoll (*out_pid, NULL, 10));
  return serve;
}

static void
wait_exit (GSubprocess *process)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
}

/* ---- Tests ------------------------------------------------------------------------------ */

static void
test_serve_twice (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) first = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *error;

  first = start_serve (f, &pid);
  wait_until (f, holder_is, pid, "the first serve holding the lease");

  /* A second deliverer for the same data directory does not start, and says who delivers. */
  g_assert_cmpint (RUN (f, NULL, &out, &err, "serve"), ==, 1);
  g_assert_cmpstr (out, ==, "");
  error = json_object_get_object_member (parse_object (err, &root), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "already_serving");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), pid));
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "halyard-cli serve"));

  /* status names the deliverer. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&root, json_node_unref);
  g_assert_cmpint (RUN (f, NULL, &out, &err, "status"), ==, 0);
  {
    JsonObject *service = json_object_get_object_member (parse_object (out, &root), "service");
    JsonObject *deliverer = json_object_get_object_member (service, "deliverer");
    g_assert_nonnull (deliverer);
    g_assert_cmpint (json_object_get_int_member (deliverer, "pid"), ==,
                     g_ascii_strtoll (pid, NULL, 10));
  }

  /* SIGTERM: a clean stop, exit 0, and the lease is given up. */
  g_subprocess_send_signal (first, SIGTERM);
  wait_exit (first);
  g_assert_true (g_subprocess_get_if_exited (first));
  g_assert_cmpint (g_subprocess_get_exit_status (first), ==, 0);
  {
    g_autoptr (HyLeaseHolder) holder = hy_store_lease_get_holder (f->store, NULL);
    g_assert_null (holder);
  }

  /* --listen takes ADDR:PORT; anything else is bad usage that starts nothing. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (f, NULL, &out, &err, "serve", "--listen", "nowhere"), ==, 2);
}

static void
test_serve_killed (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) first = NULL;
  g_autoptr (GSubprocess) second = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *pid2 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (GHashTable) seen = NULL;
  JsonArray *assets, *tickets;

  first = start_serve (f, &pid);
  wait_until (f, holder_is, pid, "serve holding the lease");
  /* An alert recorded while serve delivers: queued for it, and back within a second. */
  g_assert_cmpint (RUN (f, NULL, &out, &err, "alert", "raise", "--id", "disk-1", "--computer",
                        "pc0001", "--policy", "p1", "--summary", "C: is 95% full"),
                   ==, 0);
  g_assert_cmpstr (json_object_get_string_member (parse_object (out, &root), "state"), ==,
                   "queued");

  /* Killed in the middle of its work (some writes done, more to do). */
  wait_until (f, outbox_done_at_least, GINT_TO_POINTER (1), "serve's first delivered write");
  g_subprocess_send_signal (first, SIGKILL);
  wait_exit (first);
  g_assert_true (g_subprocess_get_if_signaled (first));

  /* Restarted: it takes the lease of the dead process at once and finishes the work. */
  second = start_serve (f, &pid2);
  wait_until (f, all_delivered, GINT_TO_POINTER (1), "every device and the alert delivered");
  g_subprocess_send_signal (second, SIGTERM);
  wait_exit (second);
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 0);

  state = sim_state (f);
  assets = json_object_get_array_member (json_node_get_object (state), "assets");
  tickets = json_object_get_array_member (json_node_get_object (state), "tickets");
  g_assert_cmpuint (json_array_get_length (assets), ==, f->devices);
  seen = hy_test_state_unique (state, "assets", "inventory_number");
  g_assert_cmpuint (json_array_get_length (tickets), ==, 1);
}

static void
test_alert_overtakes_bulk (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) sync = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  HyEventsQuery query = HY_EVENTS_QUERY_INIT;
  gint64 ticket_event = 0, last_asset_event = 0, started;
  guint rate_limited = 0;
  const char *pid;

  /* The first sync of many devices under the tight limit: the bulk work. */
  sync = SPAWN (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, "sync");
  pid = g_subprocess_get_identifier (sync);
  wait_until (f, holder_is, (gpointer) pid, "the sync holding the lease");

  /* Raised meanwhile in another process: stored, the deliverer nudged, back at once. */
  started = g_get_monotonic_time ();
  g_assert_cmpint (RUN (f, NULL, &out, &err, "alert", "raise", "--id", "disk-1", "--computer",
                        "pc0001", "--policy", "p1", "--summary", "C: is 95% full"),
                   ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);
  g_assert_cmpstr (json_object_get_string_member (parse_object (out, &root), "state"), ==,
                   "queued");

  wait_exit (sync);
  g_assert_cmpint (g_subprocess_get_exit_status (sync), ==, 0);

  /* The ticket went out while the bulk work still had writes to send, and Halo never had to
   * refuse a request. */
  query.limit = 100000;
  events = hy_store_events_list (f->store, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      HyEvent *event = g_ptr_array_index (events, i);

      if (event->status == 429)
        rate_limited++;

      if (g_strcmp0 (event->method, "POST") == 0 && g_str_has_prefix (event->path, "/api/Tickets"))
        ticket_event = ticket_event == 0 ? event->id : MIN (ticket_event, event->id);
      if (g_strcmp0 (event->method, "POST") == 0 && g_str_has_prefix (event->path, "/api/Asset"))
        last_asset_event = MAX (last_asset_event, event->id);
    }
  g_assert_cmpuint (rate_limited, ==, 0);
  g_assert_cmpint (ticket_event, >, 0);
  g_assert_cmpint (last_asset_event, >, ticket_event);
  {
    g_autoptr (HyAlert) alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "disk-1", &error);
    g_assert_no_error (error);
    g_assert_cmpint (alert->state, ==, HY_ALERT_STATE_DELIVERED);
  }
}

/* The budget spent for bulk work until its window rolls (seconds away) and serve's worker
 * waiting for a bulk request: an alert raised then takes the next free request (the tenth the
 * bulk work leaves), ahead of the bulk request already waiting, not after it. */
static void
test_alert_next_free_slot (Fixture *f, gconstpointer data)
{
  const Params *params = data;
  g_autoptr (GSubprocess) serve = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  HyEventsQuery query = HY_EVENTS_QUERY_INIT;
  const HyEvent *ticket = NULL;
  guint rate_limited = 0, bulk_before = 0, bulk_after = 0, bulk = 0;
  const char *state;
  gint64 raised, bulk_free_at;

  serve = start_serve (f, &pid);
  wait_until (f, bulk_budget_spent, (gpointer) params,
              "serve's first sync spending the bulk budget");

  /* The bulk request serve waits for goes when the window rolls: an alert raised before then
   * overtakes it (the window is long: the fixture's and serve's requests take a while on a
   * loaded machine, and the window started with the first of them). */
  raised = g_get_real_time ();
  bulk_free_at = bulk_budget_free_at (f, params, raised);
  g_assert_cmpint (bulk_free_at, >, raised);
  g_assert_cmpint (RUN (f, NULL, &out, &err, "alert", "raise", "--id", "disk-2", "--computer",
                        "pc0001", "--policy", "p1", "--summary", "C: is 97% full"),
                   ==, 0);
  /* Left to serve (it may have sent it already when the command looks). */
  state = json_object_get_string_member (parse_object (out, &root), "state");
  g_assert_true (g_str_equal (state, "queued") || g_str_equal (state, "delivered"));
  wait_until (f, alert_delivered, (gpointer) "disk-2", "the alert's ticket");

  query.limit = 100000;
  events = hy_store_events_list (f->store, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      const HyEvent *event = g_ptr_array_index (events, i);

      if (event->status == 429)
        rate_limited++;
      if (g_strcmp0 (event->method, "POST") == 0 && g_str_has_prefix (event->path, "/api/Tickets"))
        ticket = event;
    }
  g_assert_nonnull (ticket);
  /* Sent after the raise: nothing of the bulk work (assets and their types) went between the
   * two, though a bulk request was waiting when the alert was raised. */
  for (guint i = 0; i < events->len; i++)
    {
      const HyEvent *event = g_ptr_array_index (events, i);

      if (!g_str_has_prefix (event->path, "/api/Asset"))
        continue;
      bulk++;
      if (event->time < raised)
        continue;
      if (event->time < ticket->time)
        bulk_before++;
      else
        bulk_after++;
    }
  g_test_message ("ticket POST %" G_GINT64_FORMAT " ms after the raise, the bulk share free "
                  "again %" G_GINT64_FORMAT " ms after it; bulk requests: %u in all, %u after "
                  "the raise before it, %u after it",
                  (ticket->time - raised) / 1000, (bulk_free_at - raised) / 1000, bulk, bulk_before,
                  bulk_after);
  g_assert_cmpuint (bulk, >, 0);
  g_assert_cmpint (ticket->time, >, raised);
  g_assert_cmpuint (bulk_before, ==, 0);
  /* In the alerts' share, while the bulk request still waited for its slot: not after it. */
  g_assert_cmpint (ticket->time, <, bulk_free_at);
  g_assert_cmpuint (rate_limited, ==, 0);

  g_subprocess_send_signal (serve, SIGTERM);
  wait_exit (serve);
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
}

static void
test_failed_group_clears (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) serve = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *client = g_strdup_printf ("%" G_GINT64_FORMAT, f->client_ids[0]);
  g_autoptr (HyGroupSync) sync = NULL;

  serve = start_serve (f, &pid);
  /* Company 0 is not linked: its group fails, and says what fixes it. */
  wait_until (f, group_state_is, GINT_TO_POINTER (HY_SYNC_STATE_FAILED), "group g0 failing");
  sync = hy_store_get_group_sync (f->store, "g0", NULL);
  g_assert_nonnull (sync->reason);
  g_test_message ("g0 failed: %s", sync->reason);

  /* Linking the company (another process) fixes it: the service re-syncs the group. */
  g_assert_cmpint (RUN (f, NULL, &out, &err, "refresh"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (f, NULL, &out, &err, "link", "set", "company", "c0", client), ==, 0);
  wait_until (f, group_state_is, GINT_TO_POINTER (HY_SYNC_STATE_SYNCED), "group g0 synced");

  g_subprocess_send_signal (serve, SIGTERM);
  wait_exit (serve);
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
}

int
main (int argc, char **argv)
{
  static const Params small = { 40, FALSE, TRUE };
  static const Params killed = { 300, FALSE, TRUE };
  static const Params bulk = { 1200, TRUE, TRUE };
  static const Params unlinked = { 10, FALSE, FALSE };
  /* A long window: the bulk budget stays spent for many seconds once serve has used it, though
   * it started with connect's preflight, before the fixture filled the store and serve started
   * (on a loaded machine, 10 s were not always enough for all of that and the raise). */
  static const Params saturated = { 1200, TRUE, TRUE, 20, 30000 };

  /* No proxy for loopback servers, in this process too (its session reads the simulator's
   * state): libproxy throws C++ exceptions that AddressSanitizer cannot follow */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/service/serve-twice", Fixture, &small, fixture_setup, test_serve_twice,
              fixture_teardown);
  g_test_add ("/service/serve-killed", Fixture, &killed, fixture_setup, test_serve_killed,
              fixture_teardown);
  g_test_add ("/service/alert-overtakes-bulk", Fixture, &bulk, fixture_setup,
              test_alert_overtakes_bulk, fixture_teardown);
  g_test_add ("/service/alert-next-free-slot", Fixture, &saturated, fixture_setup,
              test_alert_next_free_slot, fixture_teardown);
  g_test_add ("/service/failed-group-clears", Fixture, &unlinked, fixture_setup,
              test_failed_group_clears, fixture_teardown);
  return g_test_run ();
}
