/* test-sync-kill.c: halyard-cli's sync commands against a separate halyard-sim process:
 * `sync` killed with SIGKILL in the middle of a sync (Halo answering with latency), then run
 * again: exactly one asset per device; and enable/disable, sync --dry-run, alert raise/clear
 * and action with their --json documents and exit statuses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "hy-test-sync.h"
#include "store/hy-store.h"
#include "sync/hy-sync-payload.h"

typedef struct
{
  guint devices;
  HyTestSimProcess *sim;
  const char *url; /* the simulator's */
  char *dir;
  SoupSession *http;
  gint64 agent_id;
  gboolean lenient; /* the simulator honours who_agentid */
} Fixture;

/* In the fixture's data, with the number of devices: the simulator records actions for the agent
 * who_agentid names (whether Halo does is uncertain: by default it records the login agent). */
#define LENIENT 0x10000

static JsonNode *
sim_state (Fixture *f)
{
  return hy_test_sim_process_state (f->sim);
}

static void
sim_faults (Fixture *f, const char *json)
{
  hy_test_sim_process_faults (f->sim, json);
}

/* The profile's rate limit (Halyard's own budget, shared by every process). */
static void
set_rate_limit (Fixture *f, guint max)
{
  g_autofree char *path = g_build_filename (f->dir, "halyard.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HyStore) store = hy_store_open (path, &error);
  g_autoptr (HyProfile) profile = NULL;

  g_assert_no_error (error);
  profile = hy_store_get_profile (store, &error);
  g_assert_no_error (error);
  profile->rate_max = max;
  g_assert_true (hy_store_set_profile (store, profile, &error));
}

static guint
asset_count (Fixture *f)
{
  return hy_test_sim_process_count (f->sim, "assets");
}

static GSubprocess *
spawn_cli (Fixture *f, const char *command)
{
  return hy_test_cli_spawnv (HY_CLI_BINARY, f->dir,
                             G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             (const char *const[]){ command, NULL });
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyStore) store = NULL;
  g_autoptr (JsonNode) state = NULL;

  f->lenient = (GPOINTER_TO_UINT (data) & LENIENT) != 0;
  /* Every answer is delayed, so the sync is long enough to be killed in the middle. */
  f->sim = hy_test_sim_process_spawn (HY_SIM_BINARY, "--clients", "4", "--sites-per-client", "1",
                                      "--assets-per-client", "0", "--agents", "2", "--latency-ms",
                                      "20", "--lenient", f->lenient ? "who_agentid" : "");
  f->url = f->sim->url;
  f->http = f->sim->http;

  f->devices = GPOINTER_TO_UINT (data) & 0xffff;
  f->dir = hy_test_make_tmp_dir ("hy-kill-XXXXXX");
  store = hy_test_store_open (f->dir, f->url, TRUE);

  state = sim_state (f);
  hy_test_sync_add_customers (store, state, f->devices, 3, TRUE);

  /* A technician linked to a Halo agent and one who is not; a policy mapped to ticket type 4,
   * closed with status 9; Halo's outcomes and statuses in the cache. */
  f->agent_id = hy_test_state_agent (state);
  hy_test_store_add_user (store, "u1", "Jane Tech", NULL, f->agent_id);
  hy_test_store_add_user (store, "u2", "Joe Unlinked", NULL, 0);
  hy_test_store_add_policy (store, "p1", "Disk space");
  g_assert_true (hy_store_map_policy (store, "p1", 4, 9, &error));
  hy_test_store_cache_from_state (store, state, "outcomes", HY_CACHE_KIND_OUTCOME);
  hy_test_store_cache_from_state (store, state, "statuses", HY_CACHE_KIND_STATUS);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->sim, hy_test_sim_process_free);
  hy_test_remove_tree (f->dir);
  g_free (f->dir);
}

typedef struct
{
  Fixture *f;
  guint assets_at_least;
  gboolean exited;
} KillWhen;

static void
exited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
assets_reached_or_exited (gpointer data)
{
  KillWhen *k = data;

  return k->exited || asset_count (k->f) >= k->assets_at_least;
}

/* Kills @cli as soon as Halo holds @assets_at_least assets (the simulator is another process:
 * its state is looked at every 2 ms). */
static void
kill_when (Fixture *f, GSubprocess *cli, guint assets_at_least)
{
  KillWhen k = { f, assets_at_least, FALSE };

  g_subprocess_wait_async (cli, NULL, exited_cb, &k.exited);
  hy_test_wait_until_polled (assets_reached_or_exited, &k, 2, "the assets to kill the sync at");
  if (k.exited)
    g_error ("halyard-cli sync ended before it could be killed: the test proves nothing");
  g_subprocess_send_signal (cli, SIGKILL);
  hy_test_wait_for_flag (&k.exited, "the end of the killed halyard-cli");
  g_assert_true (g_subprocess_get_if_signaled (cli));
  g_assert_cmpint (g_subprocess_get_term_sig (cli), ==, SIGKILL);
}

/* A last `sync`, to the end: it succeeds with nothing left pending. */
static void
sync_to_the_end (Fixture *f)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autofree char *err = NULL;

  if (hy_test_cli_run_jsonv (HY_CLI_BINARY, f->dir, &doc, &code, &err,
                             (const char *const[]){ "sync", NULL }) != 0)
    g_error ("halyard-cli sync failed: %s", err);
  g_assert_cmpint (json_object_get_int_member (hy_test_object (doc), "pending"), ==, 0);
}

static void
test_kill_mid_sync (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) first = NULL;
  g_autoptr (GSubprocess) second = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonArray *assets;
  g_autoptr (GHashTable) seen = NULL;

  /* Killed as soon as Halo has committed the first asset (the answer is still on its way),
   * then again further on. */
  first = spawn_cli (f, "sync");
  kill_when (f, first, 1);
  second = spawn_cli (f, "sync");
  /* The second run is killed as soon as it has added anything (after looking up what the first
   * left in flight), so that it is killed mid-sync however fast the writes are. */
  kill_when (f, second, asset_count (f) + 1);

  sync_to_the_end (f);
  state = sim_state (f);
  assets = json_object_get_array_member (json_node_get_object (state), "assets");
  g_assert_cmpuint (json_array_get_length (assets), ==, f->devices);
  seen = hy_test_state_unique (state, "assets", "inventory_number");
  for (guint d = 0; d < f->devices; d++)
    {
      g_autofree char *id = g_strdup_printf ("pc%03u", d);
      g_autofree char *inv = hy_sync_asset_inventory_number (id);
      g_assert_true (g_hash_table_contains (seen, inv));
    }
}

/* Runs halyard-cli --json to the end: its exit status; doc, code keep what it said. */
#define CLI(...)                                                   \
  hy_test_cli_run_jsonv (HY_CLI_BINARY, f->dir, &doc, &code, NULL, \
                         (const char *const[]){ __VA_ARGS__, NULL })
#define obj(node) hy_test_object (node)

/* halyard-cli status after a sync: the service's last sync is recent, and the outbox counts are
 * the ones the header shows (the service member's). */
static void
assert_status_synced (JsonObject *status)
{
  JsonObject *service = json_object_get_object_member (status, "service");
  JsonObject *outbox = json_object_get_object_member (status, "outbox");
  g_autoptr (GDateTime) last_sync =
      g_date_time_new_from_iso8601 (json_object_get_string_member (service, "last_sync"), NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_assert_nonnull (last_sync);
  g_assert_cmpint (g_date_time_difference (now, last_sync), <, 600 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (json_object_get_int_member (outbox, "pending"), ==,
                   json_object_get_int_member (service, "pending"));
  g_assert_cmpint (json_object_get_int_member (outbox, "dead"), ==,
                   json_object_get_int_member (service, "dead"));
}

/* In Halo after the technician's time entry and the clearing: one ticket, still open (a
 * technician worked it), with the time entry as that agent's and one note saying why it stays
 * open. */
static void
assert_ticket_kept_open (Fixture *f, gint64 ticket_id)
{
  g_autoptr (JsonNode) state = sim_state (f);
  JsonObject *ticket;
  JsonArray *tickets = json_object_get_array_member (json_node_get_object (state), "tickets");
  JsonArray *actions = json_object_get_array_member (json_node_get_object (state), "actions");
  gboolean timed = FALSE;

  g_assert_cmpuint (json_array_get_length (tickets), ==, 1);
  ticket = json_array_get_object_element (tickets, 0);
  g_assert_cmpint (hy_sync_json_int (ticket, "id"), ==, ticket_id);
  g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), !=, 9);
  g_assert_false (hy_sync_json_int (ticket, "hasbeenclosed"));
  /* One note for the clear: why the ticket stays open, with the clear's own note. */
  g_assert_cmpuint (json_array_get_length (actions), ==, 3);
  g_assert_nonnull (
      strstr (hy_sync_json_string (json_array_get_object_element (actions, 2), "note"),
              "stays open"));
  g_assert_nonnull (
      strstr (hy_sync_json_string (json_array_get_object_element (actions, 2), "note"),
              "Back to normal"));
  for (guint i = 0; i < json_array_get_length (actions); i++)
    {
      JsonObject *a = json_array_get_object_element (actions, i);
      if (g_strcmp0 (hy_sync_json_string (a, "note"), "Cleared temp files") == 0)
        {
          timed = TRUE;
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "timetaken"), 0.5,
                                          1e-9);
          g_assert_cmpint (hy_sync_json_int (a, "who_agentid"), ==, f->agent_id);
        }
    }
  g_assert_true (timed);
}

static void
test_cli_commands (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonObject *o;
  gint64 ticket_id;

  /* Disabled: alerts are recorded and queued; sync refuses; a dry run lists the creates. */
  g_assert_cmpint (CLI ("disable"), ==, 0);
  g_assert_false (json_object_get_boolean_member (obj (doc), "enabled"));
  g_assert_cmpint (CLI ("alert", "raise", "--id", "A1", "--computer", "pc000", "--policy", "p1",
                        "--summary", "Disk space low", "--details", "C: at 95%"),
                   ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "queued");
  g_assert_true (json_object_get_null_member (obj (doc), "ticket_id"));
  g_assert_cmpint (CLI ("sync"), ==, 1);
  g_assert_cmpstr (code, ==, "disabled");
  g_assert_cmpint (CLI ("sync", "--dry-run"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (doc), "creates")), ==,
                    f->devices);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (doc), "updates")), ==,
                    0);
  state = sim_state (f);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (state), "assets")),
                    ==, 0);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (state), "tickets")),
                    ==, 0);

  /* Enabling syncs and delivers. */
  g_assert_cmpint (CLI ("enable"), ==, 0);
  o = json_object_get_object_member (obj (doc), "assets");
  g_assert_cmpint (json_object_get_int_member (o, "created"), ==, f->devices);
  g_assert_cmpint (json_object_get_int_member (obj (doc), "pending"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (obj (doc), "requests"), >, 0);

  /* status: the last sync of the groups, and the outbox counts the header shows. */
  g_assert_cmpint (CLI ("status"), ==, 0);
  assert_status_synced (obj (doc));

  /* The repeat is a note on the same ticket. */
  g_assert_cmpint (CLI ("alert", "raise", "--id", "A1", "--computer", "pc000", "--policy", "p1",
                        "--summary", "Disk space low"),
                   ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "delivered");
  ticket_id = json_object_get_int_member (obj (doc), "ticket_id");
  g_assert_cmpint (ticket_id, >, 0);

  /* Bad input: exit 2 with a stable code, nothing changed. */
  g_assert_cmpint (CLI ("action", "--alert", "A1", "--user", "u2", "--minutes", "10", "--note",
                        "Looked"),
                   ==, 2);
  g_assert_cmpstr (code, ==, "user_not_linked");
  g_assert_cmpint (CLI ("alert", "raise", "--id", "A2", "--computer", "nope", "--policy", "p1",
                        "--summary", "x"),
                   ==, 2);
  g_assert_cmpstr (code, ==, "not_found");
  g_assert_cmpint (CLI ("alert", "raise", "--id", "A2", "--computer", "pc000"), ==, 2);
  g_assert_cmpint (CLI ("action", "--alert", "A1", "--user", "u1", "--minutes", "ten", "--note",
                        "x"),
                   ==, 2);

  /* The technician's time entry, then the clearing: a technician worked the ticket, so it
   * stays open with a note saying why (DESIGN.md "Ticket lifecycle"). */
  g_assert_cmpint (CLI ("action", "--alert", "A1", "--user", "u1", "--minutes", "30", "--note",
                        "Cleared temp files"),
                   ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "delivered");
  g_assert_cmpint (CLI ("alert", "clear", "--id", "A1", "--note", "Back to normal"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "delivered");

  assert_ticket_kept_open (f, ticket_id);

  /* A second sync sends nothing. */
  g_assert_cmpint (CLI ("sync"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (obj (doc), "requests"), ==, 0);
}


/* A sync killed after it planned (every create queued) and while it delivered; every device is
 * renamed (a re-import); the next sync leaves each device's current name in Halo, one asset per
 * device, and says 0 pending only then. */
static void
test_kill_then_rename (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) first = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "halyard.db", NULL);
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (GHashTable) seen = NULL;
  JsonArray *assets;

  first = spawn_cli (f, "sync");
  kill_when (f, first, 1);
  g_assert_cmpuint (asset_count (f), <, f->devices);
  {
    g_autoptr (HyStore) store = hy_store_open (path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (hy_store_outbox_count (store, HY_OUTBOX_STATE_PENDING, NULL), >, 0);
    g_assert_true (hy_store_begin (store, &error));
    for (guint d = 0; d < f->devices; d++)
      {
        g_autofree char *id = g_strdup_printf ("pc%03u", d);
        g_autoptr (HyComputer) pc = hy_store_get (store, HY_RECORD_KIND_COMPUTER, id, &error);

        g_assert_no_error (error);
        g_free (pc->name);
        pc->name = g_strdup_printf ("REN-%03u", d);
        g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, pc, NULL, &error));
      }
    g_assert_true (hy_store_commit (store, &error));
  }

  sync_to_the_end (f);
  state = sim_state (f);
  assets = json_object_get_array_member (json_node_get_object (state), "assets");
  g_assert_cmpuint (json_array_get_length (assets), ==, f->devices);
  seen = hy_test_state_unique (state, "assets", "inventory_number");
  for (guint i = 0; i < json_array_get_length (assets); i++)
    {
      JsonObject *asset = json_array_get_object_element (assets, i);
      const char *inv = hy_sync_json_string (asset, "inventory_number");
      const char *name = hy_sync_json_string (asset, "key_field");
      guint d;

      g_assert_true (g_str_has_prefix (inv, "HY-pc"));
      d = (guint) g_ascii_strtoull (inv + strlen ("HY-pc"), NULL, 10);
      {
        g_autofree char *expected = g_strdup_printf ("REN-%03u", d);
        g_assert_cmpstr (name, ==, expected);
      }
    }
}

/* A command waits a bounded time for Halo's request limit, then leaves the alert queued (exit 0,
 * "queued") for the deliverer or the next sync: Halo answering 429 without Retry-After (a
 * 300 s window) is not waited for at all, a full budget of Halyard's own only --max-wait
 * seconds. */
static void
test_cli_bounded_wait (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  gint64 start;

  sim_faults (f, "{\"rate_limit\": {\"max\": 1, \"window_ms\": 300000, \"retry_after\": false}}");
  start = g_get_monotonic_time ();
  g_assert_cmpint (CLI ("--max-wait", "5", "alert", "raise", "--id", "B1", "--computer", "pc000",
                        "--policy", "p1", "--summary", "Disk space low"),
                   ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "queued");
  g_assert_nonnull (strstr (json_object_get_string_member (obj (doc), "reason"), "request limit"));

  /* Halo's limit lifted; Halyard's own budget full (1 request per 300 s, used already). */
  sim_faults (f, "{\"rate_limit\": {\"max\": 0}}");
  set_rate_limit (f, 1);
  start = g_get_monotonic_time ();
  g_assert_cmpint (CLI ("alert", "raise", "--max-wait", "1", "--id", "B2", "--computer", "pc001",
                        "--policy", "p1", "--summary", "Disk space low"),
                   ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "queued");
  {
    g_autoptr (JsonNode) state = sim_state (f);
    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (json_node_get_object (state), "tickets")),
                      ==, 0);
  }

  /* A bad setting is refused before anything is done. */
  g_assert_cmpint (CLI ("--max-wait", "soon", "sync"), ==, 2);
  g_assert_cmpstr (code, ==, "usage");

  /* The limits back to normal: the next sync delivers both. */
  set_rate_limit (f, 300);
  g_assert_cmpint (CLI ("sync"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (obj (doc), "pending"), ==, 0);
  {
    g_autoptr (JsonNode) state = sim_state (f);
    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (json_node_get_object (state), "tickets")),
                      ==, 2);
  }
}

/* A ticket Halo refused (its mapped ticket type does not exist) is given up: `status` says which
 * write, why, and what brings it back; fixing the mapping queues it again by itself, and the
 * next sync delivers it. */
static void
test_cli_dead_items (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  JsonObject *outbox, *item;
  JsonArray *items;

  /* Mapped to a ticket type Halo no longer has (deleted since the cache was refreshed). */
  {
    g_autofree char *path = g_build_filename (f->dir, "halyard.db", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (HyStore) store = hy_store_open (path, &error);
    g_autoptr (GPtrArray) types =
        g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);

    g_assert_no_error (error);
    g_assert_true (hy_store_map_policy (store, "p1", 9999, 0, &error));
    g_ptr_array_add (types, hy_cache_record_new (HY_CACHE_KIND_TICKET_TYPE, 4, "Alert"));
    g_assert_true (hy_store_cache_replace (store, HY_CACHE_KIND_TICKET_TYPE, types, &error));
  }
  g_assert_cmpint (CLI ("alert", "raise", "--id", "A9", "--computer", "pc000", "--policy", "p1",
                        "--summary", "Disk space low"),
                   ==, 1);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "dead");

  g_assert_cmpint (CLI ("status"), ==, 0);
  outbox = json_object_get_object_member (obj (doc), "outbox");
  g_assert_cmpint (json_object_get_int_member (outbox, "dead"), ==, 1);
  items = json_object_get_array_member (outbox, "dead_items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  item = json_array_get_object_element (items, 0);
  g_assert_cmpint (json_object_get_int_member (item, "id"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "kind"), ==, "ticket.create");
  g_assert_cmpstr (json_object_get_string_member (item, "record"), ==, "alert:A9");
  g_assert_nonnull (strstr (json_object_get_string_member (item, "reason"), "9999"));
  g_assert_cmpstr (json_object_get_string_member (item, "cause"), ==, "refused");
  g_assert_nonnull (strstr (json_object_get_string_member (item, "hint"), "sync --retry-dead"));
  g_assert_cmpint (json_object_get_int_member (item, "attempts"), ==, 1);

  /* The mapping fixed: queued again by itself, delivered by the next sync. */
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4"), ==, 0);
  g_assert_cmpint (CLI ("status"), ==, 0);
  outbox = json_object_get_object_member (obj (doc), "outbox");
  g_assert_cmpint (json_object_get_int_member (outbox, "dead"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (outbox, "pending"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (outbox, "dead_items")), ==,
                    0);
  g_assert_cmpint (CLI ("sync"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (obj (doc), "dead"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (obj (doc), "pending"), ==, 0);
  {
    g_autoptr (JsonNode) state = sim_state (f);
    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (json_node_get_object (state), "tickets")),
                      ==, 1);
  }
}

#define sim_find(state, table, id) hy_test_state_find_id ((state), (table), (id))

/* `halyard-cli alert raise` of alert @id on @computer under p1: the ticket it opened. */
static gint64
raise_to_ticket (Fixture *f, const char *id, const char *computer, const char *summary)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  gint64 ticket_id;

  g_assert_cmpint (CLI ("alert", "raise", "--id", id, "--computer", computer, "--policy", "p1",
                        "--summary", summary),
                   ==, 0);
  ticket_id = json_object_get_int_member (obj (doc), "ticket_id");
  g_assert_cmpint (ticket_id, >, 0);
  return ticket_id;
}

static guint
sim_delete (Fixture *f, const char *path)
{
  g_autofree char *token_uri = g_strconcat (f->url, "/auth/token?tenant=demo", NULL);
  g_autofree char *uri = g_strconcat (f->url, path, NULL);
  g_autoptr (SoupMessage) auth = soup_message_new ("POST", token_uri);
  g_autoptr (SoupMessage) msg = soup_message_new ("DELETE", uri);
  g_autoptr (GBytes) form = g_bytes_new_static (
      "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret&scope=all",
      strlen ("grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret&"
              "scope=all"));
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *bearer = NULL;

  soup_message_set_request_body_from_bytes (auth, "application/x-www-form-urlencoded", form);
  body = soup_session_send_and_read (f->http, auth, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), &error));
  bearer = g_strconcat ("Bearer ",
                        json_object_get_string_member (json_node_get_object (
                                                           json_parser_get_root (parser)),
                                                       "access_token"),
                        NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  answer = soup_session_send_and_read (f->http, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

/* Halo's statuses carry no "closed" member: with no close status mapped, `action --resolve` and
 * the clear close the ticket with Halo's Closed (id 9), as fetched by `refresh`; a Halo without
 * it refuses --resolve with what to do, and a clear leaves the ticket open saying why. */
static void
test_cli_close_status (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autoptr (JsonNode) state = NULL;
  gint64 t1, t2, t3;

  g_assert_cmpint (CLI ("refresh"), ==, 0);
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4"), ==, 0);
  g_assert_cmpint (CLI ("enable"), ==, 0);

  /* --resolve, with no close status mapped: Halo's Closed */
  t1 = raise_to_ticket (f, "A1", "pc000", "Disk space low");
  g_assert_cmpint (CLI ("action", "--alert", "A1", "--user", "u1", "--minutes", "5", "--note",
                        "Freed space", "--resolve"),
                   ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "delivered");

  /* The clear, with no close status mapped: Halo's Closed */
  t2 = raise_to_ticket (f, "A2", "pc001", "CPU hot");
  g_assert_cmpint (CLI ("alert", "clear", "--id", "A2"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "delivered");
  g_assert_true (json_object_get_null_member (obj (doc), "reason"));

  state = sim_state (f);
  g_assert_cmpint (hy_sync_json_int (sim_find (state, "tickets", t1), "status_id"), ==, 9);
  g_assert_cmpint (hy_sync_json_int (sim_find (state, "tickets", t2), "status_id"), ==, 9);

  /* A Halo without the system status Closed */
  g_assert_cmpuint (sim_delete (f, "/api/Status/9"), ==, 200);
  g_assert_cmpint (CLI ("refresh"), ==, 0);
  t3 = raise_to_ticket (f, "A3", "pc000", "Disk space low again");
  g_assert_cmpint (CLI ("action", "--alert", "A3", "--user", "u1", "--minutes", "5", "--note",
                        "Looked", "--resolve"),
                   ==, 2);
  g_assert_cmpstr (code, ==, "no_close_status");
  g_assert_cmpint (CLI ("alert", "clear", "--id", "A3"), ==, 0);
  /* The reason says what to do in any front end's words; the CLI's hint names its option. */
  g_assert_null (strstr (json_object_get_string_member (obj (doc), "reason"), "halyard-cli"));
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "reason_code"), ==, "no-close-status");
  g_assert_nonnull (strstr (json_object_get_string_member (obj (doc), "hint"), "--close-status"));
  g_clear_pointer (&state, json_node_unref);
  state = sim_state (f);
  g_assert_false (
      json_object_get_boolean_member (sim_find (state, "tickets", t3), "hasbeenclosed"));
  /* --resolve refused changed nothing: only the clear's note */
  {
    JsonArray *actions = json_object_get_array_member (json_node_get_object (state), "actions");
    guint on_t3 = 0;

    for (guint i = 0; i < json_array_get_length (actions); i++)
      if (hy_sync_json_int (json_array_get_object_element (actions, i), "ticket_id") == t3)
        on_t3++;
    g_assert_cmpuint (on_t3, ==, 1);
  }
}

/* Runs halyard-cli ARGS… without --json: what it printed (stdout), its status in *@status. */
static char *
cli_human (Fixture *f, int *status, const char *const *args)
{
  g_auto (HyTestCliRun) run = { 0 };

  *status = hy_test_cli_run_plainv (HY_CLI_BINARY, f->dir, &run, args);
  return g_steal_pointer (&run.out);
}

/* A stored reason (an unrouted alert's, a group's) names no command of halyard-cli; the CLI
 * adds the one that fixes it, under the reason and as the --json document's "hint", from the
 * reason's code. */
static void
test_cli_reason_hints (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autofree char *out = NULL;
  JsonArray *groups;
  JsonObject *g9 = NULL;
  int status;

  {
    g_autofree char *path = g_build_filename (f->dir, "halyard.db", NULL);
    g_autoptr (HyStore) store = hy_store_open (path, NULL);
    g_autoptr (JsonNode) state = sim_state (f);
    gint64 client = hy_test_state_client (state, 2);

    g_assert_nonnull (store);
    /* A policy without a route; a group mapped to a client whose main site Halyard does not
     * know (its clients were never fetched), without a site of its own. */
    hy_test_store_add_policy (store, "p2", "CPU");
    hy_test_store_add_company (store, "c9", "Company 9", client);
    hy_test_store_add_group (store, "g9", "Group 9", NULL);
    g_assert_true (hy_store_map_group (store, "g9", client, 0, NULL));
    hy_test_store_add_computer (store, "pc9", "DEV-9", "c9", "g9");
  }

  /* The unrouted alert: the reason in any front end's words, its code, the CLI's command. */
  g_assert_cmpint (CLI ("alert", "raise", "--id", "U1", "--computer", "pc000", "--policy", "p2",
                        "--summary", "CPU hot"),
                   ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "unrouted");
  g_assert_nonnull (strstr (json_object_get_string_member (obj (doc), "reason"), "p2"));
  g_assert_null (strstr (json_object_get_string_member (obj (doc), "reason"), "halyard-cli"));
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "reason_code"), ==,
                   "policy-not-mapped");
  g_assert_nonnull (strstr (json_object_get_string_member (obj (doc), "hint"),
                            "“halyard-cli map policy POLICY --ticket-type ID”"));
  out = cli_human (f, &status,
                   (const char *const[]){ "alert", "raise", "--id", "U1", "--computer", "pc000",
                                          "--policy", "p2", "--summary", "CPU hot", NULL });
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "is not mapped to a Halo ticket type"));
  g_assert_nonnull (
      strstr (out, "\nMap it with “halyard-cli map policy POLICY --ticket-type ID”."));
  g_clear_pointer (&out, g_free);

  /* A group whose device has no site. */
  CLI ("sync");
  g_assert_cmpint (CLI ("status"), ==, 0);
  groups = json_object_get_array_member (obj (doc), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (groups, i), "id"),
                   "g9") == 0)
      g9 = json_array_get_object_element (groups, i);
  g_assert_nonnull (g9);
  g_assert_null (strstr (json_object_get_string_member (g9, "reason"), "halyard-cli"));
  g_assert_cmpstr (json_object_get_string_member (g9, "reason_code"), ==, "no-site");
  g_assert_nonnull (strstr (json_object_get_string_member (g9, "hint"), "“halyard-cli refresh”"));
  out = cli_human (f, &status, (const char *const[]){ "status", NULL });
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "No Halo site is known for DEV-9"));
  g_assert_nonnull (strstr (out, "\n    Run “halyard-cli refresh”, or map the group to a site"));
}

/* The value of field @field_id of @computer's asset in the simulator; NULL when absent. */
static char *
sim_asset_field (Fixture *f, const char *computer, gint64 field_id)
{
  g_autoptr (JsonNode) state = sim_state (f);
  JsonArray *assets = json_object_get_array_member (json_node_get_object (state), "assets");
  g_autofree char *number = hy_sync_asset_inventory_number (computer);

  for (guint i = 0; i < json_array_get_length (assets); i++)
    {
      JsonObject *asset = json_array_get_object_element (assets, i);
      JsonArray *fields = json_object_get_array_member (asset, "fields");

      if (g_strcmp0 (hy_sync_json_string (asset, "inventory_number"), number) != 0)
        continue;
      for (guint j = 0; fields != NULL && j < json_array_get_length (fields); j++)
        if (hy_sync_json_int (json_array_get_object_element (fields, j), "id") == field_id)
          return g_strdup (
              hy_sync_json_string (json_array_get_object_element (fields, j), "value"));
    }
  return NULL;
}

/* map fields: the asset type read from Halo, a name it has not refused with its own names
 * (nothing saved), the OS to another field and the MAC address to none; status lists them and
 * sync writes there. */
static void
test_cli_map_fields (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autofree char *model = NULL;
  g_autofree char *os = NULL;
  JsonArray *fields, *types;

  {
    g_autofree char *path = g_build_filename (f->dir, "halyard.db", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (HyStore) store = hy_store_open (path, &error);
    g_autoptr (HyComputer) pc = hy_store_get (store, HY_RECORD_KIND_COMPUTER, "pc000", &error);

    g_assert_no_error (error);
    g_free (pc->os);
    pc->os = g_strdup ("Windows 11 Pro");
    g_free (pc->mac);
    pc->mac = g_strdup ("52:54:00:aa:bb:cc");
    g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, pc, NULL, &error));
  }

  g_assert_cmpint (CLI ("map", "fields", "--asset-type", "130", "os=Operating Sys"), ==, 2);
  g_assert_cmpstr (code, ==, "invalid_input");
  g_assert_cmpint (CLI ("map", "fields", "--asset-type", "130", "colour=Model"), ==, 2);
  g_assert_cmpstr (code, ==, "usage");
  g_assert_cmpint (CLI ("map", "fields", "--asset-type", "4242"), ==, 2);
  g_assert_cmpint (CLI ("map", "fields", "--asset-type", "130"), ==, 0);
  fields = json_object_get_array_member (obj (doc), "fields");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 1), "how"),
                   ==, "auto");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (fields, 1),
                                               "halo_field_id"),
                   ==, 151);

  g_assert_cmpint (CLI ("map", "fields", "--asset-type", "130", "os=MODEL", "mac="), ==, 0);
  fields = json_object_get_array_member (obj (doc), "fields");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 1),
                                                  "halo_field_name"),
                   ==, "Model");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 1), "how"),
                   ==, "manual");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 3), "how"),
                   ==, "none");

  g_assert_cmpint (CLI ("status"), ==, 0);
  types = json_object_get_array_member (obj (doc), "asset_fields");
  g_assert_cmpuint (json_array_get_length (types), ==, 1);
  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (json_array_get_object_element (types, 0),
                                                      "asset_type"),
                       "id"),
                   ==, 130);

  g_assert_cmpint (CLI ("sync"), ==, 0);
  model = sim_asset_field (f, "pc000", 148);
  os = sim_asset_field (f, "pc000", 151);
  g_assert_cmpstr (model, ==, "Windows 11 Pro");
  g_assert_null (os);
  g_assert_null (sim_asset_field (f, "pc000", 153));
}

int
main (int argc, char **argv)
{
  hy_test_init (&argc, &argv);
  g_test_add ("/sync/cli/kill-9", Fixture, GUINT_TO_POINTER (240), fixture_setup,
              test_kill_mid_sync, fixture_teardown);
  g_test_add ("/sync/cli/commands", Fixture, GUINT_TO_POINTER (6 | LENIENT), fixture_setup,
              test_cli_commands, fixture_teardown);
  g_test_add ("/sync/cli/kill-then-rename", Fixture, GUINT_TO_POINTER (240), fixture_setup,
              test_kill_then_rename, fixture_teardown);
  g_test_add ("/sync/cli/bounded-wait", Fixture, GUINT_TO_POINTER (2), fixture_setup,
              test_cli_bounded_wait, fixture_teardown);
  g_test_add ("/sync/cli/dead-items", Fixture, GUINT_TO_POINTER (2), fixture_setup,
              test_cli_dead_items, fixture_teardown);
  g_test_add ("/sync/cli/reason-hints", Fixture, GUINT_TO_POINTER (2), fixture_setup,
              test_cli_reason_hints, fixture_teardown);
  g_test_add ("/sync/cli/close-status", Fixture, GUINT_TO_POINTER (2), fixture_setup,
              test_cli_close_status, fixture_teardown);
  g_test_add ("/sync/cli/map-fields", Fixture, GUINT_TO_POINTER (2), fixture_setup,
              test_cli_map_fields, fixture_teardown);
  return g_test_run ();
}
