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
#include <stdio.h>
#include <string.h>

#include "hy-bench.h"
#include "intake/hy-intake-server.h"
#include "store/hy-store-service.h"
#include "store/hy-store.h"

#define TOKEN "bench-token-0123456789abcdefghijklmnopqrstuvwxyz"

static int n_alerts = 1000;
static int per_notification = 100;
static gboolean store_only = FALSE;

typedef struct
{
  HySession *session;
  HyHaloClient *client;
  HySyncEngine *engine;
  HyIntakeServer *server;
  char *url;            /* the Alertmanager webhook */
  GHashTable *sent;     /* alert id → webhook send time (µs, real) */
  GHashTable *ticketed; /* alert id → ticket POST answered (µs, real) */
  gint64 last_answered; /* the last ticket POST answered (µs, real), 0 before the first */
  guint requests;
  guint ticket_posts;
} Bench;

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

/* The data directory set up with halyard-cli as the README does. */
static void
set_up_data_dir (const char *data_dir, const char *sim_url)
{
  g_autofree char *inventory =
      g_build_filename (HY_SOURCE_ROOT, "data", "demo", "inventory.json", NULL);

  CLI ("connect", "--url", sim_url, "--client-id", "halyard-demo", "--no-keyring");
  CLI ("import", inventory);
  CLI ("refresh");
  CLI ("link", "auto");
  CLI ("map", "group", "g-servers", "--client", "12", "--site", "20");
  CLI ("map", "policy", "p-disk", "--ticket-type", "4", "--close-status", "9");
  CLI ("enable");
}

/* Gives each alert the store shows delivered, and not ticketed yet, the time the last ticket
 * POST was answered: the engine records a batch's tickets right after Halo answered it (the
 * batch's request names the alerts only by a hashed marker, and its body is cut in the events
 * log, so it cannot be read back from there). */
static void
match_delivered (Bench *b)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) alerts =
      hy_store_list (hy_session_get_store (b->session), HY_RECORD_KIND_ALERT, &query, NULL);

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    {
      HyAlert *alert = g_ptr_array_index (alerts, i);

      if (alert->state == HY_ALERT_STATE_DELIVERED && g_hash_table_contains (b->sent, alert->id) &&
          !g_hash_table_contains (b->ticketed, alert->id))
        g_hash_table_insert (b->ticketed, g_strdup (alert->id),
                             g_memdup2 (&b->last_answered, sizeof b->last_answered));
    }
}

static void
event_added_cb (HySession *session, HyEvent *event, gpointer user_data)
{
  Bench *b = user_data;

  b->requests++;
  if (g_str_equal (event->method, "POST") && g_str_has_prefix (event->path, "/api/Tickets") &&
      event->status >= 200 && event->status < 300)
    {
      b->last_answered = event->time + event->duration_ms * 1000;
      b->ticket_posts++;
      /* One alert per create (its record), or a batch: the alerts it delivered. */
      if (event->record != NULL && g_str_has_prefix (event->record, "alert:"))
        g_hash_table_insert (b->ticketed, g_strdup (event->record + strlen ("alert:")),
                             g_memdup2 (&b->last_answered, sizeof b->last_answered));
      else
        match_delivered (b);
    }
}

/* A batch's alerts are marked delivered after its event was logged, in one commit or more;
 * the engine sends one ticket POST at a time, so they belong to the last one answered. */
static void
store_changed_cb (HyStore *store, guint changes, gpointer user_data)
{
  Bench *b = user_data;

  if ((changes & HY_STORE_CHANGED_ALERTS) != 0 && b->last_answered > 0 &&
      g_hash_table_size (b->ticketed) < g_hash_table_size (b->sent))
    match_delivered (b);
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

/* The session, its engine (delivering on its own unless --store-only) and the intake
 * listening on loopback, as in the service. */
static void
start_intake (Bench *b, const char *data_dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) got_client = NULL;
  g_autofree char *intake_url = NULL;

  b->session = hy_session_open (data_dir, &error);
  if (b->session == NULL)
    g_error ("%s", error->message);
  hy_session_set_secret (b->session, "demo-secret");
  hy_session_get_client_async (b->session, NULL, hy_bench_result_cb, &got_client);
  b->client = hy_session_get_client_finish (b->session, hy_bench_wait (&got_client), &error);
  if (b->client == NULL)
    g_error ("%s", error->message);
  /* No client-side pacing: the requests counted decide the wall time under Halo's budget. */
  hy_halo_client_set_rate_limit (b->client, 1000000, 300000);
  b->engine = hy_sync_engine_new (hy_session_get_store (b->session), b->client);
  hy_sync_engine_set_auto_deliver (b->engine, !store_only);
  b->server = hy_intake_server_new (b->session, b->engine);
  hy_intake_server_set_token (b->server, TOKEN);
  hy_intake_server_set_reconcile_interval (b->server, 0);
  if (!hy_intake_server_listen (b->server, "127.0.0.1:0", &error))
    g_error ("%s", error->message);
  intake_url = hy_intake_server_get_uri (b->server);
  b->url = g_strconcat (intake_url, "/api/v1/alerts/alertmanager", NULL);

  b->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  b->ticketed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_signal_connect (b->session, "event-added", G_CALLBACK (event_added_cb), b);
  g_signal_connect (hy_session_get_store (b->session), "changed", G_CALLBACK (store_changed_cb), b);
}

/* Posts the alerts @first … @first + @count - 1 in one notification and waits for the 202;
 * returns how long that took, in ms. */
static double
post_notification (Bench *b, SoupSession *http, int first, int count)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *body = notification (first, count);
  gsize length = strlen (body);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", b->url);
  g_autoptr (GAsyncResult) sent = NULL;
  g_autoptr (GBytes) answer = NULL;
  gint64 t0 = g_get_real_time ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TOKEN);
  soup_message_set_request_body_from_bytes (msg, "application/json",
                                            g_bytes_new_take (g_steal_pointer (&body), length));
  for (int i = first; i < first + count; i++)
    g_hash_table_insert (b->sent, g_strdup_printf ("am:%016x", i), g_memdup2 (&t0, sizeof t0));
  /* The main loop runs meanwhile: the engine delivers while the next webhook arrives. */
  soup_session_send_and_read_async (http, msg, G_PRIORITY_DEFAULT, NULL, hy_bench_result_cb, &sent);
  answer = soup_session_send_and_read_finish (http, hy_bench_wait (&sent), &error);
  if (answer == NULL || soup_message_get_status (msg) != 202)
    g_error ("webhook %d: %u %s", first / per_notification, soup_message_get_status (msg),
             error ? error->message : "");
  return (g_get_real_time () - t0) / 1000.0;
}

/* Runs the main context until every alert's ticket POST was answered (10 minutes at most
 * since @start). */
static void
wait_for_tickets (Bench *b, gint64 start)
{
  while ((int) g_hash_table_size (b->ticketed) < n_alerts)
    {
      if (g_get_real_time () - start > 600 * G_USEC_PER_SEC)
        g_error ("only %u of %d alerts got their ticket POST in 10 minutes",
                 g_hash_table_size (b->ticketed), n_alerts);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Each alert's time from its webhook to its ticket POST's answer, in ms, sorted. */
static GArray *
ticket_latencies (Bench *b)
{
  GArray *latency_ms = g_array_new (FALSE, FALSE, sizeof (double));
  GHashTableIter iter;
  gpointer id, when;

  g_hash_table_iter_init (&iter, b->ticketed);
  while (g_hash_table_iter_next (&iter, &id, &when))
    {
      gint64 *t0 = g_hash_table_lookup (b->sent, id);
      double ms = (*(gint64 *) when - *t0) / 1000.0;
      g_array_append_val (latency_ms, ms);
    }
  g_array_sort (latency_ms, hy_bench_compare_doubles);
  return latency_ms;
}

static void
report (Bench *b, GArray *stored_ms, gint64 start, gint64 stored, gint64 done)
{
  g_autoptr (GArray) latency_ms = ticket_latencies (b);

  printf ("alerts %d in %d notifications of %d\n", n_alerts,
          (n_alerts + per_notification - 1) / per_notification, per_notification);
  printf ("stored (webhook → 202): median %.1f ms, max %.1f ms per notification; all %d in %.2f "
          "s\n",
          hy_bench_percentile (stored_ms, 50), hy_bench_percentile (stored_ms, 100), n_alerts,
          (stored - start) / 1e6);
  printf ("webhook → ticket POST answered: median %.0f ms, p99 %.0f ms, max %.0f ms\n",
          hy_bench_percentile (latency_ms, 50), hy_bench_percentile (latency_ms, 99),
          hy_bench_percentile (latency_ms, 100));
  printf ("all %d tickets in %.2f s; %u requests to Halo (%u ticket POSTs)\n", n_alerts,
          (done - start) / 1e6, b->requests, b->ticket_posts);
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
  g_autoptr (GSubprocess) sim = NULL;
  g_autofree char *sim_url = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *seed = g_build_filename (HY_SOURCE_ROOT, "data", "demo", "halo.json", NULL);
  g_autoptr (SoupSession) http = NULL;
  g_autoptr (GArray) stored_ms = g_array_new (FALSE, FALSE, sizeof (double));
  Bench b = { 0 };
  gint64 start, stored, done;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  sim = hy_bench_spawn_sim ((const char *const[]){ HY_SIM_BINARY, "--port", "0", "--seed-file",
                                                   seed, NULL },
                            &sim_url);
  dir = hy_bench_make_dir ("bench-intake-XXXXXX");
  data_dir = g_build_filename (dir, "data", NULL);
  set_up_data_dir (data_dir, sim_url);
  start_intake (&b, data_dir);
  http = soup_session_new_with_options ("timeout", 60, NULL);

  start = g_get_real_time ();
  for (int first = 0; first < n_alerts; first += per_notification)
    {
      double ms = post_notification (&b, http, first, MIN (per_notification, n_alerts - first));

      g_array_append_val (stored_ms, ms);
    }
  stored = g_get_real_time ();
  if (!store_only)
    wait_for_tickets (&b, start);
  done = g_get_real_time ();

  g_array_sort (stored_ms, hy_bench_compare_doubles);
  if (store_only)
    printf ("stored only (no delivery): median %.1f ms, max %.1f ms per notification of %d; "
            "all %d in %.2f s\n",
            hy_bench_percentile (stored_ms, 50), hy_bench_percentile (stored_ms, 100),
            per_notification, n_alerts, (stored - start) / 1e6);
  else
    report (&b, stored_ms, start, stored, done);

  hy_intake_server_disconnect (b.server);
  hy_bench_stop (sim);
  g_clear_object (&b.server);
  g_clear_object (&b.engine);
  g_clear_object (&b.client);
  g_clear_object (&b.session);
  g_clear_pointer (&b.sent, g_hash_table_unref);
  g_clear_pointer (&b.ticketed, g_hash_table_unref);
  g_free (b.url);
  hy_bench_remove_tree (dir);
  return 0;
}
