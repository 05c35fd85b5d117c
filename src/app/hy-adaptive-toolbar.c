/* hy-adaptive-toolbar.c — pages that switch to a narrow layout on narrow windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events and Mapping both switch to a narrow layout (fewer columns, actions in a menu) when the
 * window is narrower than their wide layout; these are the pieces they share.
 */

#define G_LOG_DOMAIN "hy-adaptive-toolbar"

#include "config.h"

#include "hy-adaptive-toolbar.h"

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
