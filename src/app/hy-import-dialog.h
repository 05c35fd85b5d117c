/* hy-import-dialog.h: the first rows of a file under its column map, before importing it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "import/hy-import.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

#define HY_TYPE_IMPORT_DIALOG (hy_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyImportDialog, hy_import_dialog, HY, IMPORT_DIALOG, AdwWindow)

/* A dialog that previews @file (a CSV file, an XML inventory or a folder of them) and imports
 * it into @store once the technician confirms; "imported" (HyImportResult *) then says what
 * was added, updated, unchanged and retired, and the dialog closes. Nothing is written before. */
HyImportDialog *hy_import_dialog_new (GtkWindow *parent, HyStore *store, GFile *file);

/* What the technician sees and does, for tests and the accessibility tree's users. */
/* TRUE once a preview is shown and the file can be imported as it is. */
gboolean hy_import_dialog_is_ready (HyImportDialog *self);
/* The map of the preview shown ("field=Header,…"; NULL for JSON and XML, or before one). */
const char *hy_import_dialog_get_columns (HyImportDialog *self);
/* Why the file cannot be imported as the map is; NULL when it can. */
const char *hy_import_dialog_get_error (HyImportDialog *self);
/* Chooses @field (NULL: not imported) in the drop-down above @column. */
void hy_import_dialog_choose_field (HyImportDialog *self, guint column, const char *field);
void hy_import_dialog_set_prune (HyImportDialog *self, gboolean prune);
/* Inventories: the company of their computers (an imported company's id; NULL: each
 * inventory's TAG). FALSE when no company has that id. */
gboolean hy_import_dialog_set_company (HyImportDialog *self, const char *company_id);
/* The sentence above the preview: what the file is and what is shown of it. */
const char *hy_import_dialog_get_summary (HyImportDialog *self);
/* Presses Import. */
void hy_import_dialog_confirm (HyImportDialog *self);

G_END_DECLS
