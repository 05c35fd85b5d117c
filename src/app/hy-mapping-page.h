/* hy-mapping-page.h — the Mapping view: link local records to Halo, map groups and policies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hy-record-picker.h"
#include "linker/hy-linker.h"
#include "session/hy-session.h"
#include "sync/hy-sync-engine.h"

G_BEGIN_DECLS

#define HY_TYPE_MAPPING_PAGE (hy_mapping_page_get_type ())

G_DECLARE_FINAL_TYPE (HyMappingPage, hy_mapping_page, HY, MAPPING_PAGE, GtkWidget)

GtkWidget *hy_mapping_page_new (void);

HySession *hy_mapping_page_get_session (HyMappingPage *self);
void hy_mapping_page_set_session (HyMappingPage *self, HySession *session);

/* Section names: "companies", "locations", "computers", "technicians", "groups", "policies". */
void hy_mapping_page_set_section (HyMappingPage *self, const char *name);
const char *hy_mapping_page_get_section (HyMappingPage *self);
GListModel *hy_mapping_page_get_rows (HyMappingPage *self, const char *name);
GtkSelectionModel *hy_mapping_page_get_selection (HyMappingPage *self, const char *name);
void hy_mapping_page_set_search_text (HyMappingPage *self, const char *text);
void hy_mapping_page_set_unlinked_only (HyMappingPage *self, gboolean unlinked_only);
gboolean hy_mapping_page_reload (HyMappingPage *self);
HyRecordPicker *hy_mapping_page_open_picker (HyMappingPage *self);
guint hy_mapping_page_get_n_suggestions (HyMappingPage *self);
const HyLinkerSuggestion *hy_mapping_page_get_suggestion (HyMappingPage *self, guint index);
gboolean hy_mapping_page_answer_suggestion (HyMappingPage *self, guint index, gboolean accept);
gboolean hy_mapping_page_rename_company (HyMappingPage *self, const char *id, const char *name);
gboolean hy_mapping_page_get_busy (HyMappingPage *self);
HySyncEngine *hy_mapping_page_get_sync_engine (HyMappingPage *self);
void hy_mapping_page_set_sync_engine (HyMappingPage *self, HySyncEngine *engine);
gboolean hy_mapping_page_get_narrow (HyMappingPage *self);

G_END_DECLS
