/* hy-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-application"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-application.h"
#include "hy-window.h"

struct _HyApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (HyApplication, hy_application, ADW_TYPE_APPLICATION)

/* ------------------------------------------------------------------------- */
/* Actions                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_application_about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  static const char *developers[] = { "The Halyard developers", NULL };
  HyApplication *self = user_data;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window, "application-name", "Halyard", "application-icon", APPLICATION_ID,
                         "developer-name", "The Halyard developers", "version", PACKAGE_VERSION,
                         "website", "https://github.com/halyard/halyard", "issue-url",
                         "https://github.com/halyard/halyard/issues", "developers", developers,
                         /* Translators: replace with your names, one per line */
                         "translator-credits", _ ("translator-credits"), "copyright",
                         "© 2026 The Halyard developers", "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
hy_application_quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  HyApplication *self = user_data;

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", hy_application_about_action },
  { "quit", hy_application_quit_action },
};

/* ------------------------------------------------------------------------- */
/* GApplication overrides                                                    */
/* ------------------------------------------------------------------------- */

static void
hy_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *setup_accels[] = { "<Alt>1", NULL };
  static const char *mapping_accels[] = { "<Alt>2", NULL };
  static const char *events_accels[] = { "<Alt>3", NULL };
  HyApplication *self = HY_APPLICATION (application);

  G_APPLICATION_CLASS (hy_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::setup",
                                         setup_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::mapping",
                                         mapping_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::events",
                                         events_accels);
}

static void
hy_application_activate (GApplication *application)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = GTK_WINDOW (hy_window_new (GTK_APPLICATION (application)));

  gtk_window_present (window);
}

static void
hy_application_class_init (HyApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = hy_application_startup;
  app_class->activate = hy_application_activate;
}

static void
hy_application_init (HyApplication *self)
{
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

HyApplication *
hy_application_new (void)
{
  return g_object_new (HY_TYPE_APPLICATION, "application-id", APPLICATION_ID, "resource-base-path",
                       "/io/github/halyard/Halyard", "flags", G_APPLICATION_DEFAULT_FLAGS, NULL);
}
