/* hy-linker-defaults.h: a policy's ticket defaults, checked against Halo's own lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/hy-store-lifecycle.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

/* Saves @defaults for a mapped policy after checking them against the cached Halo records:
 * the priority (and each priority of the severity table) among Halo's priorities, the team
 * among Halo's teams (saved with Halo's spelling), the agent an enabled technician (not an
 * API-only agent). A refused value is reported with Halo's own names and nothing changes.
 * HY_LINKER_ERROR_NOT_FOUND when the policy is not mapped. */
gboolean
hy_linker_set_policy_defaults (HyStore *store, const HyPolicyDefaults *defaults, GError **error);

/* Everything a policy's route holds at one moment: its mapping (ticket type, close status) and
 * its ticket defaults (priority, severity table, team, agent, category, end user, flap window),
 * to be put back as a whole, as the window's Undo does. */
typedef struct
{
  char *policy_id;
  HyPolicyMapping *mapping;   /* NULL: the policy was not mapped */
  HyPolicyDefaults *defaults; /* never NULL: every field unset when none were saved */
} HyPolicyRoute;

void hy_policy_route_free (HyPolicyRoute *route);

/* The policy's mapping and ticket defaults as they are now. HY_LINKER_ERROR_NOT_FOUND when the
 * policy does not exist. */
HyPolicyRoute *hy_linker_get_policy_route (HyStore *store, const char *policy_id, GError **error);
/* Puts the policy's mapping and ticket defaults back as @route holds them, in one transaction:
 * mapped again (checked as map policy checks it: the ticket type and close status must still be
 * known) or unmapped, and the defaults replaced by the saved ones. On error nothing changes. */
gboolean
hy_linker_restore_policy_route (HyStore *store, const HyPolicyRoute *route, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyPolicyRoute, hy_policy_route_free)

G_END_DECLS
