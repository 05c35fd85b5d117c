/* hy-sync-close.h — which Halo status closes an alert's ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store/hy-store.h"

G_BEGIN_DECLS

/*
 * Halo's statuses carry no "closed" member (HALO-API §11). The status that closes an alert's
 * ticket is the policy mapping's close status when the technician picked one (halyard-cli map
 * policy … --close-status, or the Mapping view), else Halo's system status Closed (id 9) when it
 * is among the statuses fetched from Halo. Both `action --resolve` and the close on clear use it.
 *
 * Returns the status id, or 0 with @error (%HY_SYNC_ERROR_NO_CLOSE_STATUS, translated, saying
 * what to do) when there is none, or the store's error.
 */
gint64 hy_sync_close_status (HyStore *store, const char *policy_id, GError **error);

G_END_DECLS
