/* bench-events.c: the events log with a million rows — append, first page, paging, failed count,
 * per-minute chart; and the paged, searched computers list with 100 000 rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-events [N_EVENTS]
 */
#define G_LOG_DOMAIN "bench-events"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "hy-bench.h"
#include "store/hy-store.h"

#define BATCH_SIZE  1000
#define N_COMPUTERS 100000

/* What is measured, in milliseconds (page: each next page), and the counts. */
typedef struct
{
  double append, open, first, page, failed_page, count, failed_count, chart;
  double computers, list, search, unlinked;
  gint64 total, failed;
} Times;

/* Appends @n events ending at @now in batches of 1 000, as the Halo client's event sink would
 * flush them. */
static void
append_events (HyStore *store, guint n, gint64 now)
{
  g_autoptr (GError) error = NULL;

  for (guint done = 0; done < n; done += BATCH_SIZE)
    {
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_event_free);

      for (guint i = done; i < done + BATCH_SIZE && i < n; i++)
        {
          HyEvent *e = hy_event_new ();

          e->time = now - (gint64) (n - i) * 10000; /* 100 per second */
          e->method = g_strdup (i % 3 ? "GET" : "POST");
          e->path = g_strdup (i % 3 ? "/api/Asset?pageinate=true&page_size=100" : "/api/Asset");
          e->status = i % 97 == 0 ? 500 : 200;
          e->duration_ms = 50 + i % 200;
          e->record = g_strdup_printf ("computer:pc%u", i % 100000);
          e->error = i % 97 == 0 ? g_strdup ("Halo failed (HTTP 500)") : NULL;
          e->request = g_strdup ("[{\"inventory_number\":\"PC-000001\",\"client_id\":12}]");
          e->response = g_strdup ("{\"id\":77}");
          g_ptr_array_add (batch, e);
        }
      if (!hy_store_events_append_batch (store, batch, &error))
        g_error ("%s", error->message);
    }
}

/* The Events view's queries: first page, page 500 by keyset, failures, counts, chart. */
static void
time_event_queries (HyStore *store, gint64 now, Times *t)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GArray) buckets = NULL;
  HyEventsQuery q = HY_EVENTS_QUERY_INIT;
  gint64 start = g_get_monotonic_time ();
  guint pages;

  q.limit = 100;
  page = hy_store_events_list (store, &q, &error);
  t->first = hy_bench_ms_since (start);
  g_assert_cmpuint (page->len, ==, 100);

  /* Up to page 500 (50 000 events back), by keyset; fewer when there are fewer events. */
  start = g_get_monotonic_time ();
  for (pages = 0; pages < 500 && page->len > 0; pages++)
    {
      q.before_id = ((HyEvent *) page->pdata[page->len - 1])->id;
      g_clear_pointer (&page, g_ptr_array_unref);
      page = hy_store_events_list (store, &q, &error);
    }
  t->page = hy_bench_ms_since (start) / MAX (pages, 1);

  q = (HyEventsQuery) HY_EVENTS_QUERY_INIT;
  q.failed_only = TRUE;
  q.limit = 100;
  start = g_get_monotonic_time ();
  g_clear_pointer (&page, g_ptr_array_unref);
  page = hy_store_events_list (store, &q, &error);
  t->failed_page = hy_bench_ms_since (start);

  start = g_get_monotonic_time ();
  t->total = hy_store_events_count (store, FALSE, &error);
  t->count = hy_bench_ms_since (start);
  start = g_get_monotonic_time ();
  t->failed = hy_store_events_count (store, TRUE, &error);
  t->failed_count = hy_bench_ms_since (start);
  start = g_get_monotonic_time ();
  buckets = hy_store_events_per_minute (store, now, 60, &error);
  t->chart = hy_bench_ms_since (start);
  g_assert_cmpuint (buckets->len, ==, 60);
}

/* 100 000 computers of one company, half of them linked, in one transaction. */
static void
fill_computers (HyStore *store)
{
  g_autoptr (GError) error = NULL;
  HyCompany company = { "c1", "Acme" };

  g_assert_true (hy_store_begin (store, &error));
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, &company, NULL, &error));
  for (guint i = 0; i < N_COMPUTERS; i++)
    {
      g_autofree char *id = g_strdup_printf ("pc%u", i);
      g_autofree char *name = g_strdup_printf ("ACME-PC%06u", i);
      HyComputer pc = { 0 };

      pc.id = id;
      pc.name = name;
      pc.company_id = "c1";
      g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, &pc, NULL, &error));
      if (i % 2 == 0)
        g_assert_true (hy_store_link_set (store, HY_RECORD_KIND_COMPUTER, id, i + 1, name,
                                          HY_LINK_HOW_AUTO, &error));
    }
  g_assert_true (hy_store_commit (store, &error));
}

/* One page of computers for @query; its time in *@out_ms. */
static GPtrArray *
list_computers (HyStore *store, const HyStoreQuery *query, double *out_ms)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GPtrArray *page = hy_store_list (store, HY_RECORD_KIND_COMPUTER, query, &error);

  *out_ms = hy_bench_ms_since (start);
  return page;
}

/* The Mapping view's paged, searched, unlinked-only list. */
static void
time_computer_queries (HyStore *store, Times *t)
{
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) unlinked = NULL;
  HyStoreQuery cq = HY_STORE_QUERY_INIT;

  cq.limit = 100;
  cq.offset = 50000;
  page = list_computers (store, &cq, &t->list);

  cq = (HyStoreQuery) HY_STORE_QUERY_INIT;
  cq.search = "pc09999";
  cq.limit = 100;
  found = list_computers (store, &cq, &t->search);
  g_assert_cmpuint (found->len, ==, 10);

  cq = (HyStoreQuery) HY_STORE_QUERY_INIT;
  cq.unlinked_only = TRUE;
  cq.limit = 100;
  unlinked = list_computers (store, &cq, &t->unlinked);
  g_assert_cmpuint (unlinked->len, ==, 100);
}

static void
report (guint n, const Times *t)
{
  printf ("bench-events: %" G_GINT64_FORMAT " events (%" G_GINT64_FORMAT " failed)\n", t->total,
          t->failed);
  printf ("  append in batches of %u:        %.0f ms (%.0f events/s)\n", BATCH_SIZE, t->append,
          n / (t->append / 1000));
  printf ("  reopen the store:               %.1f ms\n", t->open);
  printf ("  first page (100, newest first): %.2f ms\n", t->first);
  printf ("  next pages (keyset), each:      %.2f ms\n", t->page);
  printf ("  first page of failures:         %.2f ms\n", t->failed_page);
  printf ("  count all / failed:             %.1f ms / %.2f ms\n", t->count, t->failed_count);
  printf ("  per-minute chart, last hour:    %.2f ms\n", t->chart);
  printf ("  %u computers (half linked) upserted in one transaction: %.0f ms\n", N_COMPUTERS,
          t->computers);
  printf ("  computers page at offset 50 000: %.2f ms; search \"pc09999\": %.1f ms; "
          "first unlinked page: %.2f ms\n",
          t->list, t->search, t->unlinked);
  printf ("  peak RSS: %.1f MiB\n", hy_bench_peak_rss_kib () / 1024.0);
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 1000000;
  g_autofree char *dir = hy_bench_make_dir ("hy-bench-events-XXXXXX");
  g_autofree char *db = g_build_filename (dir, "halyard.db", NULL);
  g_autoptr (HyStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 start;
  Times t = { 0 };

  store = hy_store_open (db, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  append_events (store, n, now);
  t.append = hy_bench_ms_since (start);

  /* Reopen: what the Events view does at start. */
  g_clear_object (&store);
  start = g_get_monotonic_time ();
  store = hy_store_open (db, &error);
  g_assert_no_error (error);
  t.open = hy_bench_ms_since (start);

  time_event_queries (store, now, &t);

  start = g_get_monotonic_time ();
  fill_computers (store);
  t.computers = hy_bench_ms_since (start);
  time_computer_queries (store, &t);

  report (n, &t);

  g_clear_object (&store);
  hy_bench_remove_tree (dir);
  return 0;
}
