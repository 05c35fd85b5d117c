/* hy-sync-engine-delivery.c: the delivery loop: recovering items left in flight, routing waiting
 * alerts, claiming and sending outbox items in order, and the per-group results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sync/hy-sync-engine-private.h"
#include "sync/hy-sync-lifecycle.h"
#include "sync/hy-sync-payload.h"
#include "sync/hy-ticket-lifecycle.h"

/* ------------------------------------------------------------------------- */
/* The delivery loop                                                         */
/* ------------------------------------------------------------------------- */

/* The alert a queued write is about (its payload's "alert"), NULL when gone. */
static HyAlert *
item_alert (HySyncRun *run, HyOutboxItem *item, JsonNode *payload)
{
  const char *alert_id = payload && JSON_NODE_HOLDS_OBJECT (payload)
                             ? hy_sync_json_string (json_node_get_object (payload), "alert")
                             : NULL;

  return alert_id ? hy_store_get (run->self->store, HY_RECORD_KIND_ALERT, alert_id, NULL) : NULL;
}

/* A ticket create left in flight: delivered when Halo has its ticket, else queued again; it
 * stays in flight (unresolved) when Halo cannot be asked. */
static void
recover_ticket_create (HySyncRun *run, HyOutboxItem *item)
{
  g_autoptr (JsonNode) payload = _hy_sync_engine_parse_json (item->payload);
  g_autoptr (HyAlert) alert = item_alert (run, item, payload);
  g_autoptr (GError) error = NULL;
  HySyncRoute route;
  g_autofree char *reason = NULL;
  gint64 ticket_id = 0;

  if (alert != NULL && alert->ticket_id <= 0 &&
      _hy_sync_engine_route_alert (run->self->store, alert, &route, &reason))
    {
      gboolean looked_up = _hy_sync_engine_lookup_ticket (run, alert, route.client_id,
                                                          item->record_key, &ticket_id, &error);

      _hy_sync_engine_route_clear (&route);
      if (!looked_up)
        {
          _hy_sync_engine_run_set_error (run, error->message);
          return; /* stays INFLIGHT: unresolved */
        }
    }
  if (alert != NULL && (ticket_id > 0 || alert->ticket_id > 0))
    _hy_sync_engine_alert_delivered (run, item, alert->id,
                                     ticket_id > 0 ? ticket_id : alert->ticket_id);
  else
    _hy_sync_engine_item_release (run, item, NULL);
}

/* A note or an action left in flight: done when the ticket has it, else queued again; it stays
 * in flight when Halo cannot be asked. */
static void
recover_note (HySyncRun *run, HyOutboxItem *item)
{
  g_autoptr (JsonNode) payload = _hy_sync_engine_parse_json (item->payload);
  JsonObject *o =
      payload && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
  g_autoptr (HyAlert) alert = item_alert (run, item, payload);
  g_autoptr (GError) error = NULL;
  gboolean found = FALSE;

  if (alert != NULL && alert->ticket_id > 0 &&
      !_hy_sync_engine_lookup_action (run, alert->ticket_id, item->record_key,
                                      hy_sync_json_string (o, "note"),
                                      hy_sync_json_string (o, "datetime"), &found, &error))
    {
      _hy_sync_engine_run_set_error (run, error->message);
      return;
    }
  if (found)
    _hy_sync_engine_item_complete (run, item);
  else
    _hy_sync_engine_item_release (run, item, NULL);
}

/* Asset creates left in flight, looked up together: done when Halo has them, else queued
 * again; all stay in flight when Halo cannot be asked. */
static void
recover_asset_creates (HySyncRun *run, GPtrArray *assets)
{
  g_autoptr (GError) error = NULL;

  if (assets->len == 0)
    return;
  if (!_hy_sync_engine_lookup_created_assets (run, assets, &error))
    {
      _hy_sync_engine_run_set_error (run, error->message);
      return;
    }
  for (guint i = 0; i < assets->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (assets, i);
      if (w->halo_id > 0)
        _hy_sync_engine_asset_write_done (run, w, TRUE);
      else
        _hy_sync_engine_item_release (run, w->item, NULL);
    }
}

/* Items left INFLIGHT by a run that died: resolve each by looking it up in Halo before it can be
 * sent again. Items that cannot be resolved now stay INFLIGHT (and block their record). */
void
_hy_sync_engine_recover_inflight (HySyncRun *run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items =
      hy_store_outbox_list (run->self->store, HY_OUTBOX_STATE_INFLIGHT, 0, 0, &error);
  g_autoptr (GPtrArray) assets = g_ptr_array_new ();
  HySyncAssetWrite *storage;

  if (items == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  if (items->len == 0)
    return;
  g_debug ("Resolving %u writes interrupted by a crash", items->len);
  storage = g_new0 (HySyncAssetWrite, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->kind, HY_SYNC_KIND_ASSET_CREATE) == 0)
        {
          if (_hy_sync_engine_asset_write_init (&storage[i], item))
            g_ptr_array_add (assets, &storage[i]);
        }
      else if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CREATE) == 0)
        recover_ticket_create (run, item);
      else if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_NOTE) == 0 ||
               g_strcmp0 (item->kind, HY_SYNC_KIND_ACTION) == 0)
        recover_note (run, item);
      else
        /* Updates can simply be sent again. */
        _hy_sync_engine_item_release (run, item, NULL);
    }
  recover_asset_creates (run, assets);
  for (guint i = 0; i < items->len; i++)
    _hy_sync_engine_asset_write_clear (&storage[i]);
  g_free (storage);
}

/* Open alerts kept as unrouted whose route now exists are queued. */
void
_hy_sync_engine_route_waiting_alerts (HySyncRun *run)
{
  HyStore *store = run->self->store;
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) alerts = NULL;
  g_autoptr (GError) error = NULL;

  query.open_only = TRUE;
  alerts = hy_store_list (store, HY_RECORD_KIND_ALERT, &query, &error);
  if (alerts == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  for (guint i = 0; i < alerts->len; i++)
    {
      HyAlert *alert = g_ptr_array_index (alerts, i);
      HySyncAlertFacts facts = { TRUE, FALSE, alert->cleared_at != NULL };
      HySyncRoute route;
      g_autofree char *reason = NULL;
      gboolean routable;
      g_autofree char *key = NULL;
      gint64 id;

      key = _hy_sync_engine_record_key ("alert", alert->id);
      /* Unrouted alerts, and alerts that arrived without going through the engine (an import
       * file): queued, without a ticket, with nothing in the outbox. */
      if (alert->state != HY_ALERT_STATE_UNROUTED &&
          !(alert->state == HY_ALERT_STATE_QUEUED && alert->ticket_id <= 0 &&
            !_hy_sync_engine_key_has_outstanding (run, key)))
        continue;
      routable = _hy_sync_engine_route_alert (store, alert, &route, &reason);
      _hy_sync_engine_route_clear (&route);
      if (hy_sync_alert_on_route (&facts, routable) != HY_SYNC_ALERT_OP_CREATE_TICKET)
        {
          if (reason != NULL &&
              (alert->state != HY_ALERT_STATE_UNROUTED || g_strcmp0 (reason, alert->reason) != 0 ||
               route.why != alert->reason_code))
            hy_store_set_alert_delivery_why (store, alert->id, HY_ALERT_STATE_UNROUTED, 0, reason,
                                             route.why, NULL);
          continue;
        }
      /* A maintenance window still holds it (checked again each run: a window may have been
       * removed, shortened or lengthened). */
      if (hy_ticket_lifecycle_hold (store, alert, _hy_sync_engine_now (run->self) / G_USEC_PER_SEC,
                                    &error))
        continue;
      if (error != NULL)
        {
          g_warning ("%s", error->message);
          g_clear_error (&error);
          continue;
        }
      if (!hy_store_begin (store, &error))
        break;
      {
        g_autofree char *payload = _hy_sync_engine_alert_only_payload (alert->id, 0);
        id = hy_store_outbox_enqueue (store, HY_SYNC_KIND_TICKET_CREATE, key, payload,
                                      HY_SYNC_PRIORITY_ALERT, &error);
      }
      if (id <= 0 ||
          !hy_store_set_alert_delivery (store, alert->id, HY_ALERT_STATE_QUEUED, 0, NULL, &error))
        {
          hy_store_rollback (store);
          g_warning ("%s", error->message);
          g_clear_error (&error);
          continue;
        }
      if (!hy_store_commit (store, &error))
        {
          g_warning ("%s", error->message);
          g_clear_error (&error);
          continue;
        }
      {
        HyOutboxItem o = { .id = id,
                           .record_key = key,
                           .state = HY_OUTBOX_STATE_PENDING,
                           .kind = (char *) HY_SYNC_KIND_TICKET_CREATE };
        _hy_sync_engine_outstanding_add (run, &o);
      }
    }
}

static void
asset_write_free (HySyncAssetWrite *w)
{
  _hy_sync_engine_asset_write_clear (w);
  g_free (w);
}

/* Reads back the creates Halo saved without their ids, all at once: one list per client
 * concerned, or one list of every asset when that is fewer pages (a first sync of many
 * clients), instead of one read-back per batch. */
static void
flush_deferred (HySyncRun *run)
{
  g_autoptr (GPtrArray) writes = NULL;
  g_autoptr (GPtrArray) claims = NULL;
  g_autoptr (GError) error = NULL;

  if (run->deferred == NULL || run->deferred->len == 0)
    return;
  writes = g_steal_pointer (&run->deferred);
  claims = g_steal_pointer (&run->deferred_claims);
  run->deferred = g_ptr_array_new_with_free_func ((GDestroyNotify) asset_write_free);
  run->deferred_claims = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_hash_table_remove_all (run->deferred_keys);

  if (!_hy_sync_engine_lookup_created_assets (run, writes, &error))
    {
      for (guint i = 0; i < writes->len; i++)
        _hy_sync_engine_item_failed (run,
                                     ((HySyncAssetWrite *) g_ptr_array_index (writes, i))->item,
                                     error);
      return;
    }
  g_set_error_literal (&error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                       _ ("Halo did not return the saved asset"));
  for (guint i = 0; i < writes->len; i++)
    {
      HySyncAssetWrite *w = g_ptr_array_index (writes, i);
      if (w->halo_id > 0)
        _hy_sync_engine_asset_write_done (run, w, TRUE);
      else
        _hy_sync_engine_item_failed (run, w->item, error);
    }
  _hy_sync_engine_run_write_progress (run);
  _hy_sync_engine_notify_changed (run->self);
}

static gboolean deliver_loop_inner (HySyncRun *run, GError **error);

gboolean
_hy_sync_engine_deliver_loop (HySyncRun *run, GError **error)
{
  gboolean ok;

  run->deferred = g_ptr_array_new_with_free_func ((GDestroyNotify) asset_write_free);
  run->deferred_claims = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  run->deferred_keys = g_hash_table_new (g_str_hash, g_str_equal);
  ok = deliver_loop_inner (run, error);
  /* Stopped, disabled or failed: what was saved is still read back and recorded. */
  flush_deferred (run);
  g_clear_pointer (&run->deferred, g_ptr_array_unref);
  g_clear_pointer (&run->deferred_claims, g_ptr_array_unref);
  g_clear_pointer (&run->deferred_keys, g_hash_table_unref);
  return ok;
}

/* Records the items of a claim as outstanding, in flight. */
static void
outstanding_add_inflight (HySyncRun *run, GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);

      _hy_sync_engine_outstanding_add (run, item);
      _hy_sync_engine_outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_INFLIGHT,
                                          0);
    }
}

/* Alert writes go one by one, in claim order (oldest first within a record): TRUE, with @item
 * released, while an earlier write of its record is outstanding. */
static gboolean
alert_item_waits (HySyncRun *run, HyOutboxItem *item)
{
  HySyncOutstanding *blocker =
      _hy_sync_engine_outstanding_blocker (run, item->record_key, item->id);

  if (blocker == NULL)
    return FALSE;
  _hy_sync_engine_item_release (run, item,
                                blocker->state == HY_OUTBOX_STATE_INFLIGHT ? NULL : blocker);
  return TRUE;
}

static gboolean
deliver_loop_inner (HySyncRun *run, GError **error)
{
  HySyncEngine *self = run->self;
  guint claim_max = MAX (self->batch_size, 1u);

  while (!g_cancellable_is_cancelled (run->cancellable))
    {
      g_autoptr (GPtrArray) items = NULL;
      g_autoptr (GPtrArray) creates = g_ptr_array_new ();
      g_autoptr (GPtrArray) updates = g_ptr_array_new ();
      g_autoptr (GPtrArray) tickets = g_ptr_array_new ();
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      /* Disabling stops sending at the next batch. */
      if (!_hy_sync_engine_is_enabled (self))
        break;
      items = hy_store_outbox_claim (self->store, _hy_sync_engine_now (self), claim_max, error);
      if (items == NULL)
        return FALSE;
      if (items->len == 0)
        {
          /* The queue is empty: read the unidentified creates back, then look again (a write
           * that waited behind one of them may be due). */
          if (run->deferred->len == 0)
            break;
          flush_deferred (run);
          continue;
        }
      /* A write of a record whose create is still unidentified waits for its read-back. */
      for (guint i = 0; i < items->len && run->deferred->len > 0; i++)
        if (g_hash_table_contains (run->deferred_keys,
                                   ((HyOutboxItem *) g_ptr_array_index (items, i))->record_key))
          flush_deferred (run);
      outstanding_add_inflight (run, items);
      for (guint i = 0; i < items->len; i++)
        {
          HyOutboxItem *item = g_ptr_array_index (items, i);
          HySyncOutstanding *blocker =
              _hy_sync_engine_outstanding_blocker (run, item->record_key, item->id);

          /* In order per record: an earlier write of the same record goes first. */
          if (blocker != NULL && blocker->state != HY_OUTBOX_STATE_INFLIGHT)
            {
              _hy_sync_engine_item_release (run, item, blocker);
              continue;
            }
          if (g_str_has_prefix (item->kind, "asset."))
            {
              if (blocker != NULL || g_hash_table_contains (seen, item->record_key))
                {
                  _hy_sync_engine_item_release (run, item, NULL);
                  continue;
                }
              g_hash_table_add (seen, item->record_key);
              g_ptr_array_add (g_strcmp0 (item->kind, HY_SYNC_KIND_ASSET_CREATE) == 0 ? creates
                                                                                      : updates,
                               item);
              continue;
            }
          if (alert_item_waits (run, item))
            continue;
          /* Ticket creates go together, in batches (hy-sync-engine-ticket-batch.c). */
          if (_hy_sync_engine_ticket_create_batchable (run, item))
            g_ptr_array_add (tickets, item);
          else
            _hy_sync_engine_deliver_alert_item (run, item);
        }
      if (tickets->len > 0)
        _hy_sync_engine_deliver_ticket_creates (run, tickets);
      _hy_sync_engine_deliver_asset_items (run, updates, FALSE);
      {
        guint deferred = run->deferred->len;

        _hy_sync_engine_deliver_asset_items (run, creates, TRUE);
        /* The deferred writes borrow their outbox items from this claim. */
        if (run->deferred->len > deferred)
          g_ptr_array_add (run->deferred_claims, g_ptr_array_ref (items));
      }
      _hy_sync_engine_run_write_progress (run);
      _hy_sync_engine_notify_changed (self);
    }
  return TRUE;
}

/* Stores @gp's state as counted: synced, or failed with the first device's reason (and what
 * fixes it), or with the devices still waiting to be sent. */
static void
store_group_state (HySyncRun *run, const HySyncGroupPlan *gp)
{
  HySyncState state = HY_SYNC_STATE_SYNCED;
  g_autofree char *reason = NULL;
  HyReason why = HY_REASON_NONE;
  g_autoptr (GError) error = NULL;

  if (gp->failed > 0)
    {
      state = HY_SYNC_STATE_FAILED;
      reason = g_strdup (gp->reason);
      why = gp->reason_code;
    }
  else if (gp->queued > 0)
    {
      state = HY_SYNC_STATE_FAILED;
      reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u device is not in Halo yet (%s); it is retried "
                                             "automatically",
                                             "%u devices are not in Halo yet (%s); they are "
                                             "retried automatically",
                                             gp->queued),
                                gp->queued,
                                run->last_error ? run->last_error : _ ("waiting to be sent"));
    }
  if (!hy_store_set_group_sync_why (run->self->store, gp->group_id, state, gp->synced, gp->failed,
                                    reason, why, &error))
    g_warning ("%s", error->message);
}

/* Sets each mapped group's state from what is now in the store and the outbox. */
void
_hy_sync_engine_finalize_groups (HySyncRun *run)
{
  HySyncPlan plan = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) by_group = g_hash_table_new (g_str_hash, g_str_equal);

  if (!_hy_sync_engine_outstanding_load (run, &error) ||
      !_hy_sync_engine_plan_assets (run, &plan, &error))
    {
      g_warning ("%s", error->message);
      _hy_sync_engine_plan_clear (&plan);
      return;
    }
  for (guint g = 0; g < plan.groups->len; g++)
    {
      HySyncGroupPlan *gp = g_ptr_array_index (plan.groups, g);
      gp->synced = gp->failed = gp->queued = 0;
      g_clear_pointer (&gp->reason, g_free);
      gp->reason_code = HY_REASON_NONE;
      g_hash_table_insert (by_group, gp->group_id, gp);
    }
  run->report->failed = 0;
  for (guint i = 0; i < plan.items->len; i++)
    {
      HySyncPlanItem *item = g_ptr_array_index (plan.items, i);
      HySyncGroupPlan *gp = g_hash_table_lookup (by_group, item->computer->group_id);
      g_autofree char *key = _hy_sync_engine_record_key ("computer", item->computer->id);
      GArray *arr = g_hash_table_lookup (run->outstanding, key);

      if (gp == NULL)
        continue;
      switch (item->action)
        {
          case PLAN_UNCHANGED:
            gp->synced++;
            break;
          case PLAN_FAILED:
            gp->failed++;
            run->report->failed++;
            if (gp->reason == NULL)
              {
                gp->reason = g_strdup (item->reason);
                gp->reason_code = item->reason_code;
              }
            break;
          case PLAN_QUEUED:
            if (arr != NULL && arr->len > 0 &&
                g_array_index (arr, HySyncOutstanding, 0).state == HY_OUTBOX_STATE_DEAD)
              {
                g_autoptr (HyOutboxItem) dead =
                    hy_store_outbox_get (run->self->store,
                                         g_array_index (arr, HySyncOutstanding, 0).id, NULL);
                gp->failed++;
                run->report->failed++;
                if (gp->reason == NULL && dead != NULL && dead->last_error != NULL)
                  /* Translators: %s is a computer name, the second %s Halo's error */
                  gp->reason =
                      g_strdup_printf (_ ("%s: %s"), item->computer->name, dead->last_error);
              }
            else
              gp->queued++;
            break;
          case PLAN_UPDATE:
          case PLAN_CREATE:
          default:
            gp->queued++;
            break;
        }
    }
  for (guint g = 0; g < plan.groups->len; g++)
    store_group_state (run, g_ptr_array_index (plan.groups, g));
  _hy_sync_engine_plan_clear (&plan);
  _hy_sync_engine_notify_changed (run->self);
}

/* Alert writes due now, claimed and delivered while the worker waits for a bulk request (see
 * _hy_sync_engine_call_run ()): in order per record, as the delivery loop does. Runs until
 * no poke is left. */
void
_hy_sync_engine_deliver_alerts_first (HySyncRun *run)
{
  HySyncEngine *self = run->self;
  guint claim_max = MAX (self->batch_size, 1u);

  /* Their own requests are not bulk; nothing in here overtakes again. */
  self->overtaking = NULL;
  while (g_atomic_int_compare_and_exchange (&self->alert_poke, TRUE, FALSE))
    while (!g_cancellable_is_cancelled (run->cancellable) && _hy_sync_engine_is_enabled (self))
      {
        g_autoptr (GPtrArray) items = NULL;
        g_autoptr (GError) error = NULL;

        items = hy_store_outbox_claim_from (self->store, _hy_sync_engine_now (self),
                                            HY_SYNC_PRIORITY_ALERT, claim_max, &error);
        if (items == NULL)
          {
            g_warning ("%s", error->message);
            break;
          }
        if (items->len == 0)
          break;
        outstanding_add_inflight (run, items);
        for (guint i = 0; i < items->len; i++)
          {
            HyOutboxItem *item = g_ptr_array_index (items, i);

            if (!alert_item_waits (run, item))
              _hy_sync_engine_deliver_alert_item (run, item);
          }
        _hy_sync_engine_notify_changed (self);
      }
  self->overtaking = run;
}

void
_hy_sync_engine_run_count_outbox (HySyncRun *run)
{
  run->report->pending =
      (guint) MAX (0, hy_store_outbox_count (run->self->store, HY_OUTBOX_STATE_PENDING, NULL) +
                          hy_store_outbox_count (run->self->store, HY_OUTBOX_STATE_INFLIGHT, NULL));
  run->report->dead =
      (guint) MAX (0, hy_store_outbox_count (run->self->store, HY_OUTBOX_STATE_DEAD, NULL));
}

void
_hy_sync_engine_run_init (HySyncRun *run,
                          HySyncEngine *self,
                          GCancellable *cancellable,
                          gboolean dry_run)
{
  memset (run, 0, sizeof *run);
  run->self = self;
  run->cancellable = cancellable;
  run->report = _hy_sync_engine_report_new (dry_run);
  run->outstanding =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
}

void
_hy_sync_engine_run_clear (HySyncRun *run)
{
  g_clear_pointer (&run->outstanding, g_hash_table_unref);
  g_clear_pointer (&run->last_error, g_free);
  g_clear_pointer (&run->report, hy_sync_report_free);
}
