/* hy-sync-lifecycle.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include "hy-sync-lifecycle.h"

HySyncAlertOps
hy_sync_alert_on_raise (const HySyncAlertFacts *facts, gboolean routable)
{
  if (facts->exists && facts->routed && facts->closed && !facts->busy)
    {
      /* Its ticket was closed: the alert is back, so this is a new occurrence. */
      return HY_SYNC_ALERT_OP_NEW_OCCURRENCE |
             (routable ? HY_SYNC_ALERT_OP_CREATE_TICKET : HY_SYNC_ALERT_OP_UNROUTED);
    }
  if (facts->exists && facts->routed)
    {
      /* One ticket per occurrence: a repeat while it is open (also after a clear that left it
       * open) is a note on the same ticket. */
      return HY_SYNC_ALERT_OP_REPEAT_NOTE;
    }
  return routable ? HY_SYNC_ALERT_OP_CREATE_TICKET : HY_SYNC_ALERT_OP_UNROUTED;
}

HySyncAlertOps
hy_sync_alert_on_clear (const HySyncAlertFacts *facts, gint64 close_status_id)
{
  HySyncAlertOps ops = HY_SYNC_ALERT_OP_NONE;

  if (!facts->exists || facts->cleared || !facts->routed)
    return HY_SYNC_ALERT_OP_NONE; /* nothing in Halo to tell, or already told */
  ops |= HY_SYNC_ALERT_OP_CLEAR_NOTE;
  if (close_status_id > 0)
    ops |= HY_SYNC_ALERT_OP_CLOSE_TICKET;
  return ops;
}

HySyncAlertOps
hy_sync_alert_on_route (const HySyncAlertFacts *facts, gboolean routable)
{
  /* A cleared alert that never had a ticket stays a local record: no ticket for a problem that
   * is already gone. */
  if (!facts->exists || facts->routed || facts->cleared)
    return HY_SYNC_ALERT_OP_NONE;
  return routable ? HY_SYNC_ALERT_OP_CREATE_TICKET : HY_SYNC_ALERT_OP_NONE;
}
