/* hy-sync-lifecycle.h: what an alert event turns into (pure; no I/O)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  HY_SYNC_ALERT_OP_NONE = 0,
  HY_SYNC_ALERT_OP_CREATE_TICKET = 1 << 0,  /* queue the ticket create */
  HY_SYNC_ALERT_OP_REPEAT_NOTE = 1 << 1,    /* queue a private note: raised again */
  HY_SYNC_ALERT_OP_CLEAR_NOTE = 1 << 2,     /* queue a private note: cleared */
  HY_SYNC_ALERT_OP_CLOSE_TICKET = 1 << 3,   /* queue the status change */
  HY_SYNC_ALERT_OP_UNROUTED = 1 << 4,       /* keep it, with the reason it cannot be routed */
  HY_SYNC_ALERT_OP_NEW_OCCURRENCE = 1 << 5, /* start over: a new ticket for a new occurrence */
} HySyncAlertOps;

/* What the store knows about an alert before the event. */
typedef struct
{
  gboolean exists;  /* recorded before */
  gboolean routed;  /* a ticket exists or its create is queued (or dead-lettered) */
  gboolean cleared; /* cleared_at is set */
  gboolean closed;  /* cleared, and its ticket was closed (or is being closed) by Halyard */
  gboolean busy;    /* writes for its ticket are still waiting in the outbox */
} HySyncAlertFacts;

/* @routable: the policy is mapped and the device's company is linked. A raise after the ticket
 * was closed (and its writes went out) is a new occurrence: HY_SYNC_ALERT_OP_CREATE_TICKET with
 * HY_SYNC_ALERT_OP_NEW_OCCURRENCE. */
HySyncAlertOps hy_sync_alert_on_raise (const HySyncAlertFacts *facts, gboolean routable);
/* @close_status_id: the policy mapping's close status, 0 = leave the ticket open. */
HySyncAlertOps hy_sync_alert_on_clear (const HySyncAlertFacts *facts, gint64 close_status_id);
/* An unrouted, still open alert whose route appeared. */
HySyncAlertOps hy_sync_alert_on_route (const HySyncAlertFacts *facts, gboolean routable);

G_END_DECLS
