/* hy-sync-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How it works
 * - Recording (alert raise/clear, technician actions) writes the store only, in one
 *   transaction: the alert and every Halo write it implies are durable before anything is sent.
 * - Asset sync plans locally (mapped groups, company links, stored fingerprints), looks Halo up
 *   only for devices without a recorded asset, and queues creates/updates in the outbox.
 * - Delivery runs in a worker thread. Each outbox item is claimed (INFLIGHT, committed) before
 *   it is sent; items of one record go strictly in order. Asset writes go in batches. A write
 *   whose outcome is unknown is looked up before it is sent again; items found INFLIGHT at the
 *   start of a run (a crash) are resolved the same way. Retries back off. Only attempts that
 *   reached Halo count (hy-sync-attempt.c): after HY_SYNC_MAX_ATTEMPTS of them, or one that Halo
 *   refused outright, an item is given up with the reason and its cause; an outage, a failed
 *   sign-in or the rate limit only make it wait. A given-up item whose cause has gone (Halo
 *   answers again, a mapping or link changed, the earlier write it waited for is queued again)
 *   is queued again by itself.
 * - The Halo client runs on its own main context: the worker hands each call over to it and
 *   waits for the answer.
 *
 * The engine is one GObject over several files that share hy-sync-engine-private.h (which lists
 * them); this one holds the object, the run context, automatic delivery and the public API.
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "store/hy-store-service.h"
#include "sync/hy-sync-engine-private.h"
#include "sync/hy-sync-intake.h"
#include "sync/hy-ticket-lifecycle.h"

G_DEFINE_FINAL_TYPE (HySyncEngine, hy_sync_engine, G_TYPE_OBJECT)

/* The time of the outbox's schedule: the wall clock, or the tests' own. */
gint64
_hy_sync_engine_now (HySyncEngine *self)
{
  return hy_clock_get_real (self->clock);
}

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------- */
/* Reports                                                                   */
/* ------------------------------------------------------------------------- */

void
hy_sync_report_free (HySyncReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->creates, g_ptr_array_unref);
  g_clear_pointer (&report->updates, g_ptr_array_unref);
  g_free (report);
}

HySyncReport *
_hy_sync_engine_report_new (gboolean dry_run)
{
  HySyncReport *report = g_new0 (HySyncReport, 1);

  report->dry_run = dry_run;
  report->creates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  report->updates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  return report;
}

JsonNode *
hy_sync_report_to_json (const HySyncReport *report)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (report->dry_run)
    {
      json_builder_set_member_name (b, "creates");
      json_builder_begin_array (b);
      for (guint i = 0; i < report->creates->len; i++)
        json_builder_add_value (b, json_node_copy (g_ptr_array_index (report->creates, i)));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "updates");
      json_builder_begin_array (b);
      for (guint i = 0; i < report->updates->len; i++)
        json_builder_add_value (b, json_node_copy (g_ptr_array_index (report->updates, i)));
      json_builder_end_array (b);
    }
  else
    {
      json_builder_set_member_name (b, "assets");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "created");
      json_builder_add_int_value (b, report->created);
      json_builder_set_member_name (b, "updated");
      json_builder_add_int_value (b, report->updated);
      json_builder_set_member_name (b, "unchanged");
      json_builder_add_int_value (b, report->unchanged);
      json_builder_set_member_name (b, "failed");
      json_builder_add_int_value (b, report->failed);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "delivered");
      json_builder_add_int_value (b, report->delivered);
      json_builder_set_member_name (b, "pending");
      json_builder_add_int_value (b, report->pending);
      json_builder_set_member_name (b, "dead");
      json_builder_add_int_value (b, report->dead);
      json_builder_set_member_name (b, "requests");
      json_builder_add_int_value (b, report->requests);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
hy_sync_alert_result_free (HySyncAlertResult *result)
{
  if (result == NULL)
    return;
  g_free (result->alert_id);
  g_free (result->reason);
  g_free (result);
}

JsonNode *
hy_sync_alert_result_to_json (const HySyncAlertResult *result)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alert");
  json_builder_add_string_value (b, result->alert_id);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, hy_alert_state_to_string (result->state));
  json_builder_set_member_name (b, "ticket_id");
  if (result->ticket_id > 0)
    json_builder_add_int_value (b, result->ticket_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "reason");
  if (result->reason != NULL)
    json_builder_add_string_value (b, result->reason);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "reason_code");
  if (result->reason != NULL && hy_reason_to_string (result->reason_code) != NULL)
    json_builder_add_string_value (b, hy_reason_to_string (result->reason_code));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ------------------------------------------------------------------------- */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------- */

static gboolean
emit_changed_cb (gpointer user_data)
{
  HySyncEngine *self = user_data;

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

void
_hy_sync_engine_notify_changed (HySyncEngine *self)
{
  g_main_context_invoke_full (self->owner_context, G_PRIORITY_DEFAULT, emit_changed_cb,
                              g_object_ref (self), g_object_unref);
}

char *
_hy_sync_engine_now_iso8601 (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/* A raise time precise enough that two occurrences never share it (it keys the ticket). */
char *
_hy_sync_engine_now_iso8601_precise (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

char *
_hy_sync_engine_node_to_string (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

JsonNode *
_hy_sync_engine_parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

gboolean
_hy_sync_engine_is_enabled (HySyncEngine *self)
{
  g_autoptr (HyProfile) profile = hy_store_get_profile (self->store, NULL);

  return profile != NULL && profile->enabled;
}

char *
_hy_sync_engine_record_key (const char *prefix, const char *id)
{
  return g_strconcat (prefix, ":", id, NULL);
}

/* Errors after which Halo may have written the record: look it up before sending again. */
gboolean
_hy_sync_engine_error_outcome_uncertain (const GError *error)
{
  if (error->domain != HY_HALO_ERROR)
    return TRUE;
  switch ((HyHaloError) error->code)
    {
      case HY_HALO_ERROR_RATE_LIMITED:
      case HY_HALO_ERROR_UNREACHABLE:
      case HY_HALO_ERROR_TLS:
      case HY_HALO_ERROR_INVALID_CLIENT:
      case HY_HALO_ERROR_INVALID_SCOPE:
      case HY_HALO_ERROR_UNAUTHORIZED:
      case HY_HALO_ERROR_FORBIDDEN:
      case HY_HALO_ERROR_CANCELLED:
      case HY_HALO_ERROR_INVALID_URL:
      case HY_HALO_ERROR_INSECURE_URL:
        return FALSE;
      case HY_HALO_ERROR_NOT_FOUND:
      case HY_HALO_ERROR_BAD_REQUEST:
      case HY_HALO_ERROR_SERVER_ERROR:
      case HY_HALO_ERROR_BAD_RESPONSE:
      case HY_HALO_ERROR_OUTCOME_UNKNOWN:
      case HY_HALO_ERROR_UNAVAILABLE:
      default:
        return TRUE;
    }
}

/* Errors that no retry will fix: the item is dead-lettered at once. */
gboolean
_hy_sync_engine_error_is_permanent (const GError *error)
{
  return error->domain == HY_HALO_ERROR &&
         (error->code == HY_HALO_ERROR_BAD_REQUEST || error->code == HY_HALO_ERROR_NOT_FOUND ||
          error->code == HY_HALO_ERROR_FORBIDDEN);
}

gboolean
_hy_sync_engine_error_is_rate_limit (const GError *error)
{
  return error->domain == HY_HALO_ERROR && error->code == HY_HALO_ERROR_RATE_LIMITED;
}

/* ------------------------------------------------------------------------- */
/* The run context                                                           */
/* ------------------------------------------------------------------------- */

void
_hy_sync_engine_run_set_error (HySyncRun *run, const char *message)
{
  g_free (run->last_error);
  run->last_error = g_strdup (message);
}

void
_hy_sync_engine_outstanding_add (HySyncRun *run, const HyOutboxItem *item)
{
  GArray *arr = g_hash_table_lookup (run->outstanding, item->record_key);
  HySyncOutstanding o = { item->id, item->state, item->next_attempt_at,
                          item->kind != NULL && g_str_has_suffix (item->kind, ".create"),
                          item->attempts > 0 };
  guint i;

  if (arr == NULL)
    {
      arr = g_array_new (FALSE, FALSE, sizeof (HySyncOutstanding));
      g_hash_table_insert (run->outstanding, g_strdup (item->record_key), arr);
    }
  for (i = 0; i < arr->len; i++)
    {
      HySyncOutstanding *cur = &g_array_index (arr, HySyncOutstanding, i);
      if (cur->id == item->id)
        {
          *cur = o;
          return;
        }
      if (cur->id > item->id)
        break;
    }
  g_array_insert_val (arr, i, o);
}

void
_hy_sync_engine_outstanding_remove (HySyncRun *run, const char *key, gint64 id)
{
  GArray *arr = g_hash_table_lookup (run->outstanding, key);

  if (arr == NULL)
    return;
  for (guint i = 0; i < arr->len; i++)
    if (g_array_index (arr, HySyncOutstanding, i).id == id)
      {
        g_array_remove_index (arr, i);
        break;
      }
  if (arr->len == 0)
    g_hash_table_remove (run->outstanding, key);
}

void
_hy_sync_engine_outstanding_update (HySyncRun *run,
                                    const char *key,
                                    gint64 id,
                                    HyOutboxState state,
                                    gint64 next)
{
  GArray *arr = g_hash_table_lookup (run->outstanding, key);

  if (arr == NULL)
    return;
  for (guint i = 0; i < arr->len; i++)
    if (g_array_index (arr, HySyncOutstanding, i).id == id)
      {
        g_array_index (arr, HySyncOutstanding, i).state = state;
        g_array_index (arr, HySyncOutstanding, i).next_attempt_at = next;
      }
}

gboolean
_hy_sync_engine_outstanding_load (HySyncRun *run, GError **error)
{
  static const HyOutboxState states[] = { HY_OUTBOX_STATE_PENDING, HY_OUTBOX_STATE_INFLIGHT,
                                          HY_OUTBOX_STATE_DEAD };

  g_hash_table_remove_all (run->outstanding);
  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    {
      g_autoptr (GPtrArray) items = hy_store_outbox_list (run->self->store, states[s], 0, 0, error);
      if (items == NULL)
        return FALSE;
      for (guint i = 0; i < items->len; i++)
        _hy_sync_engine_outstanding_add (run, g_ptr_array_index (items, i));
    }
  return TRUE;
}

/* The oldest item not yet delivered for @key other than @id, if older than @id. */
HySyncOutstanding *
_hy_sync_engine_outstanding_blocker (HySyncRun *run, const char *key, gint64 id)
{
  GArray *arr = g_hash_table_lookup (run->outstanding, key);

  if (arr == NULL || arr->len == 0)
    return NULL;
  if (g_array_index (arr, HySyncOutstanding, 0).id < id)
    return &g_array_index (arr, HySyncOutstanding, 0);
  return NULL;
}

gboolean
_hy_sync_engine_key_has_outstanding (HySyncRun *run, const char *key)
{
  return g_hash_table_contains (run->outstanding, key);
}

/* Tells a run in progress that alert writes may have been recorded: if its worker waits for a
 * bulk request, it delivers them first (any thread). */
void
_hy_sync_engine_poke (HySyncEngine *self)
{
  g_atomic_int_set (&self->alert_poke, TRUE);
  g_mutex_lock (&self->wait_lock);
  if (self->waiting != NULL)
    {
      g_mutex_lock (&self->waiting->lock);
      g_cond_signal (&self->waiting->cond);
      g_mutex_unlock (&self->waiting->lock);
    }
  g_mutex_unlock (&self->wait_lock);
}

/* Another process recorded writes (an `alert raise` while this one delivers). */
static void
store_changed_cb (HyStore *store, guint changes, gpointer user_data)
{
  if ((changes & HY_STORE_CHANGED_BY_OTHER) &&
      (changes & (HY_STORE_CHANGED_OUTBOX | HY_STORE_CHANGED_ALERTS)))
    _hy_sync_engine_poke (user_data);
}

/* ------------------------------------------------------------------------- */
/* Automatic delivery                                                        */
/* ------------------------------------------------------------------------- */

static gboolean auto_run_cb (gpointer user_data);

static void
auto_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HySyncEngine *self = HY_SYNC_ENGINE (source);
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (GError) error = NULL;
  gint64 next_due;

  report = g_task_propagate_pointer (G_TASK (result), &error);
  if (report == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_CANCELLED))
    g_debug ("Automatic delivery: %s", error->message);
  self->auto_running = FALSE;
  if (!self->auto_deliver)
    return;
  if (self->auto_again)
    {
      self->auto_again = FALSE;
      _hy_sync_engine_auto_schedule (self, 0, FALSE);
      return;
    }
  /* Wake up for the next retry that falls due. */
  next_due = hy_store_outbox_next_due (self->store, NULL);
  if (next_due > 0)
    _hy_sync_engine_auto_schedule (self,
                                   MAX (0, (next_due - _hy_sync_engine_now (self)) / 1000) + 1,
                                   FALSE);
  /* And when a maintenance window ends on an alert it held (a timer, not a poll). */
  next_due = hy_ticket_lifecycle_next_wake (self->store) * G_USEC_PER_SEC;
  if (next_due > 0)
    _hy_sync_engine_auto_schedule (self,
                                   MAX (0, (next_due - _hy_sync_engine_now (self)) / 1000) + 1,
                                   FALSE);
}

static gboolean
auto_run_cb (gpointer user_data)
{
  HySyncEngine *self = user_data;
  gboolean full_sync = self->auto_full_sync;

  g_clear_pointer (&self->auto_source, g_source_unref);
  if (!self->auto_deliver || self->client == NULL || !hy_sync_engine_get_enabled (self, NULL))
    return G_SOURCE_REMOVE;
  if (self->auto_running)
    {
      self->auto_again = TRUE;
      return G_SOURCE_REMOVE;
    }
  self->auto_running = TRUE;
  self->auto_full_sync = FALSE;
  _hy_sync_engine_start_task (self, FALSE, !full_sync, self->auto_cancellable, auto_done_cb, NULL,
                              full_sync ? (gpointer) hy_sync_engine_sync_async
                                        : (gpointer) hy_sync_engine_deliver_async);
  return G_SOURCE_REMOVE;
}

/* Runs a delivery (or a full sync) on the owner context after @delay_ms, unless one is already
 * due sooner. */
void
_hy_sync_engine_auto_schedule (HySyncEngine *self, gint64 delay_ms, gboolean full_sync)
{
  gint64 ready;

  /* Something was recorded: a run in progress delivers its alert writes ahead of bulk work. */
  _hy_sync_engine_poke (self);
  if (!self->auto_deliver)
    return;
  self->auto_full_sync |= full_sync;
  if (self->auto_running)
    {
      self->auto_again = TRUE;
      return;
    }
  ready = hy_clock_get_monotonic (self->clock) + delay_ms * 1000;
  if (self->auto_source != NULL)
    {
      if (self->auto_ready <= ready)
        return;
      g_source_destroy (self->auto_source);
      g_clear_pointer (&self->auto_source, g_source_unref);
    }
  self->auto_ready = ready;
  self->auto_source =
      hy_clock_timeout_source_new (self->clock, (guint) MIN (delay_ms, (gint64) G_MAXUINT));
  g_source_set_callback (self->auto_source, auto_run_cb, self, NULL);
  g_source_attach (self->auto_source, self->owner_context);
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_sync_engine_dispose (GObject *object)
{
  HySyncEngine *self = HY_SYNC_ENGINE (object);

  self->auto_deliver = FALSE;
  if (self->auto_source != NULL)
    {
      g_source_destroy (self->auto_source);
      g_clear_pointer (&self->auto_source, g_source_unref);
    }
  g_cancellable_cancel (self->auto_cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  G_OBJECT_CLASS (hy_sync_engine_parent_class)->dispose (object);
}

static void
hy_sync_engine_finalize (GObject *object)
{
  HySyncEngine *self = HY_SYNC_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->client_context, g_main_context_unref);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_clear_object (&self->auto_cancellable);
  g_clear_pointer (&self->type_details[0], json_object_unref);
  g_clear_pointer (&self->type_details[1], json_object_unref);
  g_mutex_clear (&self->run_lock);
  g_mutex_clear (&self->wait_lock);
  G_OBJECT_CLASS (hy_sync_engine_parent_class)->finalize (object);
}

static void
hy_sync_engine_class_init (HySyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_sync_engine_dispose;
  object_class->finalize = hy_sync_engine_finalize;

  /**
   * HySyncEngine::changed:
   *
   * Group sync states, alerts or the outbox changed.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hy_sync_engine_init (HySyncEngine *self)
{
  g_mutex_init (&self->run_lock);
  g_mutex_init (&self->wait_lock);
  self->batch_size = 100;
  self->backoff_unit_us = G_USEC_PER_SEC;
  self->auto_cancellable = g_cancellable_new ();
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

HySyncEngine *
hy_sync_engine_new (HyStore *store, HyHaloClient *client)
{
  HySyncEngine *self;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);
  g_return_val_if_fail (client == NULL || HY_IS_HALO_CLIENT (client), NULL);

  self = g_object_new (HY_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->client = client ? g_object_ref (client) : NULL;
  self->store_changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  /* The client runs on the context that was the thread default when it was created: the
   * engine is created in the same place. */
  self->client_context = g_main_context_ref_thread_default ();
  self->owner_context = g_main_context_ref_thread_default ();
  self->clock = g_object_ref (hy_clock_get_system ());
  return self;
}

HyStore *
hy_sync_engine_get_store (HySyncEngine *self)
{
  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  return self->store;
}

HyHaloClient *
hy_sync_engine_get_client (HySyncEngine *self)
{
  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  return self->client;
}

void
hy_sync_engine_set_batch_size (HySyncEngine *self, guint batch_size)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  self->batch_size = CLAMP (batch_size, 1u, 1000u);
}

void
hy_sync_engine_set_backoff_unit (HySyncEngine *self, guint64 microseconds)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  self->backoff_unit_us = microseconds;
}

void
hy_sync_engine_set_clock (HySyncEngine *self, HyClock *clock)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  if (clock == NULL)
    clock = hy_clock_get_system ();
  g_set_object (&self->clock, clock);
}

gboolean
hy_sync_engine_get_enabled (HySyncEngine *self, GError **error)
{
  g_autoptr (HyProfile) profile = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), FALSE);
  profile = hy_store_get_profile (self->store, &local);
  if (profile == NULL)
    {
      if (!g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return profile->enabled;
}

/**
 * hy_sync_engine_can_enable:
 *
 * Whether the integration may be switched on: there must be something for it to do, at least
 * one device group or one monitor policy mapped. (The views also require a passing connection
 * test; the first sync proves the connection for the CLI.)
 *
 * Returns: %TRUE, or %FALSE with @error saying what to do first
 */
gboolean
hy_sync_engine_can_enable (HySyncEngine *self, GError **error)
{
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GPtrArray) policies = NULL;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), FALSE);

  groups = hy_store_list_group_mappings (self->store, error);
  if (groups == NULL)
    return FALSE;
  policies = hy_store_list_policy_mappings (self->store, error);
  if (policies == NULL)
    return FALSE;
  if (groups->len == 0 && policies->len == 0)
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOTHING_MAPPED,
                           _ ("Nothing is mapped yet, so there is nothing to send: map at least "
                              "one device group to a Halo client and site, or one monitor policy "
                              "to a ticket type, then enable the integration"));
      return FALSE;
    }

  return TRUE;
}

gboolean
hy_sync_engine_set_enabled (HySyncEngine *self, gboolean enabled, GError **error)
{
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), FALSE);
  if (enabled && !hy_sync_engine_can_enable (self, error))
    return FALSE;
  if (!hy_store_set_enabled (self->store, enabled, &local))
    {
      if (g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_CONFIGURED,
                             _ ("No Halo connection is set up: connect first"));
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  _hy_sync_engine_notify_changed (self);
  /* Enabling starts the asset sync and the delivery of what was queued. */
  if (enabled)
    _hy_sync_engine_auto_schedule (self, 0, TRUE);
  return TRUE;
}

void
hy_sync_engine_set_auto_deliver (HySyncEngine *self, gboolean auto_deliver)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  self->auto_deliver = auto_deliver;
  if (auto_deliver)
    _hy_sync_engine_auto_schedule (self, 0, FALSE);
  else if (self->auto_source != NULL)
    {
      g_source_destroy (self->auto_source);
      g_clear_pointer (&self->auto_source, g_source_unref);
    }
}

/* Alerts from the intake whose computer or policy an import brought are raised first. */
static void
route_intake (HySyncEngine *self)
{
  g_autoptr (GError) error = NULL;

  if (hy_sync_engine_route_intake (self, &error) < 0)
    g_warning ("Routing the intake's waiting alerts failed: %s", error->message);
}

void
hy_sync_engine_schedule (HySyncEngine *self, gboolean full_sync)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  _hy_sync_engine_auto_schedule (self, 0, full_sync);
}

gboolean
hy_sync_engine_is_running (HySyncEngine *self)
{
  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), FALSE);
  return self->auto_running;
}

void
hy_sync_engine_sync_async (HySyncEngine *self,
                           gboolean dry_run,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  route_intake (self);
  _hy_sync_engine_start_task (self, dry_run, FALSE, cancellable, callback, user_data,
                              hy_sync_engine_sync_async);
}

HySyncReport *
hy_sync_engine_sync_finish (HySyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hy_sync_engine_deliver_async (HySyncEngine *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  route_intake (self);
  _hy_sync_engine_start_task (self, FALSE, TRUE, cancellable, callback, user_data,
                              hy_sync_engine_deliver_async);
}

HySyncReport *
hy_sync_engine_deliver_finish (HySyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
