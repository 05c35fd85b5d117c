/* hy-store.h: Halyard's SQLite store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "store/hy-store-types.h"

G_BEGIN_DECLS

/* HyStore keeps everything Halyard persists in one SQLite file (WAL, foreign keys, mode 0600):
 * the profile, the inventory, links, routes, the Halo cache, sync state, the outbox and the
 * events log.
 *
 * Threads: the store is synchronous and every call takes an internal lock, so it may be used
 * from any thread, one call at a time. A transaction (hy_store_begin () ... commit/rollback)
 * holds that lock until it ends: other threads calling the store wait for it. Keep
 * transactions short on the main thread; run long ones (imports) in a worker.
 *
 * Errors: every call that can fail takes a GError in the HY_STORE_ERROR domain whose message
 * can be shown to the technician as is. Getters of one record set HY_STORE_ERROR_NOT_FOUND
 * when there is none. Lists are GPtrArrays that own their elements (free func set). */

#define HY_STORE_ERROR (hy_store_error_quark ())

typedef enum
{
  HY_STORE_ERROR_FAILED,        /* anything else SQLite reports */
  HY_STORE_ERROR_CANNOT_OPEN,   /* the file or its folder cannot be created or opened */
  HY_STORE_ERROR_NOT_HALYARD,   /* not a SQLite database, or another program's database */
  HY_STORE_ERROR_TOO_NEW,       /* written by a newer Halyard (schema version unknown) */
  HY_STORE_ERROR_READ_ONLY,     /* the file, folder or disk is read-only */
  HY_STORE_ERROR_DISK_FULL,     /* no space left */
  HY_STORE_ERROR_BUSY,          /* another process holds the database locked too long */
  HY_STORE_ERROR_CORRUPT,       /* the database file is damaged */
  HY_STORE_ERROR_NOT_FOUND,     /* no such record */
  HY_STORE_ERROR_INVALID,       /* a bad argument: a missing required field, a wrong kind */
  HY_STORE_ERROR_CONSTRAINT,    /* a reference to an unknown record, or a duplicate */
  HY_STORE_ERROR_INVALID_STATE, /* an outbox transition that is not allowed */
} HyStoreError;

GQuark hy_store_error_quark (void);

#define HY_TYPE_STORE (hy_store_get_type ())
G_DECLARE_FINAL_TYPE (HyStore, hy_store, HY, STORE, GObject)

/* The file name inside a data directory. */
#define HY_STORE_FILE_NAME "halyard.db"

/* The data directory: $HALYARD_DATA_DIR when set, else $XDG_DATA_HOME/halyard. */
char *hy_store_get_default_data_dir (void);
/* data_dir/halyard.db; @data_dir NULL: the default data directory. */
char *hy_store_build_path (const char *data_dir);

/* Opens (creating it and its folder, mode 0700, when needed) the database at @path, or at the
 * default path when @path is NULL, and migrates its schema to this version's. The file and
 * its -wal/-shm companions are made private to the user (0600). */
HyStore *hy_store_open (const char *path, GError **error);
const char *hy_store_get_path (HyStore *self);
/* The schema version this build writes (PRAGMA user_version). */
guint hy_store_get_schema_version (void);

/* ---- Transactions ----------------------------------------------------------------------- */

/* Transactions nest: an inner begin is a savepoint. Every begin must be paired with exactly one
 * commit or rollback on the same thread. A failed commit rolls the transaction back. */
gboolean hy_store_begin (HyStore *self, GError **error);
gboolean hy_store_commit (HyStore *self, GError **error);
void hy_store_rollback (HyStore *self);

typedef gboolean (*HyStoreTransactionFunc) (HyStore *store, gpointer user_data, GError **error);
/* Runs @func in a transaction: committed when it returns TRUE, rolled back otherwise. */
gboolean hy_store_transaction (HyStore *self,
                               HyStoreTransactionFunc func,
                               gpointer user_data,
                               GError **error);

/* ---- Inventory ------------------------------------------------------------------------- */

typedef enum
{
  HY_STORE_CHANGE_ADDED,
  HY_STORE_CHANGE_UPDATED,
  HY_STORE_CHANGE_UNCHANGED,
} HyStoreChange;

/* A query for the paged lists. Zero-initialise (HY_STORE_QUERY_INIT) and set what applies. */
typedef struct
{
  const char *search;      /* case-insensitive substring of the name (users: or e-mail;
                            * alerts: summary); NULL or "": everything */
  gboolean unlinked_only;  /* linkable kinds: only records without a link */
  const char *company_id;  /* locations, computers: of this company */
  const char *group_id;    /* computers: of this group */
  const char *computer_id; /* alerts: of this computer */
  gboolean open_only;      /* alerts: not cleared */
  gint64 halo_client_id;   /* cache sites, assets: of this Halo client; 0: all */
  guint limit;             /* 0: no limit */
  guint offset;
  gboolean unlinked_first; /* linkable kinds: unlinked records before linked ones, each by name */
} HyStoreQuery;

#define HY_STORE_QUERY_INIT                       \
  {                                               \
    NULL, FALSE, NULL, NULL, NULL, FALSE, 0, 0, 0 \
  }

/* Inserts or updates the record of @kind (a HyCompany *, HyComputer *, ... as @kind says) by its
 * id. Only the source's fields are written: links, alert delivery state and ticket ids are
 * kept. References must exist (HY_STORE_ERROR_CONSTRAINT otherwise), except a group's parent,
 * which is checked at the end of the outermost transaction. @out_change (may be NULL) says
 * whether the row was added, updated or already equal. */
gboolean hy_store_upsert (HyStore *self,
                          HyRecordKind kind,
                          gconstpointer record,
                          HyStoreChange *out_change,
                          GError **error);
/* The same, but an existing record keeps the fields whose bit (1 << field index, in
 * hy_record_kind_get_fields () order) is not in @field_mask: a source that does not give a field
 * leaves it as it was (a new record has them NULL). Id and name are always written. */
gboolean hy_store_upsert_fields (HyStore *self,
                                 HyRecordKind kind,
                                 gconstpointer record,
                                 guint64 field_mask,
                                 HyStoreChange *out_change,
                                 GError **error);
/* Computers: those whose id is in @present (a set of ids) and were retired become active
 * again; when @prune, every other active computer is retired (now). Counts both. */
gboolean hy_store_update_retired (HyStore *self,
                                  GHashTable *present,
                                  gboolean prune,
                                  guint *out_retired,
                                  guint *out_returned,
                                  GError **error);
/* The record of @kind with @id, with its link; NOT_FOUND when absent. Free with
 * hy_record_free (kind, record) or the typed free function. */
gpointer hy_store_get (HyStore *self, HyRecordKind kind, const char *id, GError **error);
gboolean hy_store_exists (HyStore *self,
                          HyRecordKind kind,
                          const char *id,
                          gboolean *out_exists,
                          GError **error);
/* Deletes the record and its link, mapping, sync state and fingerprint. Fails with
 * CONSTRAINT while other records refer to it (a company with computers, ...). */
gboolean hy_store_delete (HyStore *self, HyRecordKind kind, const char *id, GError **error);
/* Records of @kind matching @query (NULL: all), ordered by name (case-insensitive) then id. */
GPtrArray *
hy_store_list (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error);
/* How many records match @query, ignoring its limit and offset; -1 on error. */
gint64 hy_store_count (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error);
/* Records whose name equals @name, ignoring case (the linker's exact matches). */
GPtrArray *
hy_store_find_by_name (HyStore *self, HyRecordKind kind, const char *name, GError **error);
/* The users whose e-mail equals @email, ignoring case. */
GPtrArray *hy_store_find_users_by_email (HyStore *self, const char *email, GError **error);

/* Alerts: the delivery state is the sync engine's, kept across re-imports. @reason may be NULL;
 * @ticket_id 0 keeps the ticket id already recorded. */
gboolean hy_store_set_alert_delivery (HyStore *self,
                                      const char *alert_id,
                                      HyAlertState state,
                                      gint64 ticket_id,
                                      const char *reason,
                                      GError **error);
/* Like hy_store_set_alert_delivery (), with what fixes @reason (kept only with a reason). */
gboolean hy_store_set_alert_delivery_why (HyStore *self,
                                          const char *alert_id,
                                          HyAlertState state,
                                          gint64 ticket_id,
                                          const char *reason,
                                          HyReason reason_code,
                                          GError **error);
/* Marks the alert cleared at @cleared_at (ISO 8601; NULL: now). */
gboolean
hy_store_clear_alert (HyStore *self, const char *alert_id, const char *cleared_at, GError **error);
/* Open alerts (not cleared) and unrouted alerts, for `status`; both count the intake's alerts
 * whose labels match no computer or policy yet (hy-store-intake.h). */
gboolean
hy_store_count_alerts (HyStore *self, guint *out_open, guint *out_unrouted, GError **error);
/* The occurrence of @alert_id whose ticket Halyard closed without the alert clearing (resolved
 * by a technician) or on its clear: that occurrence's raise time in *@out_raised_at ("" when it
 * had none), NULL when Halyard closed none. */
gboolean hy_store_get_alert_ticket_closed (HyStore *self,
                                           const char *alert_id,
                                           char **out_raised_at,
                                           GError **error);
/* Records that Halyard closed the ticket of @alert_id's occurrence raised at @raised_at; NULL
 * forgets it (a new occurrence, or the ticket kept open). */
gboolean hy_store_set_alert_ticket_closed (HyStore *self,
                                           const char *alert_id,
                                           const char *raised_at,
                                           GError **error);

/* ---- Links ----------------------------------------------------------------------------- */

/* Links the local record (company, location, computer or user) to a Halo record. NOT_FOUND when
 * the local record does not exist; INVALID for a kind that cannot be linked. */
gboolean hy_store_link_set (HyStore *self,
                            HyRecordKind kind,
                            const char *local_id,
                            gint64 halo_id,
                            const char *halo_name,
                            HyLinkHow how,
                            GError **error);
/* Removes the link; not an error when there is none. */
gboolean
hy_store_link_clear (HyStore *self, HyRecordKind kind, const char *local_id, GError **error);
/* The local record's link (how == NONE when unlinked); clear it with hy_link_info_clear (). */
gboolean hy_store_link_get (HyStore *self,
                            HyRecordKind kind,
                            const char *local_id,
                            HyLinkInfo *out_link,
                            GError **error);
/* The ids of the local records of @kind linked to @halo_id. */
GStrv hy_store_link_find_local (HyStore *self, HyRecordKind kind, gint64 halo_id, GError **error);
/* HyLink rows of @kind matching @query (search, unlinked_only, company_id, group_id, paging). */
GPtrArray *
hy_store_list_links (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error);
/* Remembers that the technician rejected linking the local record to @halo_id (a suggestion);
 * rejecting it again is not an error. INVALID for a kind that cannot be linked. */
gboolean hy_store_link_reject (HyStore *self,
                               HyRecordKind kind,
                               const char *local_id,
                               gint64 halo_id,
                               GError **error);
/* The Halo ids rejected for the local record (gint64, maybe empty), smallest first; NULL
 * on error. */
GArray *hy_store_link_list_rejected (HyStore *self,
                                     HyRecordKind kind,
                                     const char *local_id,
                                     GError **error);

/* ---- Routes ---------------------------------------------------------------------------- */

/* @site_id 0: the client's main site. NOT_FOUND when the group does not exist. */
gboolean hy_store_map_group (HyStore *self,
                             const char *group_id,
                             gint64 client_id,
                             gint64 site_id,
                             GError **error);
gboolean hy_store_unmap_group (HyStore *self, const char *group_id, GError **error);
/* NOT_FOUND when the group is not mapped. */
HyGroupMapping *hy_store_get_group_mapping (HyStore *self, const char *group_id, GError **error);
GPtrArray *hy_store_list_group_mappings (HyStore *self, GError **error);

/* @close_status_id 0: do not close the ticket when the alert clears. */
gboolean hy_store_map_policy (HyStore *self,
                              const char *policy_id,
                              gint64 ticket_type_id,
                              gint64 close_status_id,
                              GError **error);
gboolean hy_store_unmap_policy (HyStore *self, const char *policy_id, GError **error);
HyPolicyMapping *hy_store_get_policy_mapping (HyStore *self, const char *policy_id, GError **error);
GPtrArray *hy_store_list_policy_mappings (HyStore *self, GError **error);

/* ---- Halo cache ------------------------------------------------------------------------ */

/* Replaces every cached record of @kind with @records (HyCacheRecord *, all of @kind) in one
 * transaction. Links keep pointing at their Halo ids. */
gboolean
hy_store_cache_replace (HyStore *self, HyCacheKind kind, GPtrArray *records, GError **error);
gboolean hy_store_cache_upsert (HyStore *self, const HyCacheRecord *record, GError **error);
gboolean hy_store_cache_delete (HyStore *self, HyCacheKind kind, gint64 id, GError **error);
HyCacheRecord *hy_store_cache_get (HyStore *self, HyCacheKind kind, gint64 id, GError **error);
/* Exact name, ignoring case. @client_id (sites, assets) 0: any client. */
GPtrArray *hy_store_cache_find_by_name (HyStore *self,
                                        HyCacheKind kind,
                                        gint64 client_id,
                                        const char *name,
                                        GError **error);
/* Agents by e-mail, ignoring case. */
GPtrArray *hy_store_cache_find_agents_by_email (HyStore *self, const char *email, GError **error);
/* Assets of @client_id (0: any) whose inventory number equals @inventory_number. */
GPtrArray *hy_store_cache_find_assets_by_inventory_number (HyStore *self,
                                                           gint64 client_id,
                                                           const char *inventory_number,
                                                           GError **error);
/* Uses search, halo_client_id, limit and offset of @query; ordered by name then id. */
GPtrArray *
hy_store_cache_list (HyStore *self, HyCacheKind kind, const HyStoreQuery *query, GError **error);
gint64
hy_store_cache_count (HyStore *self, HyCacheKind kind, const HyStoreQuery *query, GError **error);

/* ---- Sync state ------------------------------------------------------------------------ */

/* Sets the group's sync state; last_sync becomes now when @state is SYNCED or FAILED.
 * @reason: why it failed (NULL otherwise). */
gboolean hy_store_set_group_sync (HyStore *self,
                                  const char *group_id,
                                  HySyncState state,
                                  guint synced,
                                  guint failed,
                                  const char *reason,
                                  GError **error);
/* Like hy_store_set_group_sync (), with what fixes @reason (kept only with a reason). */
gboolean hy_store_set_group_sync_why (HyStore *self,
                                      const char *group_id,
                                      HySyncState state,
                                      guint synced,
                                      guint failed,
                                      const char *reason,
                                      HyReason reason_code,
                                      GError **error);
/* NOT_FOUND when the group does not exist; UNSYNCED when it never synced. */
HyGroupSync *hy_store_get_group_sync (HyStore *self, const char *group_id, GError **error);
/* Every group (or only the mapped ones), ordered by name, with its state and device count. */
GPtrArray *hy_store_list_group_sync (HyStore *self, gboolean mapped_only, GError **error);

/* The fingerprint of what was last sent to Halo for the computer's asset. */
gboolean hy_store_set_asset_fingerprint (HyStore *self,
                                         const char *computer_id,
                                         const char *fingerprint,
                                         GError **error);
/* *out_fingerprint: NULL when the computer was never synced. */
gboolean hy_store_get_asset_fingerprint (HyStore *self,
                                         const char *computer_id,
                                         char **out_fingerprint,
                                         GError **error);
/* computer id → fingerprint for the computers of @group_id (NULL: all computers). */
GHashTable *hy_store_get_asset_fingerprints (HyStore *self, const char *group_id, GError **error);
/* Forgets every fingerprint (the next sync compares everything again). */
gboolean hy_store_clear_asset_fingerprints (HyStore *self, GError **error);

/* ---- Outbox ---------------------------------------------------------------------------- */

/* Queues a Halo write; returns its id (> 0), or 0 on error. Due now. */
gint64 hy_store_outbox_enqueue (HyStore *self,
                                const char *kind,
                                const char *record_key,
                                const char *payload,
                                int priority,
                                GError **error);
/* Claims up to @max pending items due at @now (highest priority, then oldest first) and marks
 * them INFLIGHT. An empty array when nothing is due. */
GPtrArray *hy_store_outbox_claim (HyStore *self, gint64 now, guint max, GError **error);
/* The same, only items of @min_priority or higher (the alert writes ahead of bulk work). */
GPtrArray *
hy_store_outbox_claim_from (HyStore *self, gint64 now, int min_priority, guint max, GError **error);
/* INFLIGHT → DONE. */
gboolean hy_store_outbox_complete (HyStore *self, gint64 id, GError **error);
/* INFLIGHT → PENDING, one more attempt, due at @next_attempt_at. */
gboolean hy_store_outbox_fail (HyStore *self,
                               gint64 id,
                               const char *error_text,
                               gint64 next_attempt_at,
                               GError **error);
/* INFLIGHT → PENDING without counting an attempt (it was not sent: it waits behind an earlier
 * write of the same record, or the run stopped), due at @next_attempt_at; @note (nullable)
 * replaces last_error, NULL keeps it. */
gboolean hy_store_outbox_release (HyStore *self,
                                  gint64 id,
                                  const char *note,
                                  gint64 next_attempt_at,
                                  GError **error);
/* INFLIGHT or PENDING → DEAD. */
gboolean
hy_store_outbox_dead_letter (HyStore *self, gint64 id, const char *error_text, GError **error);
/* DEAD → PENDING, due now, with a new count of refusals (attempts are kept: a create that may
 * have reached Halo is still looked up before it is sent again). */
gboolean hy_store_outbox_retry (HyStore *self, gint64 id, GError **error);
/* Copies every committed change from the write-ahead log into the database file and empties
 * the log: the file alone is then complete. BUSY when another connection keeps some back. */
gboolean hy_store_checkpoint (HyStore *self, GError **error);
/* Makes the PENDING items that wait for Halo (they never reached it: network, sign-in, rate
 * limit) due now: someone asked for a sync. Those backing off after Halo failed them keep their
 * time. Returns how many, or -1 on error. */
gint64 hy_store_outbox_wake_waiting (HyStore *self, GError **error);
/* Replaces the payload of a PENDING item never sent (no attempt): it takes the record as it is
 * now. INVALID_STATE for an item that is not, or may have reached Halo. */
gboolean hy_store_outbox_rewrite (HyStore *self, gint64 id, const char *payload, GError **error);
/* INFLIGHT → PENDING after a try that Halo did not refuse: it never reached Halo (no network,
 * no token, the rate limit) or Halo is unavailable. One more wait (which spaces the next try
 * out), never a refusal; with @maybe_sent an attempt is counted (a create is looked up before
 * it is sent again). Due at @next_attempt_at. */
gboolean hy_store_outbox_wait (HyStore *self,
                               gint64 id,
                               const char *error_text,
                               gboolean maybe_sent,
                               gint64 next_attempt_at,
                               GError **error);
/* INFLIGHT or PENDING → DEAD with its @cause (HY_OUTBOX_CAUSE_*); @reached: the last try of an
 * INFLIGHT item reached Halo (it counts as an attempt); @revive_after: a FAILING item is not
 * queued again by itself before then. */
gboolean hy_store_outbox_give_up (HyStore *self,
                                  gint64 id,
                                  const char *error_text,
                                  const char *cause,
                                  gboolean reached,
                                  gint64 revive_after,
                                  GError **error);
/* Queues given-up items again whose cause has gone: BLOCKED ones whose earlier write is no
 * longer dead; with @halo_answers, FAILING ones whose revive time is at or before @now.
 * (REFUSED ones are queued again by the store itself when a mapping or link changes.)
 * Returns how many, or -1 on error. */
gint64 hy_store_outbox_revive (HyStore *self, gboolean halo_answers, gint64 now, GError **error);
/* After a crash: every INFLIGHT item back to PENDING (delivery must then look the record up
 * before creating it again). Returns how many, or -1 on error. */
gint64 hy_store_outbox_recover (HyStore *self, GError **error);
HyOutboxItem *hy_store_outbox_get (HyStore *self, gint64 id, GError **error);
/* Items in @state, oldest first. */
GPtrArray *hy_store_outbox_list (HyStore *self,
                                 HyOutboxState state,
                                 guint limit,
                                 guint offset,
                                 GError **error);
gint64 hy_store_outbox_count (HyStore *self, HyOutboxState state, GError **error);
/* The earliest next_attempt_at of a pending item; 0 when none is pending. */
gint64 hy_store_outbox_next_due (HyStore *self, GError **error);
/* Deletes DONE items created before @before. */
gboolean hy_store_outbox_purge_done (HyStore *self, gint64 before, GError **error);

/* ---- Events ---------------------------------------------------------------------------- */

/* Appends the event (its id is ignored); returns the new id, 0 on error. */
gint64 hy_store_events_append (HyStore *self, const HyEvent *event, GError **error);
/* Appends HyEvent *s in one transaction. */
gboolean hy_store_events_append_batch (HyStore *self, GPtrArray *events, GError **error);

typedef struct
{
  gint64 before_id;     /* keyset paging: events with id < before_id; 0: from the newest */
  guint limit;          /* 0: 100 */
  gboolean failed_only; /* hy_event_is_failed () */
  const char *record;   /* only events of this record */
} HyEventsQuery;

#define HY_EVENTS_QUERY_INIT \
  {                          \
    0, 0, FALSE, NULL        \
  }

/* Newest first. The next page: before_id = the last returned id. */
GPtrArray *hy_store_events_list (HyStore *self, const HyEventsQuery *query, GError **error);
HyEvent *hy_store_events_get (HyStore *self, gint64 id, GError **error);
gint64 hy_store_events_count (HyStore *self, gboolean failed_only, GError **error);
/* The newest failed event, NOT_FOUND when none. */
HyEvent *hy_store_events_last_failed (HyStore *self, GError **error);
/* @minutes HyEventBucket, oldest first, the last one being the minute of @now (0: now); empty
 * minutes included. */
GArray *hy_store_events_per_minute (HyStore *self, gint64 now, guint minutes, GError **error);
/* Keeps the newest @keep events. */
gboolean hy_store_events_prune (HyStore *self, guint keep, GError **error);

/* ---- Profile and settings -------------------------------------------------------------- */

/* NOT_FOUND when no profile was saved. */
HyProfile *hy_store_get_profile (HyStore *self, GError **error);
gboolean hy_store_set_profile (HyStore *self, const HyProfile *profile, GError **error);
/* NOT_FOUND when no profile was saved. */
gboolean hy_store_set_enabled (HyStore *self, gboolean enabled, GError **error);

/* Small key/value state for the core (e.g. "last_refresh"); never a secret. *out_value NULL
 * when unset. @value NULL deletes the key. */
gboolean hy_store_get_setting (HyStore *self, const char *key, char **out_value, GError **error);
gboolean hy_store_set_setting (HyStore *self, const char *key, const char *value, GError **error);

/* ---- Renaming (hy-store-rename.c) ------------------------------------------------------ */

/* Renames the company @id to @name (stripped); INVALID when empty, NOT_FOUND when unknown. */
gboolean hy_store_rename_company (HyStore *self,
                                  const char *id,
                                  const char *name,
                                  char **out_old_name,
                                  GError **error);

G_END_DECLS
