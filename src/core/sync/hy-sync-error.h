/* hy-sync-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HY_SYNC_ERROR (hy_sync_error_quark ())

/**
 * HySyncError:
 * @HY_SYNC_ERROR_DISABLED: the integration is disabled; nothing was sent
 * @HY_SYNC_ERROR_NOT_FOUND: the local record (alert, computer, user) does not exist
 * @HY_SYNC_ERROR_INVALID: bad input (empty summary, negative minutes, ...)
 * @HY_SYNC_ERROR_UNLINKED_USER: the technician is not linked to a Halo agent
 * @HY_SYNC_ERROR_NO_TICKET: the alert has no ticket (unrouted) to act on
 * @HY_SYNC_ERROR_NO_OUTCOME: no usable action outcome in the Halo cache
 * @HY_SYNC_ERROR_NOT_CONFIGURED: no Halo connection is configured
 * @HY_SYNC_ERROR_NOTHING_MAPPED: enabling was refused: no group and no policy is mapped
 * @HY_SYNC_ERROR_NO_CLOSE_STATUS: no status to close a ticket with: the policy has no close
 *   status and Halo's system status Closed (id 9) is not among the fetched statuses
 */
typedef enum
{
  HY_SYNC_ERROR_DISABLED,
  HY_SYNC_ERROR_NOT_FOUND,
  HY_SYNC_ERROR_INVALID,
  HY_SYNC_ERROR_UNLINKED_USER,
  HY_SYNC_ERROR_NO_TICKET,
  HY_SYNC_ERROR_NO_OUTCOME,
  HY_SYNC_ERROR_NOT_CONFIGURED,
  HY_SYNC_ERROR_NOTHING_MAPPED,
  HY_SYNC_ERROR_NO_CLOSE_STATUS,
} HySyncError;

GQuark hy_sync_error_quark (void);

G_END_DECLS
