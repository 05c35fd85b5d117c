/* hy-view-shortcuts.h — shortcuts global to the window that act only while their view is shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Adds @accel to @controller (a controller of the view, in GTK_SHORTCUT_SCOPE_GLOBAL): it
 * activates the view's @action (a static string) with @args (nullable, floating taken) while
 * the view is mapped, and lets the key go on to other views when it is not. */
void hy_view_add_shortcut (GtkShortcutController *controller,
                           const char *accel,
                           const char *action,
                           GVariant *args);

G_END_DECLS
