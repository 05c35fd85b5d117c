/* hy-link-rows.h: the Mapping rows of groups and policies, from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "models/hy-link-item.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

/* A group's row: the Halo client and site it is mapped to (its own mapping or its nearest
 * mapped parent's), its sync state, its device counts and, when it failed, why; @maintenance
 * (nullable) is its active or coming maintenance window, in words. */
HyLinkItem *
hy_link_item_new_for_group (HyStore *store, const HyGroupSync *sync, const char *maintenance);
/* A policy's row: the ticket type its alerts become (@mapping NULL: not mapped) and what
 * happens to the ticket when the alert clears. */
HyLinkItem *hy_link_item_new_for_policy (HyStore *store,
                                         const HyPolicy *policy,
                                         const HyPolicyMapping *mapping);

G_END_DECLS
