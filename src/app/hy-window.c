/* hy-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-window.h"

struct _HyWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  /* Template widgets */
  AdwHeaderBar *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
  AdwViewSwitcherBar *switcher_bar;
};

G_DEFINE_FINAL_TYPE (HyWindow, hy_window, ADW_TYPE_APPLICATION_WINDOW)

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_window_save_size (HyWindow *self)
{
  int width = 0;
  int height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

/* ------------------------------------------------------------------------- */
/* Actions                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_window_show_view_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyWindow *self = HY_WINDOW (widget);

  hy_window_set_visible_view (self, g_variant_get_string (parameter, NULL));
}

/* ------------------------------------------------------------------------- */
/* GObject / GtkWidget overrides                                             */
/* ------------------------------------------------------------------------- */

static gboolean
hy_window_close_request (GtkWindow *window)
{
  hy_window_save_size (HY_WINDOW (window));

  return GTK_WINDOW_CLASS (hy_window_parent_class)->close_request (window);
}

static void
hy_window_dispose (GObject *object)
{
  HyWindow *self = HY_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HY_TYPE_WINDOW);

  G_OBJECT_CLASS (hy_window_parent_class)->dispose (object);
}

static void
hy_window_finalize (GObject *object)
{
  HyWindow *self = HY_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hy_window_parent_class)->finalize (object);
}

static void
hy_window_class_init (HyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hy_window_dispose;
  object_class->finalize = hy_window_finalize;
  window_class->close_request = hy_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/halyard/Halyard/hy-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HyWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, switcher_bar);

  gtk_widget_class_install_action (widget_class, "win.show-view", "s", hy_window_show_view_action);
}

static void
hy_window_init (HyWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new (BASE_APPLICATION_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "last-view", self->stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

HyWindow *
hy_window_new (GtkApplication *application)
{
  return g_object_new (HY_TYPE_WINDOW, "application", application, NULL);
}

const char *
hy_window_get_visible_view (HyWindow *self)
{
  g_return_val_if_fail (HY_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

void
hy_window_set_visible_view (HyWindow *self, const char *name)
{
  g_return_if_fail (HY_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (adw_view_stack_get_child_by_name (self->stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, name);
}
