/* hy-service.h: the integration as a running service: the one engine of a data directory, its
 * deliverer's lease, what runs when, and the status summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "intake/hy-intake-server.h"
#include "session/hy-session.h"
#include "store/hy-store-service.h"
#include "sync/hy-sync-engine.h"

G_BEGIN_DECLS

/* The deliverer's lease lasts this long; the holder renews it three times as often. A holder
 * of this host that died loses it at once. */
#define HY_SERVICE_LEASE_SECONDS 15

#define HY_TYPE_SERVICE (hy_service_get_type ())
G_DECLARE_FINAL_TYPE (HyService, hy_service, HY, SERVICE, GObject)

/*
 * HyService: the one HySyncEngine of a session and what decides when it runs. The session
 * owns it (hy_service_get () makes it on first use); the window, its pages and halyard-cli
 * call it, and never make engines or timers of their own.
 *
 * Started (hy_service_start ()), it becomes the deliverer of the data directory when no other
 * live process is, and then: delivers the outbox continuously (also what other processes
 * record: they nudge it through the store), re-syncs the groups when what decides them changes
 * (an import, a company or location link, a mapping, the Enabled switch, a request of another
 * process), refreshes Halo's records every profile->refresh_interval seconds, and renews its
 * lease. When another process delivers, it waits and takes over once that one is gone.
 *
 * Signals: "changed" (on the main context of the session) when the engine, the deliverer or
 * anything the status summary reads changed.
 */

/* The session's service (transfer none: the session owns it). */
HyService *hy_service_get (HySession *session);

HySession *hy_service_get_session (HyService *self);
/* The engine: records at any time; sends once the session's Halo client is built (then a new
 * engine replaces the recording one: "changed" says so). Transfer none. */
HySyncEngine *hy_service_get_engine (HyService *self);

/* Becomes the deliverer under @command ("halyard-cli serve", "Halyard"). TRUE when this
 * process delivers now; FALSE with *@out_holder (nullable) the live process that does (then
 * it takes over when that one is gone, unless hy_service_stop () was called); FALSE with
 * @error on a store error. @automatic FALSE only holds the lease (renewed) for a command that
 * runs the engine itself (halyard-cli sync). */
gboolean hy_service_start (HyService *self,
                           const char *command,
                           gboolean automatic,
                           HyLeaseHolder **out_holder,
                           GError **error);
/* Stops delivering and gives the lease up. */
void hy_service_stop (HyService *self);
gboolean hy_service_is_delivering (HyService *self);
/* Who delivers for the data directory (maybe this process), NULL when nobody does. */
HyLeaseHolder *hy_service_get_deliverer (HyService *self);

/* A full sync: now when this process delivers, else asked of the deliverer through the store
 * (FALSE with @error on a store error). */
gboolean hy_service_request_sync (HyService *self, GError **error);
/* Puts dead-lettered outbox items back in the queue (@item_id, 0: all) and wakes the
 * deliverer; how many, -1 on error. */
gint64 hy_service_retry_dead (HyService *self, gint64 item_id, GError **error);

/* Puts the given-up writes of one record ("alert:a1", "computer:pc1") back in the queue and
 * wakes the deliverer; how many, -1 on error. */
gint64 hy_service_retry_record (HyService *self, const char *record_key, GError **error);

/* ---- The alert intake ------------------------------------------------------------------- */

/* While this process delivers, the service accepts alerts over HTTP (HyIntakeServer) on the
 * address set for the data directory (hy_store_intake_set_listen (): halyard-cli intake set
 * --listen, Setup's Alert Sources), with the token from the keyring (made on first use). It
 * stops when another process delivers or the address is unset, and moves when it changes; the
 * address it listens on is kept in the store for the other processes to show.
 * "changed" is emitted when it starts listening, fails to, or stops. */

/* An address for this process only, over the setting (halyard-cli serve --listen); NULL: the
 * setting's. */
void hy_service_set_intake_address (HyService *self, const char *address);
/* The intake while it listens (transfer none), else NULL. */
HyIntakeServer *hy_service_get_intake (HyService *self);
/* TRUE while its token is being read and it is not listening yet. */
gboolean hy_service_get_intake_starting (HyService *self);
/* Why it does not listen where it should (the address cannot be bound, no token); NULL when
 * it listens or should not. */
const GError *hy_service_get_intake_error (HyService *self);

/* ---- The status summary ----------------------------------------------------------------- */

/**
 * HyServiceState:
 * @HY_SERVICE_STATE_NOT_CONNECTED: no connection saved
 * @HY_SERVICE_STATE_DISABLED: the integration is off
 * @HY_SERVICE_STATE_FAILING: a group failed, or a delivery was given up on
 * @HY_SERVICE_STATE_WAITING: writes wait for Halo's rate limit
 * @HY_SERVICE_STATE_SYNCING: devices or writes are on their way
 * @HY_SERVICE_STATE_SYNCED: everything is in Halo
 */
typedef enum
{
  HY_SERVICE_STATE_NOT_CONNECTED,
  HY_SERVICE_STATE_DISABLED,
  HY_SERVICE_STATE_FAILING,
  HY_SERVICE_STATE_WAITING,
  HY_SERVICE_STATE_SYNCING,
  HY_SERVICE_STATE_SYNCED,
} HyServiceState;

/* "not_connected", "disabled", "failing", "waiting", "syncing", "synced" */
const char *hy_service_state_to_string (HyServiceState state);

typedef struct
{
  HyServiceState state;
  guint synced;  /* devices of mapped groups in Halo */
  guint devices; /* devices of mapped groups */
  guint pending; /* writes waiting in the outbox */
  guint dead;    /* writes given up on */
  guint failed_groups;
  gint64 last_sync;         /* the end of the last sync of any mapped group (real µs); 0: never */
  gint64 until;             /* WAITING: when the rate limit lets the next request go (real µs) */
  char *subject;            /* FAILING: the group's name, or the delivery given up on */
  char *reason;             /* FAILING: why, in words that say what fixes it */
  HyLeaseHolder *deliverer; /* NULL: nobody delivers */
  char *intake;             /* where the deliverer accepts alerts over HTTP; NULL: nowhere */
  char *summary;            /* one translated sentence for the header and halyard-cli status */
} HyServiceStatus;

void hy_service_status_free (HyServiceStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyServiceStatus, hy_service_status_free)

/* What is true now, read from the store (the same in every process). */
HyServiceStatus *hy_service_status_read (HySession *session, GError **error);
/* {"state", "summary", "synced", "devices", "pending", "dead", "last_sync": ISO8601 | null,
 *  "until": ISO8601 | null,
 *  "subject": S | null, "reason": S | null, "intake": S | null,
 *  "deliverer": {"pid", "host", "command"} | null} */
JsonNode *hy_service_status_to_json (const HyServiceStatus *status);

G_END_DECLS
