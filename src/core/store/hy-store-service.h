/* hy-store-service.h: what the running service keeps in the store: change notification, the
 * deliverer's lease and the rate budget shared by every process on a data directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/hy-store.h"

G_BEGIN_DECLS

/* ---- Change notification ---------------------------------------------------------------- */

/**
 * HyStoreChanges:
 * @HY_STORE_CHANGED_INVENTORY: companies, locations, groups, computers, users, policies
 * @HY_STORE_CHANGED_ALERTS: alerts (raised, cleared, their delivery state)
 * @HY_STORE_CHANGED_LINKS: links of local records to Halo records
 * @HY_STORE_CHANGED_MAPPINGS: group and policy mappings
 * @HY_STORE_CHANGED_CACHE: Halo's records in the cache
 * @HY_STORE_CHANGED_GROUP_SYNC: the groups' sync states
 * @HY_STORE_CHANGED_OUTBOX: the outbox
 * @HY_STORE_CHANGED_EVENTS: the events log
 * @HY_STORE_CHANGED_PROFILE: the connection profile (the Enabled switch, the rate limit)
 * @HY_STORE_CHANGED_SETTINGS: the core's small settings
 * @HY_STORE_CHANGED_SERVICE: the deliverer's lease (taken, renewed, released) and the requests
 *   made to the deliverer
 * @HY_STORE_CHANGED_BY_OTHER: not a kind: some of the commits were another process's
 *
 * What a commit changed: the store's "changed" signal carries these flags (a guint).
 */
typedef enum
{
  HY_STORE_CHANGED_INVENTORY = 1 << 0,
  HY_STORE_CHANGED_ALERTS = 1 << 1,
  HY_STORE_CHANGED_LINKS = 1 << 2,
  HY_STORE_CHANGED_MAPPINGS = 1 << 3,
  HY_STORE_CHANGED_CACHE = 1 << 4,
  HY_STORE_CHANGED_GROUP_SYNC = 1 << 5,
  HY_STORE_CHANGED_OUTBOX = 1 << 6,
  HY_STORE_CHANGED_EVENTS = 1 << 7,
  HY_STORE_CHANGED_PROFILE = 1 << 8,
  HY_STORE_CHANGED_SETTINGS = 1 << 9,
  HY_STORE_CHANGED_SERVICE = 1 << 10,
  HY_STORE_CHANGED_BY_OTHER = 1 << 16,
} HyStoreChanges;

/* HyStore::changed (guint changes): emitted on the main context that was the thread-default
 * one when the store was opened, after commits of this process (any thread) and of other
 * processes on the same database (noticed by PRAGMA data_version, checked every
 * HY_STORE_WATCH_INTERVAL_MS while that context runs). Several commits close together come as
 * one emission with their flags or'ed. */
#define HY_STORE_WATCH_INTERVAL_MS 50

/* Checks now for commits not reported yet (for tests and for code that just waited on another
 * process), emitting "changed" before it returns when there were some. */
void hy_store_check_changes (HyStore *self);

/* ---- The deliverer's lease -------------------------------------------------------------- */

/* Who delivers for the data directory. */
typedef struct
{
  gint64 pid;
  char *host;
  char *command;  /* what runs it, for messages: "halyard-cli serve", "Halyard (window)" */
  gint64 since;   /* real time µs */
  gint64 expires; /* real time µs */
  gboolean mine;  /* this process */
} HyLeaseHolder;

void hy_lease_holder_free (HyLeaseHolder *holder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyLeaseHolder, hy_lease_holder_free)

/* Takes or renews the lease for @ttl_seconds, unless a live holder has it: a holder whose
 * lease expired, or a process of this host that no longer exists, loses it. *@out_acquired
 * says whether this process holds it now; @out_holder (nullable) gets the holder (this
 * process's when acquired). FALSE only on a store error. */
gboolean hy_store_lease_acquire (HyStore *self,
                                 const char *command,
                                 guint ttl_seconds,
                                 gboolean *out_acquired,
                                 HyLeaseHolder **out_holder,
                                 GError **error);
/* Gives the lease up when this process holds it. */
gboolean hy_store_lease_release (HyStore *self, GError **error);
/* The live holder, or NULL (@error unset) when nobody delivers. */
HyLeaseHolder *hy_store_lease_get_holder (HyStore *self, GError **error);

/* ---- Requests to the deliverer ------------------------------------------------------------ */

/* Asks whoever delivers for a full sync (a CLI command run while another process delivers). */
gboolean hy_store_request_sync (HyStore *self, GError **error);
/* Takes the request: *@out_requested says whether there was one (it is cleared). */
gboolean hy_store_take_sync_request (HyStore *self, gboolean *out_requested, GError **error);

/* ---- The shared rate budget ------------------------------------------------------------- */

/* Takes one request of Halo's rate limit (@max per rolling @window_us) in the budget every
 * process on the data directory shares, at real time @now (µs). A request stays in the window
 * a little longer than @window_us (1 %, at least 200 ms): Halo counts it when it arrives. Bulk requests leave the last
 * tenth of the limit (at least one request) to alerts and interactive requests, so an alert
 * in any process goes out ahead of bulk work. TRUE when taken; FALSE with *@out_retry_at (real
 * µs) when the budget is spent until then. On a store error, FALSE with @error set. */
gboolean hy_store_rate_take (HyStore *self,
                             gboolean bulk,
                             guint max,
                             gint64 window_us,
                             gint64 now,
                             gint64 *out_retry_at,
                             GError **error);
/* When the budget lets the next request (not bulk) go: @now when it has room, else the real
 * time µs when one leaves the window; -1 on error. */
gint64
hy_store_rate_free_at (HyStore *self, guint max, gint64 window_us, gint64 now, GError **error);
/* Requests taken in the rolling window ending at @now; -1 on error. */
gint64 hy_store_rate_used (HyStore *self, gint64 window_us, gint64 now, GError **error);

G_END_DECLS
