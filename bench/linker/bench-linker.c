/* bench-linker.c: auto-link 10 000 companies and 100 000 computers; time and peak RSS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-linker [N_COMPUTERS]
 *
 * The Halo cache holds 10 000 clients (a third named in other case than their company, so they
 * become suggestions) and one asset per computer, spread over 200 clients. Prints the time of a
 * dry run, of the real run and of a second run with nothing left to link, and the peak RSS.
 */
#define G_LOG_DOMAIN "bench-linker"

#include "config.h"

#include <stdlib.h>

#include "hy-bench.h"
#include "linker/hy-linker.h"

static void
fill (HyStore *store, guint n_clients, guint n_computers)
{
  g_autoptr (GError) error = NULL;

  hy_store_begin (store, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n_clients; i++)
    {
      g_autofree char *name = g_strdup_printf ("Client %u Ltd", i);
      g_autoptr (HyCacheRecord) client = hy_cache_record_new (HY_CACHE_KIND_CLIENT, i + 1, name);
      g_autoptr (HyCompany) company = hy_company_new ();

      hy_store_cache_upsert (store, client, &error);
      g_assert_no_error (error);
      company->id = g_strdup_printf ("c%u", i);
      company->name = g_strdup_printf (i % 3 == 0 ? "CLIENT %u LTD" : "Client %u Ltd", i);
      hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < n_computers; i++)
    {
      guint client = i % 200;
      g_autofree char *name = g_strdup_printf ("PC-%06u", i);
      g_autoptr (HyCacheRecord) asset =
          hy_cache_record_new (HY_CACHE_KIND_ASSET, 1000000 + i, name);
      g_autoptr (HyComputer) computer = hy_computer_new ();

      asset->client_id = client + 2; /* companies c1, c2, ... (c0 is a suggestion) */
      asset->key_field = g_strdup (name);
      hy_store_cache_upsert (store, asset, &error);
      g_assert_no_error (error);
      computer->id = g_strdup_printf ("pc%u", i);
      computer->name = g_strdup (name);
      computer->company_id = g_strdup_printf ("c%u", client + 1);
      hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, computer, NULL, &error);
      g_assert_no_error (error);
    }

  hy_store_commit (store, &error);
  g_assert_no_error (error);
}

static HyLinkerResult *
timed_run (HyStore *store, gboolean dry_run, const char *what)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  HyLinkerResult *result = hy_linker_auto_link (store, dry_run, &error);

  g_assert_no_error (error);
  g_print ("%-28s %7.2f s  linked %6u  ambiguous %4u  suggestions %5u  waiting %u\n", what,
           hy_bench_seconds_since (start), result->linked->len, result->ambiguous->len,
           result->suggestions->len, result->waiting_computers);
  return result;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HyStore) store = NULL;
  guint n_computers = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 100000;
  const guint n_clients = 10000;
  gint64 start;

  dir = hy_bench_make_dir ("bench-linker-XXXXXX");
  path = g_build_filename (dir, "halyard.db", NULL);
  store = hy_store_open (path, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  fill (store, n_clients, n_computers);
  g_print ("filled %u clients/companies and %u assets/computers in %.2f s\n", n_clients,
           n_computers, hy_bench_seconds_since (start));

  hy_linker_result_free (timed_run (store, TRUE, "auto-link --dry-run"));
  hy_linker_result_free (timed_run (store, FALSE, "auto-link"));
  hy_linker_result_free (timed_run (store, FALSE, "auto-link again (no change)"));
  g_print ("peak RSS %ld MiB\n", hy_bench_peak_rss_kib () / 1024);

  g_clear_object (&store);
  hy_bench_remove_tree (dir);
  return 0;
}
