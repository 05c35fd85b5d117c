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

#include "hy-bench.h"
#include "sync/hy-sync-engine.h"

#define BUDGET_REQUESTS 300
#define BUDGET_WINDOW_S 300.0

static int devices = 10000;
static int companies = 200;
static int changed_percent = 1;
static int batch = 100;
static gboolean ignore_returnall = FALSE;

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
          "", wall, budget_wall (r->requests, wall), hy_bench_peak_rss_kib ());
}

/* Halo: an empty Halo (no assets) with the companies' clients, one site each, as a separate
 * process that dies with the bench; its URL in *@out_url. */
static GSubprocess *
start_halo (char **out_url)
{
  const char *sim_binary = g_getenv ("HALYARD_SIM");
  /* A few more clients than companies: some generated clients are inactive. */
  g_autofree char *clients_arg = g_strdup_printf ("%d", companies + companies / 10 + 5);

  if (sim_binary == NULL)
    sim_binary = HY_SIM_BINARY;
  return hy_bench_spawn_sim ((const char *const[]){ sim_binary, "--port", "0", "--clients",
                                                    clients_arg, "--sites-per-client", "1",
                                                    "--assets-per-client", "0", "--agents", "2",
                                                    "--seed", "1",
                                                    ignore_returnall ? "--ignore-returnall" : NULL,
                                                    NULL },
                             out_url);
}

/* A store in @dir whose profile is the simulator at @url. */
static HyStore *
open_store (const char *dir, const char *url)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "halyard.db", NULL);
  g_autoptr (HyStore) store = hy_store_open (path, &error);
  g_autoptr (HyProfile) profile = hy_profile_new ();

  if (store == NULL)
    g_error ("%s", error->message);
  profile->url = g_strdup (url);
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  profile->enabled = TRUE;
  hy_store_set_profile (store, profile, NULL);
  return g_steal_pointer (&store);
}

static HyHaloList *
list_kind (HyHaloClient *client, HyHaloKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  HyHaloList *list;

  if (kind == HY_HALO_KIND_CLIENT)
    hy_halo_client_list_clients_async (client, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                       hy_bench_result_cb, &result);
  else
    hy_halo_client_list_async (client, kind, NULL, NULL, 0, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                               NULL, hy_bench_result_cb, &result);
  list = hy_halo_client_list_finish (client, hy_bench_wait (&result), &error);
  if (list == NULL)
    g_error ("%s", error->message);
  return list;
}

/* The Halo clients to link to (setup, not measured), and in @site_of each one's first site. */
static HyHaloList *
list_clients_and_sites (HyHaloClient *client, GHashTable *site_of)
{
  g_autoptr (HyHaloList) halo_clients = list_kind (client, HY_HALO_KIND_CLIENT);
  g_autoptr (HyHaloList) halo_sites = list_kind (client, HY_HALO_KIND_SITE);

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
  return g_steal_pointer (&halo_clients);
}

/* The inventory: one group per company, mapped to its client and site, and the devices. */
static void
fill_inventory (HyStore *store, HyHaloList *halo_clients, GHashTable *site_of)
{
  g_autoptr (GError) error = NULL;

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
}

/* One timed sync, reported under @label. */
static HySyncReport *
timed_sync (HySyncEngine *engine, const char *label)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  gint64 t0 = g_get_monotonic_time ();
  HySyncReport *r;
  double wall;

  hy_sync_engine_sync_async (engine, FALSE, NULL, hy_bench_result_cb, &result);
  r = hy_sync_engine_sync_finish (engine, hy_bench_wait (&result), &error);
  wall = hy_bench_seconds_since (t0);
  if (r == NULL)
    g_error ("%s", error->message);
  report (label, r, wall, devices);
  return r;
}

/* --changed-percent of the devices renamed; returns how many. */
static int
rename_some (HyStore *store)
{
  int changed = devices * changed_percent / 100;

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
  return changed;
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
  g_autofree char *dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *label = NULL;
  g_autoptr (GSubprocess) sim = NULL;
  g_autoptr (HyStore) store = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HySyncEngine) engine = NULL;
  g_autoptr (HyHaloList) halo_clients = NULL;
  g_autoptr (GHashTable) site_of =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr (HySyncReport) first = NULL;
  g_autoptr (HySyncReport) second = NULL;
  g_autoptr (HySyncReport) third = NULL;
  int changed;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  sim = start_halo (&url);
  dir = hy_bench_make_dir ("hy-bench-XXXXXX");
  store = open_store (dir, url);
  client = hy_halo_client_new (url, "demo", "halyard-demo", "demo-secret", "all", &error);
  if (client == NULL)
    g_error ("%s", error->message);
  /* No client-side pacing: the budget's wall time is computed from the request count. */
  hy_halo_client_set_rate_limit (client, 1000000, 300000);
  halo_clients = list_clients_and_sites (client, site_of);
  fill_inventory (store, halo_clients, site_of);

  engine = hy_sync_engine_new (store, client);
  hy_sync_engine_set_batch_size (engine, batch);

  printf ("Halyard sync bench: %d devices in %d companies, batches of %d, halyard-sim at %s%s\n",
          devices, companies, batch, url,
          ignore_returnall ? " (ignoring ?returnall: the last record only)" : "");

  first = timed_sync (engine, "first sync");
  second = timed_sync (engine, "re-sync, no change");
  /* 1 % changed: renamed. */
  changed = rename_some (store);
  label = g_strdup_printf ("re-sync, %d changed", changed);
  third = timed_sync (engine, label);

  hy_bench_stop (sim);
  g_clear_object (&engine);
  g_clear_object (&store);
  hy_bench_remove_tree (dir);
  return first->failed == 0 && first->pending == 0 && third->updated == (guint) changed ? 0 : 1;
}
