/* bench-import.c: import 100 000 computers from one JSON file; time and peak RSS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-import [N_COMPUTERS]
 */
#define G_LOG_DOMAIN "bench-import"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "hy-bench.h"
#include "import/hy-import.h"
#include "store/hy-store.h"

/* Written line by line, so generating the file does not count in the import's peak RSS. */
static void
write_inventory (const char *path, guint n_computers)
{
  const guint n_companies = 1000, n_groups = 50;
  FILE *out = fopen (path, "w");

  g_assert (out != NULL);
  fputs ("{\n\"companies\": [\n", out);
  for (guint i = 0; i < n_companies; i++)
    fprintf (out, "%s{\"id\": \"c%u\", \"name\": \"Company %u Ltd\"}\n", i ? "," : "", i, i);
  fputs ("],\n\"locations\": [\n", out);
  for (guint i = 0; i < n_companies; i++)
    fprintf (out, "%s{\"id\": \"l%u\", \"company\": \"c%u\", \"name\": \"Head Office\"}\n",
             i ? "," : "", i, i);
  fputs ("],\n\"groups\": [\n", out);
  for (guint i = 0; i < n_groups; i++)
    fprintf (out, "%s{\"id\": \"g%u\", \"name\": \"Group %u\", \"parent\": %s}\n", i ? "," : "", i,
             i, i ? "\"g0\"" : "null");
  fputs ("],\n\"computers\": [\n", out);
  for (guint i = 0; i < n_computers; i++)
    fprintf (out,
             "%s{\"id\": \"pc%u\", \"name\": \"PC-%06u\", \"company\": \"c%u\", "
             "\"location\": \"l%u\", \"group\": \"g%u\", \"serial\": \"SN%08u\", "
             "\"os\": \"Windows 11 Pro\", \"ip\": \"10.%u.%u.%u\", "
             "\"mac\": \"00:11:22:%02x:%02x:%02x\", \"last_seen\": \"2026-11-20T10:00:00Z\"}\n",
             i ? "," : "", i, i, i % n_companies, i % n_companies, i % n_groups, i, (i >> 16) & 255,
             (i >> 8) & 255, i & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255);
  fputs ("]\n}\n", out);
  fclose (out);
}

static double
import_once (HyStore *store, GFile *file, HyImportResult **out_result)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  *out_result = hy_import_file (store, file, NULL, NULL, &error);
  if (*out_result == NULL)
    g_error ("import failed: %s", error->message);
  return hy_bench_seconds_since (start);
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autofree char *dir = hy_bench_make_dir ("hy-bench-import-XXXXXX");
  g_autofree char *json = g_build_filename (dir, "inventory.json", NULL);
  g_autofree char *db = g_build_filename (dir, "halyard.db", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (json);
  g_autoptr (HyStore) store = NULL;
  g_autoptr (HyImportResult) first = NULL;
  g_autoptr (HyImportResult) second = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st = { 0 };
  double t_first, t_second;
  long rss_before, rss_first, rss_second;

  write_inventory (json, n);
  g_stat (json, &st);

  store = hy_store_open (db, &error);
  g_assert_no_error (error);
  rss_before = hy_bench_peak_rss_kib ();

  t_first = import_once (store, file, &first);
  rss_first = hy_bench_peak_rss_kib ();
  t_second = import_once (store, file, &second);
  rss_second = hy_bench_peak_rss_kib ();

  g_assert_cmpuint (hy_import_result_get_added (first, HY_RECORD_KIND_COMPUTER), ==, n);
  g_assert_cmpuint (hy_import_result_get_unchanged (second, HY_RECORD_KIND_COMPUTER), ==, n);

  printf ("bench-import: %u computers, JSON file %.1f MiB\n", n, st.st_size / (1024.0 * 1024.0));
  printf ("  first import (all added):      %.2f s, %.0f computers/s\n", t_first, n / t_first);
  printf ("  re-import (all unchanged):     %.2f s\n", t_second);
  printf ("  peak RSS: before %.1f MiB, after first %.1f MiB, after re-import %.1f MiB\n",
          rss_before / 1024.0, rss_first / 1024.0, rss_second / 1024.0);

  g_clear_object (&store);
  hy_bench_remove_tree (dir);
  return 0;
}
