/* hy-sync-engine.h: assets, alerts → tickets, technician actions, and the durable outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "halo/hy-halo-client.h"
#include "store/hy-store.h"
#include "sync/hy-sync-error.h"

G_BEGIN_DECLS

/* Outbox item kinds (HyOutboxItem.kind). */
#define HY_SYNC_KIND_ASSET_CREATE  "asset.create"
#define HY_SYNC_KIND_ASSET_UPDATE  "asset.update"
#define HY_SYNC_KIND_TICKET_CREATE "ticket.create"
#define HY_SYNC_KIND_TICKET_NOTE   "ticket.note"
#define HY_SYNC_KIND_TICKET_CLOSE  "ticket.close"
#define HY_SYNC_KIND_ACTION        "ticket.action"
#define HY_SYNC_KIND_TICKET_ASSET  "ticket.asset"

/* Outbox priorities: alert delivery goes before bulk asset sync. */
#define HY_SYNC_PRIORITY_ALERT 10
#define HY_SYNC_PRIORITY_ASSET 0

/**
 * HySyncReport:
 * @created, @updated, @unchanged, @failed: assets
 * @delivered: outbox items delivered by this run
 * @pending: outbox items still waiting (retry later)
 * @dead: outbox items dead-lettered (now, in total)
 * @requests: HTTP requests this run made (token requests included)
 * @creates: (element-type JsonNode): dry run: the assets that would be created
 * @updates: (element-type JsonNode): dry run: the assets that would be updated
 */
typedef struct
{
  guint created;
  guint updated;
  guint unchanged;
  guint failed;
  guint delivered;
  guint pending;
  guint dead;
  guint requests;
  gboolean dry_run;
  GPtrArray *creates;
  GPtrArray *updates;
} HySyncReport;

void hy_sync_report_free (HySyncReport *report);
/* The `sync --json` document of DESIGN.md. */
JsonNode *hy_sync_report_to_json (const HySyncReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HySyncReport, hy_sync_report_free)

/* What `alert raise/clear` and `action` report: the alert's delivery state. */
typedef struct
{
  char *alert_id;
  HyAlertState state;
  gint64 ticket_id;
  char *reason;
  HyReason reason_code; /* what fixes @reason, for a front end to name its control */
} HySyncAlertResult;

void hy_sync_alert_result_free (HySyncAlertResult *result);
/* {"alert", "state", "ticket_id", "reason", "reason_code"} */
JsonNode *hy_sync_alert_result_to_json (const HySyncAlertResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HySyncAlertResult, hy_sync_alert_result_free)

typedef struct
{
  const char *id;          /* the monitoring system's alert id */
  const char *computer_id; /* required */
  const char *policy_id;   /* required */
  const char *summary;     /* required */
  const char *details;
  const char *severity;
  const char *raised_at; /* ISO 8601; NULL: now */
} HySyncAlertInput;

#define HY_TYPE_SYNC_ENGINE (hy_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (HySyncEngine, hy_sync_engine, HY, SYNC_ENGINE, GObject)

/*
 * HySyncEngine: every Halo write goes through the store's outbox. Recording (alert raise /
 * clear, action) is synchronous and only writes the store, so nothing is lost when Halo is
 * away; delivery and asset sync are asynchronous and run in a worker thread that sends through
 * @client on the client's own main context (which must keep running).
 *
 * @client may be NULL (recording only; dry runs and delivery then fail with
 * HY_SYNC_ERROR_NOT_CONFIGURED).
 *
 * Signals: "changed" (on the main context of the engine's creator) whenever group states or
 * the outbox changed.
 */
HySyncEngine *hy_sync_engine_new (HyStore *store, HyHaloClient *client);

HyStore *hy_sync_engine_get_store (HySyncEngine *self);
HyHaloClient *hy_sync_engine_get_client (HySyncEngine *self);
/* How many assets one POST carries (default 100). */
void hy_sync_engine_set_batch_size (HySyncEngine *self, guint batch_size);
/* The unit of the outbox's retry back-off (default one second; tests shorten it). */
void hy_sync_engine_set_backoff_unit (HySyncEngine *self, guint64 microseconds);
/* The clock of the outbox's schedule and of the automatic mode's wake-up (NULL: the system's;
 * tests move a manual one on instead of waiting). */
void hy_sync_engine_set_clock (HySyncEngine *self, HyClock *clock);

/* The integration switch (stored in the profile). Disabling stops sending at the next item. */
gboolean hy_sync_engine_get_enabled (HySyncEngine *self, GError **error);
gboolean hy_sync_engine_set_enabled (HySyncEngine *self, gboolean enabled, GError **error);
/* Enabling needs at least one mapped group or policy; FALSE with the reason otherwise. */
gboolean hy_sync_engine_can_enable (HySyncEngine *self, GError **error);

/* Automatic mode, for a long-running front end (the window): after every recording the outbox
 * is delivered, enabling the integration runs a full sync, and a retry that falls due wakes the
 * engine up again. Runs happen on the engine creator's main context, one at a time; "changed"
 * reports their progress. Off by default (halyard-cli runs what it is told). */
void hy_sync_engine_set_auto_deliver (HySyncEngine *self, gboolean auto_deliver);
/* In automatic mode: runs a delivery now (@full_sync: a full sync), or right after the run in
 * progress. */
void hy_sync_engine_schedule (HySyncEngine *self, gboolean full_sync);
/* Whether a run (automatic or asked for) is in progress. */
gboolean hy_sync_engine_is_running (HySyncEngine *self);

/* Syncs the assets of mapped groups (queueing creates and updates) and delivers the outbox.
 * With @dry_run, looks Halo up (reads only) and reports the exact creates and updates,
 * sending nothing and queueing nothing. Fails with HY_SYNC_ERROR_DISABLED when disabled
 * (a dry run works while disabled). */
void hy_sync_engine_sync_async (HySyncEngine *self,
                                gboolean dry_run,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
HySyncReport *hy_sync_engine_sync_finish (HySyncEngine *self, GAsyncResult *result, GError **error);

/* Delivers what is due in the outbox (alerts first), routing alerts whose mapping appeared.
 * Does nothing (report all zero) while disabled. */
void hy_sync_engine_deliver_async (HySyncEngine *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
HySyncReport *
hy_sync_engine_deliver_finish (HySyncEngine *self, GAsyncResult *result, GError **error);

/* Records an alert (stored before anything is sent): a new alert queues its ticket (or is kept
 * as unrouted, with the reason), a repeat queues a private note on its ticket. */
HySyncAlertResult *
hy_sync_engine_raise_alert (HySyncEngine *self, const HySyncAlertInput *input, GError **error);
/* Records the clearing: a note, and the close status of the policy mapping when it has one. */
HySyncAlertResult *hy_sync_engine_clear_alert (HySyncEngine *self,
                                               const char *alert_id,
                                               const char *note,
                                               GError **error);
/* A technician's action on the alert's ticket: a private note with @minutes of time, as the
 * technician's linked Halo agent; @resolve also closes the ticket. */
HySyncAlertResult *hy_sync_engine_add_action (HySyncEngine *self,
                                              const char *alert_id,
                                              const char *user_id,
                                              guint minutes,
                                              const char *note,
                                              gboolean resolve,
                                              GError **error);
/* The alert's current delivery state. */
HySyncAlertResult *
hy_sync_engine_get_alert_result (HySyncEngine *self, const char *alert_id, GError **error);

/* Puts dead-lettered items back in the queue: @item_id, or every dead item when 0. Returns how
 * many, -1 on error. */
gint64 hy_sync_engine_retry_dead (HySyncEngine *self, gint64 item_id, GError **error);

G_END_DECLS
