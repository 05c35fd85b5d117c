/* hy-sync-engine-private.h: what the files of HySyncEngine share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HySyncEngine is one GObject over several files, as gnome-text-editor splits EditorWindow:
 * - hy-sync-engine.c: the object, reports, small helpers, the run context, automatic
 *   delivery and the public API;
 * - hy-sync-engine-call.c: the call bridge: the worker hands each Halo call over to the
 *   client's main context and waits for the answer;
 * - hy-sync-engine-outbox.c: outbox transitions: an item delivered, failed (wait, back off or
 *   give up) or released;
 * - hy-sync-engine-routing.c: routing: which group mapping and client an alert goes to;
 * - hy-sync-engine-asset-plan.c: asset planning: Halo's asset types, the plan of creates and
 *   updates from the inventory, the look-up of existing assets, and queueing the writes;
 * - hy-sync-engine-asset-delivery.c: delivering asset writes in batches, and reading back
 *   creates whose ids Halo did not return;
 * - hy-sync-engine-alert-delivery.c: delivering alert writes: ticket creates, notes, closes,
 *   actions and ticket assets, each looked up first when its outcome is unknown;
 * - hy-sync-engine-delivery.c: the delivery loop: recovering items left in flight, routing
 *   waiting alerts, claiming and sending outbox items in order, and the per-group results;
 * - hy-sync-engine-workers.c: the worker threads: a sync or delivery run, the process lock, and
 *   the task that runs it;
 * - hy-sync-engine-recording.c: recording: alert raise/clear and technician actions write the
 *   store (the alert and every Halo write it implies) in one transaction.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "halo/hy-halo-client.h"
#include "store/hy-store.h"
#include "sync/hy-asset-fields.h"
#include "sync/hy-sync-engine.h"
#include "sync/hy-sync-payload.h"

G_BEGIN_DECLS

typedef struct _HySyncCall HySyncCall;
typedef struct _HySyncRun HySyncRun;

/* This many ticket POSTs within HY_SYNC_STORM_WINDOW back-off units make a storm. */
#define HY_SYNC_STORM_POSTS  5
#define HY_SYNC_STORM_WINDOW 60

typedef enum
{
  HY_SYNC_RETURNALL_UNKNOWN,
  HY_SYNC_RETURNALL_HONOURED,
  HY_SYNC_RETURNALL_IGNORED,
} HySyncReturnall;

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
  HyClock *clock; /* the outbox's schedule and the automatic mode's timer */
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
  /* Whether Halo answers a POST of several tickets with every ticket (?returnall=true): learnt
   * from a first batch of two; ticket creates are batched while it does, one by one when not. */
  HySyncReturnall tickets_returnall;
  /* A storm (hy-sync-engine-ticket-batch.c): when the last ticket POSTs were sent (engine
   * clock, a ring), and until when the ticket creates of a storm are gathered (0: none). */
  gint64 ticket_posts[HY_SYNC_STORM_POSTS];
  guint ticket_posts_next;
  gint64 gather_until;

  /* Automatic delivery (the window): runs on the owner context, one at a time. */
  gboolean auto_deliver;
  GSource *auto_source;
  gint64 auto_ready; /* the clock's monotonic µs when auto_source fires */
  gboolean auto_running;
  gboolean auto_again;     /* something changed during the run: run again */
  gboolean auto_full_sync; /* the next automatic run syncs assets too */
  GCancellable *auto_cancellable;

  /* Alerts overtake bulk work (hy-sync-engine-delivery.c): while the worker waits for a bulk
   * request, alert writes recorded meanwhile go at once, their requests ahead of it in the
   * rate budget. @overtaking: the run that may do so (worker thread only); @alert_poke
   * (atomic): alert writes may have been recorded; @waiting: the bulk call the worker waits
   * for, under @wait_lock, to wake it. */
  HySyncRun *overtaking;
  gint alert_poke;
  GMutex wait_lock;
  HySyncCall *waiting;
  gulong store_changed_id;
};

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
  OP_CREATE_TICKETS,
  OP_AGENT_ME,
} HySyncOp;

struct _HySyncCall
{
  HySyncEngine *self;
  HySyncOp op;
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
  GPtrArray *assets;          /* OP_SAVE_ASSETS; OP_CREATE_TICKETS: the tickets */
  const char *const *markers; /* OP_CREATE_TICKETS */
  guint batch_size;           /* OP_CREATE_TICKETS */
  HyHaloSaveFlags save_flags;
  GCancellable *cancellable;

  HyHaloList *list;
  HyHaloRecord *rec;
  GPtrArray *saved;
  GError *error;

  GMutex lock;
  GCond cond;
  gboolean done;
};

typedef struct
{
  gint64 id;
  HyOutboxState state;
  gint64 next_attempt_at;
  gboolean create; /* an asset or ticket create */
  gboolean sent;   /* it may have reached Halo (attempts > 0): its payload is what Halo got */
} HySyncOutstanding;

struct _HySyncRun
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
  /* Where the computers' serial, OS, IP, MAC and last seen go (HyAssetField order), in the
   * workstation type then the server type: the type's fields as resolved by hy-asset-fields.h
   * with the technician's choices (0: not sent) */
  gint64 asset_field_ids[2][HY_N_ASSET_FIELDS];
  char *last_error;
  /* Progress of a sync run: computer id → its HySyncGroupPlan (borrowed from the run's plan),
   * and the groups whose counts changed since they were last written. */
  GHashTable *group_of;
  GHashTable *touched;
  /* Asset creates Halo saved without saying their ids (it ignored ?returnall), read back
   * together once the queue is empty (HySyncAssetWrite, owned), their claimed items kept alive by
   * @deferred_claims, their record keys in @deferred_keys. NULL outside the delivery loop. */
  GPtrArray *deferred;
  GPtrArray *deferred_claims;
  GHashTable *deferred_keys;
};

typedef struct
{
  gint64 client_id;
  gint64 site_id;
  gint64 asset_id;
  gint64 tickettype_id;
  gint64 close_status_id;
  char *computer_name;
  HyReason why; /* not routable: what fixes the reason (kept by _hy_sync_engine_route_clear ()) */
} HySyncRoute;

typedef enum
{
  PLAN_UNCHANGED,
  PLAN_UPDATE,
  PLAN_CREATE,
  PLAN_FAILED,
  PLAN_QUEUED, /* an earlier write for it is still in the outbox */
} HySyncPlanAction;

typedef struct
{
  HyComputer *computer;
  HySyncAssetSpec spec;
  char *inventory_number;
  char *fingerprint;
  gint64 halo_id;
  gboolean found; /* halo_id found by a Halo lookup, not yet linked */
  HySyncPlanAction action;
  char *reason;
  HyReason reason_code;
  gint64 unsent_id; /* PLAN_QUEUED: the device's last queued asset write, never sent: it takes
                     * the device as it is now */
} HySyncPlanItem;

typedef struct
{
  char *group_id;
  guint devices;
  guint synced;
  guint failed;
  guint queued;
  char *reason;
  HyReason reason_code;
} HySyncGroupPlan;

typedef struct
{
  GPtrArray *items;  /* HySyncPlanItem */
  GPtrArray *groups; /* HySyncGroupPlan, one per group with an effective mapping */
} HySyncPlan;

typedef struct
{
  HySyncRun *run;
  HySyncPlan *plan;
} HySyncEnqueueData;

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
} HySyncAssetWrite;

/* hy-sync-engine.c */
gint64 _hy_sync_engine_now (HySyncEngine *self);
HySyncReport *_hy_sync_engine_report_new (gboolean dry_run);
void _hy_sync_engine_notify_changed (HySyncEngine *self);
char *_hy_sync_engine_now_iso8601 (void);
char *_hy_sync_engine_now_iso8601_precise (void);
char *_hy_sync_engine_node_to_string (JsonNode *node);
JsonNode *_hy_sync_engine_parse_json (const char *text);
gboolean _hy_sync_engine_is_enabled (HySyncEngine *self);
char *_hy_sync_engine_record_key (const char *prefix, const char *id);
gboolean _hy_sync_engine_error_outcome_uncertain (const GError *error);
gboolean _hy_sync_engine_error_is_permanent (const GError *error);
gboolean _hy_sync_engine_error_is_rate_limit (const GError *error);
void _hy_sync_engine_run_set_error (HySyncRun *run, const char *message);
void _hy_sync_engine_outstanding_add (HySyncRun *run, const HyOutboxItem *item);
void _hy_sync_engine_outstanding_remove (HySyncRun *run, const char *key, gint64 id);
void _hy_sync_engine_outstanding_update (HySyncRun *run,
                                         const char *key,
                                         gint64 id,
                                         HyOutboxState state,
                                         gint64 next);
gboolean _hy_sync_engine_outstanding_load (HySyncRun *run, GError **error);
HySyncOutstanding *_hy_sync_engine_outstanding_blocker (HySyncRun *run, const char *key, gint64 id);
gboolean _hy_sync_engine_key_has_outstanding (HySyncRun *run, const char *key);
void _hy_sync_engine_auto_schedule (HySyncEngine *self, gint64 delay_ms, gboolean full_sync);

void _hy_sync_engine_poke (HySyncEngine *self);

/* hy-sync-engine-call.c */
gboolean _hy_sync_engine_call_run (HySyncCall *call);
void _hy_sync_engine_call_clear (HySyncCall *call);
gboolean _hy_sync_engine_call_run_or_propagate (HySyncCall *call, GError **error);
void _hy_sync_engine_report_warning (HySyncEngine *self,
                                     const char *method,
                                     const char *path,
                                     const char *record,
                                     const char *message);

/* hy-sync-engine-outbox.c */
void _hy_sync_engine_item_complete (HySyncRun *run, HyOutboxItem *item);
void _hy_sync_engine_item_give_up (HySyncRun *run,
                                   HyOutboxItem *item,
                                   const char *reason,
                                   const char *cause,
                                   gboolean reached);
void _hy_sync_engine_item_dead (HySyncRun *run, HyOutboxItem *item, const char *reason);
void _hy_sync_engine_item_failed (HySyncRun *run, HyOutboxItem *item, const GError *cause);
void
_hy_sync_engine_item_release (HySyncRun *run, HyOutboxItem *item, const HySyncOutstanding *blocker);

/* hy-sync-engine-routing.c */
void _hy_sync_engine_route_clear (HySyncRoute *route);
gboolean _hy_sync_engine_route_alert (HyStore *store,
                                      const HyAlert *alert,
                                      HySyncRoute *route,
                                      char **reason);

/* hy-sync-engine-asset-plan.c */
gboolean _hy_sync_engine_load_asset_types (HySyncRun *run, GError **error);
gboolean _hy_sync_engine_queue_ticket_assets (HyStore *store,
                                              const char *computer_id,
                                              gint64 asset_id,
                                              GError **error);
void _hy_sync_engine_plan_clear (HySyncPlan *plan);
gboolean _hy_sync_engine_plan_assets (HySyncRun *run, HySyncPlan *plan, GError **error);
char *_hy_sync_engine_match_key (gint64 client_id, const char *value, gboolean fold);
guint _hy_sync_engine_pages_of (gint64 count);
gboolean _hy_sync_engine_plan_find_existing (HySyncRun *run, HySyncPlan *plan, GError **error);
JsonNode *_hy_sync_engine_plan_describe (HySyncPlanItem *item, gboolean queued);
gboolean _hy_sync_engine_enqueue_assets_txn (HyStore *store, gpointer user_data, GError **error);

/* hy-sync-engine-asset-delivery.c */
void _hy_sync_engine_asset_write_clear (HySyncAssetWrite *w);
gboolean _hy_sync_engine_asset_write_init (HySyncAssetWrite *w, HyOutboxItem *item);
void _hy_sync_engine_run_write_progress (HySyncRun *run);
void _hy_sync_engine_asset_write_done (HySyncRun *run, HySyncAssetWrite *w, gboolean created);
gboolean _hy_sync_engine_lookup_created_assets (HySyncRun *run, GPtrArray *writes, GError **error);
void _hy_sync_engine_deliver_asset_items (HySyncRun *run, GPtrArray *items, gboolean create);

/* hy-sync-engine-alert-delivery.c */
gboolean _hy_sync_engine_lookup_ticket (HySyncRun *run,
                                        const HyAlert *alert,
                                        gint64 client_id,
                                        const char *record,
                                        gint64 *out_id,
                                        GError **error);
gboolean _hy_sync_engine_lookup_action (HySyncRun *run,
                                        gint64 ticket_id,
                                        const char *record,
                                        const char *note,
                                        const char *datetime,
                                        gboolean *out_found,
                                        GError **error);
void _hy_sync_engine_alert_delivered (HySyncRun *run,
                                      HyOutboxItem *item,
                                      const char *alert_id,
                                      gint64 ticket_id);
void _hy_sync_engine_deliver_alert_item (HySyncRun *run, HyOutboxItem *item);
void _hy_sync_engine_deliver_alert_item_full (HySyncRun *run,
                                              HyOutboxItem *item,
                                              gboolean look_up_first);
/* The body of @alert's ticket on @route, with its policy's defaults. */
JsonNode *
_hy_sync_engine_ticket_body (HySyncRun *run, const HyAlert *alert, const HySyncRoute *route);
/* Records @ticket, just created in Halo, as @alert's (and @item delivered). */
void _hy_sync_engine_ticket_created (HySyncRun *run,
                                     HyOutboxItem *item,
                                     const HyAlert *alert,
                                     HyHaloRecord *ticket);

/* hy-sync-engine-ticket-batch.c */
/* Whether the ticket create @item goes in a batch (never sent before, and Halo not known to
 * ignore ?returnall). */
gboolean _hy_sync_engine_ticket_create_batchable (HySyncRun *run, HyOutboxItem *item);
/* Notes that a ticket POST is sent now (the storm detection counts them). */
void _hy_sync_engine_ticket_posted (HySyncEngine *self);
/* Creates the tickets of @items (ticket creates of one claim) in batches. */
void _hy_sync_engine_deliver_ticket_creates (HySyncRun *run, GPtrArray *items);

/* hy-sync-engine-delivery.c */
void _hy_sync_engine_recover_inflight (HySyncRun *run);
void _hy_sync_engine_route_waiting_alerts (HySyncRun *run);
gboolean _hy_sync_engine_deliver_loop (HySyncRun *run, GError **error);
void _hy_sync_engine_finalize_groups (HySyncRun *run);
void _hy_sync_engine_run_count_outbox (HySyncRun *run);
void _hy_sync_engine_run_init (HySyncRun *run,
                               HySyncEngine *self,
                               GCancellable *cancellable,
                               gboolean dry_run);
void _hy_sync_engine_run_clear (HySyncRun *run);
void _hy_sync_engine_deliver_alerts_first (HySyncRun *run);

/* hy-sync-engine-workers.c */
void _hy_sync_engine_start_task (HySyncEngine *self,
                                 gboolean dry_run,
                                 gboolean deliver_only,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data,
                                 gpointer source_tag);

/* hy-sync-engine-recording.c */
char *_hy_sync_engine_alert_only_payload (const char *alert_id, gint64 status_id);
gboolean _hy_sync_engine_choose_note_outcome (HyStore *store, gint64 *out_id, char **out_name);
gboolean _hy_sync_engine_enqueue (HyStore *store,
                                  const char *kind,
                                  const char *alert_id,
                                  const char *payload,
                                  GError **error);

G_END_DECLS
