/* test-cli.c: halyard-cli end to end against a halyard-sim process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * connect (secret on stdin) → test → import → refresh → status → events, the --json documents,
 * the exit statuses of bad usage (2) and Halo failures (1), and that the client secret's bytes
 * appear nowhere: not in the database files, the events, or any output of the CLI.
 */

#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include "hy-test.h"

#define SECRET       "Cli-Test-Secret-9f27c1e4b8d3"
#define WRONG_SECRET "Wrong-Secret-5a1d0e77c3"
#define CLIENT_ID    "halyard-cli-test"

static char *cli_path;
static char *sim_path;
static char *data_dir;
static GSubprocess *sim;
static char *sim_url;
static GString *all_output;           /* every byte the CLI printed, for the secret check */
static const char *bus_override;      /* DBUS_SESSION_BUS_ADDRESS for the next runs, or NULL */
static const char *data_dir_override; /* --data-dir for the next runs, or NULL */
static gboolean data_dir_from_env;    /* HALYARD_DATA_DIR instead of --data-dir */

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs halyard-cli --data-dir DATA_DIR ARGS…; @input goes to stdin, @env_secret (nullable) in
 * HALYARD_CLIENT_SECRET. */
static void
run_cli_full (Run *run, const char *input, const char *env_secret, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *input_dir = NULL;
  g_autofree char *input_path = NULL;

  g_ptr_array_add (argv, cli_path);
  if (!data_dir_from_env)
    {
      g_ptr_array_add (argv, (gpointer) "--data-dir");
      g_ptr_array_add (argv, (gpointer) (data_dir_override != NULL ? data_dir_override : data_dir));
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* Standard input from a file, not a pipe: a command that refuses its arguments exits without
   * reading it, and writing to a pipe nobody reads kills this test with SIGPIPE. */
  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  input_dir = g_path_get_dirname (data_dir);
  input_path = g_build_filename (input_dir, "stdin.txt", NULL);
  g_assert_true (g_file_set_contents (input_path, input != NULL ? input : "", -1, &error));
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  g_subprocess_launcher_unsetenv (launcher, "HALYARD_CLIENT_SECRET");
  if (data_dir_from_env)
    g_subprocess_launcher_setenv (launcher, "HALYARD_DATA_DIR", data_dir, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "HALYARD_DATA_DIR");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  if (env_secret != NULL)
    g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", env_secret, TRUE);
  if (bus_override != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus_override, TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (input_path), ==, 0); /* the secret stays in no file */
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);

  g_string_append (all_output, run->out);
  g_string_append (all_output, run->err);
  g_test_message ("halyard-cli %s → %d\n%s%s", args[0], run->status, run->out, run->err);
}

#define RUN(run, input, env, ...)                      \
  G_STMT_START                                         \
  {                                                    \
    const char *const args_[] = { __VA_ARGS__, NULL }; \
    run_cli_full ((run), (input), (env), args_);       \
  }                                                    \
  G_STMT_END

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Checks {"error":{"code":CODE,"message":S}} on stderr and nothing on stdout. */
static void
assert_json_error (Run *run, int status, const char *code)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *error;

  g_assert_cmpint (run->status, ==, status);
  g_assert_cmpstr (run->out, ==, "");
  node = parse (run->err);
  error = json_object_get_object_member (json_node_get_object (node), "error");
  g_assert_nonnull (error);
  if (code != NULL)
    g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
}

static JsonNode *
sim_state (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = g_strconcat (sim_url, "/_sim/state", NULL);
  g_autofree char *text = NULL;

  session = soup_session_new_with_options ("proxy-resolver", direct, "timeout", 10, NULL);
  msg = soup_message_new ("GET", url);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return parse (text);
}

static void
sim_faults (const char *json)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = g_strconcat (sim_url, "/_sim/faults", NULL);

  session = soup_session_new_with_options ("proxy-resolver", direct, "timeout", 10, NULL);
  msg = soup_message_new ("POST", url);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 204);
}

static guint
state_count (JsonNode *state, const char *member)
{
  return json_array_get_length (
      json_object_get_array_member (json_node_get_object (state), member));
}

#define have_keyring hy_test_keyring_or_skip

static gboolean
bytes_contain (const char *data, gsize len, const char *needle)
{
  gsize n = strlen (needle);

  if (len < n)
    return FALSE;
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------- */
/* Tests                                                                     */
/* ------------------------------------------------------------------------- */

static void
test_usage (void)
{
  g_auto (Run) run = { 0 };

  RUN (&run, NULL, NULL, "--version");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, PACKAGE_VERSION));
  run_clear (&run);

  RUN (&run, NULL, NULL, "--help");
  g_assert_cmpint (run.status, ==, 0);
  for (const char *const *c = (const char *const[]){ "connect", "test", "import", "refresh",
                                                     "status", "events", NULL };
       *c != NULL; c++)
    g_assert_nonnull (strstr (run.out, *c));
  run_clear (&run);

  RUN (&run, NULL, NULL, "connect", "--help");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "--secret-stdin"));
  g_assert_nonnull (strstr (run.out, "--client-id"));
  run_clear (&run);

  /* No command, an unknown command, an unknown option. */
  {
    const char *const none[] = { NULL };

    run_cli_full (&run, NULL, NULL, none);
  }
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "command"));
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "frobnicate");
  assert_json_error (&run, 2, "usage");
  run_clear (&run);

  RUN (&run, NULL, NULL, "status", "--frobnicate");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "frobnicate"));
  run_clear (&run);

  /* --json after the bad option still gives a JSON error. */
  RUN (&run, NULL, NULL, "status", "--frobnicate", "--json");
  assert_json_error (&run, 2, "usage");
  run_clear (&run);

  /* connect: required options, and never a secret on the command line. */
  RUN (&run, NULL, NULL, "connect", "--json", "--client-id", CLIENT_ID, "--secret-stdin");
  assert_json_error (&run, 2, "usage");
  g_assert_nonnull (strstr (run.err, "--url"));
  run_clear (&run);

  RUN (&run, NULL, NULL, "connect", "--json", "--url", sim_url, "--secret-stdin");
  assert_json_error (&run, 2, "usage");
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "connect", "--url", sim_url, "--client-id", CLIENT_ID);
  assert_json_error (&run, 2, "usage");
  g_assert_nonnull (strstr (run.err, "HALYARD_CLIENT_SECRET"));
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "connect", "--url", sim_url, "--client-id", CLIENT_ID,
       "--secret", SECRET);
  assert_json_error (&run, 2, "usage");
  run_clear (&run);

  RUN (&run, "", NULL, "--json", "connect", "--url", sim_url, "--client-id", CLIENT_ID,
       "--secret-stdin");
  assert_json_error (&run, 2, "invalid_input");
  run_clear (&run);

  /* A plain http:// URL to a host that is not loopback. */
  RUN (&run, SECRET "\n", NULL, "--json", "connect", "--url", "http://halo.example.com",
       "--client-id", CLIENT_ID, "--secret-stdin");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "events", "--limit", "many");
  assert_json_error (&run, 2, "invalid_input");
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "events", "--limit", "0");
  assert_json_error (&run, 2, "usage");
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "import");
  assert_json_error (&run, 2, "usage");
  run_clear (&run);

  RUN (&run, NULL, NULL, "import", "--kind", "spaceships", "x.csv");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "spaceships"));
  run_clear (&run);

  /* Nothing was saved by any of these. */
  RUN (&run, NULL, NULL, "--json", "test");
  assert_json_error (&run, 1, "not_connected");
}

static void
check_preflight_document (const char *text, gboolean expect_ok)
{
  g_autoptr (JsonNode) node = parse (text);
  JsonObject *object = json_node_get_object (node);
  JsonArray *checks = json_object_get_array_member (object, "checks");
  guint n = json_array_get_length (checks);
  static const char *const ids[] = { "url",          "token",
                                     "agent",        "read_clients",
                                     "read_sites",   "read_assets",
                                     "read_agents",  "read_ticket_types",
                                     "write_assets", "write_tickets" };

  g_assert_cmpint (json_object_get_boolean_member (object, "ok"), ==, expect_ok);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);
      const char *status = json_object_get_string_member (check, "status");

      g_assert_cmpstr (json_object_get_string_member (check, "id"), ==, ids[i]);
      g_assert_true (g_str_equal (status, "passed") || g_str_equal (status, "failed") ||
                     g_str_equal (status, "unproven"));
      g_assert_nonnull (json_object_get_string_member (check, "message"));
      if (expect_ok)
        g_assert_cmpstr (status, ==, "passed");
      if (g_str_equal (status, "passed"))
        g_assert_true (json_object_get_null_member (check, "fix"));
      else
        g_assert_nonnull (json_object_get_string_member (check, "fix"));
    }

  if (expect_ok)
    {
      JsonObject *agent = json_object_get_object_member (object, "agent");

      g_assert_cmpint (json_object_get_int_member (agent, "id"), >, 0);
      g_assert_cmpstr (json_object_get_string_member (agent, "name"), !=, "");
    }
}

static const char inventory[] =
    "{\n"
    "  \"companies\": [{\"id\": \"c1\", \"name\": \"Acme Ltd\"}],\n"
    "  \"locations\": [{\"id\": \"l1\", \"company\": \"c1\", \"name\": \"Head Office\"}],\n"
    "  \"groups\": [{\"id\": \"g1\", \"name\": \"Servers\", \"parent\": null}],\n"
    "  \"computers\": [{\"id\": \"pc1\", \"name\": \"ACME-DC01\", \"company\": \"c1\",\n"
    "                   \"location\": \"l1\", \"group\": \"g1\", \"serial\": \"SN123\"},\n"
    "                  {\"id\": \"pc2\", \"name\": \"ACME-WS02\", \"company\": \"c1\",\n"
    "                   \"group\": \"g1\"}],\n"
    "  \"users\": [{\"id\": \"u1\", \"name\": \"Jane Tech\", \"email\": \"jane@msp.example\"}],\n"
    "  \"policies\": [{\"id\": \"p1\", \"name\": \"Disk space low\"}],\n"
    "  \"alerts\": [{\"id\": \"a1\", \"computer\": \"pc1\", \"policy\": \"p1\",\n"
    "               \"summary\": \"C: is 95% full\", \"raised_at\": \"2026-11-20T10:00:00Z\"}]\n"
    "}\n";

/* The end-to-end scenario, step by step: each step starts from what the ones before it left
 * (the data directory, the keyring, the simulator's records). */

/* connect: a wrong secret fails (exit 1) and saves nothing; the right one passes every check. */
static void
end_to_end_connect (void)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  JsonArray *array;

  /* connect with a wrong secret: the test fails (exit 1) and nothing is saved. */
  RUN (&run, WRONG_SECRET "\n", NULL, "--json", "connect", "--url", sim_url, "--client-id",
       CLIENT_ID, "--secret-stdin");
  g_assert_cmpint (run.status, ==, 1);
  check_preflight_document (run.out, FALSE);
  node = parse (run.out);
  array = json_object_get_array_member (json_node_get_object (node), "checks");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1),
                                                  "status"),
                   ==, "failed");
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "agent"));
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "status");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "connection"));
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "test");
  g_assert_cmpint (run.status, ==, 1);
  run_clear (&run);

  /* connect with the right one, on stdin: every check passes. */
  RUN (&run, SECRET "\n", NULL, "--json", "connect", "--url", sim_url, "--client-id", CLIENT_ID,
       "--secret-stdin");
  g_assert_cmpint (run.status, ==, 0);
  check_preflight_document (run.out, TRUE);
  run_clear (&run);

  /* test: the secret now comes from the keyring. */
  RUN (&run, NULL, NULL, "test", "--json");
  g_assert_cmpint (run.status, ==, 0);
  check_preflight_document (run.out, TRUE);
  run_clear (&run);

  /* The human form names the agent and every check. */
  RUN (&run, NULL, NULL, "test");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "agent"));
  g_assert_nonnull (strstr (run.out, "The connection works."));
  run_clear (&run);
}

/* import: records added, then unchanged; bad input is exit 2 with the index and field named. */
static void
end_to_end_import (void)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *inventory_path = g_build_filename (data_dir, "..", "inventory.json", NULL);
  g_autofree char *bad_path = g_build_filename (data_dir, "..", "bad.json", NULL);
  g_autoptr (GError) error = NULL;
  JsonObject *object;

  /* import */
  g_file_set_contents (inventory_path, inventory, -1, &error);
  g_assert_no_error (error);
  RUN (&run, NULL, NULL, "--json", "import", inventory_path);
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  object = json_object_get_object_member (json_node_get_object (node), "added");
  g_assert_cmpint (json_object_get_int_member (object, "companies"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "computers"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "alerts"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "import", inventory_path);
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  object = json_object_get_object_member (json_node_get_object (node), "unchanged");
  g_assert_cmpint (json_object_get_int_member (object, "computers"), ==, 2);
  object = json_object_get_object_member (json_node_get_object (node), "added");
  g_assert_cmpint (json_object_get_int_member (object, "computers"), ==, 0);
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  /* Bad input: exit 2, the index and field named. */
  g_file_set_contents (bad_path,
                       "{\"computers\": [{\"id\": \"pc9\", \"name\": \"X\", \"company\": "
                       "\"nope\"}]}",
                       -1, &error);
  g_assert_no_error (error);
  RUN (&run, NULL, NULL, "--json", "import", bad_path);
  assert_json_error (&run, 2, NULL);
  g_assert_nonnull (strstr (run.err, "computers[0]"));
  run_clear (&run);

  RUN (&run, NULL, NULL, "import", "/nonexistent/inventory.json");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
}

/* refresh: the cache gets what Halo has. Returns the simulator's state. */
static JsonNode *
end_to_end_refresh (void)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  JsonNode *state;
  JsonObject *object;

  /* refresh: what the cache got is what Halo has. */
  RUN (&run, NULL, NULL, "--json", "refresh");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  object = json_node_get_object (node);
  state = sim_state ();
  g_assert_cmpint (json_object_get_int_member (object, "clients"), ==,
                   state_count (state, "clients"));
  g_assert_cmpint (json_object_get_int_member (object, "sites"), ==, state_count (state, "sites"));
  g_assert_cmpint (json_object_get_int_member (object, "assets"), ==,
                   state_count (state, "assets"));
  /* API-only agents included */
  g_assert_cmpint (json_object_get_int_member (object, "agents"), ==,
                   state_count (state, "agents"));
  g_assert_cmpint (json_object_get_int_member (object, "ticket_types"), ==,
                   state_count (state, "ticket_types"));
  g_assert_cmpint (json_object_get_int_member (object, "statuses"), ==,
                   state_count (state, "statuses"));
  g_assert_cmpint (json_object_get_int_member (object, "outcomes"), ==,
                   state_count (state, "outcomes"));
  g_assert_cmpint (json_object_get_int_member (object, "requests"), >=, 7);
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "refresh");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Clients: "));
  run_clear (&run);

  return state;
}

/* status, in JSON and for humans, and with HALYARD_DATA_DIR */
static void
end_to_end_status (void)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;

  /* status */
  RUN (&run, NULL, NULL, "--json", "status");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  object = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (object, "enabled"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "groups")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "outbox"),
                                               "pending"),
                   ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "outbox"),
                                               "dead"),
                   ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "alerts"),
                                               "open"),
                   ==, 1);
  g_assert_true (
      json_object_has_member (json_object_get_object_member (object, "alerts"), "unrouted"));
  /* The wrong secret's refused token request is the last error. */
  g_assert_nonnull (json_object_get_string_member (object, "last_error"));
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "status");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "disabled"));
  run_clear (&run);

  /* HALYARD_DATA_DIR stands in for --data-dir. */
  data_dir_from_env = TRUE;
  RUN (&run, NULL, NULL, "status");
  data_dir_from_env = FALSE;
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, sim_url));
  run_clear (&run);
}

/* A mapped group (to the first of @state's clients) shows up with its devices, not yet synced. */
static void
end_to_end_map_group (JsonNode *state)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  JsonArray *array;
  JsonObject *client =
      json_array_get_object_element (json_object_get_array_member (json_node_get_object (state),
                                                                   "clients"),
                                     0);
  g_autofree char *client_id =
      g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (client, "id"));
  JsonObject *group;

  RUN (&run, NULL, NULL, "map", "group", "g1", "--client", client_id);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "status");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  array = json_object_get_array_member (json_node_get_object (node), "groups");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  group = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (group, "id"), ==, "g1");
  g_assert_cmpstr (json_object_get_string_member (group, "name"), ==, "Servers");
  g_assert_cmpstr (json_object_get_string_member (group, "state"), ==, "unsynced");
  g_assert_cmpint (json_object_get_int_member (group, "devices"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (group, "synced"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (group, "failed"), ==, 0);
  g_assert_true (json_object_get_null_member (group, "reason"));
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "status");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Servers: Unsynced (0 of 2 devices synced, 0 failed)"));
  run_clear (&run);
}

/* events: newest first, every field of the contract; --failed, --limit */
static void
end_to_end_events (void)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  JsonArray *array;

  /* events: newest first, every field of the contract */
  RUN (&run, NULL, NULL, "--json", "events");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), >, 10);
  {
    gboolean saw_token = FALSE, saw_clients = FALSE;
    g_autofree char *previous = NULL;

    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *event = json_array_get_object_element (array, i);
        const char *time = json_object_get_string_member (event, "time");
        const char *path = json_object_get_string_member (event, "path");

        g_assert_true (g_str_has_suffix (time, "Z"));
        if (previous != NULL)
          g_assert_cmpstr (time, <=, previous);
        g_free (previous);
        previous = g_strdup (time);
        g_assert_nonnull (json_object_get_string_member (event, "method"));
        g_assert_true (json_object_has_member (event, "status"));
        g_assert_true (json_object_has_member (event, "duration_ms"));
        g_assert_true (json_object_has_member (event, "record"));
        g_assert_true (json_object_has_member (event, "error"));
        if (strstr (path, "/token") != NULL)
          saw_token = TRUE;
        if (g_str_has_prefix (path, "/api/Client"))
          saw_clients = TRUE;
      }
    g_assert_true (saw_token);
    g_assert_true (saw_clients);
  }
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "events", "--failed");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), >=, 1);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);
      gint64 status = json_object_get_int_member (event, "status");

      g_assert_true (status == 0 || status >= 400 || !json_object_get_null_member (event, "error"));
    }
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "events", "--limit", "2");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "events", "--limit", "5");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, " ms "));
  run_clear (&run);
}

/* A Halo failure, then the secret from the environment */
static void
end_to_end_failures (void)
{
  g_auto (Run) run = { 0 };

  /* A Halo failure: the application loses its customers scope → exit 1. */
  sim_faults ("{\"granted_scopes\": \"read:tickets\"}");
  RUN (&run, NULL, NULL, "--json", "refresh");
  assert_json_error (&run, 1, "forbidden");
  run_clear (&run);
  RUN (&run, NULL, NULL, "--json", "test");
  g_assert_cmpint (run.status, ==, 1);
  check_preflight_document (run.out, FALSE);
  run_clear (&run);
  sim_faults ("{\"granted_scopes\": \"all\"}");

  /* The secret from the environment, in memory only. */
  RUN (&run, NULL, SECRET, "--json", "test");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  RUN (&run, NULL, WRONG_SECRET, "--json", "test");
  g_assert_cmpint (run.status, ==, 1);
  check_preflight_document (run.out, FALSE);
}

static void
test_end_to_end (void)
{
  g_autoptr (JsonNode) state = NULL;

  if (!have_keyring ())
    return;

  end_to_end_connect ();
  end_to_end_import ();
  state = end_to_end_refresh ();
  end_to_end_status ();
  end_to_end_map_group (state);
  end_to_end_events ();
  end_to_end_failures ();
}

/* The core's error says what is wrong and what to do; the CLI adds the option that does it (its
 * hint table), in the human form and as the --json document's "hint". */
static void
test_hints (void)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_build_filename (data_dir, "..", "not-halyard", NULL);
  g_autofree char *db = g_build_filename (dir, "halyard.db", NULL);
  JsonObject *object;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (db, "not a database, but long enough to be read as one's header", -1,
                       &error);
  g_assert_no_error (error);
  data_dir_override = dir;

  RUN (&run, NULL, NULL, "--json", "status");
  assert_json_error (&run, 1, "store_not_halyard");
  node = parse (run.err);
  object = json_object_get_object_member (json_node_get_object (node), "error");
  g_assert_null (strstr (json_object_get_string_member (object, "message"), "--data-dir"));
  g_assert_nonnull (
      strstr (json_object_get_string_member (object, "message"), "another data directory"));
  g_assert_nonnull (strstr (json_object_get_string_member (object, "hint"), "--data-dir"));
  run_clear (&run);

  RUN (&run, NULL, NULL, "status");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "is not a Halyard database"));
  g_assert_nonnull (strstr (run.err, "\nTo use another data directory, run halyard-cli with "
                                     "--data-dir DIR"));
  run_clear (&run);
  g_clear_pointer (&node, json_node_unref);

  /* Nothing connected yet: the session says so, the CLI names its command. */
  g_assert_cmpint (g_unlink (db), ==, 0);
  RUN (&run, NULL, NULL, "--json", "sync");
  assert_json_error (&run, 1, "not_connected");
  node = parse (run.err);
  object = json_object_get_object_member (json_node_get_object (node), "error");
  g_assert_null (strstr (json_object_get_string_member (object, "message"), "halyard-cli"));
  g_assert_cmpstr (json_object_get_string_member (object, "hint"), ==,
                   "Run “halyard-cli connect” first.");

  data_dir_override = NULL;
}

/* No keyring: connect fails with exit 1 and the keyring's error, and saves nothing. */
/* rename company: the name changes (stripped), the id and the link stay; an empty name, an
 * unknown id or a wrong kind is bad input (exit 2) and changes nothing. */
static void
test_rename (void)
{
  g_auto (Run) run = { 0 };
  g_autofree char *other_dir = g_strconcat (data_dir, "-rename", NULL);
  g_autofree char *inventory_path = g_build_filename (data_dir, "..", "rename.json", NULL);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *object;

  data_dir_override = other_dir;
  g_assert_true (g_file_set_contents (inventory_path, inventory, -1, &error));
  g_assert_no_error (error);
  RUN (&run, NULL, NULL, "import", inventory_path);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "rename", "company", "c1", "  ACME Limited ");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "company");
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c1");
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "ACME Limited");
  g_assert_cmpstr (json_object_get_string_member (object, "old_name"), ==, "Acme Ltd");
  g_clear_pointer (&node, json_node_unref);
  run_clear (&run);

  RUN (&run, NULL, NULL, "rename", "company", "c1", "ACME Ltd.");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "“ACME Limited” to “ACME Ltd.”"));
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "rename", "company", "c1", "   ");
  assert_json_error (&run, 2, "invalid_input");
  run_clear (&run);
  RUN (&run, NULL, NULL, "--json", "rename", "company", "nope", "Other");
  assert_json_error (&run, 2, NULL);
  run_clear (&run);
  RUN (&run, NULL, NULL, "--json", "rename", "group", "g1", "Other");
  assert_json_error (&run, 2, NULL);
  run_clear (&run);
  RUN (&run, NULL, NULL, "rename", "company", "c1");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  /* Nothing of that changed the name again. */
  RUN (&run, NULL, NULL, "--json", "links", "company");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  object = json_array_get_object_element (json_node_get_array (node), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c1");
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "ACME Ltd.");
  run_clear (&run);

  g_unlink (inventory_path);
  for (guint i = 0; i < 4; i++)
    {
      const char *files[] = { "halyard.db", "halyard.db-wal", "halyard.db-shm",
                              "halyard.db-journal" };
      g_autofree char *path = g_build_filename (other_dir, files[i], NULL);

      g_unlink (path);
    }
  g_rmdir (other_dir);
  data_dir_override = NULL;
}

static void
test_no_keyring (void)
{
  g_auto (Run) run = { 0 };
  g_autofree char *nowhere = g_build_filename (g_get_tmp_dir (), "halyard-no-bus", NULL);
  g_autofree char *address = g_strconcat ("unix:path=", nowhere, NULL);
  g_autofree char *other_dir = g_strconcat (data_dir, "-nokeyring", NULL);
  g_autoptr (JsonNode) node = NULL;

  bus_override = address;
  data_dir_override = other_dir;

  RUN (&run, SECRET "\n", NULL, "--json", "connect", "--url", sim_url, "--client-id", CLIENT_ID,
       "--secret-stdin");
  assert_json_error (&run, 1, "no_keyring");
  g_assert_nonnull (strstr (run.err, "No keyring is available"));
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "status");
  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "connection"));
  run_clear (&run);

  /* Without a keyring, --no-keyring keeps the secret in memory only: every command then takes
   * it from the environment. */
  RUN (&run, NULL, SECRET, "--json", "connect", "--url", sim_url, "--client-id", CLIENT_ID,
       "--no-keyring");
  g_assert_cmpint (run.status, ==, 0);
  check_preflight_document (run.out, TRUE);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "status");
  g_assert_cmpint (run.status, ==, 0);
  g_clear_pointer (&node, json_node_unref);
  node = parse (run.out);
  g_assert_false (json_object_get_null_member (json_node_get_object (node), "connection"));
  run_clear (&run);

  RUN (&run, NULL, SECRET, "--json", "refresh");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  RUN (&run, NULL, NULL, "--json", "test");
  assert_json_error (&run, 1, "no_keyring");
  run_clear (&run);
  bus_override = NULL;

  /* With a keyring, connect also takes the secret from the environment. */
  RUN (&run, NULL, SECRET, "--json", "connect", "--url", sim_url, "--client-id", CLIENT_ID);
  if (hy_test_have_keyring ())
    {
      g_assert_cmpint (run.status, ==, 0);
      check_preflight_document (run.out, TRUE);
    }
  run_clear (&run);

  data_dir_override = NULL;
  {
    const char *suffixes[] = { "/halyard.db", "/halyard.db-wal", "/halyard.db-shm", "" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *path = g_strconcat (other_dir, suffixes[i], NULL);
        g_remove (path);
      }
  }
}

/* Must run after the end-to-end test: the secret's bytes nowhere. */
static void
test_secret_nowhere (void)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_auto (Run) run = { 0 };
  guint files = 0;

  if (!have_keyring ())
    return;

  /* Everything the events log holds, bodies included, is in the database files. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (data_dir, "/halyard.db", suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &contents, &len, NULL))
        continue;
      files++;
      g_assert_false (bytes_contain (contents, len, SECRET));
      g_assert_false (bytes_contain (contents, len, WRONG_SECRET));
    }
  g_assert_cmpuint (files, >=, 1);

  RUN (&run, NULL, NULL, "--json", "events", "--limit", "100000");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  g_assert_null (strstr (all_output->str, SECRET));
  g_assert_null (strstr (all_output->str, WRONG_SECRET));
}

/* ------------------------------------------------------------------------- */
/* Simulator process                                                         */
/* ------------------------------------------------------------------------- */

/* The simulator dies with the test, even when the test aborts. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_sim (void)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  const char *prefix = "halyard-sim listening on ";

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sim = g_subprocess_launcher_spawn (launcher, &error, sim_path, "--port", "0", "--clients", "6",
                                     "--sites-per-client", "2", "--assets-per-client", "3",
                                     "--agents", "4", "--seed", "7", "--client-id", CLIENT_ID,
                                     "--client-secret", SECRET, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  sim_url = g_strdup (line + strlen (prefix));
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = NULL;
  const char *build_root = g_getenv ("HALYARD_BUILD_ROOT");
  int status;

  /* The tests' private GSettings has no proxy schema: no proxy for loopback servers (the CLI
   * processes inherit this) */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_assert_nonnull (build_root);
  cli_path = g_build_filename (build_root, "src", "cli", "halyard-cli", NULL);
  sim_path = g_build_filename (build_root, "src", "sim", "halyard-sim", NULL);
  tmp = g_dir_make_tmp ("halyard-cli-test-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp, "data", NULL);
  all_output = g_string_new (NULL);

  start_sim ();

  g_test_add_func ("/cli/usage", test_usage);
  g_test_add_func ("/cli/end-to-end", test_end_to_end);
  g_test_add_func ("/cli/rename", test_rename);
  g_test_add_func ("/cli/hints", test_hints);
  g_test_add_func ("/cli/no-keyring", test_no_keyring);
  g_test_add_func ("/cli/secret-nowhere", test_secret_nowhere);

  status = g_test_run ();

  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait (sim, NULL, NULL);
  g_clear_object (&sim);

  /* Remove the data directory and the inventory files. */
  {
    g_autoptr (GFile) root = g_file_new_for_path (tmp);
    g_autoptr (GFileEnumerator) dirs = NULL;
    const char *subs[] = { "data/halyard.db",
                           "data/halyard.db-wal",
                           "data/halyard.db-shm",
                           "data/halyard.db-journal",
                           "data",
                           "inventory.json",
                           "bad.json" };

    for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
      {
        g_autofree char *path = g_build_filename (tmp, subs[i], NULL);
        g_remove (path);
      }
    g_rmdir (tmp);
  }

  g_string_free (all_output, TRUE);
  g_free (cli_path);
  g_free (sim_path);
  g_free (data_dir);
  g_free (sim_url);
  return status;
}
