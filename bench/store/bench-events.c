/* bench-events.c: the events log with a million rows — append, first page, paging, failed count,
 * per-minute chart; and the paged, searched computers list with 100 000 rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-events [N_EVENTS]
 */
#define G_LOG_DOMAIN "bench-events"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "store/hy-store.h"

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
remove_store (const char *db)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (db, suffixes[i], NULL);
      g_unlink (p);
    }
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 1000000;
  const guint batch_size = 1000, n_computers = 100000;
  g_autofree char *dir = g_dir_make_tmp ("hy-bench-events-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "halyard.db", NULL);
  g_autoptr (HyStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GArray) buckets = NULL;
  HyEventsQuery q = HY_EVENTS_QUERY_INIT;
  HyStoreQuery cq = HY_STORE_QUERY_INIT;
  gint64 now = g_get_real_time ();
  gint64 start;
  double t_append, t_open, t_first, t_page, t_failed_page, t_count, t_failed_count, t_chart;
  double t_computers, t_list, t_search, t_unlinked;
  gint64 failed = 0, total = 0;
  struct rusage usage;

  store = hy_store_open (db, &error);
  g_assert_no_error (error);

  /* Append in batches of 1 000, as the Halo client's event sink would flush them. */
  start = g_get_monotonic_time ();
  for (guint done = 0; done < n; done += batch_size)
    {
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_event_free);

      for (guint i = done; i < done + batch_size && i < n; i++)
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
  t_append = ms_since (start);

  /* Reopen: what the Events view does at start. */
  g_clear_object (&store);
  start = g_get_monotonic_time ();
  store = hy_store_open (db, &error);
  g_assert_no_error (error);
  t_open = ms_since (start);

  start = g_get_monotonic_time ();
  q.limit = 100;
  page = hy_store_events_list (store, &q, &error);
  t_first = ms_since (start);
  g_assert_cmpuint (page->len, ==, 100);

  /* Page 500 (50 000 events back), by keyset. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 500; i++)
    {
      q.before_id = ((HyEvent *) page->pdata[page->len - 1])->id;
      g_clear_pointer (&page, g_ptr_array_unref);
      page = hy_store_events_list (store, &q, &error);
    }
  t_page = ms_since (start) / 500;

  q = (HyEventsQuery) HY_EVENTS_QUERY_INIT;
  q.failed_only = TRUE;
  q.limit = 100;
  start = g_get_monotonic_time ();
  g_clear_pointer (&page, g_ptr_array_unref);
  page = hy_store_events_list (store, &q, &error);
  t_failed_page = ms_since (start);

  start = g_get_monotonic_time ();
  total = hy_store_events_count (store, FALSE, &error);
  t_count = ms_since (start);
  start = g_get_monotonic_time ();
  failed = hy_store_events_count (store, TRUE, &error);
  t_failed_count = ms_since (start);
  start = g_get_monotonic_time ();
  buckets = hy_store_events_per_minute (store, now, 60, &error);
  t_chart = ms_since (start);
  g_assert_cmpuint (buckets->len, ==, 60);

  /* 100 000 computers: the Mapping view's paged, searched, unlinked-only list. */
  start = g_get_monotonic_time ();
  {
    HyCompany company = { "c1", "Acme" };

    g_assert_true (hy_store_begin (store, &error));
    g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, &company, NULL, &error));
    for (guint i = 0; i < n_computers; i++)
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
  t_computers = ms_since (start);

  cq.limit = 100;
  cq.offset = 50000;
  start = g_get_monotonic_time ();
  g_clear_pointer (&page, g_ptr_array_unref);
  page = hy_store_list (store, HY_RECORD_KIND_COMPUTER, &cq, &error);
  t_list = ms_since (start);

  cq = (HyStoreQuery) HY_STORE_QUERY_INIT;
  cq.search = "pc09999";
  cq.limit = 100;
  start = g_get_monotonic_time ();
  g_clear_pointer (&page, g_ptr_array_unref);
  page = hy_store_list (store, HY_RECORD_KIND_COMPUTER, &cq, &error);
  t_search = ms_since (start);
  g_assert_cmpuint (page->len, ==, 10);

  cq = (HyStoreQuery) HY_STORE_QUERY_INIT;
  cq.unlinked_only = TRUE;
  cq.limit = 100;
  start = g_get_monotonic_time ();
  g_clear_pointer (&page, g_ptr_array_unref);
  page = hy_store_list (store, HY_RECORD_KIND_COMPUTER, &cq, &error);
  t_unlinked = ms_since (start);
  g_assert_cmpuint (page->len, ==, 100);

  getrusage (RUSAGE_SELF, &usage);
  printf ("bench-events: %" G_GINT64_FORMAT " events (%" G_GINT64_FORMAT " failed)\n", total,
          failed);
  printf ("  append in batches of %u:        %.0f ms (%.0f events/s)\n", batch_size, t_append,
          n / (t_append / 1000));
  printf ("  reopen the store:               %.1f ms\n", t_open);
  printf ("  first page (100, newest first): %.2f ms\n", t_first);
  printf ("  next pages (keyset), each:      %.2f ms\n", t_page);
  printf ("  first page of failures:         %.2f ms\n", t_failed_page);
  printf ("  count all / failed:             %.1f ms / %.2f ms\n", t_count, t_failed_count);
  printf ("  per-minute chart, last hour:    %.2f ms\n", t_chart);
  printf ("  %u computers (half linked) upserted in one transaction: %.0f ms\n", n_computers,
          t_computers);
  printf ("  computers page at offset 50 000: %.2f ms; search \"pc09999\": %.1f ms; "
          "first unlinked page: %.2f ms\n",
          t_list, t_search, t_unlinked);
  printf ("  peak RSS: %.1f MiB\n", usage.ru_maxrss / 1024.0);

  g_clear_object (&store);
  remove_store (db);
  g_rmdir (dir);
  return 0;
}
