/* intake-harness.c: runs the alert intake on a data directory, as `halyard-cli serve --listen`
 * will: the session's engine delivering on its own, the token from the keyring (or
 * HALYARD_INTAKE_TOKEN), until SIGTERM. Prints "listening on URI" once it answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "credentials/hy-credentials.h"
#include "credentials/hy-intake-token.h"
#include "intake/hy-intake-server.h"
#include "session/hy-session.h"
#include "sync/hy-sync-engine.h"

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  int read_timeout_ms = 10000;
  int reconcile_interval = HY_INTAKE_RECONCILE_INTERVAL;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on", "ADDR:PORT" },
    { "read-timeout-ms", 0, 0, G_OPTION_ARG_INT, &read_timeout_ms, "Slow sender timeout", "MS" },
    { "reconcile-interval", 0, 0, G_OPTION_ARG_INT, &reconcile_interval, "Seconds", "S" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HySyncEngine) engine = NULL;
  g_autoptr (HyIntakeServer) server = NULL;
  g_autoptr (GAsyncResult) got_client = NULL;
  g_autoptr (GAsyncResult) got_token = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *uri = NULL;
  char *token;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  session = hy_session_open (data_dir, &error);
  if (session == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_getenv ("HALYARD_CLIENT_SECRET") != NULL)
    hy_session_set_secret (session, g_getenv ("HALYARD_CLIENT_SECRET"));
  hy_session_get_client_async (session, NULL, result_cb, &got_client);
  client = hy_session_get_client_finish (session, wait_for (&got_client), &error);
  if (client == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  engine = hy_sync_engine_new (hy_session_get_store (session), client);
  hy_sync_engine_set_backoff_unit (engine, 10000);
  hy_sync_engine_set_auto_deliver (engine, TRUE);

  hy_intake_token_get_async (hy_session_get_data_dir (session), TRUE, FALSE, NULL, result_cb,
                             &got_token);
  token = hy_intake_token_get_finish (wait_for (&got_token), &error);
  if (token == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  server = hy_intake_server_new (session, engine);
  hy_intake_server_set_token (server, token);
  hy_credentials_secret_free (token);
  hy_intake_server_set_read_timeout (server, read_timeout_ms);
  hy_intake_server_set_reconcile_interval (server, reconcile_interval);
  if (!hy_intake_server_listen (server, listen, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* The handlers are in place before the address is told: a SIGTERM right after it exits 0. */
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  uri = hy_intake_server_get_uri (server);
  g_print ("listening on %s\n", uri);
  fflush (stdout);
  g_main_loop_run (loop);
  hy_intake_server_disconnect (server);
  return 0;
}
