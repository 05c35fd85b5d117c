/* hy-halo-item.h — one cached Halo record (client, site, asset, agent, ticket type, status) as a
 * list item for the views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HY_TYPE_HALO_ITEM (hy_halo_item_get_type ())

G_DECLARE_FINAL_TYPE (HyHaloItem, hy_halo_item, HY, HALO_ITEM, GObject)

HyHaloItem *hy_halo_item_new (gint64 id, const char *name, const char *detail);

gint64 hy_halo_item_get_id (HyHaloItem *self);
const char *hy_halo_item_get_name (HyHaloItem *self);
const char *hy_halo_item_get_detail (HyHaloItem *self);
const char *hy_halo_item_get_search_key (HyHaloItem *self);
gint64 hy_halo_item_get_parent_id (HyHaloItem *self);
void hy_halo_item_set_parent_id (HyHaloItem *self, gint64 parent_id);

char *hy_halo_item_fold (const char *text);
char **hy_halo_item_split_words (const char *text);

G_END_DECLS
