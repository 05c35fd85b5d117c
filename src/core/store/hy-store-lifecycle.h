/* hy-store-lifecycle.h: what the ticket lifecycle keeps in the store: ticket defaults and the
 * flap window per policy, maintenance windows per group, and what Halyard did with each alert's
 * ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/hy-store.h"

G_BEGIN_DECLS

/* The flap window when a policy sets none: a re-raise within it reopens the ticket Halyard
 * closed. */
#define HY_POLICY_DEFAULT_FLAP_MINUTES 30

/* ---- Ticket defaults per policy --------------------------------------------------------- */

typedef struct
{
  char *policy_id;
  gint64 priority_id;        /* Halo priority id; 0: Halo's default */
  char *severity_priorities; /* "critical=1,warning=3": by the alert's severity; NULL: none */
  char *team;                /* Halo team, by name (a ticket names its team); NULL: none */
  gint64 agent_id;           /* Halo agent to assign; 0: none */
  char *category;            /* category_1; NULL: none */
  gint64 user_id;            /* Halo end user to raise the ticket as; 0: none */
  gint64 user_client_id;     /* that user's client: the user applies to its tickets only */
  gint64 user_site_id;       /* that user's site (Halo needs it with the user) */
  gint flap_minutes;         /* the flap window; -1: HY_POLICY_DEFAULT_FLAP_MINUTES */
} HyPolicyDefaults;

HyPolicyDefaults *hy_policy_defaults_new (const char *policy_id);
void hy_policy_defaults_free (HyPolicyDefaults *defaults);
/* The flap window in minutes (the default when unset). */
guint hy_policy_defaults_get_flap_minutes (const HyPolicyDefaults *defaults);
/* The priority for an alert of @severity (nullable): the table's entry for it (ignoring case),
 * else priority_id; 0: Halo's default. */
gint64 hy_policy_defaults_priority_for (const HyPolicyDefaults *defaults, const char *severity);
/* Parses "SEVERITY=ID,SEVERITY=ID" into severity (lower case) → id; NULL on a bad table. */
GHashTable *hy_policy_defaults_parse_severities (const char *text);

/* The policy's defaults: every field unset when none were saved (never NOT_FOUND for a
 * policy without defaults; NOT_FOUND when the policy does not exist). */
HyPolicyDefaults *
hy_store_get_policy_defaults (HyStore *self, const char *policy_id, GError **error);
/* Saves every field of @defaults (replacing what was saved). */
gboolean
hy_store_set_policy_defaults (HyStore *self, const HyPolicyDefaults *defaults, GError **error);

/* ---- Maintenance windows ---------------------------------------------------------------- */

typedef struct
{
  gint64 id;
  char *group_id;
  gint64 starts_at; /* Unix seconds */
  gint64 ends_at;   /* Unix seconds, after starts_at */
  char *reason;     /* nullable */
  gint64 created;
} HyMaintenanceWindow;

void hy_maintenance_window_free (HyMaintenanceWindow *window);

/* Adds a window to @group_id (it covers the group's subgroups too); returns its id, 0 on
 * error. INVALID when it does not end after it starts; NOT_FOUND when the group does not
 * exist. */
gint64 hy_store_add_maintenance (HyStore *self,
                                 const char *group_id,
                                 gint64 starts_at,
                                 gint64 ends_at,
                                 const char *reason,
                                 GError **error);
/* NOT_FOUND when there is no such window. */
gboolean hy_store_remove_maintenance (HyStore *self, gint64 id, GError **error);
/* Windows of @group_id (NULL: of every group) that end after @after (0: all), by start. */
GPtrArray *
hy_store_list_maintenance (HyStore *self, const char *group_id, gint64 after, GError **error);
/* The window that holds @group_id (itself or one of its parent groups) at @now: the one that
 * ends last. NULL with no error when none does. */
HyMaintenanceWindow *
hy_store_maintenance_at (HyStore *self, const char *group_id, gint64 now, GError **error);
/* The first window of @group_id or one of its parent groups that starts after @after. NULL
 * with no error when none does. */
HyMaintenanceWindow *
hy_store_maintenance_next (HyStore *self, const char *group_id, gint64 after, GError **error);

/* ---- What Halyard did with an alert's ticket -------------------------------------------- */

typedef struct
{
  gint64 suppressed_until;   /* held by a maintenance window until then; 0: not held */
  gint64 closed_at;          /* when Halyard closed its ticket on clear; 0: not closed */
  gint64 closed_ticket_id;   /* the ticket Halyard closed */
  gint64 previous_ticket_id; /* the ticket of the previous occurrence (a new ticket names it) */
  guint repeats;             /* raised again while open, since the last note */
  gint64 last_repeat_note;   /* when the last repeat note was queued; 0: none */
} HyAlertLifecycle;

/* Zeros when nothing was recorded. */
gboolean hy_store_get_alert_lifecycle (HyStore *self,
                                       const char *alert_id,
                                       HyAlertLifecycle *out_lifecycle,
                                       GError **error);
gboolean hy_store_set_alert_lifecycle (HyStore *self,
                                       const char *alert_id,
                                       const HyAlertLifecycle *lifecycle,
                                       GError **error);
/* The status Halyard last set on @alert_id's ticket (on create, or on reopen after a flap), in
 * *@out_status_id; 0 when it set none (or forgot it). A status other than it on clear was
 * changed by hand. */
gboolean hy_store_get_alert_ticket_status (HyStore *self,
                                           const char *alert_id,
                                           gint64 *out_status_id,
                                           GError **error);
/* Records the status Halyard set on @alert_id's ticket; 0 or less forgets it. The rest of the
 * alert's lifecycle is left as it is. */
gboolean hy_store_set_alert_ticket_status (HyStore *self,
                                           const char *alert_id,
                                           gint64 status_id,
                                           GError **error);
/* Ids of the open alerts held by maintenance until @until or earlier. */
GStrv hy_store_list_suppressed_alerts (HyStore *self, gint64 until, GError **error);
/* How many open (not cleared) alerts maintenance holds; -1 on error. */
gint64 hy_store_count_suppressed_alerts (HyStore *self, GError **error);
/* The earliest suppressed_until of an open alert; 0 when none is held. */
gint64 hy_store_next_suppression_end (HyStore *self, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyPolicyDefaults, hy_policy_defaults_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyMaintenanceWindow, hy_maintenance_window_free)

G_END_DECLS
