/* hy-test-process.c: halyard-sim and halyard-cli as separate processes, as a technician and
 * the demo run them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "hy-test.h"

/* A GSubprocessLauncher child setup: the child is killed when the test dies. */
void
hy_test_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* ---- A Halo of the test's own ------------------------------------------------------------- */

char *
hy_test_server_listen (SoupServer *server, SoupServerCallback handler, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = NULL;
  SoupServerListenOptions options = SOUP_SERVER_LISTEN_IPV4_ONLY;
  GSList *uris;
  char *base;

  g_object_get (server, "tls-certificate", &cert, NULL);
  if (cert != NULL)
    options |= SOUP_SERVER_LISTEN_HTTPS;
  soup_server_add_handler (server, NULL, handler, user_data, NULL);
  soup_server_listen_local (server, 0, options, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("%s://127.0.0.1:%d", cert != NULL ? "https" : "http",
                          g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return base;
}

/* ---- halyard-sim -------------------------------------------------------------------------- */

/* Starts `@binary --port 0 @args…` and reads the URL it listens on from its first line. */
HyTestSimProcess *
hy_test_sim_process_spawnv (const char *binary, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  HyTestSimProcess *sim = g_new0 (HyTestSimProcess, 1);

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, hy_test_die_with_parent, NULL, NULL);
  sim->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "http://127.0.0.1:"));
  sim->url = g_strdup (strstr (line, "http://"));
  sim->http = soup_session_new ();
  return sim;
}

void
hy_test_sim_process_free (HyTestSimProcess *sim)
{
  g_subprocess_force_exit (sim->process);
  g_subprocess_wait (sim->process, NULL, NULL);
  g_clear_object (&sim->process);
  g_clear_object (&sim->http);
  g_free (sim->url);
  g_free (sim);
}

/* GET /_sim/state: every record the simulator holds. */
JsonNode *
hy_test_sim_process_state (HyTestSimProcess *sim)
{
  g_autofree char *uri = g_strconcat (sim->url, "/_sim/state", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  const char *data;

  body = soup_session_send_and_read (sim->http, msg, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (body, &len);
  return hy_test_parse_json (data, (gssize) len);
}

/* How many records @table of the state holds. */
guint
hy_test_sim_process_count (HyTestSimProcess *sim, const char *table)
{
  g_autoptr (JsonNode) state = hy_test_sim_process_state (sim);

  return json_array_get_length (json_object_get_array_member (hy_test_object (state), table));
}

/* POST /_sim/faults with @json. */
void
hy_test_sim_process_faults (HyTestSimProcess *sim, const char *json)
{
  g_autofree char *uri = g_strconcat (sim->url, "/_sim/faults", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (sim->http, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 204);
}

/* ---- halyard-cli -------------------------------------------------------------------------- */

static GSubprocess *
cli_spawn (const char *binary,
           const char *dir,
           gboolean json,
           GSubprocessFlags flags,
           const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GSubprocess *cli;

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) dir);
  if (json)
    g_ptr_array_add (argv, (gpointer) "--json");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", "demo-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HALYARD_DATA_DIR");
  g_subprocess_launcher_set_child_setup (launcher, hy_test_die_with_parent, NULL, NULL);
  cli = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return cli;
}

GSubprocess *
hy_test_cli_spawnv (const char *binary,
                    const char *dir,
                    GSubprocessFlags flags,
                    const char *const *args)
{
  return cli_spawn (binary, dir, TRUE, flags, args);
}

void
hy_test_cli_run_clear (HyTestCliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_clear_pointer (&run->json, json_node_unref);
  g_clear_pointer (&run->code, g_free);
  g_clear_pointer (&run->message, g_free);
  run->status = 0;
}

static int
cli_run (const char *binary,
         const char *dir,
         gboolean json,
         const char *input,
         HyTestCliRun *run,
         const char *const *args)
{
  g_autoptr (GSubprocess) cli = NULL;
  g_autoptr (GError) error = NULL;
  const char *doc;

  hy_test_cli_run_clear (run);
  cli = cli_spawn (binary, dir, json,
                   G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                       G_SUBPROCESS_FLAGS_STDERR_PIPE,
                   args);
  g_subprocess_communicate_utf8 (cli, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (cli);
  g_test_message ("halyard-cli %s → %d\n%s%s", args[0], run->status, run->out, run->err);
  if (run->out != NULL && *run->out)
    {
      /* Not every command prints JSON on stdout: a test that needs it fails on run->json NULL */
      g_autoptr (JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, run->out, -1, NULL))
        run->json = json_node_copy (json_parser_get_root (parser));
    }
  doc = run->err != NULL ? strstr (run->err, "{\"error\"") : NULL;
  if (doc != NULL)
    {
      g_autoptr (JsonNode) node = hy_test_parse_json (doc, -1);
      JsonObject *e = json_object_get_object_member (hy_test_object (node), "error");

      run->code = g_strdup (json_object_get_string_member (e, "code"));
      run->message = g_strdup (json_object_get_string_member_with_default (e, "message", NULL));
    }
  return run->status;
}

int
hy_test_cli_runv (const char *binary,
                  const char *dir,
                  const char *input,
                  HyTestCliRun *run,
                  const char *const *args)
{
  return cli_run (binary, dir, TRUE, input, run, args);
}

/* The same without --json: what a technician reads. */
int
hy_test_cli_run_plainv (const char *binary,
                        const char *dir,
                        HyTestCliRun *run,
                        const char *const *args)
{
  return cli_run (binary, dir, FALSE, NULL, run, args);
}

int
hy_test_cli_run_jsonv (const char *binary,
                       const char *dir,
                       JsonNode **out_json,
                       char **out_code,
                       char **out_err,
                       const char *const *args)
{
  HyTestCliRun run = { 0 };
  int status = hy_test_cli_runv (binary, dir, NULL, &run, args);

  if (out_json != NULL)
    {
      g_clear_pointer (out_json, json_node_unref);
      *out_json = g_steal_pointer (&run.json);
    }
  if (out_code != NULL)
    {
      g_clear_pointer (out_code, g_free);
      *out_code = g_steal_pointer (&run.code);
    }
  if (out_err != NULL)
    {
      g_clear_pointer (out_err, g_free);
      *out_err = g_steal_pointer (&run.err);
    }
  hy_test_cli_run_clear (&run);
  return status;
}
