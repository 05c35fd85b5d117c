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

G_END_DECLS
