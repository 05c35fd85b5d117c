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

/* The status Halyard last set on the alert's ticket (at create or reopen), 0 when unknown. */
gint64 hy_ticket_lifecycle_get_set_status (HyStore *store, const char *alert_id);
void hy_ticket_lifecycle_set_status (HyStore *store, const char *alert_id, gint64 status_id);

/* The note that says the alert cleared and why the ticket stays open: an action by @who (an
 * agent's name, nullable), or its status changed by hand to @status_name (nullable). */
char *
hy_ticket_lifecycle_worked_note (const char *who, gboolean status_changed, const char *status_name);
/* Halyard closed the alert's ticket on clear at @now (µs) / left it open. */
void hy_ticket_lifecycle_closed (HyStore *store, const HyAlert *alert, gint64 now);
void hy_ticket_lifecycle_kept_open (HyStore *store, const HyAlert *alert);

/* A ticket status write queued for the alert: {"alert", "status_id", "on_clear"?, "reopen"?}
 * (@on_clear: close only if nobody worked it). */
char *hy_ticket_lifecycle_status_payload (const char *alert_id,
                                          gint64 status_id,
                                          gboolean on_clear,
                                          gboolean reopen);

/* A raise of @alert, whose ticket Halyard closed: within the policy's flap window (at @now, µs)
 * TRUE (reopen it; *@out_minutes the window); otherwise FALSE, and the next occurrence's
 * ticket will name this one. */
gboolean hy_ticket_lifecycle_flaps (HyStore *store,
                                    const HyAlert *alert,
                                    gint64 now,
                                    guint *out_minutes,
                                    GError **error);
/* The status a reopened ticket gets: the one Halyard set at create, else Halo's New (1). */
gint64 hy_ticket_lifecycle_reopen_status (HyStore *store, const char *alert_id);

/* A repeat while the ticket is open: counted; TRUE when a note is due (at most one per
 * @interval_minutes), with *@out_repeats the repeats it reports. */
gboolean hy_ticket_lifecycle_repeat (HyStore *store,
                                     const HyAlert *alert,
                                     gint64 now,
                                     guint *out_repeats,
                                     GError **error);

G_END_DECLS
