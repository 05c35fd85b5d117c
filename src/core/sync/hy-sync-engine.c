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
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "linker/hy-linker.h"
#include "sync/hy-sync-attempt.h"
#include "sync/hy-sync-close.h"
#include "sync/hy-sync-engine.h"
#include "sync/hy-sync-intake.h"
#include "sync/hy-sync-lifecycle.h"
#include "sync/hy-sync-payload.h"
#include "sync/hy-ticket-lifecycle.h"

struct _HySyncEngine
{
  GObject parent_instance;

  HyStore *store;
  HyHaloClient *client;
  GMainContext *client_context; /* where the client runs */
  GMainContext *owner_context;  /* where "changed" is emitted */
  GMutex run_lock;              /* one sync/delivery at a time */
  guint batch_size;
  guint64 backoff_unit_us;
  HySyncClockFunc clock;
  gpointer clock_data;
  /* Halo's asset types as last read (ids of the type and of its name and serial fields for
   * workstations and servers): read once per engine, so a delta sync does not pay for them. */
  gboolean types_loaded;
  gint64 types[6];
  /* Their details (GET /AssetType/{id}?includedetails=true: keyfield_id, fields[] with field_id
   * and field_name), workstation then server: hy_sync_asset_type_field_id () finds more fields
   * to write in them. */
  JsonObject *type_details[2];
  /* The agent Halyard signs in as (Agent/me), read once: whose actions are Halyard's own. */
  gint64 me_id;

  /* Automatic delivery (the window): runs on the owner context, one at a time. */
  gboolean auto_deliver;
  GSource *auto_source;
  gboolean auto_running;
  gboolean auto_again;     /* something changed during the run: run again */
  gboolean auto_full_sync; /* the next automatic run syncs assets too */
  GCancellable *auto_cancellable;
};

G_DEFINE_FINAL_TYPE (HySyncEngine, hy_sync_engine, G_TYPE_OBJECT)

/* The time of the outbox's schedule: the wall clock, or the tests' own. */
static gint64
engine_now (HySyncEngine *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();
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

static HySyncReport *
report_new (gboolean dry_run)
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
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ------------------------------------------------------------------------- */
/* Calling the Halo client from the worker                                   */
/* ------------------------------------------------------------------------- */

typedef enum
{
  OP_LIST_ASSETS,
  OP_LIST_ASSET_TYPES,
  OP_LIST,
  OP_SEARCH_TICKETS,
  OP_GET_TICKET,
  OP_GET_RECORD,
  OP_CREATE_TICKET,
  OP_UPDATE_TICKET,
  OP_CREATE_ACTION,
  OP_SAVE_ASSETS,
  OP_AGENT_ME,
} Op;

typedef struct
{
  HySyncEngine *self;
  Op op;
  HyHaloPriority priority;
  const char *record;
  gint64 id;
  HyHaloKind kind;
  const char *query;
  const char *check_member;
  gint64 check_value;
  guint max_pages; /* OP_LIST: hy_halo_client_list_within_async () when set */
  const char *search;
  JsonObject *object;
  GPtrArray *assets;
  HyHaloSaveFlags save_flags;
  GCancellable *cancellable;

  HyHaloList *list;
  HyHaloRecord *rec;
  GPtrArray *saved;
  GError *error;

  GMutex lock;
  GCond cond;
  gboolean done;
} Call;

static void
call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  HyHaloClient *client = HY_HALO_CLIENT (source);

  switch (call->op)
    {
      case OP_LIST_ASSETS:
      case OP_LIST_ASSET_TYPES:
      case OP_LIST:
      case OP_SEARCH_TICKETS:
        call->list = hy_halo_client_list_finish (client, result, &call->error);
        break;
      case OP_GET_TICKET:
      case OP_GET_RECORD:
      case OP_CREATE_TICKET:
      case OP_UPDATE_TICKET:
      case OP_CREATE_ACTION:
      case OP_AGENT_ME:
        call->rec = hy_halo_client_record_finish (client, result, &call->error);
        break;
      case OP_SAVE_ASSETS:
        call->saved = hy_halo_client_save_assets_finish (client, result, &call->error);
        break;
      default:
        g_assert_not_reached ();
    }
  g_mutex_lock (&call->lock);
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->lock);
}

static gboolean
call_start_cb (gpointer user_data)
{
  Call *call = user_data;
  HyHaloClient *c = call->self->client;

  switch (call->op)
    {
      case OP_LIST_ASSETS:
        {
          /* hy_halo_client_list_assets_async (), with the record the look-up is made for */
          g_autofree char *query = call->id > 0 ? g_strdup_printf ("client_id=%" G_GINT64_FORMAT
                                                                   "&includeassetfields=true",
                                                                   call->id)
                                                : g_strdup ("includeassetfields=true");
          if (call->max_pages > 0)
            hy_halo_client_list_within_async (c, HY_HALO_KIND_ASSET, query,
                                              call->id > 0 ? "client_id" : NULL, call->id,
                                              call->max_pages, call->priority, call->record,
                                              call->cancellable, call_done_cb, call);
          else
            hy_halo_client_list_async (c, HY_HALO_KIND_ASSET, query,
                                       call->id > 0 ? "client_id" : NULL, call->id, call->priority,
                                       call->record, call->cancellable, call_done_cb, call);
        }
        break;
      case OP_LIST_ASSET_TYPES:
        hy_halo_client_list_async (c, HY_HALO_KIND_ASSET_TYPE, NULL, NULL, 0, call->priority,
                                   call->record, call->cancellable, call_done_cb, call);
        break;
      case OP_LIST:
        if (call->max_pages > 0)
          hy_halo_client_list_within_async (c, call->kind, call->query, call->check_member,
                                            call->check_value, call->max_pages, call->priority,
                                            call->record, call->cancellable, call_done_cb, call);
        else
          hy_halo_client_list_async (c, call->kind, call->query, call->check_member,
                                     call->check_value, call->priority, call->record,
                                     call->cancellable, call_done_cb, call);
        break;
      case OP_SEARCH_TICKETS:
        {
          /* The tickets whose details contain @search: search_details is a text filter
           * (HALO-API §11), with the record the look-up is made for */
          g_autoptr (GString) query = g_string_new (NULL);
          g_autofree char *escaped = g_uri_escape_string (call->search, NULL, FALSE);

          if (call->id > 0)
            g_string_append_printf (query, "client_id=%" G_GINT64_FORMAT "&", call->id);
          g_string_append_printf (query, "search_details=%s", escaped);
          hy_halo_client_list_async (c, HY_HALO_KIND_TICKET, query->str,
                                     call->id > 0 ? "client_id" : NULL, call->id, call->priority,
                                     call->record, call->cancellable, call_done_cb, call);
        }
        break;
      case OP_GET_TICKET:
        hy_halo_client_get_ticket_async (c, call->id, call->priority, call->record,
                                         call->cancellable, call_done_cb, call);
        break;
      case OP_GET_RECORD:
        hy_halo_client_get_record_async (c, call->kind, call->id, call->query, call->priority,
                                         call->record, call->cancellable, call_done_cb, call);
        break;
      case OP_CREATE_TICKET:
        hy_halo_client_create_ticket_async (c, call->object, call->priority, call->record,
                                            call->cancellable, call_done_cb, call);
        break;
      case OP_UPDATE_TICKET:
        hy_halo_client_update_ticket_async (c, call->id, call->object, call->priority, call->record,
                                            call->cancellable, call_done_cb, call);
        break;
      case OP_CREATE_ACTION:
        hy_halo_client_create_action_async (c, call->object, call->priority, call->record,
                                            call->cancellable, call_done_cb, call);
        break;
      case OP_SAVE_ASSETS:
        hy_halo_client_save_assets_full_async (c, call->assets, call->save_flags, call->priority,
                                               call->record, call->cancellable, call_done_cb, call);
        break;
      case OP_AGENT_ME:
        hy_halo_client_get_agent_me_async (c, call->priority, call->cancellable, call_done_cb,
                                           call);
        break;
      default:
        g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

/* Runs @call on the client's context and waits for it (worker thread only). */
static gboolean
call_run (Call *call)
{
  g_mutex_init (&call->lock);
  g_cond_init (&call->cond);
  g_main_context_invoke (call->self->client_context, call_start_cb, call);
  g_mutex_lock (&call->lock);
  while (!call->done)
    g_cond_wait (&call->cond, &call->lock);
  g_mutex_unlock (&call->lock);
  g_mutex_clear (&call->lock);
  g_cond_clear (&call->cond);
  return call->error == NULL;
}

static void
call_clear (Call *call)
{
  g_clear_pointer (&call->list, hy_halo_list_free);
  g_clear_pointer (&call->rec, hy_halo_record_unref);
  g_clear_pointer (&call->saved, g_ptr_array_unref);
  g_clear_error (&call->error);
}

/* call_run (); when it fails, its error goes to @error and @call is cleared. */
static gboolean
call_run_or_propagate (Call *call, GError **error)
{
  if (call_run (call))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&call->error));
  call_clear (call);
  return FALSE;
}

typedef struct
{
  HyHaloClient *client;
  char *method;
  char *path;
  char *record;
  char *message;
} Warning;

static void
warning_free (gpointer data)
{
  Warning *w = data;

  g_object_unref (w->client);
  g_free (w->method);
  g_free (w->path);
  g_free (w->record);
  g_free (w->message);
  g_free (w);
}

static gboolean
warning_cb (gpointer data)
{
  Warning *w = data;

  hy_halo_client_report_warning (w->client, w->method, w->path, w->record, w->message);
  return G_SOURCE_REMOVE;
}

/* Adds a warning to the events log, from the worker (the client's events belong to its
 * context). */
static void
report_warning (HySyncEngine *self,
                const char *method,
                const char *path,
                const char *record,
                const char *message)
{
  Warning *w = g_new0 (Warning, 1);

  w->client = g_object_ref (self->client);
  w->method = g_strdup (method);
  w->path = g_strdup (path);
  w->record = g_strdup (record);
  w->message = g_strdup (message);
  g_main_context_invoke_full (self->client_context, G_PRIORITY_DEFAULT, warning_cb, w,
                              warning_free);
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

static void
notify_changed (HySyncEngine *self)
{
  g_main_context_invoke_full (self->owner_context, G_PRIORITY_DEFAULT, emit_changed_cb,
                              g_object_ref (self), g_object_unref);
}

static void auto_schedule (HySyncEngine *self, gint64 delay_ms, gboolean full_sync);

static char *
now_iso8601 (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/* A raise time precise enough that two occurrences never share it (it keys the ticket). */
static char *
now_iso8601_precise (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static gboolean
is_enabled (HySyncEngine *self)
{
  g_autoptr (HyProfile) profile = hy_store_get_profile (self->store, NULL);

  return profile != NULL && profile->enabled;
}

static char *
record_key (const char *prefix, const char *id)
{
  return g_strconcat (prefix, ":", id, NULL);
}

/* Errors after which Halo may have written the record: look it up before sending again. */
static gboolean
error_outcome_uncertain (const GError *error)
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
static gboolean
error_is_permanent (const GError *error)
{
  return error->domain == HY_HALO_ERROR &&
         (error->code == HY_HALO_ERROR_BAD_REQUEST || error->code == HY_HALO_ERROR_NOT_FOUND ||
          error->code == HY_HALO_ERROR_FORBIDDEN);
}

static gboolean
error_is_rate_limit (const GError *error)
{
  return error->domain == HY_HALO_ERROR && error->code == HY_HALO_ERROR_RATE_LIMITED;
}

/* ------------------------------------------------------------------------- */
/* The run context                                                           */
/* ------------------------------------------------------------------------- */

typedef struct
{
  gint64 id;
  HyOutboxState state;
  gint64 next_attempt_at;
  gboolean create; /* an asset or ticket create */
  gboolean sent;   /* it may have reached Halo (attempts > 0): its payload is what Halo got */
} Outstanding;

typedef struct
{
  HySyncEngine *self;
  GCancellable *cancellable;
  HySyncReport *report;
  /* record key → GArray of Outstanding, oldest first: the items not yet DONE */
  GHashTable *outstanding;
  /* Halo asset types (lazily fetched) */
  gboolean asset_types_loaded;
  gint64 assettype_id;
  gint64 server_assettype_id;
  gint64 name_field_id;
  gint64 serial_field_id;
  gint64 server_name_field_id;
  gint64 server_serial_field_id;
  gint64 learned_serial_field_id; /* a "serial" field seen on Halo's assets */
  char *last_error;
  /* Progress of a sync run: computer id → its GroupPlan (borrowed from the run's plan), and the
   * groups whose counts changed since they were last written. */
  GHashTable *group_of;
  GHashTable *touched;
  /* Asset creates Halo saved without saying their ids (it ignored ?returnall), read back
   * together once the queue is empty (AssetWrite, owned), their claimed items kept alive by
   * @deferred_claims, their record keys in @deferred_keys. NULL outside the delivery loop. */
  GPtrArray *deferred;
  GPtrArray *deferred_claims;
  GHashTable *deferred_keys;
} Run;

static void
run_set_error (Run *run, const char *message)
{
  g_free (run->last_error);
  run->last_error = g_strdup (message);
}

static void
outstanding_add (Run *run, const HyOutboxItem *item)
{
  GArray *arr = g_hash_table_lookup (run->outstanding, item->record_key);
  Outstanding o = { item->id, item->state, item->next_attempt_at,
                    item->kind != NULL && g_str_has_suffix (item->kind, ".create"),
                    item->attempts > 0 };
  guint i;

  if (arr == NULL)
    {
      arr = g_array_new (FALSE, FALSE, sizeof (Outstanding));
      g_hash_table_insert (run->outstanding, g_strdup (item->record_key), arr);
    }
  for (i = 0; i < arr->len; i++)
    {
      Outstanding *cur = &g_array_index (arr, Outstanding, i);
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

static void
outstanding_remove (Run *run, const char *key, gint64 id)
{
  GArray *arr = g_hash_table_lookup (run->outstanding, key);

  if (arr == NULL)
    return;
  for (guint i = 0; i < arr->len; i++)
    if (g_array_index (arr, Outstanding, i).id == id)
      {
        g_array_remove_index (arr, i);
        break;
      }
  if (arr->len == 0)
    g_hash_table_remove (run->outstanding, key);
}

static void
outstanding_update (Run *run, const char *key, gint64 id, HyOutboxState state, gint64 next)
{
  GArray *arr = g_hash_table_lookup (run->outstanding, key);

  if (arr == NULL)
    return;
  for (guint i = 0; i < arr->len; i++)
    if (g_array_index (arr, Outstanding, i).id == id)
      {
        g_array_index (arr, Outstanding, i).state = state;
        g_array_index (arr, Outstanding, i).next_attempt_at = next;
      }
}

static gboolean
outstanding_load (Run *run, GError **error)
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
        outstanding_add (run, g_ptr_array_index (items, i));
    }
  return TRUE;
}

/* The oldest item not yet delivered for @key other than @id, if older than @id. */
static Outstanding *
outstanding_blocker (Run *run, const char *key, gint64 id)
{
  GArray *arr = g_hash_table_lookup (run->outstanding, key);

  if (arr == NULL || arr->len == 0)
    return NULL;
  if (g_array_index (arr, Outstanding, 0).id < id)
    return &g_array_index (arr, Outstanding, 0);
  return NULL;
}

static gboolean
key_has_outstanding (Run *run, const char *key)
{
  return g_hash_table_contains (run->outstanding, key);
}

/* ------------------------------------------------------------------------- */
/* Outbox transitions                                                        */
/* ------------------------------------------------------------------------- */

static void
item_complete (Run *run, HyOutboxItem *item)
{
  g_autoptr (GError) error = NULL;

  if (!hy_store_outbox_complete (run->self->store, item->id, &error))
    g_warning ("Could not mark outbox item %" G_GINT64_FORMAT " delivered: %s", item->id,
               error->message);
  outstanding_remove (run, item->record_key, item->id);
  run->report->delivered++;
}

/* A failing item is not queued again by itself for this long after it was given up, even when
 * Halo answers (the longest back-off): one that Halo always fails costs a few requests an hour. */
#define REVIVE_AFTER_SECONDS 600

static void
item_give_up (Run *run, HyOutboxItem *item, const char *reason, const char *cause, gboolean reached)
{
  g_autoptr (GError) error = NULL;
  gint64 revive_after = 0;

  if (g_strcmp0 (cause, HY_OUTBOX_CAUSE_FAILING) == 0)
    revive_after =
        engine_now (run->self) + REVIVE_AFTER_SECONDS * (gint64) run->self->backoff_unit_us;
  if (!hy_store_outbox_give_up (run->self->store, item->id, reason, cause, reached, revive_after,
                                &error))
    g_warning ("Could not dead-letter outbox item %" G_GINT64_FORMAT ": %s", item->id,
               error->message);
  outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_DEAD, 0);
  run->report->dead++;
  run_set_error (run, reason);
}

/* Given up on what it holds, not on anything Halo said: only sent again by hand. */
static void
item_dead (Run *run, HyOutboxItem *item, const char *reason)
{
  item_give_up (run, item, reason, HY_OUTBOX_CAUSE_INVALID, FALSE);
}

static void item_release (Run *run, HyOutboxItem *item, const Outstanding *blocker);

/* A failed try: wait when nothing reached Halo; back off after a failure Halo answered, and
 * give up after the last attempt or one that Halo refused. */
static void
item_failed (Run *run, HyOutboxItem *item, const GError *cause)
{
  g_autoptr (GError) error = NULL;
  HySyncEngine *self = run->self;
  guint count;
  gint64 next;

  switch (hy_sync_attempt_classify (cause))
    {
      case HY_SYNC_ATTEMPT_STOPPED:
        /* Stopped, not failed: back in the queue, due at once. The request may have reached
         * Halo before the stop, so it counts as an attempt: a create is looked up before it is
         * sent again. */
        next = engine_now (self) + (gint64) self->backoff_unit_us;
        if (!hy_store_outbox_fail (self->store, item->id,
                                   /* Translators: a queued Halo write, stopped with the sync */
                                   _ ("Stopped before Halo answered; sent again on the next run"),
                                   next, &error))
          g_warning ("Could not requeue outbox item %" G_GINT64_FORMAT ": %s", item->id,
                     error->message);
        outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_PENDING, next);
        return;

      case HY_SYNC_ATTEMPT_NOT_SENT:
      case HY_SYNC_ATTEMPT_UNCERTAIN:
        /* Waiting for the network, the sign-in, the rate limit or Halo itself: never given up;
         * the waits space the tries out up to the longest back-off. */
        count = item->waits + 1;
        next = engine_now (self) +
               (gint64) hy_sync_backoff_seconds (count, error_is_rate_limit (cause)) *
                   (gint64) self->backoff_unit_us;
        if (!hy_store_outbox_wait (self->store, item->id, cause->message,
                                   hy_sync_attempt_classify (cause) == HY_SYNC_ATTEMPT_UNCERTAIN,
                                   next, &error))
          g_warning ("Could not reschedule outbox item %" G_GINT64_FORMAT ": %s", item->id,
                     error->message);
        outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_PENDING, next);
        run_set_error (run, cause->message);
        return;

      case HY_SYNC_ATTEMPT_REFUSED:
        item_give_up (run, item, cause->message, HY_OUTBOX_CAUSE_REFUSED, TRUE);
        return;

      case HY_SYNC_ATTEMPT_FAILED:
      default:
        break;
    }

  count = item->refused + 1;
  if (count >= HY_SYNC_MAX_ATTEMPTS)
    {
      item_give_up (run, item, cause->message, HY_OUTBOX_CAUSE_FAILING, TRUE);
      return;
    }
  next = engine_now (self) +
         (gint64) hy_sync_backoff_seconds (count, FALSE) * (gint64) self->backoff_unit_us;
  if (!hy_store_outbox_fail (self->store, item->id, cause->message, next, &error))
    g_warning ("Could not reschedule outbox item %" G_GINT64_FORMAT ": %s", item->id,
               error->message);
  outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_PENDING, next);
  run_set_error (run, cause->message);
}

/* An item that must wait for an earlier item of the same record (or was not sent at all). */
static void
item_release (Run *run, HyOutboxItem *item, const Outstanding *blocker)
{
  g_autoptr (GError) error = NULL;
  gint64 next;

  if (blocker != NULL && blocker->state == HY_OUTBOX_STATE_DEAD)
    {
      /* Queued again with the earlier one, whether by hand or by itself. */
      item_give_up (run, item,
                    /* Translators: an outbox item waits for an earlier, failed write of the
                       same record */
                    _ ("An earlier write for the same record failed; retry that one first"),
                    HY_OUTBOX_CAUSE_BLOCKED, FALSE);
      return;
    }
  /* One back-off unit (a second) from now, or after the blocker's next attempt. */
  next = MAX (engine_now (run->self) + (gint64) run->self->backoff_unit_us,
              blocker != NULL ? blocker->next_attempt_at + (gint64) run->self->backoff_unit_us : 0);
  /* Not sent, so not an attempt: attempts count what reached (or may have reached) Halo, and a
   * create with attempts is looked up before it is sent again. */
  if (!hy_store_outbox_release (run->self->store, item->id,
                                _ ("Waiting for an earlier write of the same record"), next,
                                &error))
    g_warning ("Could not release outbox item %" G_GINT64_FORMAT ": %s", item->id, error->message);
  outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_PENDING, next);
}

/* ------------------------------------------------------------------------- */
/* Routing                                                                   */
/* ------------------------------------------------------------------------- */

/* The mapping that applies to @group_id: its own, else the nearest mapped ancestor's — the
 * linker's rule, so what the Mapping view shows and what is synced always agree. */
static HyGroupMapping *
effective_group_mapping (HyStore *store, const char *group_id)
{
  HyGroupMapping *mapping = NULL;
  g_autoptr (GError) error = NULL;

  if (!hy_linker_resolve_group_mapping (store, group_id, &mapping, &error))
    {
      if (!g_error_matches (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND))
        g_warning ("Could not resolve the mapping of group %s: %s", group_id, error->message);
      return NULL;
    }
  return mapping;
}

typedef struct
{
  gint64 client_id;
  gint64 site_id;
  gint64 asset_id;
  gint64 tickettype_id;
  gint64 close_status_id;
  char *computer_name;
} Route;

static void
route_clear (Route *route)
{
  g_clear_pointer (&route->computer_name, g_free);
}

/* Where the alert's ticket goes; FALSE with a translated @reason when it cannot be routed. */
static gboolean
route_alert (HyStore *store, const HyAlert *alert, Route *route, char **reason)
{
  g_autoptr (HyPolicyMapping) pmap = NULL;
  g_autoptr (HyComputer) computer = NULL;
  g_autoptr (HyCompany) company = NULL;
  g_autoptr (HyGroupMapping) gmap = NULL;

  memset (route, 0, sizeof *route);
  pmap = hy_store_get_policy_mapping (store, alert->policy_id, NULL);
  if (pmap == NULL)
    {
      /* Translators: %s is a monitor policy id */
      *reason = g_strdup_printf (_ ("Policy %s is not mapped to a Halo ticket type: map it "
                                    "(halyard-cli map policy) and the alert is sent"),
                                 alert->policy_id);
      return FALSE;
    }
  computer = hy_store_get (store, HY_RECORD_KIND_COMPUTER, alert->computer_id, NULL);
  if (computer == NULL)
    {
      /* Translators: %s is a computer id */
      *reason = g_strdup_printf (_ ("Computer %s is unknown"), alert->computer_id);
      return FALSE;
    }
  if (computer->company_id != NULL)
    company = hy_store_get (store, HY_RECORD_KIND_COMPANY, computer->company_id, NULL);
  if (company == NULL || company->link.how == HY_LINK_HOW_NONE || company->link.halo_id <= 0)
    {
      /* Translators: %s is a computer name */
      *reason = g_strdup_printf (_ ("The company of %s is not linked to a Halo client: link it and "
                                    "the alert is sent"),
                                 computer->name);
      return FALSE;
    }
  route->client_id = company->link.halo_id;
  route->tickettype_id = pmap->ticket_type_id;
  route->close_status_id = pmap->close_status_id;
  route->computer_name = g_strdup (computer->name);
  if (computer->link.how != HY_LINK_HOW_NONE)
    route->asset_id = computer->link.halo_id;
  /* The site: the device group's mapping when it maps to this client, else the location's. */
  if (computer->group_id != NULL)
    gmap = effective_group_mapping (store, computer->group_id);
  if (gmap != NULL && gmap->client_id == route->client_id && gmap->site_id > 0)
    route->site_id = gmap->site_id;
  else if (computer->location_id != NULL)
    {
      g_autoptr (HyLocation) loc =
          hy_store_get (store, HY_RECORD_KIND_LOCATION, computer->location_id, NULL);
      if (loc != NULL && loc->link.how != HY_LINK_HOW_NONE)
        route->site_id = loc->link.halo_id;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Asset types                                                               */
/* ------------------------------------------------------------------------- */

/* The asset type's details, with its fields (the list does not carry them). */
static JsonObject *
load_type_details (Run *run, gint64 type_id, GError **error)
{
  Call call = { .self = run->self,
                .op = OP_GET_RECORD,
                .kind = HY_HALO_KIND_ASSET_TYPE,
                .id = type_id,
                .query = "includedetails=true",
                .priority = HY_HALO_PRIORITY_BULK,
                .cancellable = run->cancellable };
  JsonObject *details;

  if (!call_run_or_propagate (&call, error))
    return NULL;
  details = json_object_ref (hy_halo_record_get_object (call.rec));
  call_clear (&call);
  return details;
}

static HyHaloRecord *
find_type (HyHaloList *list, const char *const *names)
{
  for (guint n = 0; names[n]; n++)
    for (guint i = 0; i < list->records->len; i++)
      {
        HyHaloRecord *r = g_ptr_array_index (list->records, i);
        const char *name = hy_halo_record_get_name (r);
        if (name != NULL && g_ascii_strcasecmp (name, names[n]) == 0)
          return r;
      }
  return NULL;
}

static gboolean
load_asset_types (Run *run, GError **error)
{
  static const char *const workstation[] = { "Workstation", "Computer", "Desktop", "PC",
                                             "Laptop",      "Server",   NULL };
  static const char *const server[] = { "Server", "Servers", NULL };
  Call call = { .self = run->self,
                .op = OP_LIST_ASSET_TYPES,
                .priority = HY_HALO_PRIORITY_BULK,
                .cancellable = run->cancellable };
  HyHaloRecord *ws, *sv;

  if (run->asset_types_loaded)
    return TRUE;
  if (run->self->types_loaded)
    {
      run->assettype_id = run->self->types[0];
      run->name_field_id = run->self->types[1];
      run->serial_field_id = run->self->types[2];
      run->server_assettype_id = run->self->types[3];
      run->server_name_field_id = run->self->types[4];
      run->server_serial_field_id = run->self->types[5];
      if (run->serial_field_id <= 0)
        run->serial_field_id = run->learned_serial_field_id;
      if (run->server_serial_field_id <= 0)
        run->server_serial_field_id = run->learned_serial_field_id;
      run->asset_types_loaded = TRUE;
      return TRUE;
    }
  if (!call_run_or_propagate (&call, error))
    return FALSE;
  ws = find_type (call.list, workstation);
  if (ws == NULL && call.list->records->len > 0)
    ws = g_ptr_array_index (call.list->records, 0);
  if (ws == NULL)
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_CONFIGURED,
                           _ ("Halo has no asset type to create devices with: add one in Halo "
                              "(Configuration > Asset Management > Asset Types)"));
      call_clear (&call);
      return FALSE;
    }
  sv = find_type (call.list, server);
  if (sv == NULL)
    sv = ws;
  /* The name and serial are written as the type's fields, whose ids are per tenant. */
  for (guint t = 0; t < 2; t++)
    {
      HyHaloRecord *type = t == 0 ? ws : sv;
      JsonObject *details = t == 1 && sv == ws
                                ? json_object_ref (run->self->type_details[0])
                                : load_type_details (run, hy_halo_record_get_id (type), error);
      if (details == NULL)
        {
          call_clear (&call);
          return FALSE;
        }
      g_clear_pointer (&run->self->type_details[t], json_object_unref);
      run->self->type_details[t] = details;
      if (hy_sync_json_int (details, "keyfield_id") <= 0)
        {
          /* Translators: %s is the name of a Halo asset type */
          g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_CONFIGURED,
                       _ ("Halo’s asset type “%s” has no key field, so Halyard cannot write the "
                          "devices’ names: set one in Halo (Configuration > Asset Management > "
                          "Asset Types)"),
                       hy_halo_record_get_name (type));
          call_clear (&call);
          return FALSE;
        }
    }
  run->assettype_id = hy_halo_record_get_id (ws);
  run->name_field_id = hy_sync_json_int (run->self->type_details[0], "keyfield_id");
  run->serial_field_id = hy_sync_asset_type_field_id (run->self->type_details[0], "serial");
  run->server_assettype_id = hy_halo_record_get_id (sv);
  run->server_name_field_id = hy_sync_json_int (run->self->type_details[1], "keyfield_id");
  run->server_serial_field_id = hy_sync_asset_type_field_id (run->self->type_details[1], "serial");
  run->self->types[0] = run->assettype_id;
  run->self->types[1] = run->name_field_id;
  run->self->types[2] = run->serial_field_id;
  run->self->types[3] = run->server_assettype_id;
  run->self->types[4] = run->server_name_field_id;
  run->self->types[5] = run->server_serial_field_id;
  run->self->types_loaded = TRUE;
  /* Types that do not list their fields: the serial field the existing assets use. */
  if (run->serial_field_id <= 0)
    run->serial_field_id = run->learned_serial_field_id;
  if (run->server_serial_field_id <= 0)
    run->server_serial_field_id = run->learned_serial_field_id;
  run->asset_types_loaded = TRUE;
  call_clear (&call);
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Linking tickets to their device's asset                                   */
/* ------------------------------------------------------------------------- */

static char *resolved_key (const char *alert_id);
static gboolean enqueue (HyStore *store,
                         const char *kind,
                         const char *alert_id,
                         const char *payload,
                         GError **error);

/* Whether Halyard closed the ticket of the alert's occurrence: cleared under a policy with a
 * close status, or resolved by a technician. */
static gboolean
alert_ticket_closed (HyStore *store, const HyAlert *alert)
{
  g_autofree char *key = resolved_key (alert->id);
  g_autofree char *resolved = NULL;

  if (alert->cleared_at != NULL)
    {
      g_autoptr (HyPolicyMapping) pmap =
          hy_store_get_policy_mapping (store, alert->policy_id, NULL);
      if (pmap != NULL && pmap->close_status_id > 0)
        return TRUE;
    }
  return hy_store_get_setting (store, key, &resolved, NULL) && resolved != NULL &&
         g_strcmp0 (resolved, alert->raised_at) == 0;
}

/* Alerts overtake the bulk asset sync, so a ticket may have been created before its device's
 * asset existed, without the asset. Now that @computer_id is linked to @asset_id, each ticket of
 * its alerts that is not closed (or not yet created: its create may already have reached Halo
 * without the asset) gets a write that adds the asset, queued behind the alert's other writes.
 * The write reads the ticket first and adds the asset to those it has: idempotent, and an asset
 * a technician added in Halo stays. Called inside the transaction that sets the link. */
static gboolean
queue_ticket_assets (HyStore *store, const char *computer_id, gint64 asset_id, GError **error)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) alerts = NULL;

  query.computer_id = computer_id;
  alerts = hy_store_list (store, HY_RECORD_KIND_ALERT, &query, error);
  if (alerts == NULL)
    return FALSE;
  for (guint i = 0; i < alerts->len; i++)
    {
      HyAlert *alert = g_ptr_array_index (alerts, i);
      g_autoptr (JsonBuilder) b = NULL;
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *payload = NULL;

      if ((alert->state != HY_ALERT_STATE_DELIVERED && alert->state != HY_ALERT_STATE_QUEUED) ||
          alert_ticket_closed (store, alert))
        continue;
      b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "alert");
      json_builder_add_string_value (b, alert->id);
      json_builder_set_member_name (b, "asset_id");
      json_builder_add_int_value (b, asset_id);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      payload = node_to_string (root);
      if (!enqueue (store, HY_SYNC_KIND_TICKET_ASSET, alert->id, payload, error))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Asset planning                                                            */
/* ------------------------------------------------------------------------- */

typedef enum
{
  PLAN_UNCHANGED,
  PLAN_UPDATE,
  PLAN_CREATE,
  PLAN_FAILED,
  PLAN_QUEUED, /* an earlier write for it is still in the outbox */
} PlanAction;

typedef struct
{
  HyComputer *computer;
  HySyncAssetSpec spec;
  char *inventory_number;
  char *fingerprint;
  gint64 halo_id;
  gboolean found; /* halo_id found by a Halo lookup, not yet linked */
  PlanAction action;
  char *reason;
  gint64 unsent_id; /* PLAN_QUEUED: the device's last queued asset write, never sent: it takes
                     * the device as it is now */
} PlanItem;

typedef struct
{
  char *group_id;
  guint devices;
  guint synced;
  guint failed;
  guint queued;
  char *reason;
} GroupPlan;

static void
plan_item_free (PlanItem *item)
{
  hy_computer_free (item->computer);
  g_free (item->inventory_number);
  g_free (item->fingerprint);
  g_free (item->reason);
  g_free (item);
}

static void
group_plan_free (GroupPlan *group)
{
  g_free (group->group_id);
  g_free (group->reason);
  g_free (group);
}

typedef struct
{
  GPtrArray *items;  /* PlanItem */
  GPtrArray *groups; /* GroupPlan, one per group with an effective mapping */
} Plan;

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->items, g_ptr_array_unref);
  g_clear_pointer (&plan->groups, g_ptr_array_unref);
}

static GHashTable *
index_by_id (GPtrArray *records, HyRecordKind kind)
{
  GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < records->len; i++)
    {
      gpointer r = g_ptr_array_index (records, i);
      g_hash_table_insert (h, (gpointer) hy_record_get_id (kind, r), r);
    }
  return h;
}

static gboolean
os_is_server (const char *os)
{
  g_autofree char *lower = os != NULL ? g_ascii_strdown (os, -1) : NULL;

  return lower != NULL && strstr (lower, "server") != NULL;
}

/* Decides, locally, what each device of a mapped group needs. */
/* The name of a Halo client as Halyard knows it (its cache), for messages. */
static char *
client_label (HyStore *store, gint64 client_id)
{
  g_autoptr (HyCacheRecord) client =
      hy_store_cache_get (store, HY_CACHE_KIND_CLIENT, client_id, NULL);

  if (client != NULL && client->name != NULL)
    return g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", client->name, client_id);
  return g_strdup_printf ("%" G_GINT64_FORMAT, client_id);
}

/* Where @computer's asset goes: its company's linked client (a device without a company takes
 * its group's); the group mapping's site (it belongs to that client), else the location's link,
 * else the client's main site. Returns NULL with *client_id and *site_id set, or why the device
 * cannot be synced (translated): its company is not linked, or is linked to another client than
 * its group's (both named), or no site is known. */
static char *
device_placement (HyStore *store,
                  const HyGroup *group,
                  const HyGroupMapping *mapping,
                  const HyComputer *computer,
                  const HyCompany *company,
                  GHashTable *location_by_id,
                  gint64 *client_id,
                  gint64 *site_id)
{
  *client_id = 0;
  *site_id = 0;
  if (company != NULL && (company->link.how == HY_LINK_HOW_NONE || company->link.halo_id <= 0))
    return g_strdup_printf (_ ("The company “%s” is not linked to a Halo client: link it to sync "
                               "%s"),
                            company->name, computer->name);
  *client_id = company != NULL ? company->link.halo_id : mapping->client_id;
  if (*client_id != mapping->client_id)
    {
      g_autofree char *own = client_label (store, *client_id);
      g_autofree char *mapped = client_label (store, mapping->client_id);

      /* Translators: the first %s is a computer, the second its company, the third that
       * company's Halo client, the fourth the computer's group, the fifth the group's client */
      return g_strdup_printf (_ ("%s belongs to %s, whose Halo client is %s, but its group “%s” "
                                 "syncs to %s: a customer’s devices never go to another "
                                 "customer. Move it to a group of its own company, or map the "
                                 "group to its client"),
                              computer->name, company->name, own, group->name, mapped);
    }
  if (mapping->site_id > 0)
    *site_id = mapping->site_id;
  else if (computer->location_id != NULL)
    {
      HyLocation *loc = g_hash_table_lookup (location_by_id, computer->location_id);

      if (loc != NULL && loc->link.how != HY_LINK_HOW_NONE && loc->link.halo_id > 0)
        *site_id = loc->link.halo_id;
    }
  if (*site_id <= 0)
    {
      /* Without a site Halo files the asset under its "Unknown" client: the client's main site
       * (main_site_id, kept in the cache by refresh). */
      g_autoptr (HyCacheRecord) client =
          hy_store_cache_get (store, HY_CACHE_KIND_CLIENT, *client_id, NULL);

      if (client != NULL && client->site_id > 0)
        *site_id = client->site_id;
    }
  if (*site_id <= 0)
    {
      g_autofree char *own = client_label (store, *client_id);

      /* Translators: the first %s is a computer, the second a Halo client */
      return g_strdup_printf (_ ("No Halo site is known for %s: Halo files an asset without a "
                                 "site under its “Unknown” client. Fetch Halo’s records "
                                 "(halyard-cli refresh) for the main site of %s, or map the "
                                 "group to a site"),
                              computer->name, own);
    }
  return NULL;
}

static gboolean
plan_assets (Run *run, Plan *plan, GError **error)
{
  HyStore *store = run->self->store;
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GPtrArray) companies = NULL;
  g_autoptr (GPtrArray) locations = NULL;
  g_autoptr (GHashTable) company_by_id = NULL;
  g_autoptr (GHashTable) location_by_id = NULL;
  g_autoptr (GHashTable) fingerprints = NULL;
  g_autofree char *retired_assets = NULL;
  gboolean retired_inactive;

  plan->items = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_item_free);
  plan->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_plan_free);

  if (!hy_store_get_setting (store, HY_SYNC_SETTING_RETIRED_ASSETS, &retired_assets, error))
    return FALSE;
  retired_inactive = g_strcmp0 (retired_assets, "inactive") == 0;

  if ((groups = hy_store_list (store, HY_RECORD_KIND_GROUP, NULL, error)) == NULL ||
      (companies = hy_store_list (store, HY_RECORD_KIND_COMPANY, NULL, error)) == NULL ||
      (locations = hy_store_list (store, HY_RECORD_KIND_LOCATION, NULL, error)) == NULL ||
      (fingerprints = hy_store_get_asset_fingerprints (store, NULL, error)) == NULL)
    return FALSE;

  company_by_id = index_by_id (companies, HY_RECORD_KIND_COMPANY);
  location_by_id = index_by_id (locations, HY_RECORD_KIND_LOCATION);

  for (guint g = 0; g < groups->len; g++)
    {
      HyGroup *group = g_ptr_array_index (groups, g);
      g_autoptr (HyGroupMapping) mapping = NULL;
      HyStoreQuery query = HY_STORE_QUERY_INIT;
      g_autoptr (GPtrArray) computers = NULL;
      GroupPlan *gp;

      /* Subgroups inherit their nearest mapped ancestor's mapping: the linker's rule. */
      if (!hy_linker_resolve_group_mapping (store, group->id, &mapping, error))
        return FALSE;
      if (mapping == NULL)
        continue;

      query.group_id = group->id;
      computers = hy_store_list (store, HY_RECORD_KIND_COMPUTER, &query, error);
      if (computers == NULL)
        return FALSE;
      gp = g_new0 (GroupPlan, 1);
      gp->group_id = g_strdup (group->id);
      g_ptr_array_add (plan->groups, gp);

      for (guint c = 0; c < computers->len; c++)
        {
          HyComputer *computer = g_ptr_array_index (computers, c);
          PlanItem *item = g_new0 (PlanItem, 1);
          HyCompany *company = computer->company_id
                                   ? g_hash_table_lookup (company_by_id, computer->company_id)
                                   : NULL;
          g_autofree char *key = record_key ("computer", computer->id);
          const char *stored;

          item->computer = hy_record_copy (HY_RECORD_KIND_COMPUTER, computer);
          g_ptr_array_add (plan->items, item);
          gp->devices++;

          /* A customer's data never lands under another customer (DESIGN.md, "Which Halo
           * client and site a device belongs to"). */
          item->reason = device_placement (store, group, mapping, computer, company, location_by_id,
                                           &item->spec.client_id, &item->spec.site_id);
          if (item->reason != NULL)
            {
              item->action = PLAN_FAILED;
              gp->failed++;
              if (gp->reason == NULL)
                gp->reason = g_strdup (item->reason);
              continue;
            }

          item->spec.computer_id = item->computer->id;
          item->spec.name = item->computer->name;
          item->spec.serial = item->computer->serial;
          item->spec.os = item->computer->os;
          item->spec.ip = item->computer->ip;
          item->spec.mac = item->computer->mac;
          item->spec.send_inactive = retired_inactive;
          item->spec.retired = computer->retired != 0;
          item->inventory_number = hy_sync_asset_inventory_number (computer->id);
          item->fingerprint = hy_sync_asset_fingerprint (&item->spec);
          if (item->computer->link.how != HY_LINK_HOW_NONE && item->computer->link.halo_id > 0)
            item->halo_id = item->computer->link.halo_id;
          if (item->halo_id > 0)
            {
              /* Linked to an asset Halo keeps under another client: reported, never moved. */
              g_autoptr (HyCacheRecord) linked =
                  hy_store_cache_get (store, HY_CACHE_KIND_ASSET, item->halo_id, NULL);

              if (linked != NULL && linked->client_id > 0 &&
                  linked->client_id != item->spec.client_id)
                {
                  g_autofree char *theirs = client_label (store, linked->client_id);
                  g_autofree char *own = client_label (store, item->spec.client_id);

                  item->action = PLAN_FAILED;
                  /* Translators: the first %s is a computer, %lld a Halo asset id, the second
                   * and third %s Halo clients */
                  item->reason = g_strdup_printf (
                      _ ("%s is linked to Halo asset %lld of %s, not of %s, the client of its "
                         "company: a sync never moves an asset to another client. Link it to "
                         "an asset of %s (halyard-cli link set computer), or correct its "
                         "company’s link"),
                      computer->name, (long long) item->halo_id, theirs, own, own);
                  gp->failed++;
                  if (gp->reason == NULL)
                    gp->reason = g_strdup (item->reason);
                  continue;
                }
            }

          if (key_has_outstanding (run, key))
            {
              GArray *arr = g_hash_table_lookup (run->outstanding, key);
              Outstanding *last = &g_array_index (arr, Outstanding, arr->len - 1);

              item->action = PLAN_QUEUED;
              if (last->state == HY_OUTBOX_STATE_PENDING && !last->sent)
                item->unsent_id = last->id;
              gp->queued++;
              continue;
            }
          stored = g_hash_table_lookup (fingerprints, computer->id);
          if (item->halo_id > 0)
            {
              if (stored != NULL && strcmp (stored, item->fingerprint) == 0)
                {
                  item->action = PLAN_UNCHANGED;
                  gp->synced++;
                }
              else
                item->action = PLAN_UPDATE;
            }
          else if (computer->retired != 0)
            {
              /* A retired computer gets no new asset. */
              item->action = PLAN_UNCHANGED;
              gp->synced++;
            }
          else
            item->action = PLAN_CREATE;
        }
    }
  return TRUE;
}

static char *
match_key (gint64 client_id, const char *value, gboolean fold)
{
  g_autofree char *v = fold ? g_utf8_casefold (value, -1) : g_strdup (value);

  return g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s", client_id, v);
}

static void
index_add (GHashTable *h, char *key, HyHaloRecord *r)
{
  GPtrArray *arr = g_hash_table_lookup (h, key);

  if (arr == NULL)
    {
      arr = g_ptr_array_new ();
      g_hash_table_insert (h, key, arr);
    }
  else
    g_free (key);
  g_ptr_array_add (arr, r);
}

/* The one asset of @h under @key that no other computer is linked to; NULL (and *ambiguous)
 * when there are several. */
static HyHaloRecord *
index_pick (GHashTable *h, const char *key, GHashTable *taken, gboolean *ambiguous)
{
  GPtrArray *arr = g_hash_table_lookup (h, key);
  HyHaloRecord *pick = NULL;
  guint n = 0;

  if (arr == NULL)
    return NULL;
  for (guint i = 0; i < arr->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (arr, i);
      gint64 id = hy_halo_record_get_id (r);
      if (g_hash_table_contains (taken, &id))
        continue;
      pick = r;
      n++;
    }
  if (n > 1)
    {
      *ambiguous = TRUE;
      return NULL;
    }
  return pick;
}


static guint
pages_of (gint64 count)
{
  return (guint) MAX (1, (count + 99) / 100);
}

/* Halo's assets of @clients (gint64 set): one list per client when that takes fewer pages
 * than listing every asset (estimated from the cache), else every asset — checked on its first
 * page, which stops it when the cache was stale. So a delta sync with a new device reads its
 * client, not the whole of Halo. */
static GPtrArray *
list_halo_assets (Run *run, GHashTable *clients, GError **error)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_halo_record_unref);
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  guint global_pages, per_client_pages = 0;
  GHashTableIter iter;
  gpointer key;

  global_pages =
      pages_of (MAX (0, hy_store_cache_count (run->self->store, HY_CACHE_KIND_ASSET, NULL, NULL)));
  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      query.halo_client_id = *(gint64 *) key;
      per_client_pages += pages_of (
          MAX (0, hy_store_cache_count (run->self->store, HY_CACHE_KIND_ASSET, &query, NULL)));
    }

  if (per_client_pages >= global_pages)
    {
      /* Every asset — unless its first page's record_count shows that the cache was stale and
       * it takes more pages than the clients' lists. */
      Call call = { .self = run->self,
                    .op = OP_LIST_ASSETS,
                    .priority = HY_HALO_PRIORITY_BULK,
                    .cancellable = run->cancellable,
                    .max_pages = MAX (per_client_pages, 1u),
                    .id = 0 };
      if (!call_run_or_propagate (&call, error))
        {
          g_ptr_array_unref (records);
          return NULL;
        }
      if (!call.list->truncated)
        {
          for (guint i = 0; i < call.list->records->len; i++)
            g_ptr_array_add (records,
                             hy_halo_record_ref (g_ptr_array_index (call.list->records, i)));
          call_clear (&call);
          return records;
        }
      call_clear (&call);
    }
  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Call call = { .self = run->self,
                    .op = OP_LIST_ASSETS,
                    .priority = HY_HALO_PRIORITY_BULK,
                    .cancellable = run->cancellable,
                    .id = *(gint64 *) key };
      if (!call_run_or_propagate (&call, error))
        {
          g_ptr_array_unref (records);
          return NULL;
        }
      for (guint i = 0; i < call.list->records->len; i++)
        g_ptr_array_add (records, hy_halo_record_ref (g_ptr_array_index (call.list->records, i)));
      call_clear (&call);
    }
  return records;
}

/* Before creating, finds devices that already have an asset in Halo: by the stable asset number,
 * then by name, then by serial, within the client (checked on each returned record). */
static gboolean
plan_find_existing (Run *run, Plan *plan, GError **error)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GHashTable) clients =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) by_inv = NULL;
  g_autoptr (GHashTable) by_name = NULL;
  g_autoptr (GHashTable) by_serial = NULL;
  g_autoptr (GHashTable) taken = NULL;
  g_autoptr (GPtrArray) links = NULL;

  for (guint i = 0; i < plan->items->len; i++)
    {
      PlanItem *item = g_ptr_array_index (plan->items, i);
      if (item->action == PLAN_CREATE)
        g_hash_table_add (clients, g_memdup2 (&item->spec.client_id, sizeof (gint64)));
    }
  if (g_hash_table_size (clients) == 0)
    return TRUE;

  links = hy_store_list_links (run->self->store, HY_RECORD_KIND_COMPUTER, NULL, error);
  if (links == NULL)
    return FALSE;
  taken = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < links->len; i++)
    {
      HyLink *l = g_ptr_array_index (links, i);
      if (l->link.how != HY_LINK_HOW_NONE && l->link.halo_id > 0)
        g_hash_table_add (taken, g_memdup2 (&l->link.halo_id, sizeof (gint64)));
    }

  records = list_halo_assets (run, clients, error);
  if (records == NULL)
    return FALSE;
  by_inv =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  by_name =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  by_serial =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < records->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (records, i);
      gint64 client = hy_halo_record_get_client_id (r);
      const char *inv = hy_halo_record_get_string (r, "inventory_number");
      const char *name = hy_halo_record_get_string (r, "key_field");

      if (hy_halo_record_get_id (r) <= 0 || client <= 0 ||
          hy_halo_record_get_boolean (r, "inactive"))
        continue;
      if (inv != NULL && *inv)
        index_add (by_inv, match_key (client, inv, FALSE), r);
      if (name != NULL && *name)
        index_add (by_name, match_key (client, name, TRUE), r);
      /* The serial: Halo has no serial member, it is the type's field named like "Serial
       * Number" (one index entry per record) */
      {
        JsonNode *fields = json_object_get_member (hy_halo_record_get_object (r), "fields");
        if (fields != NULL && JSON_NODE_HOLDS_ARRAY (fields))
          for (guint f = 0; f < json_array_get_length (json_node_get_array (fields)); f++)
            {
              JsonNode *el = json_array_get_element (json_node_get_array (fields), f);
              const char *fname, *value;
              g_autofree char *lower = NULL;
              if (!JSON_NODE_HOLDS_OBJECT (el))
                continue;
              fname = hy_sync_json_string (json_node_get_object (el), "name");
              value = hy_sync_json_string (json_node_get_object (el), "value");
              lower = fname != NULL ? g_ascii_strdown (fname, -1) : NULL;
              if (lower != NULL && strstr (lower, "serial") != NULL && value != NULL && *value)
                {
                  index_add (by_serial, match_key (client, value, TRUE), r);
                  if (run->learned_serial_field_id <= 0)
                    run->learned_serial_field_id =
                        hy_sync_json_int (json_node_get_object (el), "id");
                }
            }
      }
    }

  for (guint i = 0; i < plan->items->len; i++)
    {
      PlanItem *item = g_ptr_array_index (plan->items, i);
      HyHaloRecord *found = NULL;
      gboolean ambiguous = FALSE;
      g_autofree char *k = NULL;

      if (item->action != PLAN_CREATE)
        continue;
      k = match_key (item->spec.client_id, item->inventory_number, FALSE);
      found = index_pick (by_inv, k, taken, &ambiguous);
      if (found == NULL && !ambiguous && item->spec.name != NULL && *item->spec.name)
        {
          g_free (k);
          k = match_key (item->spec.client_id, item->spec.name, TRUE);
          found = index_pick (by_name, k, taken, &ambiguous);
        }
      if (found == NULL && !ambiguous && item->spec.serial != NULL && *item->spec.serial)
        {
          g_free (k);
          k = match_key (item->spec.client_id, item->spec.serial, TRUE);
          found = index_pick (by_serial, k, taken, &ambiguous);
        }
      if (ambiguous)
        {
          item->action = PLAN_FAILED;
          /* Translators: %s is a computer name */
          item->reason = g_strdup_printf (_ ("Several Halo assets of the client match %s: link it "
                                             "to the right one by hand (halyard-cli link set "
                                             "computer)"),
                                          item->computer->name);
          continue;
        }
      if (found != NULL)
        {
          gint64 id = hy_halo_record_get_id (found);
          item->halo_id = id;
          item->found = TRUE;
          item->action = PLAN_UPDATE;
          g_hash_table_add (taken, g_memdup2 (&id, sizeof (gint64)));
        }
    }
  return TRUE;
}

static JsonNode *
plan_describe (PlanItem *item, gboolean queued)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "computer");
  json_builder_add_string_value (b, item->computer->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, item->computer->name);
  json_builder_set_member_name (b, "group");
  json_builder_add_string_value (b, item->computer->group_id);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_int_value (b, item->spec.client_id);
  json_builder_set_member_name (b, "site_id");
  if (item->spec.site_id > 0)
    json_builder_add_int_value (b, item->spec.site_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "inventory_number");
  json_builder_add_string_value (b, item->inventory_number);
  json_builder_set_member_name (b, "serial");
  if (item->spec.serial != NULL && *item->spec.serial)
    json_builder_add_string_value (b, item->spec.serial);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "asset_id");
  if (item->halo_id > 0)
    json_builder_add_int_value (b, item->halo_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "found");
  json_builder_add_boolean_value (b, item->found);
  /* Queued by an earlier run and not yet delivered: the next sync sends it. */
  json_builder_set_member_name (b, "queued");
  json_builder_add_boolean_value (b, queued);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
asset_item_payload (Run *run, PlanItem *item)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) asset = NULL;
  g_autoptr (JsonNode) root = NULL;
  HySyncAssetSpec spec = item->spec;
  gboolean server = os_is_server (item->computer->os);

  spec.assettype_id = server ? run->server_assettype_id : run->assettype_id;
  spec.name_field_id = server ? run->server_name_field_id : run->name_field_id;
  spec.serial_field_id = server ? run->server_serial_field_id : run->serial_field_id;
  asset = hy_sync_asset_payload (&spec, item->action == PLAN_UPDATE ? item->halo_id : 0);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "computer");
  json_builder_add_string_value (b, item->computer->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, item->computer->name);
  json_builder_set_member_name (b, "fingerprint");
  json_builder_add_string_value (b, item->fingerprint);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_int_value (b, item->spec.client_id);
  json_builder_set_member_name (b, "inventory_number");
  json_builder_add_string_value (b, item->inventory_number);
  json_builder_set_member_name (b, "asset");
  json_builder_add_value (b, g_steal_pointer (&asset));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return node_to_string (root);
}

typedef struct
{
  Run *run;
  Plan *plan;
} EnqueueData;

/* A device renamed (or changed otherwise) while its asset write waits unsent in the outbox:
 * the write takes the device as it is now, so the change goes out with it, not never. A write
 * that may have reached Halo is left as it is (Halo may have what it holds): the plan made
 * after its delivery sends the change. */
static gboolean
rewrite_unsent (Run *run, HyStore *store, PlanItem *item, GError **error)
{
  g_autoptr (HyOutboxItem) queued = hy_store_outbox_get (store, item->unsent_id, NULL);
  g_autoptr (GError) local = NULL;
  g_autoptr (JsonNode) old = NULL;
  g_autofree char *payload = NULL;
  PlanAction action = item->action;
  gint64 halo_id = item->halo_id;
  const char *fingerprint;

  if (queued == NULL || queued->state != HY_OUTBOX_STATE_PENDING || queued->attempts > 0 ||
      !g_str_has_prefix (queued->kind, "asset."))
    return TRUE;
  old = parse_json (queued->payload);
  if (old == NULL || !JSON_NODE_HOLDS_OBJECT (old))
    return TRUE;
  fingerprint = hy_sync_json_string (json_node_get_object (old), "fingerprint");
  if (g_strcmp0 (fingerprint, item->fingerprint) == 0)
    return TRUE;
  if (g_strcmp0 (queued->kind, HY_SYNC_KIND_ASSET_CREATE) == 0)
    {
      item->action = PLAN_CREATE;
      item->halo_id = 0;
    }
  else
    {
      JsonObject *asset = json_object_get_object_member (json_node_get_object (old), "asset");
      item->action = PLAN_UPDATE;
      if (asset != NULL && hy_sync_json_int (asset, "id") > 0)
        item->halo_id = hy_sync_json_int (asset, "id");
    }
  payload = asset_item_payload (run, item);
  item->action = action;
  item->halo_id = halo_id;
  if (!hy_store_outbox_rewrite (store, queued->id, payload, &local))
    {
      /* Claimed meanwhile: the plan made after its delivery sends the change. */
      if (!g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
enqueue_assets_txn (HyStore *store, gpointer user_data, GError **error)
{
  EnqueueData *data = user_data;
  Run *run = data->run;

  for (guint i = 0; i < data->plan->items->len; i++)
    {
      PlanItem *item = g_ptr_array_index (data->plan->items, i);
      g_autofree char *key = NULL;
      g_autofree char *payload = NULL;
      const char *kind;
      gint64 id;

      if (item->action == PLAN_QUEUED && item->unsent_id > 0)
        {
          if (!rewrite_unsent (run, store, item, error))
            return FALSE;
          continue;
        }
      if (item->action != PLAN_CREATE && item->action != PLAN_UPDATE)
        continue;
      if (item->found &&
          (!hy_store_link_set (store, HY_RECORD_KIND_COMPUTER, item->computer->id, item->halo_id,
                               item->computer->name, HY_LINK_HOW_AUTO, error) ||
           !queue_ticket_assets (store, item->computer->id, item->halo_id, error)))
        return FALSE;
      key = record_key ("computer", item->computer->id);
      payload = asset_item_payload (run, item);
      kind = item->action == PLAN_CREATE ? HY_SYNC_KIND_ASSET_CREATE : HY_SYNC_KIND_ASSET_UPDATE;
      id = hy_store_outbox_enqueue (store, kind, key, payload, HY_SYNC_PRIORITY_ASSET, error);
      if (id <= 0)
        return FALSE;
      {
        HyOutboxItem o = {
          .id = id, .record_key = key, .state = HY_OUTBOX_STATE_PENDING, .kind = (char *) kind
        };
        outstanding_add (run, &o);
      }
    }
  for (guint g = 0; g < data->plan->groups->len; g++)
    {
      GroupPlan *gp = g_ptr_array_index (data->plan->groups, g);
      if (!hy_store_set_group_sync (store, gp->group_id, HY_SYNC_STATE_SYNCING, gp->synced,
                                    gp->failed, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Delivering assets                                                         */
/* ------------------------------------------------------------------------- */

typedef struct
{
  HyOutboxItem *item; /* borrowed */
  JsonNode *payload;  /* the wrapper */
  const char *computer;
  const char *name;
  const char *fingerprint;
  const char *inventory_number;
  gint64 client_id;
  gint64 halo_id; /* known or found */
  char *owned[4]; /* a deferred write's copies of the strings above, its payload dropped */
} AssetWrite;

static void
asset_write_clear (AssetWrite *w)
{
  g_clear_pointer (&w->payload, json_node_unref);
  for (guint i = 0; i < G_N_ELEMENTS (w->owned); i++)
    g_clear_pointer (&w->owned[i], g_free);
}

static gboolean
asset_write_init (AssetWrite *w, HyOutboxItem *item)
{
  JsonObject *o;

  memset (w, 0, sizeof *w);
  w->item = item;
  w->payload = parse_json (item->payload);
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
asset_write_body (AssetWrite *w)
{
  return json_object_get_object_member (json_node_get_object (w->payload), "asset");
}

/* A device of the run's plan is now in Halo: its group's count goes up (written per batch). */
static void
run_progress (Run *run, const char *computer_id)
{
  GroupPlan *gp;

  if (run->group_of == NULL)
    return;
  gp = g_hash_table_lookup (run->group_of, computer_id);
  if (gp == NULL)
    return;
  gp->synced++;
  g_hash_table_add (run->touched, gp);
}

static void
run_write_progress (Run *run)
{
  GHashTableIter iter;
  gpointer key;

  if (run->touched == NULL || g_hash_table_size (run->touched) == 0)
    return;
  g_hash_table_iter_init (&iter, run->touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GroupPlan *gp = key;
      hy_store_set_group_sync (run->self->store, gp->group_id, HY_SYNC_STATE_SYNCING,
                               MIN (gp->synced, gp->devices), gp->failed, NULL, NULL);
    }
  g_hash_table_remove_all (run->touched);
}

/* Records a delivered asset write: the link (for a create), the fingerprint, DONE. */
static void
asset_write_done (Run *run, AssetWrite *w, gboolean created)
{
  g_autoptr (GError) error = NULL;
  HyStore *store = run->self->store;

  if (!hy_store_begin (store, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  if ((created && (!hy_store_link_set (store, HY_RECORD_KIND_COMPUTER, w->computer, w->halo_id,
                                       w->name, HY_LINK_HOW_AUTO, &error) ||
                   !queue_ticket_assets (store, w->computer, w->halo_id, &error))) ||
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
  outstanding_remove (run, w->item->record_key, w->item->id);
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
  AssetWrite *first = g_ptr_array_index (writes, 0);

  if (writes->len == 1)
    return g_strdup (first->item->record_key);
  return g_strdup_printf ("%s +%u", first->item->record_key, writes->len - 1);
}

/* One asset list — of @client_id, or of every asset (0), capped at @max_pages (0: no cap) —
 * matched against the writes still without an id, by client and asset number (each record
 * checked here: Halo may ignore the filter). *truncated when the cap stopped it after its first
 * page. FALSE when Halo could not be asked. */
static gboolean
lookup_in_list (Run *run,
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
  Call call = { .self = run->self,
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
      AssetWrite *w = g_ptr_array_index (writes, i);
      if (w->halo_id <= 0 && (client_id == 0 || w->client_id == client_id))
        {
          g_ptr_array_add (of_client, w);
          if (w->inventory_number != NULL)
            g_hash_table_insert (by_key, match_key (w->client_id, w->inventory_number, FALSE), w);
        }
    }
  if (of_client->len == 0)
    return TRUE;
  tag = batch_tag (of_client);
  call.record = tag;
  if (!call_run_or_propagate (&call, error))
    return FALSE;
  if (truncated != NULL)
    *truncated = call.list->truncated;
  for (guint r = 0; r < call.list->records->len; r++)
    {
      HyHaloRecord *rec = g_ptr_array_index (call.list->records, r);
      const char *number = hy_halo_record_get_string (rec, "inventory_number");
      g_autofree char *k = NULL;
      AssetWrite *w;

      if (number == NULL)
        continue;
      k = match_key (hy_halo_record_get_client_id (rec), number, FALSE);
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
  call_clear (&call);
  return TRUE;
}

/* The clients (gint64 set) of the writes still without an id. */
static GHashTable *
unfound_clients (GPtrArray *writes)
{
  GHashTable *clients = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < writes->len; i++)
    {
      AssetWrite *w = g_ptr_array_index (writes, i);
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
static gboolean
lookup_created_assets (Run *run, GPtrArray *writes, GError **error)
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
          AssetWrite *w = g_ptr_array_index (writes, i);
          if (w->halo_id <= 0 && w->client_id == *(gint64 *) key)
            of_client++;
        }
      query.halo_client_id = *(gint64 *) key;
      per_client_pages +=
          pages_of (of_client + MAX (0, hy_store_cache_count (run->self->store, HY_CACHE_KIND_ASSET,
                                                              &query, NULL)));
      total += of_client;
    }
  if (g_hash_table_size (clients) > 1 && pages_of (total) < per_client_pages)
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

static void deliver_asset_writes (Run *run, GPtrArray *writes, gboolean create);

static void
deliver_asset_writes (Run *run, GPtrArray *writes, gboolean create)
{
  g_autoptr (GPtrArray) bodies = g_ptr_array_new ();
  g_autofree char *tag = batch_tag (writes);
  g_autoptr (GPtrArray) todo = g_ptr_array_new ();
  Call call = { .self = run->self,
                .op = OP_SAVE_ASSETS,
                .priority = HY_HALO_PRIORITY_BULK,
                .cancellable = run->cancellable };

  /* A create tried before may have reached Halo: look it up before sending it again. */
  if (create)
    {
      g_autoptr (GPtrArray) retried = g_ptr_array_new ();
      g_autoptr (GError) error = NULL;
      for (guint i = 0; i < writes->len; i++)
        {
          AssetWrite *w = g_ptr_array_index (writes, i);
          if (w->item->attempts > 0)
            g_ptr_array_add (retried, w);
        }
      if (retried->len > 0 && !lookup_created_assets (run, retried, &error))
        {
          for (guint i = 0; i < writes->len; i++)
            item_failed (run, ((AssetWrite *) g_ptr_array_index (writes, i))->item, error);
          return;
        }
    }
  for (guint i = 0; i < writes->len; i++)
    {
      AssetWrite *w = g_ptr_array_index (writes, i);
      if (create && w->halo_id > 0)
        asset_write_done (run, w, TRUE);
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
  if (call_run (&call))
    {
      for (guint i = 0; i < todo->len; i++)
        {
          AssetWrite *w = g_ptr_array_index (todo, i);
          HyHaloRecord *saved = i < call.saved->len ? g_ptr_array_index (call.saved, i) : NULL;
          gint64 id = saved != NULL ? hy_halo_record_get_id (saved) : 0;
          if (id > 0 && (!create || w->halo_id <= 0))
            w->halo_id = id;
        }
      call_clear (&call);
      {
        g_autoptr (GPtrArray) missing = g_ptr_array_new ();
        g_autoptr (GError) error = NULL;
        for (guint i = 0; i < todo->len; i++)
          {
            AssetWrite *w = g_ptr_array_index (todo, i);
            if (w->halo_id > 0)
              asset_write_done (run, w, create);
            else if (create && run->deferred != NULL)
              {
                /* Saved, id unknown: stays INFLIGHT (a crash looks it up before resending) */
                AssetWrite *d = g_new0 (AssetWrite, 1);

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
            else
              g_ptr_array_add (missing, w);
          }
        if (missing->len > 0)
          {
            g_set_error_literal (&error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                                 _ ("Halo did not return the saved asset"));
            for (guint i = 0; i < missing->len; i++)
              item_failed (run, ((AssetWrite *) g_ptr_array_index (missing, i))->item, error);
          }
      }
      return;
    }

  /* Failed. Halo may have saved some: look the creates up first. */
  {
    g_autoptr (GError) cause = g_steal_pointer (&call.error);
    g_autoptr (GPtrArray) left = g_ptr_array_new ();
    call_clear (&call);

    if (create && error_outcome_uncertain (cause))
      {
        g_autoptr (GError) lookup_error = NULL;
        if (!lookup_created_assets (run, todo, &lookup_error))
          {
            /* Cannot tell: try again later, and look up again first. */
            for (guint i = 0; i < todo->len; i++)
              item_failed (run, ((AssetWrite *) g_ptr_array_index (todo, i))->item, lookup_error);
            return;
          }
      }
    for (guint i = 0; i < todo->len; i++)
      {
        AssetWrite *w = g_ptr_array_index (todo, i);
        if (create && w->halo_id > 0)
          asset_write_done (run, w, TRUE);
        else
          g_ptr_array_add (left, w);
      }
    if (left->len == 0)
      return;
    if (error_is_permanent (cause) && left->len > 1)
      {
        /* One bad asset refuses the whole batch: send them one by one to find it. */
        for (guint i = 0; i < left->len; i++)
          {
            g_autoptr (GPtrArray) one = g_ptr_array_new ();
            g_ptr_array_add (one, g_ptr_array_index (left, i));
            deliver_asset_writes (run, one, create);
          }
        return;
      }
    for (guint i = 0; i < left->len; i++)
      item_failed (run, ((AssetWrite *) g_ptr_array_index (left, i))->item, cause);
  }
}

static void
deliver_asset_items (Run *run, GPtrArray *items, gboolean create)
{
  g_autoptr (GPtrArray) writes = g_ptr_array_new ();
  AssetWrite *storage;

  if (items->len == 0)
    return;
  storage = g_new0 (AssetWrite, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);
      if (!asset_write_init (&storage[i], item))
        {
          item_dead (run, item, _ ("The queued asset write cannot be read"));
          continue;
        }
      g_ptr_array_add (writes, &storage[i]);
    }
  if (writes->len > 0)
    deliver_asset_writes (run, writes, create);
  for (guint i = 0; i < items->len; i++)
    asset_write_clear (&storage[i]);
  g_free (storage);
}

/* ------------------------------------------------------------------------- */
/* Delivering alert writes                                                   */
/* ------------------------------------------------------------------------- */

/* The most search hits read one by one to confirm: the marker is unique, so more hits than
 * this means Halo ignored the filter, and reading every ticket is not a look-up. */
#define MAX_TICKET_HITS 10

/* The ticket created for @alert, looked up by its stable key after a create whose outcome is
 * unknown (0: none). Halo's ticket lists carry no details, whatever the query asks
 * (HALO-API §11): the search narrows the client's tickets to those whose details contain the
 * marker line (search_details=<text>), and each hit is read with its details
 * (GET /Tickets/{id}?includedetails=true) and checked. */
static gboolean
lookup_ticket (Run *run,
               const HyAlert *alert,
               gint64 client_id,
               const char *record,
               gint64 *out_id,
               GError **error)
{
  g_autofree char *key = hy_sync_ticket_key (alert->id, alert->raised_at);
  g_autofree char *marker = g_strconcat ("Halyard alert: ", key, NULL);
  g_autoptr (GArray) hits = g_array_new (FALSE, FALSE, sizeof (gint64));
  Call search = { .self = run->self,
                  .op = OP_SEARCH_TICKETS,
                  .priority = HY_HALO_PRIORITY_ALERT,
                  .cancellable = run->cancellable,
                  .id = client_id,
                  .record = record,
                  .search = marker };

  *out_id = 0;
  if (!call_run_or_propagate (&search, error))
    return FALSE;
  for (guint i = 0; i < search.list->records->len && hits->len < MAX_TICKET_HITS; i++)
    {
      gint64 id = hy_halo_record_get_id (g_ptr_array_index (search.list->records, i));
      if (id > 0)
        g_array_append_val (hits, id);
    }
  call_clear (&search);

  for (guint i = 0; i < hits->len && *out_id == 0; i++)
    {
      Call get = { .self = run->self,
                   .op = OP_GET_TICKET,
                   .priority = HY_HALO_PRIORITY_ALERT,
                   .cancellable = run->cancellable,
                   .record = record,
                   .id = g_array_index (hits, gint64, i) };

      if (!call_run_or_propagate (&get, error))
        return FALSE;
      if (hy_sync_ticket_match (hy_halo_record_get_object (get.rec), key, client_id))
        *out_id = get.id;
      call_clear (&get);
    }
  return TRUE;
}

static gboolean
lookup_action (Run *run,
               gint64 ticket_id,
               const char *record,
               const char *note,
               const char *datetime,
               gboolean *out_found,
               GError **error)
{
  g_autofree char *query = g_strdup_printf ("ticket_id=%" G_GINT64_FORMAT, ticket_id);
  Call call = { .self = run->self,
                .op = OP_LIST,
                .priority = HY_HALO_PRIORITY_ALERT,
                .cancellable = run->cancellable,
                .kind = HY_HALO_KIND_ACTION,
                .record = record,
                .query = query,
                .check_member = "ticket_id",
                .check_value = ticket_id };

  *out_found = FALSE;
  if (!call_run_or_propagate (&call, error))
    return FALSE;
  for (guint i = 0; i < call.list->records->len && !*out_found; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (call.list->records, i);
      *out_found = hy_sync_action_match (hy_halo_record_get_object (r), ticket_id, note, datetime);
    }
  call_clear (&call);
  return TRUE;
}

static void
alert_delivered (Run *run, HyOutboxItem *item, const char *alert_id, gint64 ticket_id)
{
  g_autoptr (GError) error = NULL;
  HyStore *store = run->self->store;

  if (!hy_store_begin (store, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  if (!hy_store_set_alert_delivery (store, alert_id, HY_ALERT_STATE_DELIVERED, ticket_id, NULL,
                                    &error) ||
      !hy_store_outbox_complete (store, item->id, &error))
    {
      g_warning ("Recording ticket %" G_GINT64_FORMAT " of alert %s: %s", ticket_id, alert_id,
                 error->message);
      hy_store_rollback (store);
      return;
    }
  if (!hy_store_commit (store, &error))
    g_warning ("%s", error->message);
  outstanding_remove (run, item->record_key, item->id);
  run->report->delivered++;
}

static void
alert_item_failed (Run *run, HyOutboxItem *item, const char *alert_id, const GError *cause)
{
  guint dead_before = run->report->dead;

  item_failed (run, item, cause);
  if (run->report->dead > dead_before && g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CREATE) == 0)
    hy_store_set_alert_delivery (run->self->store, alert_id, HY_ALERT_STATE_DEAD, 0, cause->message,
                                 NULL);
}

static void
deliver_ticket_create (Run *run, HyOutboxItem *item, HyAlert *alert)
{
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  Route route;
  g_autofree char *reason = NULL;
  g_autoptr (JsonNode) body = NULL;
  HySyncTicketSpec spec = { 0 };
  gint64 ticket_id = 0;
  Call call = { .self = run->self,
                .op = OP_CREATE_TICKET,
                .priority = HY_HALO_PRIORITY_ALERT,
                .cancellable = run->cancellable,
                .record = item->record_key };

  if (alert->ticket_id > 0)
    {
      alert_delivered (run, item, alert->id, alert->ticket_id);
      return;
    }
  if (!route_alert (run->self->store, alert, &route, &reason))
    {
      /* The route went away since the alert was queued: keep the alert, with the reason. */
      hy_store_set_alert_delivery (run->self->store, alert->id, HY_ALERT_STATE_UNROUTED, 0, reason,
                                   NULL);
      item_complete (run, item);
      run->report->delivered--;
      return;
    }
  if (item->attempts > 0)
    {
      g_autoptr (GError) error = NULL;
      if (!lookup_ticket (run, alert, route.client_id, item->record_key, &ticket_id, &error))
        {
          alert_item_failed (run, item, alert->id, error);
          route_clear (&route);
          return;
        }
      if (ticket_id > 0)
        {
          alert_delivered (run, item, alert->id, ticket_id);
          route_clear (&route);
          return;
        }
    }

  spec.alert_id = alert->id;
  spec.raised_at = alert->raised_at;
  spec.summary = alert->summary;
  spec.details = alert->details;
  spec.severity = alert->severity;
  spec.computer_name = route.computer_name;
  spec.tickettype_id = route.tickettype_id;
  spec.client_id = route.client_id;
  spec.site_id = route.site_id;
  spec.asset_id = route.asset_id;
  hy_ticket_lifecycle_fill_spec (run->self->store, alert, &spec, &defaults);
  body = hy_sync_ticket_create_payload (&spec);
  call.object = json_node_get_object (body);
  if (call_run (&call))
    {
      ticket_id = call.rec != NULL ? hy_halo_record_get_id (call.rec) : 0;
      /* The status Halyard set: a status other than it on clear was changed by hand. */
      if (ticket_id > 0)
        hy_ticket_lifecycle_set_status (run->self->store, alert->id,
                                        hy_halo_record_get_int (call.rec, "status_id"));
      call_clear (&call);
      if (ticket_id > 0)
        {
          alert_delivered (run, item, alert->id, ticket_id);
          route_clear (&route);
          return;
        }
      g_set_error_literal (&call.error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                           _ ("Halo did not return the new ticket’s id"));
    }
  {
    g_autoptr (GError) cause = g_steal_pointer (&call.error);
    g_autoptr (GError) error = NULL;
    call_clear (&call);
    if (error_outcome_uncertain (cause))
      {
        if (!lookup_ticket (run, alert, route.client_id, item->record_key, &ticket_id, &error))
          {
            alert_item_failed (run, item, alert->id, error);
            route_clear (&route);
            return;
          }
        if (ticket_id > 0)
          {
            alert_delivered (run, item, alert->id, ticket_id);
            route_clear (&route);
            return;
          }
      }
    alert_item_failed (run, item, alert->id, cause);
  }
  route_clear (&route);
}

/* Whether Halo honours who_agentid for an application's token is uncertain (HALO-API §11): the
 * saved action Halo answered with says whom it recorded; when that is not the technician asked
 * for, the events log says so, with both names. */
static void
check_action_agent (Run *run, HyOutboxItem *item, const HySyncActionSpec *spec, HyHaloRecord *saved)
{
  gint64 recorded;
  g_autoptr (HyCacheRecord) asked = NULL;
  g_autofree char *asked_name = NULL;
  g_autofree char *recorded_name = NULL;
  g_autofree char *message = NULL;
  const char *who;

  if (spec->agent_id <= 0 || saved == NULL)
    return;
  recorded = hy_halo_record_get_int (saved, "who_agentid");
  if (recorded == spec->agent_id)
    return;
  asked = hy_store_cache_get (run->self->store, HY_CACHE_KIND_AGENT, spec->agent_id, NULL);
  asked_name = asked != NULL && asked->name != NULL
                   ? g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", asked->name, spec->agent_id)
                   : g_strdup_printf ("%" G_GINT64_FORMAT, spec->agent_id);
  who = hy_halo_record_get_string (saved, "who");
  if (recorded > 0)
    recorded_name = who != NULL && *who != '\0'
                        ? g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", who, recorded)
                        : g_strdup_printf ("%" G_GINT64_FORMAT, recorded);
  if (recorded_name != NULL)
    message = g_strdup_printf (
        /* Translators: the first %s is the Halo agent the action was recorded for, the second the
         * technician's Halo agent Halyard asked for; each is a name with its id in brackets */
        _ ("Halo recorded the action as done by %s, not by %s: it did not honour who_agentid for "
           "this application"),
        recorded_name, asked_name);
  else
    message = g_strdup_printf (
        /* Translators: %s is the technician's Halo agent, a name with its id in brackets */
        _ ("Halo did not say whom it recorded the action for (asked: %s)"), asked_name);
  report_warning (run->self, "POST", "/api/Actions", item->record_key, message);
}

static void
deliver_action (Run *run, HyOutboxItem *item, HyAlert *alert, JsonObject *payload)
{
  HySyncActionSpec spec = { 0 };
  g_autoptr (JsonNode) body = NULL;
  Call call = { .self = run->self,
                .op = OP_CREATE_ACTION,
                .priority = HY_HALO_PRIORITY_ALERT,
                .cancellable = run->cancellable,
                .record = item->record_key };
  gboolean found = FALSE;

  spec.ticket_id = alert->ticket_id;
  spec.outcome = hy_sync_json_string (payload, "outcome");
  spec.outcome_id = hy_sync_json_int (payload, "outcome_id");
  spec.note = hy_sync_json_string (payload, "note");
  spec.hours = hy_sync_minutes_to_hours ((guint) hy_sync_json_int (payload, "minutes"));
  spec.agent_id = hy_sync_json_int (payload, "agent_id");
  spec.datetime = hy_sync_json_string (payload, "datetime");
  if (spec.outcome == NULL)
    spec.outcome = "Private Note";

  if (item->attempts > 0)
    {
      g_autoptr (GError) error = NULL;
      if (!lookup_action (run, spec.ticket_id, item->record_key, spec.note, spec.datetime, &found,
                          &error))
        {
          item_failed (run, item, error);
          return;
        }
      if (found)
        {
          item_complete (run, item);
          return;
        }
    }
  body = hy_sync_action_payload (&spec);
  call.object = json_node_get_object (body);
  if (call_run (&call))
    {
      check_action_agent (run, item, &spec, call.rec);
      call_clear (&call);
      item_complete (run, item);
      return;
    }
  {
    g_autoptr (GError) cause = g_steal_pointer (&call.error);
    g_autoptr (GError) error = NULL;
    call_clear (&call);
    if (error_outcome_uncertain (cause))
      {
        if (!lookup_action (run, spec.ticket_id, item->record_key, spec.note, spec.datetime, &found,
                            &error))
          {
            item_failed (run, item, error);
            return;
          }
        if (found)
          {
            item_complete (run, item);
            return;
          }
      }
    item_failed (run, item, cause);
  }
}

/* call_run () for a write of @item: when it fails, @call is cleared and @item failed with its
 * error. */
static gboolean
call_run_for_item (Run *run, HyOutboxItem *item, Call *call)
{
  g_autoptr (GError) cause = NULL;

  if (call_run (call))
    return TRUE;
  cause = g_steal_pointer (&call->error);
  call_clear (call);
  item_failed (run, item, cause);
  return FALSE;
}

static gboolean choose_note_outcome (HyStore *store, gint64 *out_id, char **out_name);

/* Whether someone other than Halyard worked the alert's ticket: an action (or time) by another
 * agent, or a status Halyard did not set. FALSE when Halo could not be asked (@item failed). */
static gboolean
ticket_worked (Run *run, HyOutboxItem *item, HyAlert *alert, gboolean *out_worked, char **out_why)
{
  g_autofree char *query = g_strdup_printf ("ticket_id=%" G_GINT64_FORMAT, alert->ticket_id);
  Call me = { .self = run->self,
              .op = OP_AGENT_ME,
              .priority = HY_HALO_PRIORITY_ALERT,
              .cancellable = run->cancellable,
              .record = item->record_key };
  Call actions = { .self = run->self,
                   .op = OP_LIST,
                   .priority = HY_HALO_PRIORITY_ALERT,
                   .cancellable = run->cancellable,
                   .kind = HY_HALO_KIND_ACTION,
                   .record = item->record_key,
                   .query = query,
                   .check_member = "ticket_id",
                   .check_value = alert->ticket_id };
  Call ticket = { .self = run->self,
                  .op = OP_GET_TICKET,
                  .priority = HY_HALO_PRIORITY_ALERT,
                  .cancellable = run->cancellable,
                  .record = item->record_key,
                  .id = alert->ticket_id };
  gint64 set_status;

  *out_worked = FALSE;
  if (run->self->me_id <= 0)
    {
      if (!call_run_for_item (run, item, &me))
        return FALSE;
      run->self->me_id = hy_halo_record_get_id (me.rec);
      call_clear (&me);
    }
  if (!call_run_for_item (run, item, &actions))
    return FALSE;
  for (guint i = 0; i < actions.list->records->len && !*out_worked; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (actions.list->records, i);
      gint64 who = hy_halo_record_get_int (r, "who_agentid");

      if (who > 0 && who != run->self->me_id)
        {
          const char *name = hy_halo_record_get_string (r, "who");
          *out_worked = TRUE;
          *out_why = hy_ticket_lifecycle_worked_note (name, FALSE, NULL);
        }
    }
  call_clear (&actions);
  if (*out_worked)
    return TRUE;
  set_status = hy_ticket_lifecycle_get_set_status (run->self->store, alert->id);
  if (set_status <= 0)
    return TRUE; /* what Halyard set is not known: only the actions tell */
  if (!call_run_for_item (run, item, &ticket))
    return FALSE;
  if (hy_halo_record_get_int (ticket.rec, "status_id") != set_status)
    {
      *out_worked = TRUE;
      *out_why =
          hy_ticket_lifecycle_worked_note (NULL, TRUE,
                                           hy_halo_record_get_string (ticket.rec, "status_name"));
    }
  call_clear (&ticket);
  return TRUE;
}

static void
deliver_ticket_close (Run *run, HyOutboxItem *item, HyAlert *alert, JsonObject *payload)
{
  g_autoptr (JsonObject) fields = json_object_new ();
  gint64 status_id = hy_sync_json_int (payload, "status_id");
  gboolean on_clear = hy_sync_json_int (payload, "on_clear") != 0;
  gboolean reopen = hy_sync_json_int (payload, "reopen") != 0;
  Call call = { .self = run->self,
                .op = OP_UPDATE_TICKET,
                .priority = HY_HALO_PRIORITY_ALERT,
                .cancellable = run->cancellable,
                .record = item->record_key,
                .id = alert->ticket_id };

  if (on_clear)
    {
      gboolean worked = FALSE;
      g_autofree char *why = NULL;

      /* Close only what nobody worked (DESIGN.md "Ticket lifecycle"). */
      if (!ticket_worked (run, item, alert, &worked, &why))
        return;
      if (worked)
        {
          g_autoptr (JsonNode) body = NULL;
          g_autofree char *outcome = NULL;
          HySyncActionSpec spec = { 0 };
          Call note = { .self = run->self,
                        .op = OP_CREATE_ACTION,
                        .priority = HY_HALO_PRIORITY_ALERT,
                        .cancellable = run->cancellable,
                        .record = item->record_key };

          spec.ticket_id = alert->ticket_id;
          if (!choose_note_outcome (run->self->store, &spec.outcome_id, &outcome))
            outcome = g_strdup ("Private Note");
          spec.outcome = outcome;
          spec.note = why;
          body = hy_sync_action_payload (&spec);
          note.object = json_node_get_object (body);
          if (!call_run_for_item (run, item, &note))
            return;
          call_clear (&note);
          hy_ticket_lifecycle_kept_open (run->self->store, alert);
          {
            /* Not closed: a re-raise is a repeat on the ticket still open. */
            g_autofree char *key = resolved_key (alert->id);
            hy_store_set_setting (run->self->store, key, NULL, NULL);
          }
          item_complete (run, item);
          return;
        }
    }

  json_object_set_int_member (fields, "status_id", status_id);
  call.object = fields;
  if (call_run_for_item (run, item, &call))
    {
      call_clear (&call);
      if (on_clear)
        hy_ticket_lifecycle_closed (run->self->store, alert, engine_now (run->self));
      else if (reopen)
        hy_ticket_lifecycle_set_status (run->self->store, alert->id, status_id);
      item_complete (run, item);
    }
}

/* Adds the device's asset to the alert's ticket, unless it has it already or is closed. */
static void
deliver_ticket_asset (Run *run, HyOutboxItem *item, HyAlert *alert, JsonObject *payload)
{
  gint64 asset_id = hy_sync_json_int (payload, "asset_id");
  g_autoptr (JsonObject) fields = json_object_new ();
  g_autoptr (JsonArray) assets = json_array_new ();
  Call get = { .self = run->self,
               .op = OP_GET_TICKET,
               .priority = HY_HALO_PRIORITY_ALERT,
               .cancellable = run->cancellable,
               .record = item->record_key,
               .id = alert->ticket_id };
  Call update = { .self = run->self,
                  .op = OP_UPDATE_TICKET,
                  .priority = HY_HALO_PRIORITY_ALERT,
                  .cancellable = run->cancellable,
                  .record = item->record_key,
                  .id = alert->ticket_id };
  JsonObject *ticket;
  JsonNode *have;
  gboolean closed;

  if (asset_id <= 0)
    {
      item_dead (run, item, _ ("The queued write cannot be read"));
      return;
    }
  if (!call_run_for_item (run, item, &get))
    return;
  ticket = hy_halo_record_get_object (get.rec);
  closed = hy_sync_json_int (ticket, "hasbeenclosed") != 0;
  have = json_object_get_member (ticket, "assets");
  if (!closed && (have == NULL || !JSON_NODE_HOLDS_ARRAY (have)))
    {
      /* Writing "assets" replaces the ticket's list: without the list Halo has, the asset cannot
       * be added without removing others. */
      call_clear (&get);
      item_dead (run, item,
                 _ ("Halo did not return the ticket’s assets (GET "
                    "/Tickets/{id}?includedetails=true): "
                    "adding the device’s asset would replace them; add it to the ticket in Halo"));
      return;
    }
  if (have != NULL && JSON_NODE_HOLDS_ARRAY (have))
    {
      JsonArray *array = json_node_get_array (have);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          gint64 id;
          JsonObject *one;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          id = hy_sync_json_int (json_node_get_object (element), "id");
          if (id <= 0)
            continue;
          if (id == asset_id)
            closed = TRUE; /* nothing to add */
          one = json_object_new ();
          json_object_set_int_member (one, "id", id);
          json_array_add_object_element (assets, one);
        }
    }
  call_clear (&get);
  if (closed)
    {
      /* It has the asset already, or is closed: a closed ticket is left as it is. */
      item_complete (run, item);
      return;
    }
  {
    JsonObject *one = json_object_new ();
    json_object_set_int_member (one, "id", asset_id);
    json_array_add_object_element (assets, one);
  }
  json_object_set_array_member (fields, "assets", g_steal_pointer (&assets));
  update.object = fields;
  if (call_run_for_item (run, item, &update))
    {
      call_clear (&update);
      item_complete (run, item);
    }
}

static void
deliver_alert_item (Run *run, HyOutboxItem *item)
{
  g_autoptr (JsonNode) payload = parse_json (item->payload);
  g_autoptr (HyAlert) alert = NULL;
  JsonObject *o;
  const char *alert_id;

  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      item_dead (run, item, _ ("The queued write cannot be read"));
      return;
    }
  o = json_node_get_object (payload);
  alert_id = hy_sync_json_string (o, "alert");
  if (alert_id != NULL)
    alert = hy_store_get (run->self->store, HY_RECORD_KIND_ALERT, alert_id, NULL);
  if (alert == NULL)
    {
      /* Translators: %s is an alert id */
      g_autofree char *msg =
          g_strdup_printf (_ ("Alert %s no longer exists"), alert_id ? alert_id : "?");
      item_dead (run, item, msg);
      return;
    }
  if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CREATE) == 0)
    {
      deliver_ticket_create (run, item, alert);
      return;
    }
  if (alert->ticket_id <= 0)
    {
      /* Its ticket was never created (the create was dropped as unroutable). */
      g_autoptr (GError) error = g_error_new (HY_SYNC_ERROR, HY_SYNC_ERROR_NO_TICKET,
                                              _ ("Alert %s has no Halo ticket yet"), alert->id);
      if (alert->state == HY_ALERT_STATE_UNROUTED)
        item_give_up (run, item, error->message, HY_OUTBOX_CAUSE_UNROUTED, FALSE);
      else
        item_failed (run, item, error);
      return;
    }
  if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_NOTE) == 0 ||
      g_strcmp0 (item->kind, HY_SYNC_KIND_ACTION) == 0)
    deliver_action (run, item, alert, o);
  else if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CLOSE) == 0)
    deliver_ticket_close (run, item, alert, o);
  else if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_ASSET) == 0)
    deliver_ticket_asset (run, item, alert, o);
  else
    item_dead (run, item, _ ("Unknown kind of queued write"));
}

/* ------------------------------------------------------------------------- */
/* The delivery loop                                                         */
/* ------------------------------------------------------------------------- */

static char *alert_only_payload (const char *alert_id, gint64 status_id);

/* Items left INFLIGHT by a run that died: resolve each by looking it up in Halo before it can be
 * sent again. Items that cannot be resolved now stay INFLIGHT (and block their record). */
static void
recover_inflight (Run *run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items =
      hy_store_outbox_list (run->self->store, HY_OUTBOX_STATE_INFLIGHT, 0, 0, &error);
  g_autoptr (GPtrArray) assets = g_ptr_array_new ();
  AssetWrite *storage;

  if (items == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  if (items->len == 0)
    return;
  g_debug ("Resolving %u writes interrupted by a crash", items->len);
  storage = g_new0 (AssetWrite, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr (GError) resolve_error = NULL;

      if (g_strcmp0 (item->kind, HY_SYNC_KIND_ASSET_CREATE) == 0)
        {
          if (asset_write_init (&storage[i], item))
            g_ptr_array_add (assets, &storage[i]);
          continue;
        }
      if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CREATE) == 0)
        {
          g_autoptr (JsonNode) payload = parse_json (item->payload);
          const char *alert_id = payload && JSON_NODE_HOLDS_OBJECT (payload)
                                     ? hy_sync_json_string (json_node_get_object (payload), "alert")
                                     : NULL;
          g_autoptr (HyAlert) alert =
              alert_id ? hy_store_get (run->self->store, HY_RECORD_KIND_ALERT, alert_id, NULL)
                       : NULL;
          Route route;
          g_autofree char *reason = NULL;
          gint64 ticket_id = 0;

          if (alert != NULL && alert->ticket_id <= 0 &&
              route_alert (run->self->store, alert, &route, &reason))
            {
              if (!lookup_ticket (run, alert, route.client_id, item->record_key, &ticket_id,
                                  &resolve_error))
                {
                  route_clear (&route);
                  run_set_error (run, resolve_error->message);
                  continue; /* stays INFLIGHT: unresolved */
                }
              route_clear (&route);
            }
          if (alert != NULL && (ticket_id > 0 || alert->ticket_id > 0))
            alert_delivered (run, item, alert->id, ticket_id > 0 ? ticket_id : alert->ticket_id);
          else
            item_release (run, item, NULL);
          continue;
        }
      if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_NOTE) == 0 ||
          g_strcmp0 (item->kind, HY_SYNC_KIND_ACTION) == 0)
        {
          g_autoptr (JsonNode) payload = parse_json (item->payload);
          JsonObject *o =
              payload && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
          const char *alert_id = hy_sync_json_string (o, "alert");
          g_autoptr (HyAlert) alert =
              alert_id ? hy_store_get (run->self->store, HY_RECORD_KIND_ALERT, alert_id, NULL)
                       : NULL;
          gboolean found = FALSE;

          if (alert != NULL && alert->ticket_id > 0)
            {
              if (!lookup_action (run, alert->ticket_id, item->record_key,
                                  hy_sync_json_string (o, "note"),
                                  hy_sync_json_string (o, "datetime"), &found, &resolve_error))
                {
                  run_set_error (run, resolve_error->message);
                  continue;
                }
            }
          if (found)
            item_complete (run, item);
          else
            item_release (run, item, NULL);
          continue;
        }
      /* Updates can simply be sent again. */
      item_release (run, item, NULL);
    }

  if (assets->len > 0)
    {
      g_autoptr (GError) lookup_error = NULL;
      if (lookup_created_assets (run, assets, &lookup_error))
        {
          for (guint i = 0; i < assets->len; i++)
            {
              AssetWrite *w = g_ptr_array_index (assets, i);
              if (w->halo_id > 0)
                asset_write_done (run, w, TRUE);
              else
                item_release (run, w->item, NULL);
            }
        }
      else
        run_set_error (run, lookup_error->message);
    }
  for (guint i = 0; i < items->len; i++)
    asset_write_clear (&storage[i]);
  g_free (storage);
}

/* Open alerts kept as unrouted whose route now exists are queued. */
static void
route_waiting_alerts (Run *run)
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
      Route route;
      g_autofree char *reason = NULL;
      gboolean routable;
      g_autofree char *key = NULL;
      gint64 id;

      key = record_key ("alert", alert->id);
      /* Unrouted alerts, and alerts that arrived without going through the engine (an import
       * file): queued, without a ticket, with nothing in the outbox. */
      if (alert->state != HY_ALERT_STATE_UNROUTED &&
          !(alert->state == HY_ALERT_STATE_QUEUED && alert->ticket_id <= 0 &&
            !key_has_outstanding (run, key)))
        continue;
      routable = route_alert (store, alert, &route, &reason);
      route_clear (&route);
      if (hy_sync_alert_on_route (&facts, routable) != HY_SYNC_ALERT_OP_CREATE_TICKET)
        {
          if (reason != NULL &&
              (alert->state != HY_ALERT_STATE_UNROUTED || g_strcmp0 (reason, alert->reason) != 0))
            hy_store_set_alert_delivery (store, alert->id, HY_ALERT_STATE_UNROUTED, 0, reason,
                                         NULL);
          continue;
        }
      /* A maintenance window still holds it (checked again each run: a window may have been
       * removed, shortened or lengthened). */
      if (hy_ticket_lifecycle_hold (store, alert, engine_now (run->self) / G_USEC_PER_SEC, &error))
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
        g_autofree char *payload = alert_only_payload (alert->id, 0);
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
        outstanding_add (run, &o);
      }
    }
}

static void
asset_write_free (AssetWrite *w)
{
  asset_write_clear (w);
  g_free (w);
}

/* Reads back the creates Halo saved without their ids, all at once: one list per client
 * concerned, or one list of every asset when that is fewer pages (a first sync of many
 * clients), instead of one read-back per batch. */
static void
flush_deferred (Run *run)
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

  if (!lookup_created_assets (run, writes, &error))
    {
      for (guint i = 0; i < writes->len; i++)
        item_failed (run, ((AssetWrite *) g_ptr_array_index (writes, i))->item, error);
      return;
    }
  g_set_error_literal (&error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                       _ ("Halo did not return the saved asset"));
  for (guint i = 0; i < writes->len; i++)
    {
      AssetWrite *w = g_ptr_array_index (writes, i);
      if (w->halo_id > 0)
        asset_write_done (run, w, TRUE);
      else
        item_failed (run, w->item, error);
    }
  run_write_progress (run);
  notify_changed (run->self);
}

static gboolean deliver_loop_inner (Run *run, GError **error);

static gboolean
deliver_loop (Run *run, GError **error)
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

static gboolean
deliver_loop_inner (Run *run, GError **error)
{
  HySyncEngine *self = run->self;
  guint claim_max = MAX (self->batch_size, 1u);

  while (!g_cancellable_is_cancelled (run->cancellable))
    {
      g_autoptr (GPtrArray) items = NULL;
      g_autoptr (GPtrArray) creates = g_ptr_array_new ();
      g_autoptr (GPtrArray) updates = g_ptr_array_new ();
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      /* Disabling stops sending at the next batch. */
      if (!is_enabled (self))
        break;
      items = hy_store_outbox_claim (self->store, engine_now (self), claim_max, error);
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
      for (guint i = 0; i < items->len; i++)
        {
          HyOutboxItem *item = g_ptr_array_index (items, i);

          outstanding_add (run, item);
          outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_INFLIGHT, 0);
        }
      for (guint i = 0; i < items->len; i++)
        {
          HyOutboxItem *item = g_ptr_array_index (items, i);
          Outstanding *blocker = outstanding_blocker (run, item->record_key, item->id);

          /* In order per record: an earlier write of the same record goes first. */
          if (blocker != NULL && blocker->state != HY_OUTBOX_STATE_INFLIGHT)
            {
              item_release (run, item, blocker);
              continue;
            }
          if (g_str_has_prefix (item->kind, "asset."))
            {
              if (blocker != NULL || g_hash_table_contains (seen, item->record_key))
                {
                  item_release (run, item, NULL);
                  continue;
                }
              g_hash_table_add (seen, item->record_key);
              g_ptr_array_add (g_strcmp0 (item->kind, HY_SYNC_KIND_ASSET_CREATE) == 0 ? creates
                                                                                      : updates,
                               item);
              continue;
            }
          /* Alert writes go one by one, in claim order (oldest first within a record). */
          blocker = outstanding_blocker (run, item->record_key, item->id);
          if (blocker != NULL)
            {
              item_release (run, item, blocker->state == HY_OUTBOX_STATE_INFLIGHT ? NULL : blocker);
              continue;
            }
          deliver_alert_item (run, item);
        }
      deliver_asset_items (run, updates, FALSE);
      {
        guint deferred = run->deferred->len;

        deliver_asset_items (run, creates, TRUE);
        /* The deferred writes borrow their outbox items from this claim. */
        if (run->deferred->len > deferred)
          g_ptr_array_add (run->deferred_claims, g_ptr_array_ref (items));
      }
      run_write_progress (run);
      notify_changed (self);
    }
  return TRUE;
}

/* Sets each mapped group's state from what is now in the store and the outbox. */
static void
finalize_groups (Run *run)
{
  Plan plan = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) by_group = g_hash_table_new (g_str_hash, g_str_equal);

  if (!outstanding_load (run, &error) || !plan_assets (run, &plan, &error))
    {
      g_warning ("%s", error->message);
      plan_clear (&plan);
      return;
    }
  for (guint g = 0; g < plan.groups->len; g++)
    {
      GroupPlan *gp = g_ptr_array_index (plan.groups, g);
      gp->synced = gp->failed = gp->queued = 0;
      g_clear_pointer (&gp->reason, g_free);
      g_hash_table_insert (by_group, gp->group_id, gp);
    }
  run->report->failed = 0;
  for (guint i = 0; i < plan.items->len; i++)
    {
      PlanItem *item = g_ptr_array_index (plan.items, i);
      GroupPlan *gp = g_hash_table_lookup (by_group, item->computer->group_id);
      g_autofree char *key = record_key ("computer", item->computer->id);
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
              gp->reason = g_strdup (item->reason);
            break;
          case PLAN_QUEUED:
            if (arr != NULL && arr->len > 0 &&
                g_array_index (arr, Outstanding, 0).state == HY_OUTBOX_STATE_DEAD)
              {
                g_autoptr (HyOutboxItem) dead =
                    hy_store_outbox_get (run->self->store, g_array_index (arr, Outstanding, 0).id,
                                         NULL);
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
    {
      GroupPlan *gp = g_ptr_array_index (plan.groups, g);
      HySyncState state = HY_SYNC_STATE_SYNCED;
      g_autofree char *reason = NULL;

      if (gp->failed > 0)
        {
          state = HY_SYNC_STATE_FAILED;
          reason = g_strdup (gp->reason);
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
      if (!hy_store_set_group_sync (run->self->store, gp->group_id, state, gp->synced, gp->failed,
                                    reason, &error))
        {
          g_warning ("%s", error->message);
          g_clear_error (&error);
        }
    }
  plan_clear (&plan);
  notify_changed (run->self);
}

static void
run_count_outbox (Run *run)
{
  run->report->pending =
      (guint) MAX (0, hy_store_outbox_count (run->self->store, HY_OUTBOX_STATE_PENDING, NULL) +
                          hy_store_outbox_count (run->self->store, HY_OUTBOX_STATE_INFLIGHT, NULL));
  run->report->dead =
      (guint) MAX (0, hy_store_outbox_count (run->self->store, HY_OUTBOX_STATE_DEAD, NULL));
}

static void
run_init (Run *run, HySyncEngine *self, GCancellable *cancellable, gboolean dry_run)
{
  memset (run, 0, sizeof *run);
  run->self = self;
  run->cancellable = cancellable;
  run->report = report_new (dry_run);
  run->outstanding =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->outstanding, g_hash_table_unref);
  g_clear_pointer (&run->last_error, g_free);
  g_clear_pointer (&run->report, hy_sync_report_free);
}

/* ------------------------------------------------------------------------- */
/* Worker threads                                                            */
/* ------------------------------------------------------------------------- */

/* Delivered writes are kept a week (for diagnosis), then dropped. */
#define DONE_KEPT_US (7 * G_TIME_SPAN_DAY)

static void
purge_done (Run *run)
{
  g_autoptr (GError) error = NULL;

  if (!hy_store_outbox_purge_done (run->self->store, g_get_real_time () - DONE_KEPT_US, &error))
    g_debug ("Purging delivered writes: %s", error->message);
}

/* Queues given-up writes again whose cause has gone; with @halo_answers (something was
 * delivered in this run), those that Halo kept failing. Returns how many. */
static guint
revive_given_up (Run *run, gboolean halo_answers)
{
  g_autoptr (GError) error = NULL;
  gint64 n =
      hy_store_outbox_revive (run->self->store, halo_answers, engine_now (run->self), &error);

  if (n < 0)
    {
      g_warning ("Could not queue given-up writes again: %s", error->message);
      return 0;
    }
  if (n > 0)
    g_debug ("%" G_GINT64_FORMAT " given-up writes queued again", n);
  return (guint) n;
}

/* Delivers the outbox; once Halo has answered, what it had failed before is queued again and
 * delivered in the same run. */
static gboolean
deliver_and_revive (Run *run, GError **error)
{
  if (!deliver_loop (run, error))
    return FALSE;
  if (run->report->delivered > 0 && !g_cancellable_is_cancelled (run->cancellable) &&
      revive_given_up (run, TRUE) > 0)
    {
      if (!outstanding_load (run, error))
        return FALSE;
      return deliver_loop (run, error);
    }
  return TRUE;
}

static gboolean
plan_has (Plan *plan, PlanAction action)
{
  for (guint i = 0; i < plan->items->len; i++)
    if (((PlanItem *) g_ptr_array_index (plan->items, i))->action == action)
      return TRUE;
  return FALSE;
}

/* Devices that waited behind an earlier write of theirs (sent before they changed, or queued by
 * a run that died) are planned again once it is delivered: what changed since goes out in the
 * same sync. At most twice, and only while something was delivered. */
static gboolean
replan_after_delivery (Run *run, Plan *first, GError **error)
{
  gboolean queued = plan_has (first, PLAN_QUEUED);

  for (guint pass = 0; pass < 2 && queued && !g_cancellable_is_cancelled (run->cancellable); pass++)
    {
      Plan plan = { 0 };
      EnqueueData data = { run, &plan };
      guint delivered = run->report->delivered;
      gboolean ok = FALSE;

      if (!plan_assets (run, &plan, error) || !plan_find_existing (run, &plan, error))
        goto done;
      queued = plan_has (&plan, PLAN_QUEUED);
      if (!plan_has (&plan, PLAN_CREATE) && !plan_has (&plan, PLAN_UPDATE))
        {
          plan_clear (&plan);
          return TRUE;
        }
      g_debug ("Planning again after delivery: devices changed while their writes waited");
      if (!load_asset_types (run, error) ||
          !hy_store_transaction (run->self->store, enqueue_assets_txn, &data, error))
        goto done;
      notify_changed (run->self);
      if (!deliver_and_revive (run, error))
        goto done;
      ok = TRUE;
      if (run->report->delivered == delivered)
        queued = FALSE;
    done:
      plan_clear (&plan);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
run_sync (Run *run, gboolean dry_run, GError **error)
{
  HySyncEngine *self = run->self;
  Plan plan = { 0 };
  guint requests_before = hy_halo_client_get_request_count (self->client);
  gboolean ok = FALSE;

  if (!outstanding_load (run, error))
    return FALSE;
  if (!dry_run)
    {
      purge_done (run);
      if (revive_given_up (run, FALSE) > 0 && !outstanding_load (run, error))
        return FALSE;
      recover_inflight (run);
      route_waiting_alerts (run);
    }
  if (!plan_assets (run, &plan, error) || !plan_find_existing (run, &plan, error))
    goto out;

  if (dry_run)
    {
      for (guint i = 0; i < plan.items->len; i++)
        {
          PlanItem *item = g_ptr_array_index (plan.items, i);
          if (item->action == PLAN_CREATE)
            g_ptr_array_add (run->report->creates, plan_describe (item, FALSE));
          else if (item->action == PLAN_UPDATE)
            g_ptr_array_add (run->report->updates, plan_describe (item, FALSE));
          else if (item->action == PLAN_QUEUED)
            {
              g_autofree char *key = record_key ("computer", item->computer->id);
              GArray *arr = g_hash_table_lookup (run->outstanding, key);
              Outstanding *first =
                  arr != NULL && arr->len > 0 ? &g_array_index (arr, Outstanding, 0) : NULL;
              if (first != NULL && first->state != HY_OUTBOX_STATE_DEAD)
                g_ptr_array_add (first->create ? run->report->creates : run->report->updates,
                                 plan_describe (item, TRUE));
            }
          else if (item->action == PLAN_UNCHANGED)
            run->report->unchanged++;
          else if (item->action == PLAN_FAILED)
            run->report->failed++;
        }
      ok = TRUE;
      goto out;
    }

  for (guint i = 0; i < plan.items->len; i++)
    if (((PlanItem *) g_ptr_array_index (plan.items, i))->action == PLAN_UNCHANGED)
      run->report->unchanged++;
  {
    gboolean any = FALSE;
    EnqueueData data = { run, &plan };
    for (guint i = 0; i < plan.items->len && !any; i++)
      {
        PlanItem *item = g_ptr_array_index (plan.items, i);
        any = item->action == PLAN_CREATE || item->action == PLAN_UPDATE || item->unsent_id > 0;
      }
    if (any && !load_asset_types (run, error))
      goto out;
    if (!hy_store_transaction (self->store, enqueue_assets_txn, &data, error))
      goto out;
    notify_changed (self);
  }
  /* Each group's count of devices in Halo grows as the batches go out. */
  run->group_of = g_hash_table_new (g_str_hash, g_str_equal);
  run->touched = g_hash_table_new (NULL, NULL);
  {
    g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint g = 0; g < plan.groups->len; g++)
      {
        GroupPlan *gp = g_ptr_array_index (plan.groups, g);
        g_hash_table_insert (by_id, gp->group_id, gp);
      }
    for (guint i = 0; i < plan.items->len; i++)
      {
        PlanItem *item = g_ptr_array_index (plan.items, i);
        GroupPlan *gp =
            item->computer->group_id ? g_hash_table_lookup (by_id, item->computer->group_id) : NULL;
        if (gp != NULL && (item->action == PLAN_CREATE || item->action == PLAN_UPDATE))
          g_hash_table_insert (run->group_of, item->computer->id, gp);
      }
  }
  if (!deliver_and_revive (run, error) || !replan_after_delivery (run, &plan, error))
    goto out;
  finalize_groups (run);
  ok = TRUE;

out:
  g_clear_pointer (&run->group_of, g_hash_table_unref);
  g_clear_pointer (&run->touched, g_hash_table_unref);
  plan_clear (&plan);
  run_count_outbox (run);
  run->report->requests = hy_halo_client_get_request_count (self->client) - requests_before;
  return ok;
}

static gboolean
run_deliver (Run *run, GError **error)
{
  HySyncEngine *self = run->self;
  guint requests_before = hy_halo_client_get_request_count (self->client);
  gboolean had_assets;

  if (!outstanding_load (run, error))
    return FALSE;
  purge_done (run);
  if (revive_given_up (run, FALSE) > 0 && !outstanding_load (run, error))
    return FALSE;
  recover_inflight (run);
  route_waiting_alerts (run);
  if (!deliver_and_revive (run, error))
    return FALSE;
  had_assets = run->report->created + run->report->updated > 0;
  if (had_assets)
    finalize_groups (run);
  run_count_outbox (run);
  run->report->requests = hy_halo_client_get_request_count (self->client) - requests_before;
  return TRUE;
}

typedef struct
{
  gboolean dry_run;
  gboolean deliver_only;
} TaskData;

/* An exclusive lock on a file next to the database, held while a run sends: waits for another
 * process's run to end. The kernel drops it when a process dies (kill -9 included). */
static int
take_process_lock (HySyncEngine *self)
{
  const char *db = hy_store_get_path (self->store);
  g_autofree char *path = NULL;
  int fd;

  if (db == NULL)
    return -1;
  path = g_strconcat (db, ".sync-lock", NULL);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_warning ("Could not open %s: %s", path, g_strerror (errno));
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        g_warning ("Could not lock %s: %s", path, g_strerror (errno));
        close (fd);
        return -1;
      }
  return fd;
}

static void
worker_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  HySyncEngine *self = source;
  TaskData *td = task_data;
  Run run;
  GError *error = NULL;
  gboolean ok;
  int lock_fd;

  g_mutex_lock (&self->run_lock);
  /* One delivering process per data directory (the window and a scripted halyard-cli may run
   * at once): items another live process has in flight must not be taken for a crash's. */
  lock_fd = take_process_lock (self);
  run_init (&run, self, cancellable, td->dry_run);
  if (td->deliver_only)
    ok = run_deliver (&run, &error);
  else
    ok = run_sync (&run, td->dry_run, &error);
  if (lock_fd >= 0)
    close (lock_fd); /* releases the lock */
  g_mutex_unlock (&self->run_lock);
  if (ok)
    g_task_return_pointer (task, g_steal_pointer (&run.report),
                           (GDestroyNotify) hy_sync_report_free);
  else
    g_task_return_error (task, error);
  run_clear (&run);
}

static void
start_task (HySyncEngine *self,
            gboolean dry_run,
            gboolean deliver_only,
            GCancellable *cancellable,
            GAsyncReadyCallback callback,
            gpointer user_data,
            gpointer source_tag)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  TaskData *td = g_new0 (TaskData, 1);
  g_autoptr (GError) error = NULL;

  g_task_set_source_tag (task, source_tag);
  td->dry_run = dry_run;
  td->deliver_only = deliver_only;
  g_task_set_task_data (task, td, g_free);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_CONFIGURED,
                               _ ("No Halo connection is set up: connect first "
                                  "(halyard-cli connect)"));
      return;
    }
  if (!dry_run && !deliver_only && !hy_sync_engine_get_enabled (self, &error))
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, HY_SYNC_ERROR, HY_SYNC_ERROR_DISABLED,
                                 _ ("The integration is disabled, so nothing is sent: enable it "
                                    "first (halyard-cli enable)"));
      return;
    }
  if (deliver_only && !hy_sync_engine_get_enabled (self, NULL))
    {
      HySyncReport *report = report_new (FALSE);
      Run run;
      run_init (&run, self, cancellable, FALSE);
      hy_sync_report_free (run.report);
      run.report = report;
      run_count_outbox (&run);
      g_task_return_pointer (task, g_steal_pointer (&run.report),
                             (GDestroyNotify) hy_sync_report_free);
      run_clear (&run);
      return;
    }
  g_task_run_in_thread (task, worker_thread);
}

/* ------------------------------------------------------------------------- */
/* Recording                                                                 */
/* ------------------------------------------------------------------------- */

static gboolean
text_empty (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static char *
alert_note_payload (const char *alert_id,
                    const char *note,
                    guint minutes,
                    gint64 agent_id,
                    const char *outcome,
                    gint64 outcome_id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *now = now_iso8601 ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alert");
  json_builder_add_string_value (b, alert_id);
  json_builder_set_member_name (b, "note");
  json_builder_add_string_value (b, note);
  json_builder_set_member_name (b, "datetime");
  json_builder_add_string_value (b, now);
  json_builder_set_member_name (b, "minutes");
  json_builder_add_int_value (b, minutes);
  json_builder_set_member_name (b, "agent_id");
  json_builder_add_int_value (b, agent_id);
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, outcome);
  json_builder_set_member_name (b, "outcome_id");
  json_builder_add_int_value (b, outcome_id);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return node_to_string (root);
}

static char *
alert_only_payload (const char *alert_id, gint64 status_id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alert");
  json_builder_add_string_value (b, alert_id);
  if (status_id > 0)
    {
      json_builder_set_member_name (b, "status_id");
      json_builder_add_int_value (b, status_id);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return node_to_string (root);
}

/* A private-note outcome from the cached Halo outcomes. */
static gboolean
choose_note_outcome (HyStore *store, gint64 *out_id, char **out_name)
{
  static const char *const preferred[] = { "Private Note", "Internal Note", "Note",
                                           "Update",       "Add Note",      NULL };
  g_autoptr (GPtrArray) outcomes = hy_store_cache_list (store, HY_CACHE_KIND_OUTCOME, NULL, NULL);

  if (outcomes == NULL)
    return FALSE;
  for (guint p = 0; preferred[p]; p++)
    for (guint i = 0; i < outcomes->len; i++)
      {
        HyCacheRecord *r = g_ptr_array_index (outcomes, i);
        if (r->name != NULL && g_ascii_strcasecmp (r->name, preferred[p]) == 0)
          {
            *out_id = r->id;
            *out_name = g_strdup (r->name);
            return TRUE;
          }
      }
  return FALSE;
}

static gboolean
enqueue (HyStore *store,
         const char *kind,
         const char *alert_id,
         const char *payload,
         GError **error)
{
  g_autofree char *key = record_key ("alert", alert_id);

  return hy_store_outbox_enqueue (store, kind, key, payload, HY_SYNC_PRIORITY_ALERT, error) > 0;
}

HySyncAlertResult *
hy_sync_engine_get_alert_result (HySyncEngine *self, const char *alert_id, GError **error)
{
  g_autoptr (HyAlert) alert = NULL;
  HySyncAlertResult *result;
  g_autofree char *key = NULL;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  alert = hy_store_get (self->store, HY_RECORD_KIND_ALERT, alert_id, error);
  if (alert == NULL)
    return NULL;
  result = g_new0 (HySyncAlertResult, 1);
  result->alert_id = g_strdup (alert->id);
  result->state = alert->state;
  result->ticket_id = alert->ticket_id;
  result->reason = g_strdup (alert->reason);

  /* A delivered alert with writes still waiting (a note, a close) is reported as queued, and
   * as dead when one of them was dead-lettered. */
  key = record_key ("alert", alert->id);
  if (result->state == HY_ALERT_STATE_DELIVERED || result->state == HY_ALERT_STATE_QUEUED)
    {
      static const HyOutboxState states[] = { HY_OUTBOX_STATE_DEAD, HY_OUTBOX_STATE_PENDING,
                                              HY_OUTBOX_STATE_INFLIGHT };
      for (guint s = 0; s < G_N_ELEMENTS (states); s++)
        {
          g_autoptr (GPtrArray) items = hy_store_outbox_list (self->store, states[s], 0, 0, NULL);
          for (guint i = 0; items != NULL && i < items->len; i++)
            {
              HyOutboxItem *item = g_ptr_array_index (items, i);
              if (g_strcmp0 (item->record_key, key) != 0)
                continue;
              result->state =
                  states[s] == HY_OUTBOX_STATE_DEAD ? HY_ALERT_STATE_DEAD : HY_ALERT_STATE_QUEUED;
              if (item->last_error != NULL)
                {
                  g_free (result->reason);
                  result->reason = g_strdup (item->last_error);
                }
              break;
            }
          if (result->state != alert->state)
            break;
        }
    }
  return result;
}

/* The store setting that says Halyard closed the ticket of an alert's occurrence without the
 * alert clearing (a technician's action with --resolve): its value is the occurrence's raise
 * time, so a later occurrence is not taken for closed. */
static char *
resolved_key (const char *alert_id)
{
  return g_strconcat ("sync.resolved:", alert_id, NULL);
}

/* Whether writes of the alert's ticket are still waiting (or were given up on). */
static gboolean
alert_has_outstanding (HyStore *store, const char *alert_id)
{
  static const HyOutboxState states[] = { HY_OUTBOX_STATE_PENDING, HY_OUTBOX_STATE_INFLIGHT,
                                          HY_OUTBOX_STATE_DEAD };
  g_autofree char *key = record_key ("alert", alert_id);

  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    {
      g_autoptr (GPtrArray) items = hy_store_outbox_list (store, states[s], 0, 0, NULL);
      for (guint i = 0; items != NULL && i < items->len; i++)
        if (g_strcmp0 (((HyOutboxItem *) g_ptr_array_index (items, i))->record_key, key) == 0)
          return TRUE;
    }
  return FALSE;
}

/* Ends an alert write: commits its transaction, tells the views, wakes the sender and returns
 * the alert's result. */
static HySyncAlertResult *
commit_alert_write (HySyncEngine *self, HyStore *store, const char *alert_id, GError **error)
{
  if (!hy_store_commit (store, error))
    return NULL;
  notify_changed (self);
  auto_schedule (self, 0, FALSE);
  return hy_sync_engine_get_alert_result (self, alert_id, error);
}

HySyncAlertResult *
hy_sync_engine_raise_alert (HySyncEngine *self, const HySyncAlertInput *input, GError **error)
{
  g_autoptr (GError) hold_error = NULL;
  HyStore *store;
  g_autoptr (HyAlert) existing = NULL;
  g_autoptr (HyAlert) alert = hy_alert_new ();
  g_autoptr (GError) local = NULL;
  gboolean exists = FALSE;
  HySyncAlertFacts facts = { 0 };
  HySyncAlertOps ops;
  Route route;
  g_autofree char *reason = NULL;
  gboolean routable;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  store = self->store;

  if (text_empty (input->id))
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                           _ ("The alert needs an id (--id): the monitoring system’s own id, so "
                              "that a repeat is recognised"));
      return NULL;
    }
  if (text_empty (input->summary))
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                           _ ("The alert needs a summary (--summary): it becomes the ticket’s "
                              "summary"));
      return NULL;
    }
  if (!hy_store_exists (store, HY_RECORD_KIND_COMPUTER, input->computer_id, &exists, error))
    return NULL;
  if (!exists)
    {
      /* Translators: %s is a computer id */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                   _ ("There is no computer with the id “%s”: import it first"),
                   input->computer_id ? input->computer_id : "");
      return NULL;
    }
  if (!hy_store_exists (store, HY_RECORD_KIND_POLICY, input->policy_id, &exists, error))
    return NULL;
  if (!exists)
    {
      /* Translators: %s is a monitor policy id */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                   _ ("There is no policy with the id “%s”: import it first"),
                   input->policy_id ? input->policy_id : "");
      return NULL;
    }

  if (!hy_store_begin (store, error))
    return NULL;
  existing = hy_store_get (store, HY_RECORD_KIND_ALERT, input->id, &local);
  if (existing == NULL && !g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    {
      hy_store_rollback (store);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  facts.exists = existing != NULL;
  facts.routed = existing != NULL && existing->state != HY_ALERT_STATE_UNROUTED;
  facts.cleared = existing != NULL && existing->cleared_at != NULL;
  /* Held by maintenance, without a ticket: nothing in Halo to tell; it is raised anew. */
  if (facts.routed && existing->ticket_id <= 0 &&
      hy_ticket_lifecycle_is_held (store, existing->id) &&
      !alert_has_outstanding (store, existing->id))
    facts.routed = FALSE;
  if (facts.cleared)
    {
      /* Cleared with a close status mapped: its ticket is closed once its writes went out.
       * (A clear that closes with Halo's Closed status records it as resolved, below.) */
      g_autoptr (HyPolicyMapping) pmap =
          hy_store_get_policy_mapping (store, existing->policy_id, NULL);
      facts.closed = pmap != NULL && pmap->close_status_id > 0;
    }
  if (facts.routed && !facts.closed)
    {
      /* Resolved by a technician, or closed on clear: its ticket is closed too. */
      g_autofree char *key = resolved_key (existing->id);
      g_autofree char *resolved = NULL;

      if (!hy_store_get_setting (store, key, &resolved, error))
        {
          hy_store_rollback (store);
          return NULL;
        }
      facts.closed = resolved != NULL && g_strcmp0 (resolved, existing->raised_at) == 0;
    }
  if (facts.closed)
    facts.busy = alert_has_outstanding (store, existing->id);

  alert->id = g_strdup (input->id);
  alert->computer_id = g_strdup (input->computer_id);
  alert->policy_id = g_strdup (input->policy_id);
  alert->summary = g_strdup (input->summary);
  alert->details = g_strdup (input->details);
  alert->severity = g_strdup (input->severity);
  alert->raised_at = input->raised_at ? g_strdup (input->raised_at) : now_iso8601_precise ();
  alert->cleared_at = NULL;

  routable = route_alert (store, alert, &route, &reason);
  route_clear (&route);
  ops = hy_sync_alert_on_raise (&facts, routable);
  if (ops & HY_SYNC_ALERT_OP_NEW_OCCURRENCE)
    {
      g_autoptr (GError) flap_error = NULL;
      guint minutes = 0;

      /* Within the flap window after Halyard closed it: the same ticket, reopened. */
      if (hy_ticket_lifecycle_flaps (store, existing, engine_now (self), &minutes, &flap_error))
        {
          g_autofree char *key = resolved_key (existing->id);
          g_autofree char *reopen =
              hy_ticket_lifecycle_status_payload (existing->id,
                                                  hy_ticket_lifecycle_reopen_status (store,
                                                                                     existing->id),
                                                  FALSE, TRUE);
          gint64 outcome_id = 0;
          g_autofree char *outcome = NULL;
          g_autofree char *now = now_iso8601 ();
          g_autofree char *note = g_strdup_printf (
              g_dngettext (GETTEXT_PACKAGE,
                           /* Translators: a private note on the ticket; %s is a time, %u the
                            * flap window in minutes */
                           "The alert was raised again at %s, within %u minute of Halyard "
                           "closing this ticket: the ticket is reopened.",
                           "The alert was raised again at %s, within %u minutes of Halyard "
                           "closing this ticket: the ticket is reopened.",
                           minutes),
              now, minutes);
          g_autofree char *payload = NULL;

          if (!choose_note_outcome (store, &outcome_id, &outcome))
            outcome = g_strdup ("Private Note");
          payload = alert_note_payload (existing->id, note, 0, 0, outcome, outcome_id);
          g_free (alert->raised_at);
          alert->raised_at = g_strdup (existing->raised_at);
          if (!hy_store_set_setting (store, key, NULL, error) ||
              !hy_store_upsert (store, HY_RECORD_KIND_ALERT, alert, NULL, error) ||
              !enqueue (store, HY_SYNC_KIND_TICKET_CLOSE, alert->id, reopen, error) ||
              !enqueue (store, HY_SYNC_KIND_TICKET_NOTE, alert->id, payload, error))
            {
              hy_store_rollback (store);
              return NULL;
            }
          return commit_alert_write (self, store, alert->id, error);
        }
      if (flap_error != NULL)
        {
          hy_store_rollback (store);
          g_propagate_error (error, g_steal_pointer (&flap_error));
          return NULL;
        }
    }
  if (ops & HY_SYNC_ALERT_OP_NEW_OCCURRENCE)
    {
      /* A new occurrence starts over: no ticket yet, its own raise time (and so its own ticket
       * key). */
      g_autofree char *key = resolved_key (existing->id);

      if (!hy_store_delete (store, HY_RECORD_KIND_ALERT, existing->id, error) ||
          !hy_store_set_setting (store, key, NULL, error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  else if (existing != NULL && facts.routed)
    {
      /* A repeat keeps the occurrence's raise time: the ticket is about it. */
      g_free (alert->raised_at);
      alert->raised_at = g_strdup (existing->raised_at);
    }
  if (!hy_store_upsert (store, HY_RECORD_KIND_ALERT, alert, NULL, error))
    {
      hy_store_rollback (store);
      return NULL;
    }

  if ((ops & HY_SYNC_ALERT_OP_CREATE_TICKET) &&
      hy_ticket_lifecycle_hold (store, alert, engine_now (self) / G_USEC_PER_SEC, &hold_error))
    {
      /* In maintenance: kept without a ticket; the engine opens it when the window ends. */
      if (!hy_store_set_alert_delivery (store, alert->id, HY_ALERT_STATE_QUEUED, 0,
                                        _ ("Held by a maintenance window: its ticket opens when "
                                           "the window ends, if the alert still fires"),
                                        error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  else if (hold_error != NULL)
    {
      hy_store_rollback (store);
      g_propagate_error (error, g_steal_pointer (&hold_error));
      return NULL;
    }
  else if (ops & HY_SYNC_ALERT_OP_CREATE_TICKET)
    {
      g_autofree char *payload = alert_only_payload (alert->id, 0);
      if (!enqueue (store, HY_SYNC_KIND_TICKET_CREATE, alert->id, payload, error) ||
          !hy_store_set_alert_delivery (store, alert->id, HY_ALERT_STATE_QUEUED, 0, NULL, error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  else if (ops & HY_SYNC_ALERT_OP_UNROUTED)
    {
      if (!hy_store_set_alert_delivery (store, alert->id, HY_ALERT_STATE_UNROUTED, 0, reason,
                                        error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  else if (ops & HY_SYNC_ALERT_OP_REPEAT_NOTE)
    {
      gint64 outcome_id = 0;
      g_autofree char *outcome = NULL;
      g_autofree char *now = now_iso8601 ();
      g_autofree char *note = NULL;
      g_autofree char *payload = NULL;
      g_autoptr (GError) repeat_error = NULL;
      guint repeats = 0;

      /* One note per repeat interval at most, counting the repeats. */
      if (!hy_ticket_lifecycle_repeat (store, alert, engine_now (self), &repeats, &repeat_error))
        {
          if (repeat_error != NULL)
            {
              hy_store_rollback (store);
              g_propagate_error (error, g_steal_pointer (&repeat_error));
              return NULL;
            }
          return commit_alert_write (self, store, alert->id, error);
        }
      if (repeats <= 1)
        /* Translators: a private note on the ticket; the first %s is a time, the second the
         * alert's summary */
        note = g_strdup_printf (_ ("The alert was raised again at %s: %s"), now, input->summary);
      else
        note = g_strdup_printf (
            g_dngettext (GETTEXT_PACKAGE,
                         /* Translators: a private note on the ticket; %s is a time, %u how
                          * many times the alert was raised since the last note, the last %s
                          * the alert's summary */
                         "The alert was raised again at %s (%u time since the last note): %s",
                         "The alert was raised again at %s (%u times since the last note): %s",
                         repeats),
            now, repeats, input->summary);

      if (!choose_note_outcome (store, &outcome_id, &outcome))
        outcome = g_strdup ("Private Note");
      payload = alert_note_payload (alert->id, note, 0, 0, outcome, outcome_id);
      if (!enqueue (store, HY_SYNC_KIND_TICKET_NOTE, alert->id, payload, error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  return commit_alert_write (self, store, alert->id, error);
}

HySyncAlertResult *
hy_sync_engine_clear_alert (HySyncEngine *self,
                            const char *alert_id,
                            const char *note,
                            GError **error)
{
  HyStore *store;
  g_autoptr (HyAlert) alert = NULL;
  HySyncAlertFacts facts = { 0 };
  HySyncAlertOps ops;
  g_autoptr (GError) local = NULL;
  g_autoptr (GError) no_close = NULL;
  gint64 close_status = 0;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  store = self->store;

  alert = hy_store_get (store, HY_RECORD_KIND_ALERT, alert_id ? alert_id : "", &local);
  if (alert == NULL)
    {
      if (g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        /* Translators: %s is an alert id */
        g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                     _ ("There is no alert with the id “%s”: raise it first"),
                     alert_id ? alert_id : "");
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  facts.exists = TRUE;
  facts.routed = alert->state != HY_ALERT_STATE_UNROUTED;
  facts.cleared = alert->cleared_at != NULL;
  /* Held by maintenance and never sent: it clears without a word to Halo. */
  if (facts.routed && alert->ticket_id <= 0 && hy_ticket_lifecycle_is_held (store, alert->id) &&
      !alert_has_outstanding (store, alert->id))
    facts.routed = FALSE;
  if (facts.routed && !facts.cleared)
    {
      /* The policy's close status, else Halo's Closed; with neither the ticket stays open and
       * the result says why and what to do. */
      close_status = hy_sync_close_status (store, alert->policy_id, &no_close);
      if (close_status <= 0 &&
          !g_error_matches (no_close, HY_SYNC_ERROR, HY_SYNC_ERROR_NO_CLOSE_STATUS))
        {
          g_propagate_error (error, g_steal_pointer (&no_close));
          return NULL;
        }
    }
  ops = hy_sync_alert_on_clear (&facts, close_status);

  if (!hy_store_begin (store, error))
    return NULL;
  if (!facts.cleared && !hy_store_clear_alert (store, alert->id, NULL, error))
    {
      hy_store_rollback (store);
      return NULL;
    }
  if (ops & HY_SYNC_ALERT_OP_CLEAR_NOTE)
    {
      gint64 outcome_id = 0;
      g_autofree char *outcome = NULL;
      g_autofree char *now = now_iso8601 ();
      g_autofree char *text = NULL;
      g_autofree char *payload = NULL;

      if (!text_empty (note))
        /* Translators: a private note on the ticket; the first %s is a time, the second the
         * technician's or the monitoring system's note */
        text = g_strdup_printf (_ ("The alert cleared at %s: %s"), now, note);
      else
        /* Translators: a private note on the ticket; %s is a time */
        text = g_strdup_printf (_ ("The alert cleared at %s."), now);
      if (!choose_note_outcome (store, &outcome_id, &outcome))
        outcome = g_strdup ("Private Note");
      payload = alert_note_payload (alert->id, text, 0, 0, outcome, outcome_id);
      if (!enqueue (store, HY_SYNC_KIND_TICKET_NOTE, alert->id, payload, error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  if (ops & HY_SYNC_ALERT_OP_CLOSE_TICKET)
    {
      g_autofree char *payload =
          hy_ticket_lifecycle_status_payload (alert->id, close_status, TRUE, FALSE);
      g_autofree char *key = resolved_key (alert->id);

      /* The occurrence's ticket is closed: a later raise opens a new one (see raise_alert). */
      if (!enqueue (store, HY_SYNC_KIND_TICKET_CLOSE, alert->id, payload, error) ||
          !hy_store_set_setting (store, key, alert->raised_at ? alert->raised_at : "", error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  if (no_close != NULL)
    {
      /* Translators: %s says why no status could close the ticket, and what to do */
      g_autofree char *why = g_strdup_printf (_ ("The ticket stays open: %s"), no_close->message);

      /* Kept with the alert, so that its result says it until it is raised again. */
      if (!hy_store_set_alert_delivery (store, alert->id, alert->state, alert->ticket_id, why,
                                        error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  return commit_alert_write (self, store, alert->id, error);
}

HySyncAlertResult *
hy_sync_engine_add_action (HySyncEngine *self,
                           const char *alert_id,
                           const char *user_id,
                           guint minutes,
                           const char *note,
                           gboolean resolve,
                           GError **error)
{
  HyStore *store;
  g_autoptr (HyAlert) alert = NULL;
  g_autoptr (HyUser) user = NULL;
  g_autoptr (GError) local = NULL;
  gint64 outcome_id = 0;
  g_autofree char *outcome = NULL;
  g_autofree char *payload = NULL;
  gint64 close_status = 0;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  store = self->store;

  if (text_empty (note))
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                           _ ("The action needs a note (--note): it is what the ticket shows"));
      return NULL;
    }
  if (minutes > 24 * 60)
    {
      /* Translators: %u is a number of minutes */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                   _ ("%u minutes is more than a day: give the time this action took, in minutes"),
                   minutes);
      return NULL;
    }
  alert = hy_store_get (store, HY_RECORD_KIND_ALERT, alert_id ? alert_id : "", &local);
  if (alert == NULL)
    {
      if (g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                     _ ("There is no alert with the id “%s”: raise it first"),
                     alert_id ? alert_id : "");
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  g_clear_error (&local);
  user = hy_store_get (store, HY_RECORD_KIND_USER, user_id ? user_id : "", &local);
  if (user == NULL)
    {
      if (g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        /* Translators: %s is a technician (user) id */
        g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                     _ ("There is no technician with the id “%s”: import the users first"),
                     user_id ? user_id : "");
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (user->link.how == HY_LINK_HOW_NONE || user->link.halo_id <= 0)
    {
      /* Translators: %s is a technician's name */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_UNLINKED_USER,
                   _ ("%s is not linked to a Halo agent: link this technician to a Halo agent "
                      "first: user linking is what makes the time entry theirs (halyard-cli link "
                      "set user)"),
                   user->name);
      return NULL;
    }
  if (alert->state == HY_ALERT_STATE_UNROUTED)
    {
      /* Translators: the first %s is an alert id, the second why it has no ticket */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NO_TICKET,
                   _ ("Alert %s has no Halo ticket to act on: %s"), alert->id,
                   alert->reason ? alert->reason : "");
      return NULL;
    }
  if (!choose_note_outcome (store, &outcome_id, &outcome))
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NO_OUTCOME,
                           _ ("No note outcome (such as “Private Note”) is known from Halo: fetch "
                              "Halo’s settings first (halyard-cli refresh)"));
      return NULL;
    }
  if (resolve)
    {
      close_status = hy_sync_close_status (store, alert->policy_id, error);
      if (close_status <= 0)
        return NULL;
    }

  payload = alert_note_payload (alert->id, note, minutes, user->link.halo_id, outcome, outcome_id);
  if (!hy_store_begin (store, error))
    return NULL;
  if (!enqueue (store, HY_SYNC_KIND_ACTION, alert->id, payload, error))
    {
      hy_store_rollback (store);
      return NULL;
    }
  if (resolve)
    {
      g_autofree char *close = alert_only_payload (alert->id, close_status);
      g_autofree char *key = resolved_key (alert->id);

      /* The occurrence's ticket is closed: a later raise opens a new one (see raise_alert). */
      if (!enqueue (store, HY_SYNC_KIND_TICKET_CLOSE, alert->id, close, error) ||
          !hy_store_set_setting (store, key, alert->raised_at ? alert->raised_at : "", error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  return commit_alert_write (self, store, alert->id, error);
}

gint64
hy_sync_engine_retry_dead (HySyncEngine *self, gint64 item_id, GError **error)
{
  g_autoptr (GPtrArray) items = NULL;
  gint64 n = 0;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), -1);
  if (item_id > 0)
    {
      if (!hy_store_outbox_retry (self->store, item_id, error))
        return -1;
      notify_changed (self);
      return 1;
    }
  items = hy_store_outbox_list (self->store, HY_OUTBOX_STATE_DEAD, 0, 0, error);
  if (items == NULL)
    return -1;
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);
      if (!hy_store_outbox_retry (self->store, item->id, error))
        return -1;
      n++;
    }
  notify_changed (self);
  return n;
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
      auto_schedule (self, 0, FALSE);
      return;
    }
  /* Wake up for the next retry that falls due. */
  next_due = hy_store_outbox_next_due (self->store, NULL);
  if (next_due > 0)
    auto_schedule (self, MAX (0, (next_due - engine_now (self)) / 1000) + 1, FALSE);
  /* And when a maintenance window ends on an alert it held (a timer, not a poll). */
  next_due = hy_ticket_lifecycle_next_wake (self->store) * G_USEC_PER_SEC;
  if (next_due > 0)
    auto_schedule (self, MAX (0, (next_due - engine_now (self)) / 1000) + 1, FALSE);
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
  start_task (self, FALSE, !full_sync, self->auto_cancellable, auto_done_cb, NULL,
              full_sync ? (gpointer) hy_sync_engine_sync_async
                        : (gpointer) hy_sync_engine_deliver_async);
  return G_SOURCE_REMOVE;
}

/* Runs a delivery (or a full sync) on the owner context after @delay_ms, unless one is already
 * due sooner. */
static void
auto_schedule (HySyncEngine *self, gint64 delay_ms, gboolean full_sync)
{
  gint64 ready;

  if (!self->auto_deliver)
    return;
  self->auto_full_sync |= full_sync;
  if (self->auto_running)
    {
      self->auto_again = TRUE;
      return;
    }
  ready = g_get_monotonic_time () + delay_ms * 1000;
  if (self->auto_source != NULL)
    {
      if (g_source_get_ready_time (self->auto_source) <= ready)
        return;
      g_source_destroy (self->auto_source);
      g_clear_pointer (&self->auto_source, g_source_unref);
    }
  self->auto_source = g_timeout_source_new ((guint) MIN (delay_ms, (gint64) G_MAXUINT));
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
  G_OBJECT_CLASS (hy_sync_engine_parent_class)->dispose (object);
}

static void
hy_sync_engine_finalize (GObject *object)
{
  HySyncEngine *self = HY_SYNC_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_pointer (&self->client_context, g_main_context_unref);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_clear_object (&self->auto_cancellable);
  g_clear_pointer (&self->type_details[0], json_object_unref);
  g_clear_pointer (&self->type_details[1], json_object_unref);
  g_mutex_clear (&self->run_lock);
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
  /* The client runs on the context that was the thread default when it was created: the
   * engine is created in the same place. */
  self->client_context = g_main_context_ref_thread_default ();
  self->owner_context = g_main_context_ref_thread_default ();
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
hy_sync_engine_set_clock (HySyncEngine *self, HySyncClockFunc clock, gpointer user_data)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  self->clock = clock;
  self->clock_data = user_data;
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
                             _ ("No Halo connection is set up: connect first "
                                "(halyard-cli connect)"));
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  notify_changed (self);
  /* Enabling starts the asset sync and the delivery of what was queued. */
  if (enabled)
    auto_schedule (self, 0, TRUE);
  return TRUE;
}

void
hy_sync_engine_set_auto_deliver (HySyncEngine *self, gboolean auto_deliver)
{
  g_return_if_fail (HY_IS_SYNC_ENGINE (self));
  self->auto_deliver = auto_deliver;
  if (auto_deliver)
    auto_schedule (self, 0, FALSE);
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
  auto_schedule (self, 0, full_sync);
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
  start_task (self, dry_run, FALSE, cancellable, callback, user_data, hy_sync_engine_sync_async);
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
  start_task (self, FALSE, TRUE, cancellable, callback, user_data, hy_sync_engine_deliver_async);
}

HySyncReport *
hy_sync_engine_deliver_finish (HySyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
