/* hy-ticket-lifecycle.c: the engine's ticket lifecycle against the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include "sync/hy-maintenance.h"
#include "sync/hy-ticket-lifecycle.h"

gboolean
hy_ticket_lifecycle_hold (HyStore *store, const HyAlert *alert, gint64 now, GError **error)
{
  HyAlertLifecycle lifecycle;
  gint64 until;

  until = hy_maintenance_holds_computer (store, alert->computer_id, now, error);
  if (until < 0)
    return FALSE;
  if (!hy_store_get_alert_lifecycle (store, alert->id, &lifecycle, error))
    return FALSE;
  if (lifecycle.suppressed_until == until)
    return until > 0;
  lifecycle.suppressed_until = until;
  if (!hy_store_set_alert_lifecycle (store, alert->id, &lifecycle, error))
    return FALSE;
  return until > 0;
}

gboolean
hy_ticket_lifecycle_is_held (HyStore *store, const char *alert_id)
{
  HyAlertLifecycle lifecycle;

  return hy_store_get_alert_lifecycle (store, alert_id, &lifecycle, NULL) &&
         lifecycle.suppressed_until > 0;
}

gint64
hy_ticket_lifecycle_next_wake (HyStore *store)
{
  gint64 next = hy_store_next_suppression_end (store, NULL);

  return MAX (next, 0);
}

void
hy_ticket_lifecycle_fill_spec (HyStore *store,
                               const HyAlert *alert,
                               HySyncTicketSpec *spec,
                               HyPolicyDefaults **out_defaults)
{
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  HyAlertLifecycle lifecycle;

  *out_defaults = NULL;
  if (hy_store_get_alert_lifecycle (store, alert->id, &lifecycle, NULL))
    spec->previous_ticket_id = lifecycle.previous_ticket_id;
  defaults = hy_store_get_policy_defaults (store, alert->policy_id, NULL);
  if (defaults == NULL)
    return;
  spec->priority_id = hy_policy_defaults_priority_for (defaults, alert->severity);
  spec->team = defaults->team;
  spec->agent_id = defaults->agent_id;
  spec->category = defaults->category;
  /* The end user belongs to one client: raise as them on that client's tickets, at their
   * site (Halo needs it). */
  if (defaults->user_id > 0 && defaults->user_client_id == spec->client_id &&
      defaults->user_site_id > 0)
    {
      spec->user_id = defaults->user_id;
      spec->site_id = defaults->user_site_id;
    }
  *out_defaults = g_steal_pointer (&defaults);
}
