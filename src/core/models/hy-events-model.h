/* hy-events-model.h — the events log as a lazy GListModel, newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store/hy-store.h"

G_BEGIN_DECLS

#define HY_TYPE_EVENTS_MODEL (hy_events_model_get_type ())

G_DECLARE_FINAL_TYPE (HyEventsModel, hy_events_model, HY, EVENTS_MODEL, GObject)

HyEventsModel *hy_events_model_new (HyStore *store);

HyStore *hy_events_model_get_store (HyEventsModel *self);
void hy_events_model_set_failed_only (HyEventsModel *self, gboolean failed_only);
gboolean hy_events_model_get_failed_only (HyEventsModel *self);
void hy_events_model_set_record (HyEventsModel *self, const char *record);
const char *hy_events_model_get_record (HyEventsModel *self);

gboolean hy_events_model_reload (HyEventsModel *self, GError **error);
guint hy_events_model_update (HyEventsModel *self, GError **error);

guint hy_events_model_get_n_queries (HyEventsModel *self);
guint hy_events_model_get_n_cached (HyEventsModel *self);

G_END_DECLS
