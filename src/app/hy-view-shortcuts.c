/* hy-view-shortcuts.c — shortcuts global to the window that act only while their view is shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events and Mapping both give the window shortcuts (Ctrl+F searches the view shown) that must
 * do nothing while another view is shown; this is the one place that rule is written.
 */

#define G_LOG_DOMAIN "hy-view-shortcuts"

#include "config.h"

#include "hy-view-shortcuts.h"

static gboolean
shortcut_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  const char *action = user_data;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  return gtk_widget_activate_action_variant (widget, action, args);
}

void
hy_view_add_shortcut (GtkShortcutController *controller,
                      const char *accel,
                      const char *action,
                      GVariant *args)
{
  GtkShortcut *shortcut;

  g_return_if_fail (GTK_IS_SHORTCUT_CONTROLLER (controller));
  g_return_if_fail (accel != NULL);
  g_return_if_fail (action != NULL);

  shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (accel),
                               gtk_callback_action_new (shortcut_cb, (gpointer) action, NULL));
  if (args != NULL)
    gtk_shortcut_set_arguments (shortcut, args);
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}
