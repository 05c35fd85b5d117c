/* bench-refresh.c: hy_session_refresh_async () from a Halo of 5 000 clients and 100 000 assets
 *
 * Starts a halyard-sim process, opens a session in a temporary data directory, signs in, then
 * measures one refresh (clients, sites, assets, agents, ticket types, statuses, outcomes into
 * the store's Halo cache, every request recorded as an event): the requests made against the
 * minimum (one per page of 100), the wall time and this process's peak RSS (the simulator is a
 * separate process, so it is not counted). A second refresh measures the same against a full
 * cache.
 *
 * Usage: bench-refresh HALYARD_SIM [CLIENTS ASSETS_PER_CLIENT]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "hy-bench.h"
#include "session/hy-session.h"

static guint
pages (guint n)
{
  return MAX (1, (n + 99) / 100);
}

/* A session on a new data directory below @tmp, signed in to @url; its client in *@out_client,
 * its pacing switched off. */
static HySession *
open_session (const char *tmp, const char *url, HyHaloClient **out_client)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (tmp, "data", NULL);
  g_autoptr (HySession) session = hy_session_open (data_dir, &error);
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GAsyncResult) result = NULL;

  if (session == NULL)
    g_error ("%s", error->message);
  profile->url = g_strdup (url);
  profile->client_id = g_strdup ("halyard-demo");
  if (!hy_session_set_profile (session, profile, &error))
    g_error ("%s", error->message);
  hy_session_set_secret (session, "demo-secret");

  hy_session_get_client_async (session, NULL, hy_bench_result_cb, &result);
  *out_client = hy_session_get_client_finish (session, hy_bench_wait (&result), &error);
  if (*out_client == NULL)
    g_error ("%s", error->message);
  /* The simulator has no rate limit here; Halo's 300 per 5 minutes would make this a long
   * wait that measures only the budget (see the estimate printed below). */
  hy_halo_client_set_rate_limit (*out_client, 1000000, 1000);
  return g_steal_pointer (&session);
}

static void
report (guint round,
        const HySessionRefresh *refresh,
        guint minimum,
        double seconds,
        double cpu,
        long rss_before,
        HySession *session)
{
  g_print ("refresh %u (%s cache)\n", round, round == 1 ? "empty" : "full");
  for (guint kind = 0; kind < HY_N_CACHE_KINDS; kind++)
    g_print ("  %-14s %u\n", hy_cache_kind_to_plural (kind), refresh->counts[kind]);
  g_print ("  requests:      %u (one per page of 100 and the sign-in: %u)\n", refresh->requests,
           minimum);
  g_print ("  wall time:     %.2f s (CPU time of this process: %.2f s)\n", seconds, cpu);
  g_print ("  peak RSS:      %ld KiB (%ld KiB before)\n", hy_bench_peak_rss_kib (), rss_before);
  g_print ("  events logged: %" G_GINT64_FORMAT "\n",
           hy_store_events_count (hy_session_get_store (session), FALSE, NULL));
  g_print ("  at Halo's 300 requests per 5 minutes: at least %u windows (~%u min)\n",
           (refresh->requests + 299) / 300, ((refresh->requests + 299) / 300 - 1) * 5);
}

/* One timed refresh, reported; FALSE when it took more requests than it should. */
static gboolean
run_round (HySession *session, guint round)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  gint64 start = g_get_monotonic_time ();
  long rss_before = hy_bench_peak_rss_kib ();
  double cpu_before = hy_bench_cpu_seconds ();
  HySessionRefresh refresh;
  guint minimum;
  double seconds;

  hy_session_refresh_async (session, NULL, hy_bench_result_cb, &result);
  if (!hy_session_refresh_finish (session, hy_bench_wait (&result), &refresh, &error))
    g_error ("%s", error->message);
  seconds = hy_bench_seconds_since (start);

  /* One page per 100 records of each list, plus sign-in (authinfo and token) once. */
  minimum = (round == 1 ? 2 : 0);
  for (guint kind = 0; kind < HY_N_CACHE_KINDS; kind++)
    minimum += pages (refresh.counts[kind]);
  report (round, &refresh, minimum, seconds, hy_bench_cpu_seconds () - cpu_before, rss_before,
          session);

  /* Bare-array lists (agents, ticket types, statuses, outcomes) cost one extra request
   * each to see that Halo does not page them. */
  return refresh.requests <= minimum + 4;
}

int
main (int argc, char **argv)
{
  g_autoptr (GSubprocess) sim = NULL;
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autofree char *url = NULL;
  g_autofree char *tmp = NULL;
  const char *clients = argc > 2 ? argv[2] : "5000";
  const char *per_client = argc > 3 ? argv[3] : "20";
  int status = 0;

  setlocale (LC_ALL, "");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (argc < 2)
    {
      g_printerr ("Usage: %s HALYARD_SIM [CLIENTS ASSETS_PER_CLIENT]\n", argv[0]);
      return 2;
    }

  sim = hy_bench_spawn_sim ((const char *const[]){ argv[1], "--port", "0", "--clients", clients,
                                                   "--sites-per-client", "2", "--assets-per-client",
                                                   per_client, "--agents", "25", "--seed", "7",
                                                   NULL },
                            &url);
  tmp = hy_bench_make_dir ("halyard-bench-refresh-XXXXXX");
  session = open_session (tmp, url, &client);

  for (guint round = 1; round <= 2; round++)
    if (!run_round (session, round))
      status = 1;

  g_clear_object (&client);
  g_clear_object (&session);
  hy_bench_remove_tree (tmp);
  hy_bench_stop (sim);
  return status;
}
