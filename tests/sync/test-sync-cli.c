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
#include <sys/prctl.h>

#include "store/hy-store.h"
#include "sync/hy-sync-payload.h"

typedef struct
{
  guint devices;
  GSubprocess *sim;
  char *url;
  char *dir;
  SoupSession *http;
  gint64 agent_id;
  gboolean lenient; /* the simulator honours who_agentid */
} Fixture;

/* In the fixture's data, with the number of devices: the simulator records actions for the agent
 * who_agentid names (whether Halo does is uncertain: by default it records the login agent). */
#define LENIENT 0x10000

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static JsonNode *
sim_state (Fixture *f)
{
  g_autofree char *uri = g_strconcat (f->url, "/_sim/state", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data;

  body = soup_session_send_and_read (f->http, msg, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (body, &len);
  g_assert_true (json_parser_load_from_data (parser, data, (gssize) len, &error));
  return json_node_copy (json_parser_get_root (parser));
}


static void
sim_faults (Fixture *f, const char *json)
{
  g_autofree char *uri = g_strconcat (f->url, "/_sim/faults", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (f->http, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 204);
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
  g_autoptr (JsonNode) state = sim_state (f);

  return json_array_get_length (
      json_object_get_array_member (json_node_get_object (state), "assets"));
}

static GSubprocess *
spawn_cli (Fixture *f, const char *command)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GError) error = NULL;
  GSubprocess *cli;

  g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", "demo-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HALYARD_DATA_DIR");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  cli = g_subprocess_launcher_spawn (launcher, &error, HY_CLI_BINARY, "--data-dir", f->dir,
                                     "--json", command, NULL);
  g_assert_no_error (error);
  return cli;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HyStore) store = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (JsonNode) state = NULL;
  JsonArray *clients, *sites;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->lenient = (GPOINTER_TO_UINT (data) & LENIENT) != 0;
  /* Every answer is delayed, so the sync is long enough to be killed in the middle. */
  f->sim = g_subprocess_launcher_spawn (launcher, &error, HY_SIM_BINARY, "--port", "0", "--clients",
                                        "4", "--sites-per-client", "1", "--assets-per-client", "0",
                                        "--agents", "2", "--latency-ms", "20", "--lenient",
                                        f->lenient ? "who_agentid" : "", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->sim));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "http://127.0.0.1:"));
  f->url = g_strdup (strstr (line, "http://"));
  f->http = soup_session_new ();

  f->devices = GPOINTER_TO_UINT (data) & 0xffff;
  f->dir = g_dir_make_tmp ("hy-kill-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "halyard.db", NULL);
  store = hy_store_open (path, &error);
  g_assert_no_error (error);
  profile->url = g_strdup (f->url);
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  profile->enabled = TRUE;
  g_assert_true (hy_store_set_profile (store, profile, &error));

  state = sim_state (f);
  clients = json_object_get_array_member (json_node_get_object (state), "clients");
  sites = json_object_get_array_member (json_node_get_object (state), "sites");
  for (guint c = 0; c < 2; c++)
    {
      JsonObject *client = json_array_get_object_element (clients, c);
      gint64 client_id = hy_sync_json_int (client, "id");
      gint64 site_id = 0;
      g_autoptr (HyCompany) company = hy_company_new ();
      g_autoptr (HyGroup) group = hy_group_new ();

      for (guint s = 0; s < json_array_get_length (sites) && site_id == 0; s++)
        if (hy_sync_json_int (json_array_get_object_element (sites, s), "client_id") == client_id)
          site_id = hy_sync_json_int (json_array_get_object_element (sites, s), "id");
      company->id = g_strdup_printf ("c%u", c);
      company->name = g_strdup_printf ("Company %u", c);
      g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, &error));
      g_assert_true (hy_store_link_set (store, HY_RECORD_KIND_COMPANY, company->id, client_id,
                                        "Client", HY_LINK_HOW_MANUAL, &error));
      group->id = g_strdup_printf ("g%u", c);
      group->name = g_strdup_printf ("Group %u", c);
      g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_GROUP, group, NULL, &error));
      g_assert_true (hy_store_map_group (store, group->id, client_id, site_id, &error));
    }
  g_assert_true (hy_store_begin (store, &error));
  for (guint d = 0; d < f->devices; d++)
    {
      g_autoptr (HyComputer) pc = hy_computer_new ();
      pc->id = g_strdup_printf ("pc%03u", d);
      pc->name = g_strdup_printf ("DEV-%03u", d);
      pc->company_id = g_strdup_printf ("c%u", d % 2);
      pc->group_id = g_strdup_printf ("g%u", d % 2);
      g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, pc, NULL, &error));
    }
  g_assert_true (hy_store_commit (store, &error));

  /* A technician linked to a Halo agent and one who is not; a policy mapped to ticket type 4,
   * closed with status 9; Halo's outcomes and statuses in the cache. */
  {
    JsonArray *agents = json_object_get_array_member (json_node_get_object (state), "agents");
    JsonArray *outcomes = json_object_get_array_member (json_node_get_object (state), "outcomes");
    JsonArray *statuses = json_object_get_array_member (json_node_get_object (state), "statuses");
    g_autoptr (GPtrArray) cache =
        g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
    g_autoptr (GPtrArray) status_cache =
        g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
    g_autoptr (HyUser) u1 = hy_user_new ();
    g_autoptr (HyUser) u2 = hy_user_new ();
    g_autoptr (HyPolicy) p1 = hy_policy_new ();

    for (guint i = 0; i < json_array_get_length (agents) && f->agent_id == 0; i++)
      if (!hy_sync_json_int (json_array_get_object_element (agents, i), "isapiagent"))
        f->agent_id = hy_sync_json_int (json_array_get_object_element (agents, i), "id");
    u1->id = g_strdup ("u1");
    u1->name = g_strdup ("Jane Tech");
    u2->id = g_strdup ("u2");
    u2->name = g_strdup ("Joe Unlinked");
    p1->id = g_strdup ("p1");
    p1->name = g_strdup ("Disk space");
    g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_USER, u1, NULL, &error));
    g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_USER, u2, NULL, &error));
    g_assert_true (hy_store_link_set (store, HY_RECORD_KIND_USER, "u1", f->agent_id, "Agent",
                                      HY_LINK_HOW_MANUAL, &error));
    g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_POLICY, p1, NULL, &error));
    g_assert_true (hy_store_map_policy (store, "p1", 4, 9, &error));
    for (guint i = 0; i < json_array_get_length (outcomes); i++)
      {
        JsonObject *o = json_array_get_object_element (outcomes, i);
        g_ptr_array_add (cache,
                         hy_cache_record_new (HY_CACHE_KIND_OUTCOME, hy_sync_json_int (o, "id"),
                                              hy_sync_json_string (o, "outcome")));
      }
    g_assert_true (hy_store_cache_replace (store, HY_CACHE_KIND_OUTCOME, cache, &error));
    for (guint i = 0; i < json_array_get_length (statuses); i++)
      {
        JsonObject *o = json_array_get_object_element (statuses, i);
        HyCacheRecord *r = hy_cache_record_new (HY_CACHE_KIND_STATUS, hy_sync_json_int (o, "id"),
                                                hy_sync_json_string (o, "name"));
        r->closed = hy_sync_json_int (o, "id") == 9;
        g_ptr_array_add (status_cache, r);
      }
    g_assert_true (hy_store_cache_replace (store, HY_CACHE_KIND_STATUS, status_cache, &error));
  }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_subprocess_force_exit (f->sim);
  g_subprocess_wait (f->sim, NULL, NULL);
  g_clear_object (&f->sim);
  g_clear_object (&f->http);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->url);
}

static void
exited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
kill_when (Fixture *f, GSubprocess *cli, guint assets_at_least)
{
  gboolean exited = FALSE;

  g_subprocess_wait_async (cli, NULL, exited_cb, &exited);
  for (guint i = 0; i < 3000; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (exited)
        g_error ("halyard-cli sync ended before it could be killed: the test proves nothing");
      if (asset_count (f) >= assets_at_least)
        break;
      g_usleep (2 * 1000);
    }
  g_subprocess_send_signal (cli, SIGKILL);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_signaled (cli));
  g_assert_cmpint (g_subprocess_get_term_sig (cli), ==, SIGKILL);
}

static void
test_kill_mid_sync (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) first = NULL;
  g_autoptr (GSubprocess) second = NULL;
  g_autoptr (GSubprocess) last = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *assets;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Killed as soon as Halo has committed the first asset (the answer is still on its way),
   * then again further on. */
  first = spawn_cli (f, "sync");
  kill_when (f, first, 1);
  second = spawn_cli (f, "sync");
  /* The second run is killed as soon as it has added anything (after looking up what the first
   * left in flight), so that it is killed mid-sync however fast the writes are. */
  kill_when (f, second, asset_count (f) + 1);

  last = spawn_cli (f, "sync");
  g_subprocess_communicate_utf8 (last, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (last) != 0)
    g_error ("halyard-cli sync failed: %s %s", out, err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                               "pending"),
                   ==, 0);

  state = sim_state (f);
  assets = json_object_get_array_member (json_node_get_object (state), "assets");
  g_assert_cmpuint (json_array_get_length (assets), ==, f->devices);
  for (guint i = 0; i < json_array_get_length (assets); i++)
    {
      const char *inv =
          hy_sync_json_string (json_array_get_object_element (assets, i), "inventory_number");
      g_assert_nonnull (inv);
      g_assert_false (g_hash_table_contains (seen, inv));
      g_hash_table_add (seen, g_strdup (inv));
    }
  for (guint d = 0; d < f->devices; d++)
    {
      g_autofree char *id = g_strdup_printf ("pc%03u", d);
      g_autofree char *inv = hy_sync_asset_inventory_number (id);
      g_assert_true (g_hash_table_contains (seen, inv));
    }
}

/* Runs halyard-cli with @args to the end: its exit status, its stdout parsed as JSON (or NULL),
 * and the --json error code from stderr (or NULL). */
static int
run_cli (Fixture *f, JsonNode **out_json, char **out_code, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) cli = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_clear_pointer (out_json, json_node_unref);
  g_clear_pointer (out_code, g_free);
  g_ptr_array_add (argv, (gpointer) HY_CLI_BINARY);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, f->dir);
  g_ptr_array_add (argv, (gpointer) "--json");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", "demo-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HALYARD_DATA_DIR");
  cli = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("halyard-cli %s → %d\n%s%s", args[0], g_subprocess_get_exit_status (cli), out,
                  err);
  if (out != NULL && *out)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
      *out_json = json_node_copy (json_parser_get_root (parser));
    }
  if (err != NULL && strstr (err, "{\"error\"") != NULL)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, strstr (err, "{\"error\""), -1, &error));
      *out_code = g_strdup (
          json_object_get_string_member (json_object_get_object_member (json_node_get_object (
                                                                            json_parser_get_root (
                                                                                parser)),
                                                                        "error"),
                                         "code"));
    }
  return g_subprocess_get_exit_status (cli);
}

#define CLI(...) run_cli (f, &doc, &code, (const char *const[]){ __VA_ARGS__, NULL })

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  return json_node_get_object (node);
}

static void
test_cli_commands (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonObject *o, *ticket;
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

  g_clear_pointer (&state, json_node_unref);
  state = sim_state (f);
  {
    JsonArray *tickets = json_object_get_array_member (json_node_get_object (state), "tickets");
    JsonArray *actions = json_object_get_array_member (json_node_get_object (state), "actions");
    gboolean timed = FALSE;

    g_assert_cmpuint (json_array_get_length (tickets), ==, 1);
    ticket = json_array_get_object_element (tickets, 0);
    g_assert_cmpint (hy_sync_json_int (ticket, "id"), ==, ticket_id);
    g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), !=, 9);
    g_assert_false (hy_sync_json_int (ticket, "hasbeenclosed"));
    g_assert_cmpuint (json_array_get_length (actions), ==, 4);
    g_assert_nonnull (
        strstr (hy_sync_json_string (json_array_get_object_element (actions, 3), "note"),
                "stays open"));
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
  g_autoptr (GSubprocess) last = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = g_build_filename (f->dir, "halyard.db", NULL);
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
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

  last = spawn_cli (f, "sync");
  g_subprocess_communicate_utf8 (last, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (last) != 0)
    g_error ("halyard-cli sync failed: %s %s", out, err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                               "pending"),
                   ==, 0);

  state = sim_state (f);
  assets = json_object_get_array_member (json_node_get_object (state), "assets");
  g_assert_cmpuint (json_array_get_length (assets), ==, f->devices);
  for (guint i = 0; i < json_array_get_length (assets); i++)
    {
      JsonObject *asset = json_array_get_object_element (assets, i);
      const char *inv = hy_sync_json_string (asset, "inventory_number");
      const char *name = hy_sync_json_string (asset, "key_field");
      guint d;

      g_assert_nonnull (inv);
      g_assert_false (g_hash_table_contains (seen, inv));
      g_hash_table_add (seen, (gpointer) inv);
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

static JsonObject *
sim_find (JsonNode *state, const char *table, gint64 id)
{
  JsonArray *rows = json_object_get_array_member (json_node_get_object (state), table);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    if (hy_sync_json_int (json_array_get_object_element (rows, i), "id") == id)
      return json_array_get_object_element (rows, i);
  return NULL;
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
  g_assert_cmpint (CLI ("alert", "raise", "--id", "A1", "--computer", "pc000", "--policy", "p1",
                        "--summary", "Disk space low"),
                   ==, 0);
  t1 = json_object_get_int_member (obj (doc), "ticket_id");
  g_assert_cmpint (t1, >, 0);
  g_assert_cmpint (CLI ("action", "--alert", "A1", "--user", "u1", "--minutes", "5", "--note",
                        "Freed space", "--resolve"),
                   ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "delivered");

  /* The clear, with no close status mapped: Halo's Closed */
  g_assert_cmpint (CLI ("alert", "raise", "--id", "A2", "--computer", "pc001", "--policy", "p1",
                        "--summary", "CPU hot"),
                   ==, 0);
  t2 = json_object_get_int_member (obj (doc), "ticket_id");
  g_assert_cmpint (t2, >, 0);
  g_assert_cmpint (CLI ("alert", "clear", "--id", "A2"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "state"), ==, "delivered");
  g_assert_true (json_object_get_null_member (obj (doc), "reason"));

  state = sim_state (f);
  g_assert_cmpint (hy_sync_json_int (sim_find (state, "tickets", t1), "status_id"), ==, 9);
  g_assert_cmpint (hy_sync_json_int (sim_find (state, "tickets", t2), "status_id"), ==, 9);

  /* A Halo without the system status Closed */
  g_assert_cmpuint (sim_delete (f, "/api/Status/9"), ==, 200);
  g_assert_cmpint (CLI ("refresh"), ==, 0);
  g_assert_cmpint (CLI ("alert", "raise", "--id", "A3", "--computer", "pc000", "--policy", "p1",
                        "--summary", "Disk space low again"),
                   ==, 0);
  t3 = json_object_get_int_member (obj (doc), "ticket_id");
  g_assert_cmpint (t3, >, 0);
  g_assert_cmpint (CLI ("action", "--alert", "A3", "--user", "u1", "--minutes", "5", "--note",
                        "Looked", "--resolve"),
                   ==, 2);
  g_assert_cmpstr (code, ==, "no_close_status");
  g_assert_cmpint (CLI ("alert", "clear", "--id", "A3"), ==, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (obj (doc), "reason"), "--close-status"));
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

int
main (int argc, char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
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
  g_test_add ("/sync/cli/close-status", Fixture, GUINT_TO_POINTER (2), fixture_setup,
              test_cli_close_status, fixture_teardown);
  return g_test_run ();
}
