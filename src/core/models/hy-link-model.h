/* hy-link-model.h — the links of one kind of local record as a lazy GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store/hy-store.h"

G_BEGIN_DECLS

#define HY_TYPE_LINK_MODEL (hy_link_model_get_type ())

G_DECLARE_FINAL_TYPE (HyLinkModel, hy_link_model, HY, LINK_MODEL, GObject)

HyLinkModel *hy_link_model_new (HyStore *store, HyRecordKind kind);

HyRecordKind hy_link_model_get_kind (HyLinkModel *self);
void hy_link_model_set_search (HyLinkModel *self, const char *search);
void hy_link_model_set_unlinked_only (HyLinkModel *self, gboolean unlinked_only);
gboolean hy_link_model_reload (HyLinkModel *self, GError **error);
guint hy_link_model_get_n_queries (HyLinkModel *self);

G_END_DECLS
