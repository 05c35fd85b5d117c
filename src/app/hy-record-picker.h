/* hy-record-picker.h — a searchable list of Halo records to link to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "models/hy-halo-item.h"

G_BEGIN_DECLS

#define HY_TYPE_RECORD_PICKER (hy_record_picker_get_type ())

G_DECLARE_FINAL_TYPE (HyRecordPicker, hy_record_picker, HY, RECORD_PICKER, GtkWidget)

GtkWidget *hy_record_picker_new (void);

void hy_record_picker_set_model (HyRecordPicker *self, GListModel *model);
GListModel *hy_record_picker_get_model (HyRecordPicker *self);
void hy_record_picker_set_parent_id (HyRecordPicker *self, gint64 parent_id);
void hy_record_picker_set_search_text (HyRecordPicker *self, const char *text);
const char *hy_record_picker_get_search_text (HyRecordPicker *self);
void hy_record_picker_set_placeholder_text (HyRecordPicker *self, const char *text);
guint hy_record_picker_get_n_shown (HyRecordPicker *self);
HyHaloItem *hy_record_picker_get_selected (HyRecordPicker *self);
gboolean hy_record_picker_pick_selected (HyRecordPicker *self);
void hy_record_picker_focus_search (HyRecordPicker *self);

G_END_DECLS
