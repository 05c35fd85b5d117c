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
#include <signal.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "session/hy-session.h"

static GAsyncResult *result;

static void
done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  result = g_object_ref (res);
}

static void
wait (void)
{
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static guint
pages (guint n)
{
  return MAX (1, (n + 99) / 100);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) sim = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autofree char *line = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *data_dir = NULL;
  const char *clients = argc > 2 ? argv[2] : "5000";
  const char *per_client = argc > 3 ? argv[3] : "20";
  HySessionRefresh refresh;
  const char *url;
  int status = 0;

  setlocale (LC_ALL, "");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (argc < 2)
    {
      g_printerr ("Usage: %s HALYARD_SIM [CLIENTS ASSETS_PER_CLIENT]\n", argv[0]);
      return 2;
    }

  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, argv[1], "--port", "0",
                          "--clients", clients, "--sites-per-client", "2", "--assets-per-client",
                          per_client, "--agents", "25", "--seed", "7", NULL);
  if (sim == NULL)
    g_error ("%s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || (url = strstr (line, "http://")) == NULL)
    g_error ("halyard-sim did not start: %s", error != NULL ? error->message : line);

  tmp = g_dir_make_tmp ("halyard-bench-refresh-XXXXXX", &error);
  if (tmp == NULL)
    g_error ("%s", error->message);
  data_dir = g_build_filename (tmp, "data", NULL);

  session = hy_session_open (data_dir, &error);
  if (session == NULL)
    g_error ("%s", error->message);
  profile->url = g_strdup (url);
  profile->client_id = g_strdup ("halyard-demo");
  if (!hy_session_set_profile (session, profile, &error))
    g_error ("%s", error->message);
  hy_session_set_secret (session, "demo-secret");

  hy_session_get_client_async (session, NULL, done_cb, NULL);
  wait ();
  client = hy_session_get_client_finish (session, result, &error);
  g_clear_object (&result);
  if (client == NULL)
    g_error ("%s", error->message);
  /* The simulator has no rate limit here; Halo's 300 per 5 minutes would make this a long
   * wait that measures only the budget (see the estimate printed below). */
  hy_halo_client_set_rate_limit (client, 1000000, 1000);

  for (guint round = 1; round <= 2; round++)
    {
      gint64 start = g_get_monotonic_time ();
      long rss_before = peak_rss_kib ();
      double cpu_before = cpu_seconds ();
      guint minimum;
      double seconds;

      hy_session_refresh_async (session, NULL, done_cb, NULL);
      wait ();
      if (!hy_session_refresh_finish (session, result, &refresh, &error))
        g_error ("%s", error->message);
      g_clear_object (&result);
      seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

      /* One page per 100 records of each list, plus sign-in (authinfo and token) once. */
      minimum = (round == 1 ? 2 : 0);
      for (guint kind = 0; kind < HY_N_CACHE_KINDS; kind++)
        minimum += pages (refresh.counts[kind]);

      g_print ("refresh %u (%s cache)\n", round, round == 1 ? "empty" : "full");
      for (guint kind = 0; kind < HY_N_CACHE_KINDS; kind++)
        g_print ("  %-14s %u\n", hy_cache_kind_to_plural (kind), refresh.counts[kind]);
      g_print ("  requests:      %u (one per page of 100 and the sign-in: %u)\n", refresh.requests,
               minimum);
      g_print ("  wall time:     %.2f s (CPU time of this process: %.2f s)\n", seconds,
               cpu_seconds () - cpu_before);
      g_print ("  peak RSS:      %ld KiB (%ld KiB before)\n", peak_rss_kib (), rss_before);
      g_print ("  events logged: %" G_GINT64_FORMAT "\n",
               hy_store_events_count (hy_session_get_store (session), FALSE, NULL));
      g_print ("  at Halo's 300 requests per 5 minutes: at least %u windows (~%u min)\n",
               (refresh.requests + 299) / 300, ((refresh.requests + 299) / 300 - 1) * 5);

      /* Bare-array lists (agents, ticket types, statuses, outcomes) cost one extra request
       * each to see that Halo does not page them. */
      if (refresh.requests > minimum + 4)
        status = 1;
    }

  g_clear_object (&client);
  g_clear_object (&session);
  remove_tree (tmp);
  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait (sim, NULL, NULL);
  return status;
}
