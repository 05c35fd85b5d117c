/* hy-sync-engine-asset-delivery.c: delivering asset writes in batches, and reading back creates
 * whose ids Halo did not return
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sync/hy-sync-engine-private.h"
#include "sync/hy-sync-payload.h"

/* ------------------------------------------------------------------------- */
/* Delivering assets                                                         */
/* ------------------------------------------------------------------------- */

void
_hy_sync_engine_asset_write_clear (HySyncAssetWrite *w)
{
  g_clear_pointer (&w->payload, json_node_unref);
  for (guint i = 0; i < G_N_ELEMENTS (w->owned); i++)
    g_clear_pointer (&w->owned[i], g_free);
}

gboolean
_hy_sync_engine_asset_write_init (HySyncAssetWrite *w, HyOutboxItem *item)
{
  JsonObject *o;

  memset (w, 0, sizeof *w);
  w->item = item;
  w->payload = _hy_sync_engine_parse_json (item->payload);
  if (w->payload == NULL || !JSON_NODE_HOLDS_OBJECT (w->payload))
    return FALSE;
  o = json_node_get_object (w->payload);
  w->computer = hy_sync_json_string (o, "computer");
  w->name = hy_sync_json_string (o, "name");
  w->fingerprint = hy_sync_json_string (o, "fingerprint");
  w->inventory_number = hy_sync_json_string (o, "inventory_number");
  w->client_id = hy_sync_json_int (o, "client_id");
  if (!json_object_has_member (o, "asset") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "asset")))
    return FALSE;
  w->halo_id = hy_sync_json_int (json_object_get_object_member (o, "asset"), "id");
  return w->computer != NULL;
}

static JsonObject *
asset_write_body (HySyncAssetWrite *w)
{
  return json_object_get_object_member (json_node_get_object (w->payload), "asset");
}

/* A device of the run's plan is now in Halo: its group's count goes up (written per batch). */
static void
run_progress (HySyncRun *run, const char *computer_id)
{
  HySyncGroupPlan *gp;

  if (run->group_of == NULL)
    return;
  gp = g_hash_table_lookup (run->group_of, computer_id);
  if (gp == NULL)
    return;
  gp->synced++;
  g_hash_table_add (run->touched, gp);
}

void
_hy_sync_engine_run_write_progress (HySyncRun *run)
{
  GHashTableIter iter;
  gpointer key;

  if (run->touched == NULL || g_hash_table_size (run->touched) == 0)
    return;
  g_hash_table_iter_init (&iter, run->touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      HySyncGroupPlan *gp = key;
      hy_store_set_group_sync (run->self->store, gp->group_id, HY_SYNC_STATE_SYNCING,
                               MIN (gp->synced, gp->devices), gp->failed, NULL, NULL);
    }
  g_hash_table_remove_all (run->touched);
}

/* Records a delivered asset write: the link (for a create), the fingerprint, DONE. */
void
_hy_sync_engine_asset_write_done (HySyncRun *run, HySyncAssetWrite *w, gboolean created)
{
  g_autoptr (GError) error = NULL;
  HyStore *store = run->self->store;

  if (!hy_store_begin (store, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  if ((created &&
       (!hy_store_link_set (store, HY_RECORD_KIND_COMPUTER, w->computer, w->halo_id, w->name,
                            HY_LINK_HOW_AUTO, &error) ||
        !_hy_sync_engine_queue_ticket_assets (store, w->computer, w->halo_id, &error))) ||
      (w->fingerprint != NULL &&
       !hy_store_set_asset_fingerprint (store, w->computer, w->fingerprint, &error)) ||
      !hy_store_outbox_complete (store, w->item->id, &error))
    {
      /* The computer may have been deleted meanwhile: the write is done all the same. */
      g_debug ("Recording asset %s: %s", w->computer, error->message);
      hy_store_rollback (store);
      g_clear_error (&error);
      hy_store_outbox_complete (store, w->item->id, NULL);
    }
  else if (!hy_store_commit (store, &error))
    g_warning ("%s", error->message);
  _hy_sync_engine_outstanding_remove (run, w->item->record_key, w->item->id);
  run_progress (run, w->computer);
  run->report->delivered++;
  if (created)
    run->report->created++;
  else
    run->report->updated++;
}

static char *
batch_tag (GPtrArray *writes)
{
  HySyncAssetWrite *first = g_ptr_array_index (writes, 0);

  if (writes->len == 1)
    return g_strdup (first->item->record_key);
  return g_strdup_printf ("%s +%u", first->item->record_key, writes->len - 1);
}

/* One asset list — of @client_id, or of every asset (0), capped at @max_pages (0: no cap) —
 * matched against the writes still without an id, by client and asset number (each record
 * checked here: Halo may ignore the filter). *truncated when the cap stopped it after its first
 * page. FALSE when Halo could not be asked. */
static gboolean
lookup_in_list (HySyncRun *run,
                GPtrArray *writes,
                gint64 client_id,
                guint max_pages,
                gboolean *truncated,
                GError **error)
{
  g_autoptr (GPtrArray) of_client = g_ptr_array_new ();
  g_autoptr (GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *tag = NULL;
  g_autofree char *query =
      client_id > 0 ? g_strdup_printf ("client_id=%" G_GINT64_FORMAT, client_id) : NULL;
  /* Without the asset fields: the asset number is all a read-back needs. */
  HySyncCall call = { .self = run->self,
                      .op = OP_LIST,
                      .kind = HY_HALO_KIND_ASSET,
                      .query = query,
                      .check_member = client_id > 0 ? "client_id" : NULL,
                      .check_value = client_id,
                      .max_pages = max_pages,
                      .priority = HY_HALO_PRIORITY_BULK,
                      .cancellable = run->cancellable,
                      .id = client_id };

  /* The events show the devices the look-up is for. */
  for (guint i = 0; i < writes->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (writes, i);
      if (w->halo_id <= 0 && (client_id == 0 || w->client_id == client_id))
        {
          g_ptr_array_add (of_client, w);
          if (w->inventory_number != NULL)
            g_hash_table_insert (by_key,
                                 _hy_sync_engine_match_key (w->client_id, w->inventory_number,
                                                            FALSE),
                                 w);
        }
    }
  if (of_client->len == 0)
    return TRUE;
  tag = batch_tag (of_client);
  call.record = tag;
  if (!_hy_sync_engine_call_run_or_propagate (&call, error))
    return FALSE;
  if (truncated != NULL)
    *truncated = call.list->truncated;
  for (guint r = 0; r < call.list->records->len; r++)
    {
      HyHaloRecord *rec = g_ptr_array_index (call.list->records, r);
      const char *number = hy_halo_record_get_string (rec, "inventory_number");
      g_autofree char *k = NULL;
      HySyncAssetWrite *w;

      if (number == NULL)
        continue;
      k = _hy_sync_engine_match_key (hy_halo_record_get_client_id (rec), number, FALSE);
      w = g_hash_table_lookup (by_key, k);
      if (w != NULL && w->halo_id <= 0)
        {
          /* Parsed for this check only: a list of every asset is not kept parsed. */
          g_autoptr (JsonNode) node = json_from_string (hy_halo_record_get_json (rec), NULL);
          if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
              hy_sync_asset_match (json_node_get_object (node), w->inventory_number, w->client_id,
                                   NULL, NULL) == HY_SYNC_MATCH_INVENTORY_NUMBER)
            w->halo_id = hy_halo_record_get_id (rec);
        }
    }
  _hy_sync_engine_call_clear (&call);
  return TRUE;
}

/* The clients (gint64 set) of the writes still without an id. */
static GHashTable *
unfound_clients (GPtrArray *writes)
{
  GHashTable *clients = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < writes->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (writes, i);
      if (w->halo_id <= 0)
        g_hash_table_add (clients, g_memdup2 (&w->client_id, sizeof (gint64)));
    }
  return clients;
}

/* Looks created assets up by their asset number within their client (never trusting the
 * filter): sets halo_id of the writes found. One list per client, or one list of every asset
 * when that takes fewer pages: estimated from the cache plus what this run created, and
 * checked on the list's first page (its record_count), which stops it when the estimate was
 * wrong — then the clients not yet found are listed one by one. FALSE when Halo could not be
 * asked. */
gboolean
_hy_sync_engine_lookup_created_assets (HySyncRun *run, GPtrArray *writes, GError **error)
{
  g_autoptr (GHashTable) clients = unfound_clients (writes);
  g_autoptr (GList) keys = NULL;
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  gint64 total = MAX (0, hy_store_cache_count (run->self->store, HY_CACHE_KIND_ASSET, NULL, NULL));
  guint per_client_pages = 0;
  GHashTableIter iter;
  gpointer key;

  total += run->report->created;
  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint64 of_client = 0;

      for (guint i = 0; i < writes->len; i++)
        {
          HySyncAssetWrite *w = g_ptr_array_index (writes, i);
          if (w->halo_id <= 0 && w->client_id == *(gint64 *) key)
            of_client++;
        }
      query.halo_client_id = *(gint64 *) key;
      per_client_pages += _hy_sync_engine_pages_of (
          of_client +
          MAX (0, hy_store_cache_count (run->self->store, HY_CACHE_KIND_ASSET, &query, NULL)));
      total += of_client;
    }
  if (g_hash_table_size (clients) > 1 && _hy_sync_engine_pages_of (total) < per_client_pages)
    {
      gboolean truncated = FALSE;

      if (!lookup_in_list (run, writes, 0, per_client_pages - 1, &truncated, error))
        return FALSE;
      if (!truncated)
        return TRUE;
      g_hash_table_unref (clients);
      clients = unfound_clients (writes);
    }
  keys = g_hash_table_get_keys (clients);
  for (GList *l = keys; l != NULL; l = l->next)
    if (!lookup_in_list (run, writes, *(gint64 *) l->data, 0, NULL, error))
      return FALSE;
  return TRUE;
}

static void deliver_asset_writes (HySyncRun *run, GPtrArray *writes, gboolean create);

/* A create tried before may have reached Halo: looked up before it is sent again. FALSE when
 * Halo could not be asked (every write of the batch failed then). */
static gboolean
look_up_retried_creates (HySyncRun *run, GPtrArray *writes)
{
  g_autoptr (GPtrArray) retried = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < writes->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (writes, i);
      if (w->item->attempts > 0)
        g_ptr_array_add (retried, w);
    }
  if (retried->len == 0 || _hy_sync_engine_lookup_created_assets (run, retried, &error))
    return TRUE;
  for (guint i = 0; i < writes->len; i++)
    _hy_sync_engine_item_failed (run, ((HySyncAssetWrite *) g_ptr_array_index (writes, i))->item,
                                 error);
  return FALSE;
}

/* A create Halo saved without saying its id, in the delivery loop: it stays INFLIGHT (a crash
 * looks it up before resending) and is read back with the others at the loop's end. */
static void
defer_create (HySyncRun *run, HySyncAssetWrite *w)
{
  HySyncAssetWrite *d = g_new0 (HySyncAssetWrite, 1);

  d->item = w->item;
  d->client_id = w->client_id;
  d->computer = d->owned[0] = g_strdup (w->computer);
  d->name = d->owned[1] = g_strdup (w->name);
  d->fingerprint = d->owned[2] = g_strdup (w->fingerprint);
  d->inventory_number = d->owned[3] = g_strdup (w->inventory_number);
  /* What was sent is not needed any more: thousands may wait. */
  g_clear_pointer (&w->item->payload, g_free);
  g_ptr_array_add (run->deferred, d);
  g_hash_table_add (run->deferred_keys, w->item->record_key);
}

/* The batch @todo was saved (@saved: Halo's records, in order): each write is done, deferred
 * (a create without its id) or failed (no id). */
static void
record_saved_batch (HySyncRun *run, GPtrArray *todo, GPtrArray *saved, gboolean create)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < todo->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (todo, i);
      HyHaloRecord *record = i < saved->len ? g_ptr_array_index (saved, i) : NULL;
      gint64 id = record != NULL ? hy_halo_record_get_id (record) : 0;
      if (id > 0 && (!create || w->halo_id <= 0))
        w->halo_id = id;
    }
  for (guint i = 0; i < todo->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (todo, i);
      if (w->halo_id > 0)
        _hy_sync_engine_asset_write_done (run, w, create);
      else if (create && run->deferred != NULL)
        defer_create (run, w);
      else
        g_ptr_array_add (missing, w);
    }
  if (missing->len == 0)
    return;
  g_set_error_literal (&error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                       _ ("Halo did not return the saved asset"));
  for (guint i = 0; i < missing->len; i++)
    _hy_sync_engine_item_failed (run, ((HySyncAssetWrite *) g_ptr_array_index (missing, i))->item,
                                 error);
}

/* The batch @todo failed with @cause. Halo may have saved some: the creates are looked up first.
 * One bad asset refuses a whole batch: the rest are sent one by one to find it. */
static void
record_failed_batch (HySyncRun *run, GPtrArray *todo, gboolean create, const GError *cause)
{
  g_autoptr (GPtrArray) left = g_ptr_array_new ();

  if (create && _hy_sync_engine_error_outcome_uncertain (cause))
    {
      g_autoptr (GError) lookup_error = NULL;
      if (!_hy_sync_engine_lookup_created_assets (run, todo, &lookup_error))
        {
          /* Cannot tell: try again later, and look up again first. */
          for (guint i = 0; i < todo->len; i++)
            _hy_sync_engine_item_failed (run,
                                         ((HySyncAssetWrite *) g_ptr_array_index (todo, i))->item,
                                         lookup_error);
          return;
        }
    }
  for (guint i = 0; i < todo->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (todo, i);
      if (create && w->halo_id > 0)
        _hy_sync_engine_asset_write_done (run, w, TRUE);
      else
        g_ptr_array_add (left, w);
    }
  if (left->len == 0)
    return;
  if (_hy_sync_engine_error_is_permanent (cause) && left->len > 1)
    {
      for (guint i = 0; i < left->len; i++)
        {
          g_autoptr (GPtrArray) one = g_ptr_array_new ();
          g_ptr_array_add (one, g_ptr_array_index (left, i));
          deliver_asset_writes (run, one, create);
        }
      return;
    }
  for (guint i = 0; i < left->len; i++)
    _hy_sync_engine_item_failed (run, ((HySyncAssetWrite *) g_ptr_array_index (left, i))->item,
                                 cause);
}

static void
deliver_asset_writes (HySyncRun *run, GPtrArray *writes, gboolean create)
{
  g_autoptr (GPtrArray) bodies = g_ptr_array_new ();
  g_autofree char *tag = batch_tag (writes);
  g_autoptr (GPtrArray) todo = g_ptr_array_new ();
  HySyncCall call = { .self = run->self,
                      .op = OP_SAVE_ASSETS,
                      .priority = HY_HALO_PRIORITY_BULK,
                      .cancellable = run->cancellable };

  if (create && !look_up_retried_creates (run, writes))
    return;
  for (guint i = 0; i < writes->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (writes, i);
      if (create && w->halo_id > 0)
        _hy_sync_engine_asset_write_done (run, w, TRUE);
      else
        {
          g_ptr_array_add (todo, w);
          g_ptr_array_add (bodies, asset_write_body (w));
        }
    }
  if (todo->len == 0)
    return;

  call.assets = bodies;
  call.record = tag;
  /* In the delivery loop, creates Halo does not identify are read back once, at its end. */
  if (create && run->deferred != NULL)
    call.save_flags = HY_HALO_SAVE_NO_READ_BACK;
  if (_hy_sync_engine_call_run (&call))
    record_saved_batch (run, todo, call.saved, create);
  else
    record_failed_batch (run, todo, create, call.error);
  _hy_sync_engine_call_clear (&call);
}

void
_hy_sync_engine_deliver_asset_items (HySyncRun *run, GPtrArray *items, gboolean create)
{
  g_autoptr (GPtrArray) writes = g_ptr_array_new ();
  HySyncAssetWrite *storage;

  if (items->len == 0)
    return;
  storage = g_new0 (HySyncAssetWrite, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);
      if (!_hy_sync_engine_asset_write_init (&storage[i], item))
        {
          _hy_sync_engine_item_dead (run, item, _ ("The queued asset write cannot be read"));
          continue;
        }
      g_ptr_array_add (writes, &storage[i]);
    }
  if (writes->len > 0)
    deliver_asset_writes (run, writes, create);
  for (guint i = 0; i < items->len; i++)
    _hy_sync_engine_asset_write_clear (&storage[i]);
  g_free (storage);
}
