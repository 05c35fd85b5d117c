/* bench-intake.c: 1 000 Alertmanager alerts in 10 webhook notifications of 100, into the
 * intake and on to Halo: time to the 202 (stored), time from the webhook to each ticket's POST
 * (median, p99), the requests it took, and that every alert got its one ticket.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Halo is a separate halyard-sim process seeded with the demo; the data directory is set up
 * with halyard-cli as the README does (connect, import, refresh, link, map, enable). The
 * intake, its engine (delivering on its own) and the session run in this process, as in the
 * service. The client's own pacing is switched off so the bench runs in seconds; under Halo's
 * hosted budget (300 requests per rolling 5 minutes) the requests counted are what decides the
 * wall time.
 *
 * Usage: bench-intake [--alerts N] [--per-notification N] [--store-only]
 */

#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "intake/hy-intake-server.h"
#include "store/hy-store.h"

static int n_alerts = 1000;
static int per_notification = 100;
static gboolean store_only = FALSE;

typedef struct
{
  GHashTable *sent;     /* alert id → webhook send time (µs, real) */
  GHashTable *ticketed; /* alert id → ticket POST answered (µs, real) */
  guint requests;
  guint ticket_posts;
} Bench;

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gpointer
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
run_cli (const char *data_dir, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GSubprocess) cli = NULL;
  g_autoptr (GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", "demo-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_ptr_array_add (argv, (gpointer) HY_CLI_BINARY);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) data_dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  cli = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  if (cli == NULL || !g_subprocess_wait_check (cli, NULL, &error))
    g_error ("halyard-cli %s: %s", args[0], error->message);
}

#define CLI(...) run_cli (data_dir, (const char *const[]){ __VA_ARGS__, NULL })

static void
event_added_cb (HySession *session, HyEvent *event, gpointer user_data)
{
  Bench *b = user_data;

  b->requests++;
  if (g_str_equal (event->method, "POST") && g_str_has_prefix (event->path, "/api/Tickets") &&
      event->status >= 200 && event->status < 300)
    {
      gint64 answered = event->time + event->duration_ms * 1000;

      b->ticket_posts++;
      /* One alert per create (its record), or a batch: every alert it carries. */
      if (event->record != NULL && g_str_has_prefix (event->record, "alert:"))
        g_hash_table_insert (b->ticketed, g_strdup (event->record + strlen ("alert:")),
                             g_memdup2 (&answered, sizeof answered));
      else if (event->request != NULL)
        {
          GHashTableIter iter;
          gpointer id;

          g_hash_table_iter_init (&iter, b->sent);
          while (g_hash_table_iter_next (&iter, &id, NULL))
            if (!g_hash_table_contains (b->ticketed, id) && strstr (event->request, id) != NULL)
              g_hash_table_insert (b->ticketed, g_strdup (id),
                                   g_memdup2 (&answered, sizeof answered));
        }
    }
}

static char *
notification (int first, int count)
{
  g_autoptr (GString) body = g_string_new ("{\"version\": \"4\", \"status\": \"firing\", "
                                           "\"receiver\": \"halyard\", \"groupKey\": \"{}:{}\", "
                                           "\"alerts\": [");

  for (int i = first; i < first + count; i++)
    g_string_append_printf (
        body,
        "%s{\"status\": \"firing\", \"fingerprint\": \"%016x\", \"startsAt\": "
        "\"2026-12-06T10:00:00Z\", \"generatorURL\": \"http://prometheus.example/graph\", "
        "\"labels\": {\"alertname\": \"Disk space low\", \"instance\": \"%s:9100\", "
        "\"mountpoint\": \"/srv/%d\", \"severity\": \"warning\"}, \"annotations\": "
        "{\"summary\": \"Filesystem /srv/%d is 95%% full\", \"description\": \"Less than 5%% "
        "free\"}}",
        i == first ? "" : ", ", i, i % 2 ? "acme-dc01" : "acme-fs01", i, i);
  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "alerts", 0, 0, G_OPTION_ARG_INT, &n_alerts, "Alerts in all", "N" },
    { "per-notification", 0, 0, G_OPTION_ARG_INT, &per_notification, "Alerts per webhook", "N" },
    { "store-only", 0, 0, G_OPTION_ARG_NONE, &store_only,
      "Only store (no delivery): the 202's time alone", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) sim = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *sim_url = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *seed = g_build_filename (HY_SOURCE_ROOT, "data", "demo", "halo.json", NULL);
  g_autofree char *inventory =
      g_build_filename (HY_SOURCE_ROOT, "data", "demo", "inventory.json", NULL);
  g_autofree char *token = NULL;
  g_autofree char *intake_url = NULL;
  g_autofree char *url = NULL;
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HySyncEngine) engine = NULL;
  g_autoptr (HyIntakeServer) server = NULL;
  g_autoptr (GAsyncResult) got_client = NULL;
  g_autoptr (SoupSession) http = NULL;
  g_autoptr (GArray) stored_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) latency_ms = g_array_new (FALSE, FALSE, sizeof (double));
  Bench b = { 0 };
  gint64 start, stored, done;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sim = g_subprocess_launcher_spawn (launcher, &error, HY_SIM_BINARY, "--port", "0", "--seed-file",
                                     seed, NULL);
  if (sim == NULL)
    g_error ("%s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  sim_url = g_strdup (strstr (line, "http://"));

  dir = g_dir_make_tmp ("bench-intake-XXXXXX", &error);
  data_dir = g_build_filename (dir, "data", NULL);
  CLI ("connect", "--url", sim_url, "--client-id", "halyard-demo", "--no-keyring");
  CLI ("import", inventory);
  CLI ("refresh");
  CLI ("link", "auto");
  CLI ("map", "group", "g-servers", "--client", "12", "--site", "20");
  CLI ("map", "policy", "p-disk", "--ticket-type", "4", "--close-status", "9");
  CLI ("enable");

  session = hy_session_open (data_dir, &error);
  if (session == NULL)
    g_error ("%s", error->message);
  hy_session_set_secret (session, "demo-secret");
  hy_session_get_client_async (session, NULL, result_cb, &got_client);
  client = hy_session_get_client_finish (session, wait_for (&got_client), &error);
  if (client == NULL)
    g_error ("%s", error->message);
  /* No client-side pacing: the requests counted decide the wall time under Halo's budget. */
  hy_halo_client_set_rate_limit (client, 1000000, 300000);
  engine = hy_sync_engine_new (hy_session_get_store (session), client);
  hy_sync_engine_set_auto_deliver (engine, !store_only);
  server = hy_intake_server_new (session, engine);
  token = g_strdup ("bench-token-0123456789abcdefghijklmnopqrstuvwxyz");
  hy_intake_server_set_token (server, token);
  hy_intake_server_set_reconcile_interval (server, 0);
  if (!hy_intake_server_listen (server, "127.0.0.1:0", &error))
    g_error ("%s", error->message);
  intake_url = hy_intake_server_get_uri (server);
  url = g_strconcat (intake_url, "/api/v1/alerts/alertmanager", NULL);

  b.sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  b.ticketed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_signal_connect (session, "event-added", G_CALLBACK (event_added_cb), &b);
  http = soup_session_new_with_options ("timeout", 60, NULL);

  start = g_get_real_time ();
  for (int first = 0; first < n_alerts; first += per_notification)
    {
      int count = MIN (per_notification, n_alerts - first);
      g_autofree char *body = notification (first, count);
      g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      g_autoptr (GAsyncResult) sent = NULL;
      g_autoptr (GBytes) answer = NULL;
      gint64 t0 = g_get_real_time ();
      double ms;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      gsize length = strlen (body);

      soup_message_set_request_body_from_bytes (msg, "application/json",
                                                g_bytes_new_take (g_steal_pointer (&body), length));
      for (int i = first; i < first + count; i++)
        g_hash_table_insert (b.sent, g_strdup_printf ("am:%016x", i), g_memdup2 (&t0, sizeof t0));
      /* The main loop runs meanwhile: the engine delivers while the next webhook arrives. */
      soup_session_send_and_read_async (http, msg, G_PRIORITY_DEFAULT, NULL, result_cb, &sent);
      answer = soup_session_send_and_read_finish (http, wait_for (&sent), &error);
      if (answer == NULL || soup_message_get_status (msg) != 202)
        g_error ("webhook %d: %u %s", first / per_notification, soup_message_get_status (msg),
                 error ? error->message : "");
      ms = (g_get_real_time () - t0) / 1000.0;
      g_array_append_val (stored_ms, ms);
    }
  stored = g_get_real_time ();
  while (!store_only && (int) g_hash_table_size (b.ticketed) < n_alerts)
    {
      if (g_get_real_time () - start > 600 * G_USEC_PER_SEC)
        g_error ("only %u of %d alerts got their ticket POST in 10 minutes",
                 g_hash_table_size (b.ticketed), n_alerts);
      g_main_context_iteration (NULL, TRUE);
    }
  done = g_get_real_time ();

  {
    GHashTableIter iter;
    gpointer id, when;

    g_hash_table_iter_init (&iter, b.ticketed);
    while (g_hash_table_iter_next (&iter, &id, &when))
      {
        gint64 *t0 = g_hash_table_lookup (b.sent, id);
        double ms = (*(gint64 *) when - *t0) / 1000.0;
        g_array_append_val (latency_ms, ms);
      }
  }
  g_array_sort (stored_ms, compare_doubles);
  if (store_only)
    {
      printf ("stored only (no delivery): median %.1f ms, max %.1f ms per notification of %d; "
              "all %d in %.2f s\n",
              g_array_index (stored_ms, double, stored_ms->len / 2),
              g_array_index (stored_ms, double, stored_ms->len - 1), per_notification, n_alerts,
              (stored - start) / 1e6);
      g_subprocess_force_exit (sim);
      return 0;
    }
  g_array_sort (latency_ms, compare_doubles);
  printf ("alerts %d in %d notifications of %d\n", n_alerts,
          (n_alerts + per_notification - 1) / per_notification, per_notification);
  printf ("stored (webhook → 202): median %.1f ms, max %.1f ms per notification; all %d in %.2f "
          "s\n",
          g_array_index (stored_ms, double, stored_ms->len / 2),
          g_array_index (stored_ms, double, stored_ms->len - 1), n_alerts, (stored - start) / 1e6);
  printf ("webhook → ticket POST answered: median %.0f ms, p99 %.0f ms, max %.0f ms\n",
          g_array_index (latency_ms, double, latency_ms->len / 2),
          g_array_index (latency_ms, double, (latency_ms->len * 99) / 100),
          g_array_index (latency_ms, double, latency_ms->len - 1));
  printf ("all %d tickets in %.2f s; %u requests to Halo (%u ticket POSTs)\n", n_alerts,
          (done - start) / 1e6, b.requests, b.ticket_posts);

  hy_intake_server_disconnect (server);
  g_subprocess_force_exit (sim);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    if (system (cmd) != 0)
      g_warning ("could not remove %s", dir);
  }
  return 0;
}
