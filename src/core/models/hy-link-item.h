/* hy-link-item.h — one row of the Mapping view: a local record and what it is linked or mapped to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "store/hy-store-types.h"

G_BEGIN_DECLS

typedef enum
{
  HY_LINK_ITEM_STATE_NONE,
  HY_LINK_ITEM_STATE_GOOD,
  HY_LINK_ITEM_STATE_BUSY,
  HY_LINK_ITEM_STATE_BAD,
} HyLinkItemState;

#define HY_TYPE_LINK_ITEM (hy_link_item_get_type ())

G_DECLARE_FINAL_TYPE (HyLinkItem, hy_link_item, HY, LINK_ITEM, GObject)

HyLinkItem *hy_link_item_new (HyRecordKind kind, const char *id, const char *name);
HyLinkItem *hy_link_item_new_from_link (const HyLink *link);

HyRecordKind hy_link_item_get_kind (HyLinkItem *self);
const char *hy_link_item_get_id (HyLinkItem *self);
const char *hy_link_item_get_name (HyLinkItem *self);
gboolean hy_link_item_get_linked (HyLinkItem *self);
gint64 hy_link_item_get_halo_id (HyLinkItem *self);
const char *hy_link_item_get_halo_name (HyLinkItem *self);
const char *hy_link_item_get_state (HyLinkItem *self);
HyLinkItemState hy_link_item_get_state_kind (HyLinkItem *self);
const char *hy_link_item_get_extra (HyLinkItem *self);
HyReason hy_link_item_get_reason_code (HyLinkItem *self);

void
hy_link_item_set_link (HyLinkItem *self, gboolean linked, gint64 halo_id, const char *halo_name);
void hy_link_item_set_state (HyLinkItem *self, const char *state, HyLinkItemState kind);
void hy_link_item_set_extra (HyLinkItem *self, const char *extra);
void hy_link_item_set_reason_code (HyLinkItem *self, HyReason reason_code);

G_END_DECLS
