/* test-intake.c: the alert intake against the real Prometheus Alertmanager and amtool, with
 * halyard-sim standing in for Halo: tickets opened, repeats, resolves, unrouted alerts routed
 * after an import, the reconcile after a stop; bad input refused with its code and nothing
 * stored; Halyard's own format; the token in the keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include "hy-test.h"

#define DEADLINE_S 30

typedef struct
{
  GSubprocess *sim;
  char *sim_url;
  char *dir;
  char *data_dir;
  SoupSession *http;
  GSubprocess *harness;
  char *intake_url;
  GSubprocess *am;
  char *am_url;
  char *token;
  gboolean keyring;
  gboolean use_harness;
  char *previous_url; /* where the stopped intake listened: a restart listens elsewhere */
} Fixture;

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocessLauncher *
launcher_new (Fixture *f, GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", "demo-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HALYARD_DATA_DIR");
  if (!f->keyring && f->token != NULL)
    g_subprocess_launcher_setenv (launcher, "HALYARD_INTAKE_TOKEN", f->token, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return launcher;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Runs halyard-cli --json with @args: its exit status, stdout as JSON, the error code. */
static int
run_cli (Fixture *f, JsonNode **out_json, char **out_code, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher =
      launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) cli = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (out_json != NULL)
    g_clear_pointer (out_json, json_node_unref);
  if (out_code != NULL)
    g_clear_pointer (out_code, g_free);
  g_ptr_array_add (argv, (gpointer) HY_CLI_BINARY);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, f->data_dir);
  g_ptr_array_add (argv, (gpointer) "--json");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  cli = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (args[0], "intake") != 0 || g_strcmp0 (args[1], "token") != 0)
    g_test_message ("halyard-cli %s → %d\n%s%s", args[0], g_subprocess_get_exit_status (cli), out,
                    err);
  if (out_json != NULL && out != NULL && *out)
    *out_json = parse_json (out);
  if (out_code != NULL && err != NULL && strstr (err, "{\"error\"") != NULL)
    {
      g_autoptr (JsonNode) doc = parse_json (strstr (err, "{\"error\""));
      *out_code = g_strdup (
          json_object_get_string_member (json_object_get_object_member (json_node_get_object (doc),
                                                                        "error"),
                                         "code"));
    }
  return g_subprocess_get_exit_status (cli);
}

#define CLI(...) run_cli (f, &doc, &code, (const char *const[]){ __VA_ARGS__, NULL })

static void
cli_ok (Fixture *f, const char *const *args)
{
  g_assert_cmpint (run_cli (f, NULL, NULL, args), ==, 0);
}

#define CLI_OK(...) cli_ok (f, (const char *const[]){ __VA_ARGS__, NULL })

/* GET @url: the body as JSON, and the status. */
static JsonNode *
get_json (Fixture *f, const char *url, guint *out_status)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  body = soup_session_send_and_read (f->http, msg, NULL, &error);
  if (out_status != NULL)
    *out_status = body != NULL ? soup_message_get_status (msg) : 0;
  if (body == NULL)
    return NULL;
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (*text != '[' && *text != '{')
    return NULL;
  return parse_json (text);
}

static JsonArray *
sim_tickets (Fixture *f, JsonNode **holder)
{
  g_autofree char *url = g_strconcat (f->sim_url, "/_sim/state", NULL);

  g_clear_pointer (holder, json_node_unref);
  *holder = get_json (f, url, NULL);
  g_assert_nonnull (*holder);
  return json_object_get_array_member (json_node_get_object (*holder), "tickets");
}

static guint
ticket_count (Fixture *f)
{
  g_autoptr (JsonNode) holder = NULL;

  return json_array_get_length (sim_tickets (f, &holder));
}

/* The status of the first ticket whose summary is @summary; 0 when none. */
static gint64
ticket_status (Fixture *f, const char *summary)
{
  g_autoptr (JsonNode) holder = NULL;
  JsonArray *tickets = sim_tickets (f, &holder);

  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonObject *t = json_array_get_object_element (tickets, i);
      if (g_strcmp0 (json_object_get_string_member (t, "summary"), summary) == 0)
        return json_object_get_int_member (t, "status_id");
    }
  return 0;
}

/* How many of the sim's actions on @ticket_id have a note containing @text. */
static guint
notes_containing (Fixture *f, gint64 ticket_id, const char *text)
{
  g_autofree char *url = g_strconcat (f->sim_url, "/_sim/state", NULL);
  g_autoptr (JsonNode) state = get_json (f, url, NULL);
  JsonArray *actions = json_object_get_array_member (json_node_get_object (state), "actions");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (actions); i++)
    {
      JsonObject *a = json_array_get_object_element (actions, i);
      const char *note = json_object_get_string_member_with_default (a, "note", NULL);

      if (json_object_get_int_member_with_default (a, "ticket_id", 0) == ticket_id &&
          note != NULL && strstr (note, text) != NULL)
        n++;
    }
  return n;
}

static JsonNode *
status_doc (Fixture *f)
{
  JsonNode *doc = NULL;

  g_assert_cmpint (run_cli (f, &doc, NULL, (const char *const[]){ "status", NULL }), ==, 0);
  return doc;
}

static gint64
received_today (Fixture *f)
{
  g_autoptr (JsonNode) doc = status_doc (f);

  return json_object_get_int_member (json_object_get_object_member (json_node_get_object (doc),
                                                                    "intake"),
                                     "received_today");
}

static gint64
outbox_pending (Fixture *f)
{
  g_autoptr (JsonNode) doc = status_doc (f);

  return json_object_get_int_member (json_object_get_object_member (json_node_get_object (doc),
                                                                    "outbox"),
                                     "pending");
}

static gboolean
tick_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits (the main context running) until @condition holds, at most DEADLINE_S seconds. */
#define WAIT_UNTIL(condition)                                                      \
  G_STMT_START                                                                     \
  {                                                                                \
    gint64 deadline_ = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;      \
    while (!(condition))                                                           \
      {                                                                            \
        gboolean ticked_ = FALSE;                                                  \
        if (g_get_monotonic_time () > deadline_)                                   \
          g_error ("Timed out after %d s waiting for %s", DEADLINE_S, #condition); \
        g_timeout_add (100, tick_cb, &ticked_);                                    \
        while (!ticked_)                                                           \
          g_main_context_iteration (NULL, TRUE);                                   \
      }                                                                            \
  }                                                                                \
  G_STMT_END

static guint16
free_port (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* ------------------------------------------------------------------------- */
/* The processes                                                             */
/* ------------------------------------------------------------------------- */

/* The intake as users run it: `halyard-cli serve --listen` on a free loopback port (another
 * port when that one was taken in between). The bad-input test runs the harness instead, whose
 * read timeout is short, so the slow sender is answered in half a second. */
static void
start_harness (Fixture *f)
{
  g_autoptr (GSubprocessLauncher) launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GError) error = NULL;

  for (guint attempt = 0; attempt < 5 && f->intake_url == NULL; attempt++)
    {
      g_autoptr (GDataInputStream) out = NULL;
      g_autofree char *line = NULL;
      g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", free_port ());
      g_autofree char *url = g_strconcat ("http://", listen, NULL);

      if (g_strcmp0 (url, f->previous_url) == 0)
        continue;

      if (f->use_harness)
        f->harness = g_subprocess_launcher_spawn (launcher, &error, HY_HARNESS_BINARY, "--data-dir",
                                                  f->data_dir, "--listen", listen,
                                                  "--read-timeout-ms", "500", NULL);
      else
        f->harness =
            g_subprocess_launcher_spawn (launcher, &error, HY_CLI_BINARY, "--data-dir", f->data_dir,
                                         "--json", "serve", "--listen", listen, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->harness));
      line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      if (line == NULL)
        {
          /* It could not listen there: gone, with its reason on stderr. */
          g_assert_true (g_subprocess_wait (f->harness, NULL, NULL));
          g_clear_object (&f->harness);
          continue;
        }
      if (f->use_harness)
        {
          g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
          f->intake_url = g_strdup (line + strlen ("listening on "));
        }
      else
        {
          g_autoptr (JsonNode) doc = parse_json (line);
          JsonObject *o = json_node_get_object (doc);

          g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "serving");
          f->intake_url = g_strdup (json_object_get_string_member (o, "intake"));
        }
    }
  g_assert_nonnull (f->intake_url);
  g_assert_true (g_str_has_prefix (f->intake_url, "http://127.0.0.1:"));
}

static void
stop_harness (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (f->harness, SIGTERM);
  g_assert_true (g_subprocess_wait (f->harness, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (f->harness));
  g_assert_cmpint (g_subprocess_get_exit_status (f->harness), ==, 0);
  g_clear_object (&f->harness);
  g_free (f->previous_url);
  f->previous_url = g_steal_pointer (&f->intake_url);
}

static void
start_alertmanager (Fixture *f)
{
  g_autoptr (GSubprocessLauncher) launcher =
      launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *config = NULL;
  g_autofree char *config_path = g_build_filename (f->dir, "alertmanager.yml", NULL);
  g_autofree char *token_path = g_build_filename (f->dir, "intake-token", NULL);
  g_autofree char *storage = g_build_filename (f->dir, "alertmanager", NULL);
  g_autofree char *listen = NULL;
  g_autofree char *ready = NULL;
  g_autoptr (GError) error = NULL;
  guint status = 0;

  if (*HY_ALERTMANAGER_BINARY == '\0' || *HY_AMTOOL_BINARY == '\0')
    g_error ("prometheus-alertmanager and amtool are needed: apt-get install "
             "prometheus-alertmanager (build-aux/dev installs it)");
  /* Alertmanager reads the token from a private file of its own, as a deployment would. */
  g_assert_true (g_file_set_contents_full (token_path, f->token, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                           0600, &error));
  config = g_strdup_printf ("route:\n"
                            "  receiver: halyard\n"
                            "  group_by: ['alertname', 'instance']\n"
                            "  group_wait: 100ms\n"
                            "  group_interval: 500ms\n"
                            "  repeat_interval: 1s\n"
                            "receivers:\n"
                            "  - name: halyard\n"
                            "    webhook_configs:\n"
                            "      - url: %s/api/v1/alerts/alertmanager\n"
                            "        send_resolved: true\n"
                            "        http_config:\n"
                            "          authorization:\n"
                            "            type: Bearer\n"
                            "            credentials_file: %s\n",
                            f->intake_url, token_path);
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));

  for (guint attempt = 0; attempt < 5 && f->am == NULL; attempt++)
    {
      g_autofree char *config_arg = g_strconcat ("--config.file=", config_path, NULL);
      g_autofree char *storage_arg = g_strconcat ("--storage.path=", storage, NULL);
      g_autofree char *listen_arg = NULL;

      g_free (listen);
      listen = g_strdup_printf ("127.0.0.1:%u", free_port ());
      listen_arg = g_strconcat ("--web.listen-address=", listen, NULL);
      f->am =
          g_subprocess_launcher_spawn (launcher, &error, HY_ALERTMANAGER_BINARY, config_arg,
                                       storage_arg, listen_arg, "--cluster.listen-address=", NULL);
      g_assert_no_error (error);
      g_free (f->am_url);
      f->am_url = g_strconcat ("http://", listen, NULL);
      g_free (ready);
      ready = g_strconcat (f->am_url, "/-/ready", NULL);
      /* Ready, or gone (the port was taken in between): then another port. */
      WAIT_UNTIL ((get_json (f, ready, &status), status == 200) ||
                  g_subprocess_get_identifier (f->am) == NULL);
      if (status != 200)
        g_clear_object (&f->am);
    }
  g_assert_nonnull (f->am);
}

static void
amtool (Fixture *f, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher =
      launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) tool = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = g_strconcat ("--alertmanager.url=", f->am_url, NULL);
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, (gpointer) HY_AMTOOL_BINARY);
  g_ptr_array_add (argv, (gpointer) "alert");
  g_ptr_array_add (argv, (gpointer) "add");
  g_ptr_array_add (argv, url);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  tool = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (tool, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (tool) != 0)
    g_error ("amtool failed: %s", out);
}

#define AMTOOL(...) amtool (f, (const char *const[]){ __VA_ARGS__, NULL })

/* How many alerts Alertmanager's API lists. */
static guint
am_alert_count (Fixture *f)
{
  g_autofree char *url = g_strconcat (f->am_url, "/api/v2/alerts", NULL);
  g_autoptr (JsonNode) list = get_json (f, url, NULL);

  g_assert_nonnull (list);
  return json_array_get_length (json_node_get_array (list));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *seed = g_build_filename (HY_SOURCE_ROOT, "data", "demo", "halo.json", NULL);
  g_autofree char *inventory =
      g_build_filename (HY_SOURCE_ROOT, "data", "demo", "inventory.json", NULL);
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;

  f->use_harness = GPOINTER_TO_INT (data);
  f->dir = g_dir_make_tmp ("hy-intake-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->http = soup_session_new_with_options ("timeout", 20, NULL);
  /* The token lives in the keyring (build-aux/dev test runs one); without one, the server's
   * way: HALYARD_INTAKE_TOKEN. */
  f->keyring = hy_test_have_keyring ();
  if (!f->keyring)
    {
      g_test_message ("No keyring: the token comes from HALYARD_INTAKE_TOKEN");
      f->token = g_strdup ("test-token-0123456789abcdefghijklmnopqrstuvwxyz");
    }

  launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  f->sim = g_subprocess_launcher_spawn (launcher, &error, HY_SIM_BINARY, "--port", "0",
                                        "--seed-file", seed, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->sim));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  f->sim_url = g_strdup (strstr (line, "http://"));

  /* The README's session: connect, import, refresh, link, route, enable. */
  CLI_OK ("connect", "--url", f->sim_url, "--client-id", "halyard-demo", "--no-keyring");
  CLI_OK ("import", inventory);
  CLI_OK ("refresh");
  CLI_OK ("link", "auto");
  CLI_OK ("map", "group", "g-servers", "--client", "12", "--site", "20");
  CLI_OK ("map", "policy", "p-disk", "--ticket-type", "4", "--close-status", "9");
  CLI_OK ("enable");
  g_assert_cmpuint (ticket_count (f), ==, 0);

  if (f->keyring)
    {
      g_assert_cmpint (CLI ("intake", "token"), ==, 0);
      f->token = g_strdup (json_object_get_string_member (json_node_get_object (doc), "token"));
    }
  start_harness (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  if (f->harness != NULL)
    stop_harness (f);
  if (f->am != NULL)
    {
      g_subprocess_force_exit (f->am);
      g_subprocess_wait (f->am, NULL, NULL);
      g_clear_object (&f->am);
    }
  g_subprocess_force_exit (f->sim);
  g_subprocess_wait (f->sim, NULL, NULL);
  g_clear_object (&f->sim);
  g_clear_object (&f->http);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->data_dir);
  g_free (f->sim_url);
  g_free (f->intake_url);
  g_free (f->previous_url);
  g_free (f->am_url);
  g_free (f->token);
}

/* POSTs @body to the intake: the status and the answer's text. */
static guint
post (Fixture *f, const char *path, const char *token, const char *body, gsize length, char **out)
{
  g_autofree char *url = g_strconcat (f->intake_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    header);
    }
  soup_message_set_request_body_from_bytes (msg, "application/json",
                                            g_bytes_new_static (body, length == 0 ? strlen (body)
                                                                                  : length));
  answer = soup_session_send_and_read (f->http, msg, NULL, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  return soup_message_get_status (msg);
}

static void
assert_healthy (Fixture *f)
{
  g_autofree char *url = g_strconcat (f->intake_url, "/api/v1/health", NULL);
  guint status = 0;
  g_autoptr (JsonNode) health = get_json (f, url, &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (health), "ok"));
}

/* Nothing stored: no alert open, none unrouted, no ticket. */
static void
assert_nothing_stored (Fixture *f)
{
  g_autoptr (JsonNode) doc = status_doc (f);
  JsonObject *alerts = json_object_get_object_member (json_node_get_object (doc), "alerts");

  g_assert_cmpint (json_object_get_int_member (alerts, "open"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (alerts, "unrouted"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (doc),
                                                                         "unrouted_alerts")),
                    ==, 0);
  g_assert_cmpuint (ticket_count (f), ==, 0);
}

/* The newest event is the intake's refusal with @status; the token is in no event. */
static void
assert_refusal_logged (Fixture *f, guint status)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autofree char *text = NULL;
  JsonObject *event;

  g_assert_cmpint (CLI ("events", "--limit", "1000"), ==, 0);
  event = json_array_get_object_element (json_node_get_array (doc), 0);
  g_assert_cmpint (json_object_get_int_member (event, "status"), ==, status);
  g_assert_cmpstr (json_object_get_string_member (event, "record"), ==, "intake");
  g_assert_nonnull (json_object_get_string_member (event, "error"));
  text = json_to_string (doc, FALSE);
  g_assert_null (strstr (text, f->token));
}

/* ------------------------------------------------------------------------- */
/* Tests                                                                     */
/* ------------------------------------------------------------------------- */

static const char *const disk_alert[] = { "alertname=Disk space low",
                                          "instance=acme-dc01:9100",
                                          "severity=warning",
                                          "--annotation=summary=C: is 95% full",
                                          "--annotation=description=Less than 5% free",
                                          "--generator-url=http://prometheus.example/graph" };

#define DISK_ALERT \
  disk_alert[0], disk_alert[1], disk_alert[2], disk_alert[3], disk_alert[4], disk_alert[5]

/* amtool alert add → one ticket; re-sent after repeat_interval → still one; resolved → the
 * ticket closed with the policy's status. */
static void
test_alertmanager_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) holder = NULL;
  JsonObject *ticket;
  gint64 received;
  gint64 id;

  start_alertmanager (f);
  AMTOOL (DISK_ALERT);
  WAIT_UNTIL (ticket_count (f) == 1);
  ticket = json_array_get_object_element (sim_tickets (f, &holder), 0);
  g_assert_cmpstr (json_object_get_string_member (ticket, "summary"), ==, "C: is 95% full");
  g_assert_cmpint (json_object_get_int_member (ticket, "tickettype_id"), ==, 4);
  g_assert_nonnull (
      strstr (json_object_get_string_member (ticket, "details"), "Less than 5% free"));
  g_assert_nonnull (
      strstr (json_object_get_string_member (ticket, "details"), "instance = acme-dc01:9100"));
  g_assert_nonnull (strstr (json_object_get_string_member (ticket, "details"),
                            "http://prometheus.example/graph"));

  /* Alertmanager sends it again every repeat_interval (1 s here): no second ticket, and one
   * note per repeat interval at most (the policy's flap window, 30 minutes): the first repeat's,
   * the others only counted for the next note. */
  received = received_today (f);
  WAIT_UNTIL (received_today (f) >= received + 4);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  ticket = json_array_get_object_element (sim_tickets (f, &holder), 0);
  id = json_object_get_int_member (ticket, "id");
  /* The notes queued for the repeats so far are delivered. */
  WAIT_UNTIL (outbox_pending (f) == 0);
  g_assert_cmpuint (notes_containing (f, id, "raised again"), ==, 1);

  /* Resolved: an end in the past. */
  AMTOOL (DISK_ALERT, "--end=2020-01-01T00:00:00Z");
  WAIT_UNTIL (ticket_status (f, "C: is 95% full") == 9);
  g_assert_cmpuint (ticket_count (f), ==, 1);
}

/* An alert whose instance is no computer: unrouted with the reason, no ticket; routed with a
 * ticket once an import brings the computer. */
static void
test_alertmanager_unrouted (Fixture *f, gconstpointer data)
{
  g_autofree char *file = g_build_filename (f->dir, "newbox.json", NULL);
  g_autoptr (GError) error = NULL;
  gboolean seen = FALSE;

  start_alertmanager (f);
  AMTOOL ("alertname=Disk space low", "instance=NewBox:9100",
          "--annotation=summary=E: is 99% full");
  WAIT_UNTIL (received_today (f) >= 1);
  {
    g_autoptr (JsonNode) doc = status_doc (f);
    JsonArray *unrouted =
        json_object_get_array_member (json_node_get_object (doc), "unrouted_alerts");
    JsonObject *alert;

    g_assert_cmpuint (json_array_get_length (unrouted), ==, 1);
    alert = json_array_get_object_element (unrouted, 0);
    g_assert_true (g_str_has_prefix (json_object_get_string_member (alert, "alert"), "am:"));
    g_assert_cmpstr (json_object_get_string_member (alert, "computer"), ==, "NewBox");
    g_assert_nonnull (strstr (json_object_get_string_member (alert, "reason"), "NewBox"));
    /* The reason names no command; halyard-cli's hint does, from the reason's code. */
    g_assert_null (strstr (json_object_get_string_member (alert, "reason"), "halyard-cli"));
    g_assert_cmpstr (json_object_get_string_member (alert, "reason_code"), ==, "computer-label");
    g_assert_nonnull (strstr (json_object_get_string_member (alert, "hint"),
                              "“halyard-cli intake set --computer-label LABEL”"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (alert, "labels"),
                                                    "instance"),
                     ==, "NewBox:9100");
    g_assert_cmpint (json_object_get_int_member (
                         json_object_get_object_member (json_node_get_object (doc), "alerts"),
                         "unrouted"),
                     ==, 1);
  }
  g_assert_cmpuint (ticket_count (f), ==, 0);

  g_assert_true (g_file_set_contents (file,
                                      "{\"computers\": [{\"id\": \"pc-newbox\", \"name\": "
                                      "\"NEWBOX\", \"company\": \"c-acme\", "
                                      "\"group\": \"g-servers\"}]}",
                                      -1, &error));
  CLI_OK ("import", file);
  WAIT_UNTIL (ticket_count (f) == 1);
  {
    g_autoptr (JsonNode) doc = status_doc (f);
    seen = json_array_get_length (
               json_object_get_array_member (json_node_get_object (doc), "unrouted_alerts")) == 0;
  }
  g_assert_true (seen);
  g_assert_cmpint (ticket_status (f, "E: is 99% full"), ==, 1);
}

/* Halyard stopped while the alert resolves; started again with the Alertmanager URL set (on
 * another port, so Alertmanager's own retries cannot reach it): the reconcile closes it. */
static void
test_alertmanager_reconcile (Fixture *f, gconstpointer data)
{
  start_alertmanager (f);
  AMTOOL (DISK_ALERT);
  WAIT_UNTIL (ticket_count (f) == 1);
  stop_harness (f);

  AMTOOL (DISK_ALERT, "--end=2020-01-01T00:00:00Z");
  WAIT_UNTIL (am_alert_count (f) == 0);
  g_assert_cmpint (ticket_status (f, "C: is 95% full"), ==, 1);
  CLI_OK ("intake", "set", "--alertmanager-url", f->am_url);
  start_harness (f);
  WAIT_UNTIL (ticket_status (f, "C: is 95% full") == 9);
  g_assert_cmpuint (ticket_count (f), ==, 1);

  /* A firing alert Halyard never heard of is raised by the next reconcile (at start). */
  stop_harness (f);
  AMTOOL ("alertname=Disk space low", "instance=acme-fs01:9100",
          "--annotation=summary=D: is 97% full");
  WAIT_UNTIL (am_alert_count (f) == 1);
  start_harness (f);
  WAIT_UNTIL (ticket_count (f) == 2);
}

/* Each bad request refused with its code, nothing stored, the refusal in the events log
 * (without the token), and the service still answering. */
/* A slow sender: half a body, then nothing; the server answers 408 by itself once its read
 * timeout passes */
static void
send_half_a_body (Fixture *f, const char *good)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (f->intake_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *request = NULL;
  char reply[512] = { 0 };
  gssize n;

  connection =
      g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: x\r\n"
                             "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\n\r\n%.*s",
                             f->token, strlen (good), (int) (strlen (good) / 2), good);
  g_assert_true (
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                                 strlen (request), NULL, NULL, &error));
  /* The server answers by itself once its read timeout passes. */
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), reply,
                           sizeof reply - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 408"));
}

/* 2 MiB, and a label of 10 000 characters */
static void
post_too_large (Fixture *f)
{
  g_autofree char *answer = NULL;
  g_autofree char *big = NULL;
  g_autofree char *long_label = NULL;
  g_autoptr (GString) label = g_string_new (NULL);

  /* 2 MiB. */
  big = g_malloc (2 * 1024 * 1024 + 1);
  memset (big, ' ', 2 * 1024 * 1024);
  big[0] = '[';
  big[2 * 1024 * 1024 - 1] = ']';
  big[2 * 1024 * 1024] = '\0';
  g_assert_cmpuint (post (f, "/api/v1/alerts", f->token, big, 2 * 1024 * 1024, NULL), ==, 413);
  assert_refusal_logged (f, 413);
  assert_healthy (f);

  /* A label of 10 000 characters. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (label, 'x');
  long_label = g_strdup_printf ("{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", "
                                "\"fingerprint\": \"f2\", \"labels\": {\"alertname\": \"p-disk\", "
                                "\"instance\": \"%s\"}}]}",
                                label->str);
  g_assert_cmpuint (post (f, "/api/v1/alerts/alertmanager", f->token, long_label, 0, &answer), ==,
                    400);
  g_assert_nonnull (strstr (answer, "alerts[0].labels.instance"));
  g_clear_pointer (&answer, g_free);
  assert_refusal_logged (f, 400);
  assert_healthy (f);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autofree char *answer = NULL;
  const char *good = "{\"version\": \"4\", \"status\": \"firing\", \"alerts\": [{\"status\": "
                     "\"firing\", \"fingerprint\": \"f1\", \"labels\": {\"alertname\": "
                     "\"p-disk\", \"instance\": \"acme-dc01:9100\"}}]}";

  /* No token, a wrong token: the answer says where the sender's admin finds the token, in
   * Halyard's window, not in a command of halyard-cli's. */
  g_assert_cmpuint (post (f, "/api/v1/alerts/alertmanager", NULL, good, 0, &answer), ==, 401);
  g_assert_nonnull (strstr (answer, "Alert Sources"));
  g_assert_null (strstr (answer, "halyard-cli"));
  g_clear_pointer (&answer, g_free);
  assert_refusal_logged (f, 401);
  g_assert_cmpuint (post (f, "/api/v1/alerts/alertmanager", "not-the-token-0123456789abcdef", good,
                          0, &answer),
                    ==, 401);
  g_assert_nonnull (strstr (answer, "Alert Sources"));
  g_assert_null (strstr (answer, "halyard-cli"));
  g_clear_pointer (&answer, g_free);
  assert_refusal_logged (f, 401);
  assert_healthy (f);

  /* Malformed JSON; JSON of the wrong shape (Halyard's own format on Alertmanager's path, an
   * Alertmanager alert without a fingerprint, a status that is not one); nested too deep. */
  g_assert_cmpuint (post (f, "/api/v1/alerts/alertmanager", f->token, "{\"version\": \"4\", ", 0,
                          &answer),
                    ==, 400);
  g_assert_nonnull (strstr (answer, "not valid JSON"));
  assert_refusal_logged (f, 400);
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (post (f, "/api/v1/alerts/alertmanager", f->token,
                          "{\"id\": \"a\", \"computer\": \"acme-dc01\", \"policy\": \"p-disk\", "
                          "\"summary\": \"s\", \"status\": \"firing\"}",
                          0, &answer),
                    ==, 400);
  g_assert_nonnull (strstr (answer, "version"));
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (post (f, "/api/v1/alerts/alertmanager", f->token,
                          "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"labels\": "
                          "{}}]}",
                          0, &answer),
                    ==, 400);
  g_assert_nonnull (strstr (answer, "alerts[0]"));
  g_assert_nonnull (strstr (answer, "fingerprint"));
  g_clear_pointer (&answer, g_free);
  /* All or nothing: a good alert followed by a bad one stores neither. */
  g_assert_cmpuint (post (f, "/api/v1/alerts", f->token,
                          "[{\"id\": \"a1\", \"computer\": \"acme-dc01\", \"policy\": \"p-disk\", "
                          "\"summary\": \"s\", \"status\": \"firing\"}, {\"id\": \"a2\", "
                          "\"computer\": \"acme-dc01\", \"policy\": \"p-disk\", \"summary\": "
                          "\"s\", \"status\": \"open\"}]",
                          0, &answer),
                    ==, 400);
  g_assert_nonnull (strstr (answer, "[1].status"));
  g_clear_pointer (&answer, g_free);
  {
    g_autoptr (GString) deep = g_string_new (NULL);
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    g_assert_cmpuint (post (f, "/api/v1/alerts", f->token, deep->str, deep->len, &answer), ==, 400);
    g_assert_nonnull (strstr (answer, "nested"));
    g_clear_pointer (&answer, g_free);
  }
  assert_refusal_logged (f, 400);
  assert_healthy (f);

  post_too_large (f);

  send_half_a_body (f, good);
  assert_refusal_logged (f, 408);
  assert_healthy (f);

  assert_nothing_stored (f);
  /* And the good one is taken. */
  g_assert_cmpuint (post (f, "/api/v1/alerts/alertmanager", f->token, good, 0, NULL), ==, 202);
  WAIT_UNTIL (ticket_count (f) == 1);
}

/* Halyard's own format: an array, one routable alert and one unknown computer; then resolved. */
static void
test_halyard_format (Fixture *f, gconstpointer data)
{
  g_autofree char *answer = NULL;
  g_autoptr (JsonNode) doc = NULL;
  JsonArray *results;

  g_assert_cmpuint (post (f, "/api/v1/alerts", f->token,
                          "[{\"id\": \"nagios-17\", \"computer\": \"ACME-FS01\", \"policy\": "
                          "\"Disk space low\", \"summary\": \"F: is full\", \"severity\": "
                          "\"critical\", \"status\": \"firing\"}, {\"id\": \"nagios-18\", "
                          "\"computer\": \"ghost\", \"policy\": \"p-disk\", \"summary\": \"G\", "
                          "\"status\": \"firing\"}]",
                          0, &answer),
                    ==, 202);
  doc = parse_json (answer);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (doc), "accepted"), ==, 2);
  results = json_object_get_array_member (json_node_get_object (doc), "alerts");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "state"),
                   ==, "queued");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 1),
                                                  "state"),
                   ==, "unrouted");
  g_assert_nonnull (
      strstr (json_object_get_string_member (json_array_get_object_element (results, 1), "reason"),
              "ghost"));
  WAIT_UNTIL (ticket_count (f) == 1);

  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (post (f, "/api/v1/alerts", f->token,
                          "{\"id\": \"nagios-17\", \"computer\": \"ACME-FS01\", \"policy\": "
                          "\"Disk space low\", \"summary\": \"F: is full\", \"status\": "
                          "\"resolved\"}",
                          0, &answer),
                    ==, 202);
  WAIT_UNTIL (ticket_status (f, "F: is full") == 9);
  /* The unknown one stops waiting when resolved. */
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (post (f, "/api/v1/alerts", f->token,
                          "{\"id\": \"nagios-18\", \"computer\": \"ghost\", \"policy\": "
                          "\"p-disk\", \"summary\": \"G\", \"status\": \"resolved\"}",
                          0, &answer),
                    ==, 202);
  {
    g_autoptr (JsonNode) status = status_doc (f);
    g_assert_cmpint (json_object_get_int_member (
                         json_object_get_object_member (json_node_get_object (status), "alerts"),
                         "unrouted"),
                     ==, 0);
  }
}

/* The token: made on first use in the keyring, the same afterwards, replaced by --rotate in
 * another process: the running service takes the new one and refuses the old one. */
static void
test_token_keyring (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autofree char *again = NULL;
  g_autofree char *rotated = NULL;
  const char *good = "{\"id\": \"t1\", \"computer\": \"acme-dc01\", \"policy\": \"p-disk\", "
                     "\"summary\": \"s\", \"status\": \"firing\"}";

  if (!hy_test_keyring_or_skip ())
    return;
  g_assert_cmpint (CLI ("intake", "token"), ==, 0);
  again = g_strdup (json_object_get_string_member (json_node_get_object (doc), "token"));
  g_assert_cmpstr (again, ==, f->token);
  g_assert_cmpuint (strlen (again), >=, 43);

  g_assert_cmpint (CLI ("intake", "token", "--rotate"), ==, 0);
  rotated = g_strdup (json_object_get_string_member (json_node_get_object (doc), "token"));
  g_assert_cmpstr (rotated, !=, f->token);
  /* The running service reads the new token by itself: the old one is refused. */
  WAIT_UNTIL (post (f, "/api/v1/alerts", f->token, good, 0, NULL) == 401);
  g_assert_cmpuint (post (f, "/api/v1/alerts", rotated, good, 0, NULL), ==, 202);
  g_free (f->token);
  f->token = g_steal_pointer (&rotated);
}

/* `intake set`: the settings document, and bad values refused with exit 2. */
static void
test_cli_set (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  JsonObject *o;

  g_assert_cmpint (CLI ("intake", "set", "--computer-label", "host", "--policy-label", "rule"), ==,
                   0);
  o = json_node_get_object (doc);
  g_assert_cmpstr (json_object_get_string_member (o, "computer_label"), ==, "host");
  g_assert_cmpstr (json_object_get_string_member (o, "policy_label"), ==, "rule");
  g_assert_true (json_object_get_null_member (o, "alertmanager_url"));
  g_assert_cmpint (CLI ("intake", "set", "--computer-label", "bad label"), ==, 2);
  g_assert_cmpstr (code, ==, "usage");
  g_assert_cmpint (CLI ("intake", "set", "--alertmanager-url", "ftp://x"), ==, 2);
  g_assert_cmpint (CLI ("intake", "set", "--computer-label", ""), ==, 0);
  o = json_node_get_object (doc);
  g_assert_true (json_object_get_null_member (o, "computer_label"));
  g_assert_cmpstr (json_object_get_string_member (o, "policy_label"), ==, "rule");
  g_assert_true (json_object_get_null_member (o, "listen"));

  /* The address the deliverer listens on (serve --listen's own wins while it runs): a bad one
   * is refused and changes nothing, an empty one unsets it. */
  g_assert_cmpint (CLI ("intake", "set", "--listen", "nowhere"), ==, 2);
  g_assert_cmpstr (code, ==, "usage");
  g_assert_cmpint (CLI ("intake", "set", "--listen", "127.0.0.1:9"), ==, 0);
  o = json_node_get_object (doc);
  g_assert_cmpstr (json_object_get_string_member (o, "listen"), ==, "127.0.0.1:9");
  g_assert_cmpstr (json_object_get_string_member (o, "policy_label"), ==, "rule");
  g_assert_cmpint (CLI ("intake", "set", "--listen", "[::1]:99999"), ==, 2);
  g_assert_cmpint (CLI ("intake", "set"), ==, 0);
  o = json_node_get_object (doc);
  g_assert_cmpstr (json_object_get_string_member (o, "listen"), ==, "127.0.0.1:9");
  g_assert_cmpint (CLI ("intake", "set", "--listen", ""), ==, 0);
  o = json_node_get_object (doc);
  g_assert_true (json_object_get_null_member (o, "listen"));

  /* The labels now name the computer by host and the policy by rule. */
  g_assert_cmpint (CLI ("intake", "set", "--computer-label", "host"), ==, 0);
  g_assert_cmpuint (post (f, "/api/v1/alerts/alertmanager", f->token,
                          "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", "
                          "\"fingerprint\": \"f9\", \"labels\": {\"rule\": \"p-disk\", "
                          "\"host\": \"acme-dc01\", \"instance\": \"other:9100\"}, "
                          "\"annotations\": {\"summary\": \"By host\"}}]}",
                          0, NULL),
                    ==, 202);
  WAIT_UNTIL (ticket_count (f) == 1);
  g_assert_cmpint (CLI ("intake", "bogus"), ==, 2);
}

/* What Nagios runs: alert raise and clear with nothing in the environment (no secret, no
 * keyring, no session bus, no HOME), only --data-dir: recorded, exit 0; a sync delivers them. */
static void
test_cli_no_environment (Fixture *f, gconstpointer data)
{
  const char *const empty[] = { NULL };
  const char *const raise[] = { HY_CLI_BINARY, "--data-dir",
                                f->data_dir,   "--json",
                                "alert",       "raise",
                                "--id",        "nagios-4711",
                                "--computer",  "pc-acme-dc01",
                                "--policy",    "p-disk",
                                "--severity",  "CRITICAL",
                                "--summary",   "Disk C: on pc-acme-dc01 is CRITICAL",
                                "--details",   "DISK CRITICAL - free space: C: 2 GB (3%)",
                                NULL };
  const char *const clear[] = { HY_CLI_BINARY, "--data-dir", f->data_dir, "--json",
                                "alert",       "clear",      "--id",      "nagios-4711",
                                "--note",      "DISK OK",    NULL };
  const char *const *runs[] = { raise, clear };

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
          G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_autoptr (GSubprocess) cli = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr (JsonNode) doc = NULL;

      g_subprocess_launcher_set_environ (launcher, (char **) empty);
      cli = g_subprocess_launcher_spawnv (launcher, runs[i], &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      g_test_message ("%s%s", out, err);
      g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
      doc = parse_json (out);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (doc), "alert"), ==,
                       "nagios-4711");
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (doc), "state"), ==,
                       "queued");
    }
  CLI_OK ("sync");
  WAIT_UNTIL (ticket_status (f, "Disk C: on pc-acme-dc01 is CRITICAL") == 9);
}

int
main (int argc, char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_HARNESS(path, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (TRUE), fixture_setup, func, fixture_teardown)
  ADD ("/intake/alertmanager/lifecycle", test_alertmanager_lifecycle);
  ADD ("/intake/alertmanager/unrouted", test_alertmanager_unrouted);
  ADD ("/intake/alertmanager/reconcile", test_alertmanager_reconcile);
  ADD_HARNESS ("/intake/bad-input", test_bad_input);
  ADD ("/intake/halyard-format", test_halyard_format);
  ADD ("/intake/token/keyring", test_token_keyring);
  ADD ("/intake/cli/set", test_cli_set);
  ADD ("/intake/cli/no-environment", test_cli_no_environment);
  return g_test_run ();
}
