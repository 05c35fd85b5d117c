/* hy-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-application"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "service/hy-service.h"
#include "session/hy-session.h"

#include "hy-application.h"
#include "hy-demo.h"
#include "hy-window.h"

struct _HyApplication
{
  AdwApplication parent_instance;

  /* --data-dir, else $HALYARD_DATA_DIR, else the default */
  char *data_dir;
  gboolean demo_requested;
  /* Once the demo was left, a missing profile means setting one up, not another demo. */
  gboolean leaving_demo;

  HySession *session;
  HyDemo *demo;
  guint sigint_source;
  guint sigterm_source;
  /* The window was closed while the integration runs: the service keeps running. */
  gboolean background;
};

G_DEFINE_FINAL_TYPE (HyApplication, hy_application, ADW_TYPE_APPLICATION)

static void hy_application_leave_background (HyApplication *self);

/* ------------------------------------------------------------------------- */
/* Actions                                                                   */
/* ------------------------------------------------------------------------- */

/* The application's icon: the installed one, else (a development build run from the build
 * tree) the one in the source tree. */
static const char *
hy_application_icon_name (GtkWindow *window)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (
      window != NULL ? gtk_widget_get_display (GTK_WIDGET (window)) : gdk_display_get_default ());

  if (theme != NULL && !gtk_icon_theme_has_icon (theme, APPLICATION_ID) &&
      gtk_icon_theme_has_icon (theme, BASE_APPLICATION_ID))
    return BASE_APPLICATION_ID;
  return APPLICATION_ID;
}

/* Run from the build tree (the README's way), the icons are not installed anywhere the icon
 * theme looks: look in the source tree's data/icons as well. */
static void
hy_application_add_build_tree_icons (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  if (exe != NULL && theme != NULL && g_str_has_prefix (exe, HY_BUILD_APP_DIR G_DIR_SEPARATOR_S))
    gtk_icon_theme_add_search_path (theme, HY_SOURCE_ICON_DIR);
}

static void
hy_application_about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  static const char *developers[] = { "The Halyard developers", NULL };
  HyApplication *self = user_data;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window, "application-name", "Halyard", "application-icon",
                         hy_application_icon_name (window), "developer-name",
                         "The Halyard developers", "version", PACKAGE_VERSION, "website",
                         "https://github.com/halyard/halyard", "issue-url",
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

static void hy_application_activate (GApplication *application);

/* SIGINT and SIGTERM end the application the normal way, so the demo still cleans up. */
static gboolean
hy_application_signal_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

#if HY_ENABLE_DEMO
static void
hy_application_leave_demo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  HyApplication *self = user_data;
  GtkWindow *window;

  if (self->demo == NULL)
    return;

  /* The demo's window, session and files go; Halyard opens on the technician's own data. */
  g_application_hold (G_APPLICATION (self));
  while ((window = gtk_application_get_active_window (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (window);
  hy_application_leave_background (self);
  g_clear_object (&self->session);
  hy_demo_stop (self->demo, 5000);
  g_clear_object (&self->demo);
  self->demo_requested = FALSE;
  self->leaving_demo = TRUE;
  g_simple_action_set_enabled (action, FALSE);

  hy_application_activate (G_APPLICATION (self));
  g_application_release (G_APPLICATION (self));
}

/* Try the Demo (after Leave the Demo, or on real data): this window goes, the demo's opens. */
static void
hy_application_start_demo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  HyApplication *self = user_data;
  GtkWindow *window;

  if (self->demo != NULL)
    return;

  g_application_hold (G_APPLICATION (self));
  while ((window = gtk_application_get_active_window (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (window);
  g_clear_object (&self->session);
  self->demo_requested = TRUE;
  self->leaving_demo = FALSE;

  hy_application_activate (G_APPLICATION (self));
  g_application_release (G_APPLICATION (self));
}
#endif

static const GActionEntry app_actions[] = {
  { "about", hy_application_about_action },
  { "quit", hy_application_quit_action },
#if HY_ENABLE_DEMO
  { "leave-demo", hy_application_leave_demo_action },
  { "start-demo", hy_application_start_demo_action },
#endif
};

/* ------------------------------------------------------------------------- */
/* GApplication overrides                                                    */
/* ------------------------------------------------------------------------- */

/* ------------------------------------------------------------------------- */
/* In the background                                                         */
/* ------------------------------------------------------------------------- */

/* The integration runs here and now: enabled, and this process delivers. */
static gboolean
hy_application_delivers (HyApplication *self)
{
  const HyProfile *profile = self->session ? hy_session_get_profile (self->session) : NULL;

  return self->demo == NULL && profile != NULL && profile->enabled &&
         hy_service_is_delivering (hy_service_get (self->session));
}

static void
background_requested_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_debug ("No Background portal: %s", error->message);
}

/* Asks the desktop's Background portal (when there is one) to let Halyard run without a
 * window; the answer only changes what the desktop shows. */
static void
hy_application_request_background (HyApplication *self)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self));
  GVariantBuilder options;

  if (bus == NULL)
    return;
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_ ("Halyard keeps sending devices and alerts to "
                                                  "Halo while the integration is enabled")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, background_requested_cb, NULL);
}

/* Once ever: a notification that closing the window did not stop the integration. */
static void
hy_application_notify_background (HyApplication *self)
{
  g_autoptr (GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  g_autoptr (GNotification) notification = NULL;

  if (g_settings_get_boolean (settings, "background-notified"))
    return;
  notification = g_notification_new (_ ("Halyard keeps running"));
  g_notification_set_body (notification,
                           _ ("It keeps sending devices and alerts to Halo in the background. "
                              "To stop it, choose Quit in Halyard’s menu."));
  g_application_send_notification (G_APPLICATION (self), "background", notification);
  g_settings_set_boolean (settings, "background-notified", TRUE);
}

static void
hy_application_leave_background (HyApplication *self)
{
  if (!self->background)
    return;
  self->background = FALSE;
  g_application_release (G_APPLICATION (self));
}

/* In the background, the service stopped running here (disabled, or another process took
 * over): nothing is left to do. */
static void
service_changed_cb (HyApplication *self, HyService *service)
{
  if (self->background && !hy_application_delivers (self))
    hy_application_leave_background (self);
}

static void
hy_application_window_removed (GtkApplication *application, GtkWindow *window)
{
  HyApplication *self = HY_APPLICATION (application);

  /* The last window goes while the integration runs: it keeps running. */
  if (!self->background && gtk_application_get_windows (application) != NULL &&
      gtk_application_get_windows (application)->data == window &&
      gtk_application_get_windows (application)->next == NULL && hy_application_delivers (self))
    {
      self->background = TRUE;
      g_application_hold (G_APPLICATION (self));
      hy_application_request_background (self);
      hy_application_notify_background (self);
    }
  GTK_APPLICATION_CLASS (hy_application_parent_class)->window_removed (application, window);
}

static void
hy_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *setup_accels[] = { "<Alt>1", NULL };
  static const char *mapping_accels[] = { "<Alt>2", NULL };
  static const char *events_accels[] = { "<Alt>3", NULL };
  static const char *test_accels[] = { "<Primary>t", NULL };
  static const char *refresh_accels[] = { "<Primary>r", "F5", NULL };
  static const char *import_accels[] = { "<Primary>o", NULL };
  HyApplication *self = HY_APPLICATION (application);

  G_APPLICATION_CLASS (hy_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  hy_application_add_build_tree_icons ();
  self->sigint_source = g_unix_signal_add (SIGINT, hy_application_signal_cb, self);
  self->sigterm_source = g_unix_signal_add (SIGTERM, hy_application_signal_cb, self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::setup",
                                         setup_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::mapping",
                                         mapping_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::events",
                                         events_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.test-connection",
                                         test_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.refresh", refresh_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.import", import_accels);
}

#if HY_ENABLE_DEMO
/* Starts the demo: a simulated Halo, a temporary data directory with a saved profile, and the
 * secret in a temporary keyring item. */
static HySession *
hy_application_start_demo (HyApplication *self, GError **error)
{
  g_autoptr (HyDemo) demo = hy_demo_new ();
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();

  if (!hy_demo_start (demo, error))
    return NULL;

  session = hy_session_open (hy_demo_get_data_dir (demo), error);
  if (session == NULL)
    return NULL;

  profile->url = g_strdup (hy_demo_get_url (demo));
  profile->tenant = g_strdup (hy_demo_get_tenant (demo));
  profile->client_id = g_strdup (hy_demo_get_client_id (demo));
  if (!hy_session_set_profile (session, profile, error))
    return NULL;
  hy_session_set_secret (session, hy_demo_get_secret (demo));
  /* The keyring item goes again at exit (hy_demo_stop ()). */
  hy_session_save_secret_async (session, NULL, NULL, NULL);

  self->demo = g_steal_pointer (&demo);
  return g_steal_pointer (&session);
}
#endif

static void
hy_application_open_session (HyApplication *self, GError **error)
{
  g_autoptr (HySession) session = NULL;

  if (!self->demo_requested)
    {
      session = hy_session_open (self->data_dir, error);
      if (session == NULL)
        return;

      /* The README's run command on a machine with no profile shows the demo (a build with
       * -Ddemo=false has none: Setup). */
      if (hy_session_get_profile (session) != NULL || self->data_dir != NULL ||
          g_getenv ("HALYARD_DATA_DIR") != NULL || self->leaving_demo || !HY_ENABLE_DEMO)
        {
          self->session = g_steal_pointer (&session);
          return;
        }
      g_clear_object (&session);
    }

#if HY_ENABLE_DEMO
  self->session = hy_application_start_demo (self, error);
#endif
}

static void
hy_application_activate (GApplication *application)
{
  HyApplication *self = HY_APPLICATION (application);
  g_autoptr (GError) error = NULL;
  HyWindow *window;

  window = HY_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  if (self->session == NULL)
    {
      hy_application_open_session (self, &error);
      if (self->session != NULL)
        g_signal_connect_object (hy_service_get (self->session), "changed",
                                 G_CALLBACK (service_changed_cb), self, G_CONNECT_SWAPPED);
    }

#if HY_ENABLE_DEMO
  g_simple_action_set_enabled (G_SIMPLE_ACTION (
                                   g_action_map_lookup_action (G_ACTION_MAP (self), "leave-demo")),
                               self->demo != NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (
                                   g_action_map_lookup_action (G_ACTION_MAP (self), "start-demo")),
                               self->demo == NULL);
#endif
  window = hy_window_new (GTK_APPLICATION (application));
  hy_window_set_demo (window, self->demo != NULL);
  hy_window_set_session (window, self->session);
  gtk_window_present (GTK_WINDOW (window));
  /* Back from the background: the window holds the application again. */
  hy_application_leave_background (self);

  if (error != NULL)
    hy_window_add_toast (window, error->message);
  else if (self->demo != NULL)
    {
      g_autoptr (GFile) inventory = g_file_new_for_uri ("resource://" HY_DEMO_INVENTORY_RESOURCE);

      hy_window_add_toast (window, _ ("This is a demo against a simulated Halo on this computer: "
                                      "nothing is sent anywhere"));
      /* The sample inventory, through the same import a technician uses, then Halo's records. */
      hy_window_import_file (window, inventory);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL);
    }
}

static int
hy_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  HyApplication *self = HY_APPLICATION (application);
  const char *data_dir = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("halyard %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->demo_requested = g_variant_dict_contains (options, "demo");
  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    self->data_dir = g_strdup (data_dir);

  /* Each run has its own data directory: a second instance must not share the first one's
   * window on another directory (or the demo's). */
  if (self->demo_requested || self->data_dir != NULL)
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

static void
hy_application_shutdown (GApplication *application)
{
  HyApplication *self = HY_APPLICATION (application);

  G_APPLICATION_CLASS (hy_application_parent_class)->shutdown (application);

  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);

  /* The store closes before the demo's directory goes. */
  g_clear_object (&self->session);
#if HY_ENABLE_DEMO
  if (self->demo != NULL)
    hy_demo_stop (self->demo, 5000);
#endif
  g_clear_object (&self->demo);
}

static void
hy_application_finalize (GObject *object)
{
  HyApplication *self = HY_APPLICATION (object);

  g_clear_object (&self->session);
  g_clear_object (&self->demo);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (hy_application_parent_class)->finalize (object);
}

static void
hy_application_class_init (HyApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = hy_application_finalize;
  app_class->startup = hy_application_startup;
  app_class->activate = hy_application_activate;
  app_class->shutdown = hy_application_shutdown;
  app_class->handle_local_options = hy_application_handle_local_options;
  GTK_APPLICATION_CLASS (klass)->window_removed = hy_application_window_removed;
}

static void
hy_application_init (HyApplication *self)
{
  static const GOptionEntry entries[] = {
#if HY_ENABLE_DEMO
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Run against a simulated Halo with sample data, in a temporary folder"), NULL },
#endif
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Keep Halyard’s data in DIR instead of the default folder"), N_ ("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version and exit"), NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
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
