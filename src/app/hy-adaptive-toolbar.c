/* hy-adaptive-toolbar.c — toolbars that show only their buttons' icons on narrow windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events and Mapping both switch their toolbar buttons between label and icon when the window
 * is narrower than the toolbar with its labels; these are the pieces they share.
 */

#define G_LOG_DOMAIN "hy-adaptive-toolbar"

#include "config.h"

#include "hy-adaptive-toolbar.h"

#define WIDE_LABEL_KEY "hy-compact-wide-label"

char *
hy_strip_mnemonic (const char *label)
{
  GString *text;

  g_return_val_if_fail (label != NULL, NULL);

  text = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        p++;
      else if (*p == '_')
        continue;
      g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

void
hy_compact_button_init (GtkWidget *button)
{
  const char *label;
  g_autofree char *name = NULL;

  g_return_if_fail (GTK_IS_BUTTON (button) || GTK_IS_MENU_BUTTON (button));

  label = GTK_IS_MENU_BUTTON (button) ? gtk_menu_button_get_label (GTK_MENU_BUTTON (button))
                                      : gtk_button_get_label (GTK_BUTTON (button));
  g_return_if_fail (label != NULL);

  g_object_set_data_full (G_OBJECT (button), WIDE_LABEL_KEY, g_strdup (label), g_free);
  name = hy_strip_mnemonic (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
hy_compact_button_set_narrow (GtkWidget *button, const char *icon_name, gboolean narrow)
{
  const char *label = g_object_get_data (G_OBJECT (button), WIDE_LABEL_KEY);

  g_return_if_fail (GTK_IS_BUTTON (button) || GTK_IS_MENU_BUTTON (button));
  g_return_if_fail (label != NULL);

  if (GTK_IS_MENU_BUTTON (button) && narrow)
    gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), icon_name);
  else if (GTK_IS_MENU_BUTTON (button))
    gtk_menu_button_set_label (GTK_MENU_BUTTON (button), label);
  else if (narrow)
    gtk_button_set_icon_name (GTK_BUTTON (button), icon_name);
  else
    gtk_button_set_label (GTK_BUTTON (button), label);
}

void
hy_bin_measure (GtkWidget *widget,
                GtkOrientation orientation,
                int for_size,
                int *minimum,
                int *natural)
{
  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      {
        int child_min = 0;
        int child_nat = 0;

        gtk_widget_measure (child, orientation, for_size, &child_min, &child_nat, NULL, NULL);
        *minimum = MAX (*minimum, child_min);
        *natural = MAX (*natural, child_nat);
      }
}

void
hy_bin_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      gtk_widget_allocate (child, width, height, baseline, NULL);
}

void
hy_adaptive_mode_init (HyAdaptiveMode *mode,
                       GtkWidget *page,
                       HyWideWidthFunc wide_width_func,
                       HyNarrowFunc narrow_func)
{
  *mode = (HyAdaptiveMode){ .page = page,
                            .wide_width_func = wide_width_func,
                            .narrow_func = narrow_func };
}

static gboolean
adaptive_mode_idle_cb (gpointer user_data)
{
  HyAdaptiveMode *mode = user_data;
  gboolean narrow;

  mode->idle = 0;
  narrow = gtk_widget_get_width (mode->page) < mode->wide_width;
  if (mode->narrow != narrow)
    {
      mode->narrow = narrow;
      mode->narrow_func (mode->page, narrow);
    }
  return G_SOURCE_REMOVE;
}

void
hy_adaptive_mode_allocate (HyAdaptiveMode *mode, int width, int height, int baseline)
{
  if (!mode->narrow)
    mode->wide_width = mode->wide_width_func (mode->page);

  /* Widgets change after the allocation, not during it. */
  if ((width < mode->wide_width) != mode->narrow && mode->idle == 0)
    mode->idle = g_idle_add (adaptive_mode_idle_cb, mode);

  hy_bin_allocate (mode->page, width, height, baseline);
}

void
hy_adaptive_mode_clear (HyAdaptiveMode *mode)
{
  g_clear_handle_id (&mode->idle, g_source_remove);
}
