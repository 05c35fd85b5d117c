/* hy-cli-serve.c: `serve`, and running a command's work as the data directory's deliverer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "intake/hy-intake-server.h"
#include "service/hy-service.h"

#include "hy-cli-commands.h"
#include "hy-cli-session.h"

/* ------------------------------------------------------------------------- */
/* Work as the deliverer                                                     */
/* ------------------------------------------------------------------------- */

static HySyncReport *
run_engine (HySession *session, gboolean full, gboolean dry_run, GError **error)
{
  HyService *service = hy_service_get (session);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  HySyncEngine *engine;

  hy_session_get_client_async (session, NULL, hy_cli_result_cb, &result);
  client = hy_session_get_client_finish (session, hy_cli_wait (&result), error);
  if (client == NULL)
    return NULL;
  g_clear_object (&result);
  /* A command waits a bounded time for Halo's request limit; what it could not send stays
   * queued for the deliverer that runs all the time. */
  hy_halo_client_set_max_wait (client, hy_cli_get_max_wait_ms ());
  /* Building the client gave the service its sending engine. */
  engine = hy_service_get_engine (service);
  g_assert (hy_sync_engine_get_client (engine) == client);
  if (full)
    {
      hy_sync_engine_sync_async (engine, dry_run, NULL, hy_cli_result_cb, &result);
      return hy_sync_engine_sync_finish (engine, hy_cli_wait (&result), error);
    }
  hy_sync_engine_deliver_async (engine, NULL, hy_cli_result_cb, &result);
  return hy_sync_engine_deliver_finish (engine, hy_cli_wait (&result), error);
}

gboolean
hy_cli_run_as_deliverer (HySession *session,
                         const char *command,
                         gboolean full,
                         gboolean dry_run,
                         HySyncReport **out_report,
                         HyLeaseHolder **out_holder,
                         GError **error)
{
  HyService *service = hy_service_get (session);
  HyStore *store = hy_session_get_store (session);
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HyLeaseHolder) holder = NULL;

  *out_report = NULL;
  *out_holder = NULL;
  /* A dry run only reads: no need to be the deliverer. */
  if (dry_run)
    {
      *out_report = run_engine (session, TRUE, TRUE, error);
      return *out_report != NULL;
    }

  if (!hy_service_start (service, command, FALSE, &holder, error))
    {
      if (holder == NULL)
        return FALSE;
      /* Another process delivers: what was recorded is in the store, which tells it. A sync
       * is asked of it. */
      if (full && !hy_store_request_sync (store, error))
        return FALSE;
      *out_holder = g_steal_pointer (&holder);
      return TRUE;
    }
  report = run_engine (session, full, FALSE, error);
  hy_service_stop (service);
  if (report == NULL)
    return FALSE;

  /* What another process recorded while this one was the deliverer counts on it. Its
   * recording came before it looked for a deliverer, so once the lease is given up either it
   * is due here or that process delivers it itself. */
  for (guint round = 0; round < 10; round++)
    {
      gint64 due = hy_store_outbox_next_due (store, NULL);
      g_autoptr (HySyncReport) more = NULL;
      g_autoptr (GError) local = NULL;

      if (due <= 0 || due > g_get_real_time () ||
          !hy_sync_engine_get_enabled (hy_service_get_engine (service), NULL))
        break;
      if (!hy_service_start (service, command, FALSE, NULL, &local))
        break;
      more = run_engine (session, FALSE, FALSE, &local);
      hy_service_stop (service);
      if (more == NULL)
        break;
      report->delivered += more->delivered;
      report->requests += more->requests;
      report->pending = more->pending;
      report->dead = more->dead;
    }
  *out_report = g_steal_pointer (&report);
  return TRUE;
}

void
hy_cli_print_queued (HyCli *cli, const HyLeaseHolder *holder)
{
  g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, holder->pid);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, "queued");
      json_builder_set_member_name (b, "deliverer");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "pid");
      json_builder_add_int_value (b, holder->pid);
      json_builder_set_member_name (b, "host");
      json_builder_add_string_value (b, holder->host);
      json_builder_set_member_name (b, "command");
      json_builder_add_string_value (b, holder->command);
      json_builder_end_object (b);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      hy_cli_print_json (cli, node);
      return;
    }
  /* Translators: the program that delivers (e.g. "halyard-cli serve"), its process id and
   * host name */
  hy_cli_print (cli, _ ("Queued: %s (process %s on %s) delivers for this data directory."),
                holder->command, pid, holder->host);
}

/* ------------------------------------------------------------------------- */
/* serve                                                                     */
/* ------------------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  int signal;
} Serve;

static gboolean
stop_cb (gpointer user_data)
{
  Serve *serve = user_data;

  g_main_loop_quit (serve->loop);
  return G_SOURCE_CONTINUE;
}

/* ADDR:PORT with a numeric port; IPv6 addresses in brackets ([::1]:8642). */
static gboolean
parse_listen (const char *text, GError **error)
{
  g_autoptr (GSocketConnectable) address = NULL;
  g_autoptr (GError) local = NULL;

  address = g_network_address_parse (text, 0, &local);
  if (address == NULL || g_network_address_get_port (G_NETWORK_ADDRESS (address)) == 0 ||
      strchr (text, ':') == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: %s is what was given after --listen */
                   _ ("“%s” is not an address and port for --listen: give ADDR:PORT, for "
                      "example 127.0.0.1:8642"),
                   text);
      return FALSE;
    }
  return TRUE;
}

/* The service starts the intake once it delivers (on --listen's address, else the one set with
 * intake set --listen): waits until it listens or says why it cannot. */
static gboolean
wait_intake (HyService *service, char **out_uri, GError **error)
{
  const GError *failed;

  while (hy_service_get_intake_starting (service))
    g_main_context_iteration (NULL, TRUE);
  failed = hy_service_get_intake_error (service);
  if (failed != NULL)
    {
      g_propagate_error (error, g_error_copy (failed));
      return FALSE;
    }
  *out_uri = hy_service_get_intake (service) != NULL
                 ? hy_intake_server_get_uri (hy_service_get_intake (service))
                 : NULL;
  return TRUE;
}

/* What serve says once it delivers: one JSON line (what supervises serve reads it as it comes),
 * or a sentence for a technician */
static void
print_serving (HyCli *cli, HySession *session, const char *intake_uri)
{
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, "serving");
      json_builder_set_member_name (b, "pid");
      json_builder_add_int_value (b, getpid ());
      json_builder_set_member_name (b, "data_dir");
      json_builder_add_string_value (b, hy_session_get_data_dir (session));
      json_builder_set_member_name (b, "intake");
      if (intake_uri != NULL)
        json_builder_add_string_value (b, intake_uri);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      /* One line: what supervises serve reads it as it comes. */
      text = json_to_string (node, FALSE);
      hy_cli_print (cli, "%s", text);
    }
  else
    /* Translators: %s is the data directory */
    {
      hy_cli_print (cli, _ ("Delivering for %s. Stop with Ctrl+C."),
                    hy_session_get_data_dir (session));
      if (intake_uri != NULL)
        /* Translators: %s is the address alerts are posted to, such as http://127.0.0.1:8642 */
        hy_cli_print (cli, _ ("Accepting alerts on %s."), intake_uri);
    }
}

int
hy_cli_serve (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyLeaseHolder) holder = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *intake_uri = NULL;
  HyService *service;
  Serve serve = { 0 };
  guint term_id, int_id;
  int status;
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_ ("Also accept alerts over HTTP on this address and port"), N_ ("ADDR:PORT") },
    { NULL },
  };

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Runs the integration until stopped (SIGTERM or Ctrl+C): delivers the "
                         "outbox continuously, re-syncs a group when its inventory, links or "
                         "mapping change, and refreshes Halo’s records on schedule. Only one "
                         "process delivers for a data directory."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("serve takes options only"));
  if (listen != NULL && !parse_listen (listen, &error))
    return hy_cli_fail_usage (cli, error->message);

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  service = hy_service_get (session);
  hy_service_set_intake_address (service, listen);
  if (!hy_service_start (service, "halyard-cli serve", TRUE, &holder, &error))
    {
      g_autofree char *pid = NULL;
      g_autofree char *message = NULL;

      if (holder == NULL)
        return hy_cli_fail (cli, error);
      pid = g_strdup_printf ("%" G_GINT64_FORMAT, holder->pid);
      /* Translators: the program that delivers (e.g. "Halyard"), its process id and host */
      message = g_strdup_printf (_ ("%s (process %s on %s) already delivers for this data "
                                    "directory; stop it first, or let it run."),
                                 holder->command, pid, holder->host);
      return hy_cli_fail_with (cli, HY_CLI_EXIT_FAILED, "already_serving", message);
    }

  if (!wait_intake (service, &intake_uri, &error))
    {
      hy_service_stop (service);
      return hy_cli_fail (cli, error);
    }

  serve.loop = g_main_loop_new (NULL, FALSE);
  term_id = g_unix_signal_add (SIGTERM, stop_cb, &serve);
  int_id = g_unix_signal_add (SIGINT, stop_cb, &serve);
  print_serving (cli, session, intake_uri);
  fflush (stdout);

  g_main_loop_run (serve.loop);

  g_source_remove (term_id);
  g_source_remove (int_id);
  hy_service_stop (service);
  g_main_loop_unref (serve.loop);
  return HY_CLI_EXIT_OK;
}
