/* hy-event-item.h — one event of the events log as a list item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "store/hy-store-types.h"

G_BEGIN_DECLS

#define HY_TYPE_EVENT_ITEM (hy_event_item_get_type ())

G_DECLARE_FINAL_TYPE (HyEventItem, hy_event_item, HY, EVENT_ITEM, GObject)

HyEventItem *hy_event_item_new (HyEvent *event);

const HyEvent *hy_event_item_get_event (HyEventItem *self);
gint64 hy_event_item_get_id (HyEventItem *self);
gboolean hy_event_item_get_failed (HyEventItem *self);
const char *hy_event_item_get_search_key (HyEventItem *self);
char *hy_event_item_format_time (HyEventItem *self);
char *hy_event_item_format_status (HyEventItem *self);

G_END_DECLS
