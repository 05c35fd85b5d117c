/* test-store-sync.c: HyStore: the Halo cache, the sync state, the outbox and the events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "test-store-fixture.h"

/* ---------------------------------------------------------------------------------------------
 * Halo cache, sync state
 * ------------------------------------------------------------------------------------------- */

static void
test_cache (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (HyCacheRecord) got = NULL;
  HyStoreQuery q = HY_STORE_QUERY_INIT;
  HyCacheRecord *r;

  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Site %u", i);

      r = hy_cache_record_new (HY_CACHE_KIND_SITE, i, name);
      r->client_id = i <= 3 ? 12 : 13;
      g_ptr_array_add (records, r);
    }
  g_assert_true (hy_store_cache_replace (f->store, HY_CACHE_KIND_SITE, records, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hy_store_cache_count (f->store, HY_CACHE_KIND_SITE, NULL, &error), ==, 5);
  q.halo_client_id = 12;
  g_assert_cmpint (hy_store_cache_count (f->store, HY_CACHE_KIND_SITE, &q, &error), ==, 3);

  /* Replace drops what Halo no longer has. */
  g_ptr_array_remove_range (records, 0, 4);
  g_assert_true (hy_store_cache_replace (f->store, HY_CACHE_KIND_SITE, records, &error));
  g_assert_cmpint (hy_store_cache_count (f->store, HY_CACHE_KIND_SITE, NULL, &error), ==, 1);

  /* A record of another kind makes the whole replace fail and change nothing. */
  g_ptr_array_add (records, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 1, "Wrong"));
  g_assert_false (hy_store_cache_replace (f->store, HY_CACHE_KIND_SITE, records, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (hy_store_cache_count (f->store, HY_CACHE_KIND_SITE, NULL, &error), ==, 1);

  r = hy_cache_record_new (HY_CACHE_KIND_AGENT, 5, "Jane Tech");
  r->email = g_strdup ("jane@msp.example");
  r->is_api_agent = FALSE;
  g_assert_true (hy_store_cache_upsert (f->store, r, &error));
  hy_cache_record_free (r);
  found = hy_store_cache_find_agents_by_email (f->store, "JANE@msp.example", &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  r = hy_cache_record_new (HY_CACHE_KIND_ASSET, 77, "PC-ACME-01");
  r->client_id = 12;
  r->site_id = 20;
  r->inventory_number = g_strdup ("ASSET-0001");
  r->key_field = g_strdup ("PC-ACME-01");
  g_assert_true (hy_store_cache_upsert (f->store, r, &error));
  hy_cache_record_free (r);
  found = hy_store_cache_find_assets_by_inventory_number (f->store, 12, "ASSET-0001", &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = hy_store_cache_find_assets_by_inventory_number (f->store, 13, "ASSET-0001", &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = hy_store_cache_find_by_name (f->store, HY_CACHE_KIND_ASSET, 0, "pc-acme-01", &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  r = hy_cache_record_new (HY_CACHE_KIND_STATUS, 9, "Closed");
  r->closed = TRUE;
  g_assert_true (hy_store_cache_upsert (f->store, r, &error));
  hy_cache_record_free (r);
  got = hy_store_cache_get (f->store, HY_CACHE_KIND_STATUS, 9, &error);
  g_assert_no_error (error);
  g_assert_true (got->closed);
  g_assert_true (hy_store_cache_delete (f->store, HY_CACHE_KIND_STATUS, 9, &error));
  g_assert_null (hy_store_cache_get (f->store, HY_CACHE_KIND_STATUS, 9, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.search = "acme";
  found = hy_store_cache_list (f->store, HY_CACHE_KIND_ASSET, &q, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((HyCacheRecord *) found->pdata[0])->inventory_number, ==, "ASSET-0001");
}

static void
test_sync_state (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (HyGroupSync) sync = NULL;
  g_autoptr (GHashTable) prints = NULL;
  g_autofree char *print = NULL;

  hy_test_store_add_company (f->store, "c1", "Acme", 0);
  hy_test_store_add_group (f->store, "g1", "Servers", NULL);
  hy_test_store_add_group (f->store, "g2", "Laptops", NULL);
  hy_test_store_add_computer (f->store, "pc1", "PC1", "c1", "g1");
  hy_test_store_add_computer (f->store, "pc2", "PC2", "c1", "g1");
  g_assert_true (hy_store_map_group (f->store, "g1", 12, 0, &error));

  list = hy_store_list_group_sync (f->store, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 2);
  sync = list->pdata[1];
  g_assert_cmpstr (sync->group_id, ==, "g1");
  g_assert_cmpint (sync->state, ==, HY_SYNC_STATE_UNSYNCED);
  g_assert_cmpuint (sync->devices, ==, 2);
  g_assert_true (sync->mapped);
  sync = NULL;
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (
      hy_store_set_group_sync (f->store, "g1", HY_SYNC_STATE_FAILED, 1, 1, "Halo said no", &error));
  g_assert_no_error (error);
  sync = hy_store_get_group_sync (f->store, "g1", &error);
  g_assert_cmpint (sync->state, ==, HY_SYNC_STATE_FAILED);
  g_assert_cmpstr (sync->reason, ==, "Halo said no");
  g_assert_cmpuint (sync->synced, ==, 1);
  g_assert_cmpint (sync->last_sync, >, 0);
  g_clear_pointer (&sync, hy_group_sync_free);

  list = hy_store_list_group_sync (f->store, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 1);

  g_assert_false (
      hy_store_set_group_sync (f->store, "g9", HY_SYNC_STATE_SYNCED, 0, 0, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (hy_store_get_asset_fingerprint (f->store, "pc1", &print, &error));
  g_assert_null (print);
  g_assert_true (hy_store_set_asset_fingerprint (f->store, "pc1", "abc", &error));
  g_assert_true (hy_store_set_asset_fingerprint (f->store, "pc1", "def", &error));
  g_assert_true (hy_store_get_asset_fingerprint (f->store, "pc1", &print, &error));
  g_assert_cmpstr (print, ==, "def");
  prints = hy_store_get_asset_fingerprints (f->store, "g1", &error);
  g_assert_cmpuint (g_hash_table_size (prints), ==, 1);
  g_assert_true (hy_store_clear_asset_fingerprints (f->store, &error));
  g_clear_pointer (&prints, g_hash_table_unref);
  prints = hy_store_get_asset_fingerprints (f->store, NULL, &error);
  g_assert_cmpuint (g_hash_table_size (prints), ==, 0);
  g_assert_no_error (error);
}

/* ---------------------------------------------------------------------------------------------
 * Outbox
 * ------------------------------------------------------------------------------------------- */

/* Released (not sent: it waits behind an earlier write of its record): pending again with no
 * attempt counted, last_error kept unless a note is given; only an inflight item. @later is
 * inflight, @asset failed once and is due at @now + 60 s. */
static void
check_outbox_release (Fixture *f, gint64 asset, gint64 later, gint64 now)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (HyOutboxItem) item = NULL;

  g_assert_true (hy_store_outbox_release (f->store, later, NULL, now, &error));
  g_assert_no_error (error);
  item = hy_store_outbox_get (f->store, later, &error);
  g_assert_cmpint (item->state, ==, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->attempts, ==, 0);
  g_assert_null (item->last_error);
  g_clear_pointer (&item, hy_outbox_item_free);
  g_assert_false (hy_store_outbox_release (f->store, later, NULL, now, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE);
  g_clear_error (&error);
  claimed = hy_store_outbox_claim (f->store, now + G_USEC_PER_SEC, 0, &error);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_true (hy_store_outbox_release (f->store, later, "Waiting for an earlier write",
                                          now + 30 * G_USEC_PER_SEC, &error));
  item = hy_store_outbox_get (f->store, later, &error);
  g_assert_cmpuint (item->attempts, ==, 0);
  g_assert_cmpstr (item->last_error, ==, "Waiting for an earlier write");
  g_assert_cmpint (item->next_attempt_at, ==, now + 30 * G_USEC_PER_SEC);
  g_clear_pointer (&item, hy_outbox_item_free);
  /* The failed one keeps its attempt when released after its next claim. */
  claimed = hy_store_outbox_claim (f->store, now + 61 * G_USEC_PER_SEC, 0, &error);
  g_assert_cmpuint (claimed->len, ==, 2);
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_true (hy_store_outbox_release (f->store, asset, NULL, now, &error));
  item = hy_store_outbox_get (f->store, asset, &error);
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpstr (item->last_error, ==, "HTTP 500");
  g_clear_pointer (&item, hy_outbox_item_free);
}

static void
test_outbox (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (HyOutboxItem) item = NULL;
  gint64 now = g_get_real_time ();
  gint64 asset, ticket, later;

  asset = hy_store_outbox_enqueue (f->store, "asset.upsert", "computer:pc1", "{}", 0, &error);
  ticket = hy_store_outbox_enqueue (f->store, "ticket.create", "alert:a1", "{\"a\":1}", 10, &error);
  later = hy_store_outbox_enqueue (f->store, "asset.upsert", "computer:pc2", "{}", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (asset, >, 0);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_PENDING, &error), ==, 3);

  /* Priority first, then oldest. */
  claimed = hy_store_outbox_claim (f->store, now + G_USEC_PER_SEC, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 2);
  g_assert_cmpint (((HyOutboxItem *) claimed->pdata[0])->id, ==, ticket);
  g_assert_cmpint (((HyOutboxItem *) claimed->pdata[1])->id, ==, asset);
  g_assert_cmpint (((HyOutboxItem *) claimed->pdata[0])->state, ==, HY_OUTBOX_STATE_INFLIGHT);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_INFLIGHT, &error), ==, 2);
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* Complete, fail with a later attempt. */
  g_assert_true (hy_store_outbox_complete (f->store, ticket, &error));
  g_assert_true (
      hy_store_outbox_fail (f->store, asset, "HTTP 500", now + 60 * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  item = hy_store_outbox_get (f->store, asset, &error);
  g_assert_cmpint (item->state, ==, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpstr (item->last_error, ==, "HTTP 500");
  g_clear_pointer (&item, hy_outbox_item_free);

  /* Not due yet: only the third one is claimed. */
  claimed = hy_store_outbox_claim (f->store, now + G_USEC_PER_SEC, 0, &error);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpint (((HyOutboxItem *) claimed->pdata[0])->id, ==, later);
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_cmpint (hy_store_outbox_next_due (f->store, &error), ==, now + 60 * G_USEC_PER_SEC);

  check_outbox_release (f, asset, later, now);

  /* Illegal transitions. */
  g_assert_false (hy_store_outbox_complete (f->store, ticket, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (hy_store_outbox_retry (f->store, asset, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (hy_store_outbox_complete (f->store, 999, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Crash recovery: inflight back to pending. */
  g_assert_cmpint (hy_store_outbox_recover (f->store, &error), ==, 1);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_INFLIGHT, &error), ==, 0);

  /* Dead letter and retry. */
  g_assert_true (hy_store_outbox_dead_letter (f->store, later, "HTTP 400: bad", &error));
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_DEAD, &error), ==, 1);
  claimed = hy_store_outbox_list (f->store, HY_OUTBOX_STATE_DEAD, 0, 0, &error);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpstr (((HyOutboxItem *) claimed->pdata[0])->last_error, ==, "HTTP 400: bad");
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_true (hy_store_outbox_retry (f->store, later, &error));
  item = hy_store_outbox_get (f->store, later, &error);
  g_assert_cmpint (item->state, ==, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->attempts, ==, 0);
  g_assert_no_error (error);

  g_assert_true (hy_store_outbox_purge_done (f->store, g_get_real_time () + 1, &error));
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_DONE, &error), ==, 0);
}

/* ---------------------------------------------------------------------------------------------
 * Events
 * ------------------------------------------------------------------------------------------- */

static void
test_events (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_event_free);
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GArray) buckets = NULL;
  g_autoptr (HyEvent) last = NULL;
  HyEventsQuery q = HY_EVENTS_QUERY_INIT;
  gint64 now = g_get_real_time ();
  gint64 minute = 60 * G_USEC_PER_SEC;
  gint64 seen = 0;

  for (guint i = 0; i < 250; i++)
    {
      HyEvent *e = hy_event_new ();

      e->time = now - (gint64) (i % 10) * minute;
      e->method = g_strdup (i % 2 ? "GET" : "POST");
      e->path = g_strdup ("/api/Asset");
      e->status = i % 25 == 0 ? 500 : 200;
      e->duration_ms = i;
      e->record = g_strdup_printf ("computer:pc%u", i % 3);
      e->error = i % 25 == 0 ? g_strdup_printf ("boom %u", i) : NULL;
      g_ptr_array_add (batch, e);
    }
  g_assert_true (hy_store_events_append_batch (f->store, batch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hy_store_events_count (f->store, FALSE, &error), ==, 250);
  g_assert_cmpint (hy_store_events_count (f->store, TRUE, &error), ==, 10);

  /* Keyset paging, newest first, covers every event once. */
  q.limit = 100;
  for (guint pages = 0;; pages++)
    {
      page = hy_store_events_list (f->store, &q, &error);
      g_assert_no_error (error);
      if (page->len == 0)
        {
          g_assert_cmpuint (pages, ==, 3);
          g_clear_pointer (&page, g_ptr_array_unref);
          break;
        }
      for (guint i = 1; i < page->len; i++)
        g_assert_cmpint (((HyEvent *) page->pdata[i - 1])->id, >, ((HyEvent *) page->pdata[i])->id);
      seen += page->len;
      q.before_id = ((HyEvent *) page->pdata[page->len - 1])->id;
      g_clear_pointer (&page, g_ptr_array_unref);
    }
  g_assert_cmpint (seen, ==, 250);

  q = (HyEventsQuery) HY_EVENTS_QUERY_INIT;
  q.failed_only = TRUE;
  page = hy_store_events_list (f->store, &q, &error);
  g_assert_cmpuint (page->len, ==, 10);
  g_assert_cmpstr (((HyEvent *) page->pdata[0])->error, ==, "boom 225");
  g_clear_pointer (&page, g_ptr_array_unref);

  q = (HyEventsQuery) HY_EVENTS_QUERY_INIT;
  q.record = "computer:pc1";
  q.limit = 1000;
  page = hy_store_events_list (f->store, &q, &error);
  g_assert_cmpuint (page->len, ==, 83);
  g_clear_pointer (&page, g_ptr_array_unref);

  last = hy_store_events_last_failed (f->store, &error);
  g_assert_cmpstr (last->error, ==, "boom 225");

  buckets = hy_store_events_per_minute (f->store, now, 60, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (buckets->len, ==, 60);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 59).total, ==, 25);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 59).failed, ==, 5);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 54).failed, ==, 5);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 50).total, ==, 25);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 49).total, ==, 0);
  g_assert_cmpint (g_array_index (buckets, HyEventBucket, 59).minute, ==, now / minute * minute);

  g_assert_true (hy_store_events_prune (f->store, 50, &error));
  g_assert_cmpint (hy_store_events_count (f->store, FALSE, &error), ==, 50);
  {
    g_autoptr (HyEvent) one = hy_event_new ();
    gint64 id;

    one->method = g_strdup ("GET");
    one->path = g_strdup ("/api/Agent/me");
    one->host = g_strdup ("acme.halopsa.com");
    one->status = 200;
    id = hy_store_events_append (f->store, one, &error);
    g_assert_cmpint (id, ==, 251);
    g_clear_pointer (&last, hy_event_free);
    last = hy_store_events_get (f->store, id, &error);
    g_assert_cmpstr (last->path, ==, "/api/Agent/me");
    g_assert_cmpstr (last->host, ==, "acme.halopsa.com");
    g_assert_false (hy_event_is_failed (last));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  STORE_TEST_ADD ("/store/cache", test_cache);
  STORE_TEST_ADD ("/store/sync-state", test_sync_state);
  STORE_TEST_ADD ("/store/outbox", test_outbox);
  STORE_TEST_ADD ("/store/events", test_events);

  return g_test_run ();
}
