/* halo-list-assets.c: list 50 000 assets from halyard-sim with HyHaloClient
 *
 * Reports the requests made against the minimum ceil(N / 100), the wall time and the peak
 * RSS of this process (the simulator runs as a separate process, so it is not counted).
 *
 * Usage: bench-halo-list-assets HALYARD_SIM [CLIENTS ASSETS_PER_CLIENT [LATENCY_MS]]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "halo/hy-halo-client.h"
#include "hy-bench.h"

static void
event_cb (HyHaloClient *client, HyHaloEvent *event, gpointer user_data)
{
  guint *warnings = user_data;

  if (event->level != HY_HALO_EVENT_INFO)
    (*warnings)++;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) sim = NULL;
  g_autofree char *url = NULL;
  g_autofree char *clients = g_strdup (argc > 2 ? argv[2] : "50");
  g_autofree char *per_client = g_strdup (argc > 3 ? argv[3] : "1000");
  g_autofree char *latency = g_strdup (argc > 4 ? argv[4] : "0");
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HyHaloList) list = NULL;
  g_autoptr (HyHaloRecord) me = NULL;
  g_autoptr (GAsyncResult) signed_in = NULL;
  g_autoptr (GAsyncResult) listed = NULL;
  guint warnings = 0;
  guint before;
  guint requests;
  guint total;
  guint minimum;
  gint64 start;
  double seconds;
  long rss_before;
  double cpu;

  setlocale (LC_ALL, "");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (argc < 2)
    {
      g_printerr ("Usage: %s HALYARD_SIM [CLIENTS ASSETS_PER_CLIENT [LATENCY_MS]]\n", argv[0]);
      return 2;
    }

  sim = hy_bench_spawn_sim ((const char *const[]){ argv[1], "--port", "0", "--clients", clients,
                                                   "--sites-per-client", "2", "--assets-per-client",
                                                   per_client, "--agents", "5", "--seed", "7",
                                                   "--latency-ms", latency, NULL },
                            &url);

  client = hy_halo_client_new (url, NULL, "halyard-demo", "demo-secret", NULL, &error);
  if (!client)
    g_error ("%s", error->message);
  /* the simulator has no rate limit here; Halo's 300 per 5 minutes would make this a
   * 5-minute wait measuring nothing but the budget */
  hy_halo_client_set_rate_limit (client, 1000000, 1000);
  g_signal_connect (client, "request-finished", G_CALLBACK (event_cb), &warnings);

  /* sign in first, so only the listing is measured */
  hy_halo_client_get_agent_me_async (client, HY_HALO_PRIORITY_INTERACTIVE, NULL, hy_bench_result_cb,
                                     &signed_in);
  me = hy_halo_client_record_finish (client, hy_bench_wait (&signed_in), &error);
  if (!me)
    g_error ("%s", error->message);

  rss_before = hy_bench_peak_rss_kib ();
  before = hy_halo_client_get_request_count (client);
  start = g_get_monotonic_time ();
  cpu = hy_bench_cpu_seconds ();
  hy_halo_client_list_assets_async (client, 0, HY_HALO_PRIORITY_BULK, NULL, hy_bench_result_cb,
                                    &listed);
  list = hy_halo_client_list_finish (client, hy_bench_wait (&listed), &error);
  seconds = hy_bench_seconds_since (start);
  cpu = hy_bench_cpu_seconds () - cpu;
  if (!list)
    g_error ("%s", error->message);

  requests = hy_halo_client_get_request_count (client) - before;
  total = list->records->len;
  minimum = (total + 99) / 100;
  g_print ("assets listed:      %u (record_count %" G_GINT64_FORMAT ", consistent: %s)\n", total,
           list->record_count, list->inconsistent ? "no" : "yes");
  g_print ("requests:           %u (minimum ceil(%u/100) = %u)\n", requests, total, minimum);
  g_print ("wall time:          %.2f s (%.1f ms per request)\n", seconds,
           seconds * 1000 / MAX (requests, 1));
  g_print ("client CPU time:    %.2f s (user + system, this process only)\n", cpu);
  g_print ("peak RSS:           %ld KiB (%ld KiB before listing)\n", hy_bench_peak_rss_kib (),
           rss_before);
  g_print ("warnings/errors:    %u\n", warnings);
  g_print ("at Halo's 300/5 min budget the same listing needs at least %u windows (~%u min)\n",
           (requests + 299) / 300, ((requests + 299) / 300 - 1) * 5);

  hy_bench_stop (sim);
  return requests == minimum && !list->inconsistent ? 0 : 1;
}
