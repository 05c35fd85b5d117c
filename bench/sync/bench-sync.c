/* bench-sync.c: first sync of 10 000 devices in 200 companies into an empty Halo, then a
 * re-sync with 1 % of the devices changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Halo is a separate halyard-sim process (so the peak RSS measured is Halyard's alone). The
 * client's own pacing is switched off so the bench runs in seconds; the wall time under Halo's
 * budget of 300 requests per rolling 5 minutes is then computed from the request count:
 * requests beyond the first window wait for later windows, so
 *   budget_wall = measured_wall                    when requests <= 300
 *               = ceil(requests / 300 - 1) * 300 s + measured_wall / windows otherwise
 * (a lower bound: each further window of 300 requests costs 5 minutes).
 *
 * Usage: bench-sync [--devices N] [--companies N] [--changed-percent P] [--batch N]
 *                   [--ignore-returnall]
 * (--ignore-returnall: the simulated Halo answers a multi-item POST with its last record only,
 * so the client reconciles created ids with asset lists instead of ?returnall=true)
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "sync/hy-sync-engine.h"

#define BUDGET_REQUESTS 300
#define BUDGET_WINDOW_S 300.0

static int devices = 10000;
static int companies = 200;
static int changed_percent = 1;
static int batch = 100;
static gboolean ignore_returnall = FALSE;

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
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static double
budget_wall (guint requests, double measured)
{
  double windows;

  if (requests <= BUDGET_REQUESTS)
    return measured;
  windows = ceil ((double) requests / BUDGET_REQUESTS);
  return (windows - 1) * BUDGET_WINDOW_S + measured / windows;
}

static void
report (const char *label, HySyncReport *r, double wall, guint n_devices)
{
  double per_device = (double) r->requests / n_devices;

  printf ("%-22s requests %6u  (%.4f per device)  created %5u updated %5u unchanged %5u "
          "failed %u pending %u dead %u\n",
          label, r->requests, per_device, r->created, r->updated, r->unchanged, r->failed,
          r->pending, r->dead);
  printf ("%-22s wall %.2f s measured (client pacing off); %.1f s under 300 req / 5 min "
          "(computed); peak RSS %ld KiB\n",
          "", wall, budget_wall (r->requests, wall), peak_rss_kib ());
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  const GOptionEntry entries[] = {
    { "devices", 0, 0, G_OPTION_ARG_INT, &devices, "Devices (default 10000)", "N" },
    { "companies", 0, 0, G_OPTION_ARG_INT, &companies, "Companies (default 200)", "N" },
    { "changed-percent", 0, 0, G_OPTION_ARG_INT, &changed_percent, "Changed for the re-sync", "P" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Assets per POST (default 100)", "N" },
    { "ignore-returnall", 0, 0, G_OPTION_ARG_NONE, &ignore_returnall,
      "Halo answers a multi-item POST with the last record only", NULL },
    { NULL },
  };
  g_autofree char *sim_out = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *clients_arg = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) sim = NULL;
  g_autoptr (GDataInputStream) sim_stdout = NULL;
  g_autofree char *line = NULL;
  const char *url;
  g_autoptr (HyStore) store = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HySyncEngine) engine = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GAsyncResult) listed = NULL;
  g_autoptr (HyHaloList) halo_clients = NULL;
  g_autoptr (GAsyncResult) sites_result = NULL;
  g_autoptr (HyHaloList) halo_sites = NULL;
  g_autoptr (GHashTable) site_of =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr (HySyncReport) first = NULL;
  g_autoptr (HySyncReport) second = NULL;
  g_autoptr (HySyncReport) third = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  gint64 t0;
  double wall1, wall2, wall3;
  int changed;
  const char *sim_binary = g_getenv ("HALYARD_SIM");

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (sim_binary == NULL)
    sim_binary = HY_SIM_BINARY;

  /* Halo: an empty Halo (no assets) with the companies' clients, one site each. */
  /* A few more clients than companies: some generated clients are inactive. */
  clients_arg = g_strdup_printf ("%d", companies + companies / 10 + 5);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* The simulator dies with the bench, whatever happens to it. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sim = g_subprocess_launcher_spawn (launcher, &error, sim_binary, "--port", "0", "--clients",
                                     clients_arg, "--sites-per-client", "1", "--assets-per-client",
                                     "0", "--agents", "2", "--seed", "1",
                                     ignore_returnall ? "--ignore-returnall" : NULL, NULL);
  if (sim == NULL)
    g_error ("%s", error->message);
  sim_stdout = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  line = g_data_input_stream_read_line (sim_stdout, NULL, NULL, &error);
  if (line == NULL || strstr (line, "http://") == NULL)
    g_error ("halyard-sim did not start");
  url = strstr (line, "http://");

  dir = g_dir_make_tmp ("hy-bench-XXXXXX", &error);
  path = g_build_filename (dir, "halyard.db", NULL);
  store = hy_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  profile->url = g_strdup (url);
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  profile->enabled = TRUE;
  hy_store_set_profile (store, profile, NULL);

  client = hy_halo_client_new (url, "demo", "halyard-demo", "demo-secret", "all", &error);
  if (client == NULL)
    g_error ("%s", error->message);
  /* No client-side pacing: the budget's wall time is computed from the request count. */
  hy_halo_client_set_rate_limit (client, 1000000, 300000);

  /* The Halo clients and sites to link to (setup, not measured). */
  hy_halo_client_list_clients_async (client, HY_HALO_PRIORITY_INTERACTIVE, NULL, result_cb,
                                     &listed);
  halo_clients = hy_halo_client_list_finish (client, wait_for (&listed), &error);
  if (halo_clients == NULL)
    g_error ("%s", error->message);
  hy_halo_client_list_async (client, HY_HALO_KIND_SITE, NULL, NULL, 0, HY_HALO_PRIORITY_INTERACTIVE,
                             NULL, NULL, result_cb, &sites_result);
  halo_sites = hy_halo_client_list_finish (client, wait_for (&sites_result), &error);
  if (halo_sites == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < halo_sites->records->len; i++)
    {
      HyHaloRecord *s = g_ptr_array_index (halo_sites->records, i);
      gint64 cid = hy_halo_record_get_client_id (s);
      if (!g_hash_table_contains (site_of, &cid))
        g_hash_table_insert (site_of, g_memdup2 (&cid, sizeof cid),
                             g_memdup2 (&(gint64){ hy_halo_record_get_id (s) }, sizeof (gint64)));
    }
  if ((int) halo_clients->records->len < companies)
    g_error ("halyard-sim has %u clients", halo_clients->records->len);

  /* The inventory: one group per company, mapped to its client and site. */
  hy_store_begin (store, NULL);
  for (int c = 0; c < companies; c++)
    {
      HyHaloRecord *hc = g_ptr_array_index (halo_clients->records, c);
      gint64 cid = hy_halo_record_get_id (hc);
      gint64 *site = g_hash_table_lookup (site_of, &cid);
      g_autoptr (HyCompany) company = hy_company_new ();
      g_autoptr (HyGroup) group = hy_group_new ();

      company->id = g_strdup_printf ("c%d", c);
      company->name = g_strdup_printf ("Company %d", c);
      hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, NULL);
      hy_store_link_set (store, HY_RECORD_KIND_COMPANY, company->id, cid,
                         hy_halo_record_get_name (hc), HY_LINK_HOW_MANUAL, NULL);
      group->id = g_strdup_printf ("g%d", c);
      group->name = g_strdup_printf ("Group %d", c);
      hy_store_upsert (store, HY_RECORD_KIND_GROUP, group, NULL, NULL);
      hy_store_map_group (store, group->id, cid, site ? *site : 0, NULL);
    }
  for (int d = 0; d < devices; d++)
    {
      g_autoptr (HyComputer) pc = hy_computer_new ();
      int c = d % companies;

      pc->id = g_strdup_printf ("pc%05d", d);
      pc->name = g_strdup_printf ("DEV-%05d", d);
      pc->company_id = g_strdup_printf ("c%d", c);
      pc->group_id = g_strdup_printf ("g%d", c);
      pc->serial = g_strdup_printf ("SN%08d", d * 7919);
      pc->os = g_strdup (d % 10 == 0 ? "Windows Server 2022" : "Windows 11");
      if (!hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, pc, NULL, &error))
        g_error ("%s", error->message);
    }
  if (!hy_store_commit (store, &error))
    g_error ("%s", error->message);

  engine = hy_sync_engine_new (store, client);
  hy_sync_engine_set_batch_size (engine, batch);

  printf ("Halyard sync bench: %d devices in %d companies, batches of %d, halyard-sim at %s%s\n",
          devices, companies, batch, url,
          ignore_returnall ? " (ignoring ?returnall: the last record only)" : "");

  t0 = g_get_monotonic_time ();
  hy_sync_engine_sync_async (engine, FALSE, NULL, result_cb, &r1);
  first = hy_sync_engine_sync_finish (engine, wait_for (&r1), &error);
  wall1 = (g_get_monotonic_time () - t0) / 1e6;
  if (first == NULL)
    g_error ("%s", error->message);
  report ("first sync", first, wall1, devices);

  t0 = g_get_monotonic_time ();
  hy_sync_engine_sync_async (engine, FALSE, NULL, result_cb, &r2);
  second = hy_sync_engine_sync_finish (engine, wait_for (&r2), &error);
  wall2 = (g_get_monotonic_time () - t0) / 1e6;
  if (second == NULL)
    g_error ("%s", error->message);
  report ("re-sync, no change", second, wall2, devices);

  /* 1 % changed: renamed. */
  changed = devices * changed_percent / 100;
  hy_store_begin (store, NULL);
  for (int i = 0; i < changed; i++)
    {
      g_autofree char *id = g_strdup_printf ("pc%05d", (i * 97) % devices);
      g_autoptr (HyComputer) pc = hy_store_get (store, HY_RECORD_KIND_COMPUTER, id, NULL);
      g_free (pc->name);
      pc->name = g_strdup_printf ("DEV-%s-renamed", id);
      hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, pc, NULL, NULL);
    }
  hy_store_commit (store, NULL);
  t0 = g_get_monotonic_time ();
  hy_sync_engine_sync_async (engine, FALSE, NULL, result_cb, &r3);
  third = hy_sync_engine_sync_finish (engine, wait_for (&r3), &error);
  wall3 = (g_get_monotonic_time () - t0) / 1e6;
  if (third == NULL)
    g_error ("%s", error->message);
  {
    g_autofree char *label = g_strdup_printf ("re-sync, %d changed", changed);
    report (label, third, wall3, devices);
  }

  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait (sim, NULL, NULL);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    if (system (cmd) != 0)
      g_warning ("Could not remove %s", dir);
  }
  return first->failed == 0 && first->pending == 0 && third->updated == (guint) changed ? 0 : 1;
}
