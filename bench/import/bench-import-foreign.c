/* bench-import-foreign.c: import 100 000 computers from an RMM's CSV export with a column map;
 * time and peak RSS (against bench-import's JSON figures)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-import-foreign [N_COMPUTERS]
 */
#define G_LOG_DOMAIN "bench-import"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "hy-bench.h"
#include "import/hy-import.h"
#include "store/hy-store.h"

/* The map a technician gives for a Datto RMM device export. */
#define COLUMNS                                                                                 \
  "name=Hostname,company=Site Name,ip=Int IP Address,os=Operating System,serial=Serial Number," \
  "last_seen=Last Seen"

/* A Datto-shaped export (quoted cells, CRLF, local dates, 1 000 sites named, not numbered);
 * @skip: every skip-th device is left out (0: none). Written line by line. */
static void
write_export (const char *path, guint n_computers, guint skip)
{
  const guint n_sites = 1000;
  FILE *out = fopen (path, "w");

  g_assert (out != NULL);
  fputs ("\"Hostname\",\"Site Name\",\"Description\",\"Int IP Address\",\"Ext IP Address\","
         "\"Operating System\",\"Serial Number\",\"Last Seen\",\"Last Audit\",\"Device Type\","
         "\"Last User\"\r\n",
         out);
  for (guint i = 0; i < n_computers; i++)
    {
      if (skip > 0 && i % skip == 0)
        continue;
      fprintf (out,
               "\"PC-%06u\",\"Customer %u, Ltd\",\"Workstation %u\",\"10.%u.%u.%u\","
               "\"203.0.113.%u\",\"Microsoft Windows 11 Pro\",\"SN%08u\","
               "\"2026-11-20 10:%02u:00\",\"2026-11-19 22:00:00\",\"Desktop\",\"DOM\\user%u\"\r\n",
               i, i % n_sites, i, (i >> 16) & 255, (i >> 8) & 255, i & 255, i % 250, i, i % 60, i);
    }
  fclose (out);
}

static double
import_once (HyStore *store,
             const char *path,
             gboolean prune,
             HyImportResult **out_result,
             double *out_cpu)
{
  double cpu = hy_bench_cpu_seconds ();
  double wall;
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  options.has_kind = TRUE;
  options.kind = HY_RECORD_KIND_COMPUTER;
  options.columns = COLUMNS;
  options.prune = prune;
  *out_result = hy_import_file (store, file, &options, NULL, &error);
  if (*out_result == NULL)
    g_error ("import failed: %s", error->message);
  wall = hy_bench_seconds_since (start);
  *out_cpu = hy_bench_cpu_seconds () - cpu;
  return wall;
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autofree char *dir = hy_bench_make_dir ("hy-bench-import-foreign-XXXXXX");
  g_autofree char *csv = g_build_filename (dir, "devices.csv", NULL);
  g_autofree char *fewer = g_build_filename (dir, "devices-fewer.csv", NULL);
  g_autofree char *db = g_build_filename (dir, "halyard.db", NULL);
  g_autoptr (HyStore) store = NULL;
  g_autoptr (HyImportResult) first = NULL;
  g_autoptr (HyImportResult) second = NULL;
  g_autoptr (HyImportResult) pruned = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st = { 0 };
  double t_first, t_second, t_pruned;
  double c_first, c_second, c_pruned;
  long rss_before, rss_first, rss_second, rss_pruned;

  write_export (csv, n, 0);
  write_export (fewer, n, 100);
  g_stat (csv, &st);

  store = hy_store_open (db, &error);
  g_assert_no_error (error);
  rss_before = hy_bench_peak_rss_kib ();

  t_first = import_once (store, csv, FALSE, &first, &c_first);
  rss_first = hy_bench_peak_rss_kib ();
  t_second = import_once (store, csv, FALSE, &second, &c_second);
  rss_second = hy_bench_peak_rss_kib ();
  t_pruned = import_once (store, fewer, TRUE, &pruned, &c_pruned);
  rss_pruned = hy_bench_peak_rss_kib ();

  g_assert_cmpuint (hy_import_result_get_added (first, HY_RECORD_KIND_COMPUTER), ==, n);
  g_assert_cmpuint (hy_import_result_get_added (first, HY_RECORD_KIND_COMPANY), ==, MIN (n, 1000));
  g_assert_cmpuint (hy_import_result_get_unchanged (second, HY_RECORD_KIND_COMPUTER), ==, n);
  g_assert_cmpuint (hy_import_result_get_retired (pruned), ==, (n + 99) / 100);

  printf ("bench-import-foreign: %u computers, Datto-shaped CSV %.1f MiB, column map %s\n", n,
          st.st_size / (1024.0 * 1024.0), COLUMNS);
  printf ("  first import (all added, 1 000 companies created by name): %.2f s (CPU %.2f s)\n",
          t_first, c_first);
  printf ("  re-import (all unchanged):                                 %.2f s (CPU %.2f s)\n",
          t_second, c_second);
  printf ("  --prune with 1 %% missing (retired):                        %.2f s (CPU %.2f s)\n",
          t_pruned, c_pruned);
  printf ("  peak RSS: before %.1f MiB, after first %.1f MiB, after re-import %.1f MiB, after "
          "prune %.1f MiB\n",
          rss_before / 1024.0, rss_first / 1024.0, rss_second / 1024.0, rss_pruned / 1024.0);

  g_clear_object (&store);
  hy_bench_remove_tree (dir);
  return 0;
}
