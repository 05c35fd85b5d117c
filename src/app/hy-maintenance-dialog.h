/* hy-maintenance-dialog.h: a group's active and coming maintenance windows, added and removed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/hy-store.h"

G_BEGIN_DECLS

#define HY_TYPE_MAINTENANCE_DIALOG (hy_maintenance_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyMaintenanceDialog, hy_maintenance_dialog, HY, MAINTENANCE_DIALOG, AdwWindow)

HyMaintenanceDialog *hy_maintenance_dialog_new (GtkWindow *parent,
                                                HyStore *store,
                                                const char *group_id,
                                                const char *group_name);
/* Adds a window from the From, Until and Reason fields (what Add does); FALSE with the reason
 * shown in the dialog. */
gboolean hy_maintenance_dialog_add (HyMaintenanceDialog *self);
/* How many active and coming windows the dialog lists. */
guint hy_maintenance_dialog_get_n_windows (HyMaintenanceDialog *self);
/* What a group's row says of its maintenance at @now (Unix seconds): the active window of the
 * group or a parent group, else the next one; NULL when there is none. */
char *hy_maintenance_dialog_describe_group (HyStore *store, const char *group_id, gint64 now);

G_END_DECLS
