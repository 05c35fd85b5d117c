/* hy-suggestions-list.h — the near matches the linker suggests, to accept or reject
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "linker/hy-linker.h"

G_BEGIN_DECLS

#define HY_TYPE_SUGGESTIONS_LIST (hy_suggestions_list_get_type ())

G_DECLARE_FINAL_TYPE (HySuggestionsList, hy_suggestions_list, HY, SUGGESTIONS_LIST, GtkWidget)

GtkWidget *hy_suggestions_list_new (void);

void hy_suggestions_list_set_suggestions (HySuggestionsList *self, GPtrArray *suggestions);
guint hy_suggestions_list_get_n_rows (HySuggestionsList *self);
GtkWidget *hy_suggestions_list_get_row (HySuggestionsList *self, guint index);
GtkWidget *hy_suggestions_list_get_button (HySuggestionsList *self, guint index, gboolean accept);

char *hy_suggestions_list_format_kind_score (HyRecordKind kind, double score);

G_END_DECLS
