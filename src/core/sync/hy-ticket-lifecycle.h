/* hy-ticket-lifecycle.h: the engine's ticket lifecycle against the store: maintenance holds,
 * the policy's ticket defaults, what Halyard did with a ticket (closed, reopened, repeats)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store/hy-store-lifecycle.h"
#include "store/hy-store.h"
#include "sync/hy-sync-payload.h"

G_BEGIN_DECLS

/* Whether a maintenance window holds the alert's ticket at @now (Unix seconds): then the alert
 * is marked held until the window ends (and TRUE); otherwise any hold is lifted. */
gboolean
hy_ticket_lifecycle_hold (HyStore *store, const HyAlert *alert, gint64 now, GError **error);
/* Whether the alert is held (marked by hy_ticket_lifecycle_hold ()). */
gboolean hy_ticket_lifecycle_is_held (HyStore *store, const char *alert_id);
/* When the engine must wake for a hold ending (Unix seconds), 0 when nothing is held. */
gint64 hy_ticket_lifecycle_next_wake (HyStore *store);

/* Fills the policy's ticket defaults and the previous occurrence's ticket into @spec (whose
 * client_id and site_id are set); the strings point into *@out_defaults, which the caller
 * frees after the spec. */
void hy_ticket_lifecycle_fill_spec (HyStore *store,
                                    const HyAlert *alert,
                                    HySyncTicketSpec *spec,
                                    HyPolicyDefaults **out_defaults);

G_END_DECLS
