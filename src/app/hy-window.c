/* hy-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-window"

#include "config.h"

#include <glib/gi18n.h>

#include "import/hy-import.h"
#include "service/hy-service.h"
#include "session/hy-session.h"
#include "sync/hy-sync-attempt.h"
#include "sync/hy-sync-engine.h"

#include "hy-events-page.h"
#include "hy-import-dialog.h"
#include "hy-mapping-page.h"
#include "hy-setup-page.h"
#include "hy-toasts.h"
#include "hy-window.h"

struct _HyWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  /* Cancelled when the window closes: every operation the window or its pages start uses it. */
  GCancellable *cancellable;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwHeaderBar *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
  AdwViewSwitcherBar *switcher_bar;
  HySetupPage *setup_page;
  GtkStack *mapping_stack;
  GtkStack *events_stack;
  GtkLabel *demo_label;
  GtkMenuButton *summary_button;
  GtkImage *summary_icon;
  GtkLabel *summary_label;
  GtkLabel *summary_enabled_label;
  GtkLabel *summary_sync_label;
  GtkLabel *summary_outbox_label;
  GtkLabel *summary_failures_label;
  GtkLabel *summary_dead_title;
  GtkLabel *summary_dead_label;

  HySession *session;
  HyService *service; /* the session's; it delivers while the integration is enabled */
  guint summary_idle;
  guint header_idle;
  gboolean demo;
  gboolean narrow;
  /* The header's status in full and in the narrow header's short words */
  const char *state_label;
  const char *state_label_short;
};

G_DEFINE_FINAL_TYPE (HyWindow, hy_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_DEMO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void hy_window_update_summary (HyWindow *self);

/* The status popover's values are selectable, and the first one took the focus with all its
 * text selected: it opens with nothing selected (the focus stays, for the keyboard). */
static gboolean
popover_unselect_idle_cb (gpointer user_data)
{
  GtkWidget *popover = user_data;
  GtkWidget *child = gtk_popover_get_child (GTK_POPOVER (popover));

  for (child = child != NULL ? gtk_widget_get_first_child (child) : NULL; child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && gtk_label_get_selectable (GTK_LABEL (child)))
      gtk_label_select_region (GTK_LABEL (child), 0, 0);

  return G_SOURCE_REMOVE;
}

static void
popover_mapped_cb (GtkWidget *popover, gpointer user_data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, popover_unselect_idle_cb, g_object_ref (popover),
                   g_object_unref);
}
static gboolean summary_idle_cb (gpointer user_data);

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

void
hy_window_add_toast (HyWindow *self, const char *title)
{
  g_return_if_fail (HY_IS_WINDOW (self));

  hy_toasts_show (GTK_WIDGET (self->toast_overlay), title);
}

void
hy_window_dismiss_toasts (HyWindow *self)
{
  g_return_if_fail (HY_IS_WINDOW (self));

  hy_toasts_dismiss_all (self->toast_overlay);
}

static void
hy_window_update_views (HyWindow *self)
{
  GtkStack *stacks[] = { self->mapping_stack, self->events_stack };
  gboolean connected = self->session != NULL && hy_session_get_profile (self->session) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (stacks); i++)
    gtk_stack_set_visible_child_name (stacks[i],
                                      connected && gtk_stack_get_child_by_name (stacks[i],
                                                                                "content") != NULL
                                          ? "content"
                                          : "empty");
}

/* The view pages that read the session: the Setup page, and whatever page widget sits in a
 * view's stack (the Mapping and Events pages have a "session" property too). */
static void
hy_window_propagate_session (HyWindow *self)
{
  GtkStack *stacks[] = { self->mapping_stack, self->events_stack };

  hy_setup_page_set_session (self->setup_page, self->session);

  for (guint i = 0; i < G_N_ELEMENTS (stacks); i++)
    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stacks[i])); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (child), "session") != NULL)
        g_object_set (child, "session", self->session, NULL);

  hy_window_update_views (self);
}

static HyMappingPage *
hy_window_get_mapping_page (HyWindow *self)
{
  GtkWidget *content = gtk_stack_get_child_by_name (self->mapping_stack, "content");

  return content != NULL && HY_IS_MAPPING_PAGE (content) ? HY_MAPPING_PAGE (content) : NULL;
}

/* The Mapping view reads the store again (after an import or a refresh from Halo); the page
 * itself waits until it is not busy with work of its own. */
static void
hy_window_reload_mapping (HyWindow *self)
{
  HyMappingPage *page = hy_window_get_mapping_page (self);

  if (page != NULL)
    hy_mapping_page_reload (page);
}

static char *
format_time (gint64 usec)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  /* Translators: how a time is shown in the status popover; see GDateTime's format */
  return time != NULL ? g_date_time_format (time, _ ("%x %X")) : g_strdup ("");
}

/* The popover's details: read only while it is open, since counting a large events log is not
 * free. */
/* The first given-up writes: which record, why, and what brings each back. */
#define GIVEN_UP_SHOWN 3

static char *
describe_given_up (HyStore *store, gint64 dead)
{
  g_autoptr (GPtrArray) items =
      hy_store_outbox_list (store, HY_OUTBOX_STATE_DEAD, GIVEN_UP_SHOWN, 0, NULL);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const HyOutboxItem *item = g_ptr_array_index (items, i);

      if (text->len > 0)
        g_string_append (text, "\n");
      /* Translators: a write Halyard gave up on: the record it concerns (e.g. "alert:a1"),
       * then Halo's reason, then what brings it back */
      g_string_append_printf (text, _ ("%s: %s %s"),
                              item->record_key != NULL ? item->record_key : item->kind,
                              item->last_error != NULL ? item->last_error : "",
                              hy_sync_attempt_cause_hint (item->dead_cause));
      if (hy_sync_attempt_cause_needs_retry (item->dead_cause))
        {
          g_string_append_c (text, ' ');
          /* Translators: after a write given up on that only a retry sends again: where the
           * window retries it (the Events view's Retry) */
          g_string_append (text, _ ("Retry it in Events."));
        }
    }
  if (dead > GIVEN_UP_SHOWN)
    {
      g_string_append (text, "\n");
      g_string_append_printf (text,
                              /* Translators: after the first given-up writes; the rest are in
                                 halyard-cli status */
                              g_dngettext (GETTEXT_PACKAGE, "and %'u more (halyard-cli status)",
                                           "and %'u more (halyard-cli status)",
                                           (gulong) (dead - GIVEN_UP_SHOWN)),
                              (guint) (dead - GIVEN_UP_SHOWN));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Who delivers, in words: this window, another process (named), or nobody. */
static char *
describe_deliverer (HyWindow *self, const HyServiceStatus *status)
{
  g_autofree char *pid = NULL;

  if (status->deliverer == NULL)
    return g_strdup (_ ("Nobody delivers now: another process is starting, or the integration is "
                        "not set up"));
  if (status->deliverer->mine)
    return status->intake != NULL
               /* Translators: %s is where alerts are posted, such as http://127.0.0.1:8642 */
               ? g_strdup_printf (_ ("Delivered by this window, which accepts alerts on %s"),
                                  status->intake)
               : g_strdup (_ ("Delivered by this window"));
  pid = g_strdup_printf ("%" G_GINT64_FORMAT, status->deliverer->pid);
  if (status->intake != NULL)
    /* Translators: the program that delivers (e.g. "halyard-cli serve"), its process id, host
     * name, and where it accepts alerts (such as http://127.0.0.1:8642); this window then
     * sends nothing itself */
    return g_strdup_printf (_ ("Delivered by %s (process %s on %s), which accepts alerts on %s"),
                            status->deliverer->command, pid, status->deliverer->host,
                            status->intake);
  /* Translators: the program that delivers (e.g. "halyard-cli serve"), its process id and host
   * name; this window then sends nothing itself */
  return g_strdup_printf (_ ("Delivered by %s (process %s on %s)"), status->deliverer->command, pid,
                          status->deliverer->host);
}

static void
hy_window_update_popover (HyWindow *self, const HyServiceStatus *status)
{
  const HyProfile *profile = self->session ? hy_session_get_profile (self->session) : NULL;
  g_autofree char *outbox = NULL;
  g_autofree char *failures = NULL;
  g_autofree char *given_up = NULL;
  g_autofree char *when = NULL;
  g_autofree char *state = NULL;
  gint64 last_sync = 0;

  if (profile != NULL && status != NULL)
    {
      HyStore *store = hy_session_get_store (self->session);
      g_autofree char *deliverer = describe_deliverer (self, status);

      /* The last sync of any mapped group, also from earlier runs and other processes. */
      last_sync = status->last_sync;

      /* Translators: the outbox: writes waiting for Halo, and writes Halyard gave up on */
      outbox = g_strdup_printf (_ ("%'u waiting, %'u given up"), status->pending, status->dead);
      /* What fails now, and why; a request that failed once (a connection test of values that
       * were not saved) is no failure of the integration. */
      failures = status->state == HY_SERVICE_STATE_FAILING
                     /* Translators: what fails (a group, a delivery) and why */
                     ? g_strdup_printf (_ ("%s: %s"), status->subject, status->reason)
                     : g_strdup (_ ("None"));
      if (status->dead > 0)
        given_up = describe_given_up (store, status->dead);
      state = g_strdup_printf ("%s\n%s", status->summary, deliverer);
    }

  gtk_label_set_label (self->summary_enabled_label,
                       state != NULL ? state : _ ("Not connected: set up the connection in Setup"));
  when = last_sync > 0 ? format_time (last_sync) : NULL;
  gtk_label_set_label (self->summary_sync_label, when != NULL ? when : _ ("Not synced yet"));
  gtk_label_set_label (self->summary_outbox_label, outbox != NULL ? outbox : "—");
  gtk_label_set_label (self->summary_failures_label, failures != NULL ? failures : "—");
  gtk_label_set_label (self->summary_dead_label, given_up != NULL ? given_up : "");
  gtk_widget_set_visible (GTK_WIDGET (self->summary_dead_title), given_up != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_dead_label), given_up != NULL);
}

static void
popover_show_cb (HyWindow *self)
{
  g_autoptr (HyServiceStatus) status =
      self->session != NULL ? hy_service_status_read (self->session, NULL) : NULL;

  hy_window_update_popover (self, status);
}

/* The header's status: what is true now (the core's status summary), whoever delivers. */
static void
hy_window_update_summary (HyWindow *self)
{
  g_autoptr (HyServiceStatus) status = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (self->summary_button));
  const char *state;
  const char *short_state;
  const char *icon;

  if (self->session != NULL)
    {
      status = hy_service_status_read (self->session, &error);
      if (status == NULL)
        g_warning ("Cannot read the integration's status: %s", error->message);
    }

  /* The narrow header (360 px) has room for one short word beside the icon and the title. */
  switch (status != NULL ? status->state : HY_SERVICE_STATE_NOT_CONNECTED)
    {
      case HY_SERVICE_STATE_NOT_CONNECTED:
        state = _ ("Not connected");
        /* Translators: the narrow header's status (one short word, about 8 letters at most):
         * Halyard is not connected to Halo */
        short_state = C_ ("narrow integration status", "Offline");
        icon = "network-offline-symbolic";
        break;
      case HY_SERVICE_STATE_DISABLED:
        state = _ ("Disabled");
        /* Translators: the narrow header's status (one short word, about 8 letters at most):
         * the integration is switched off */
        short_state = C_ ("narrow integration status", "Off");
        icon = "media-playback-pause-symbolic";
        break;
      case HY_SERVICE_STATE_FAILING:
        /* Translators: the header's short status; the popover says what fails and why */
        state = C_ ("integration status", "Failing");
        /* Translators: the narrow header's status (one short word, about 8 letters at most):
         * a sync or a delivery fails */
        short_state = C_ ("narrow integration status", "Failing");
        icon = "dialog-warning-symbolic";
        break;
      case HY_SERVICE_STATE_WAITING:
        /* Translators: the header's short status: waiting for Halo's rate limit */
        state = C_ ("integration status", "Waiting");
        /* Translators: the narrow header's status (one short word, about 8 letters at most):
         * waiting for Halo's rate limit */
        short_state = C_ ("narrow integration status", "Waiting");
        icon = "preferences-system-time-symbolic";
        break;
      case HY_SERVICE_STATE_SYNCING:
        state = _ ("Syncing");
        /* Translators: the narrow header's status (one short word, about 8 letters at most):
         * devices or alerts are being sent to Halo */
        short_state = C_ ("narrow integration status", "Syncing");
        icon = "emblem-synchronizing-symbolic";
        break;
      case HY_SERVICE_STATE_SYNCED:
      default:
        /* Translators: the header's short status: everything is in Halo */
        state = C_ ("integration status", "All synced");
        /* Translators: the narrow header's status (one short word, about 8 letters at most):
         * everything is in Halo */
        short_state = C_ ("narrow integration status", "Synced");
        icon = "emblem-ok-symbolic";
        break;
    }

  self->state_label = state;
  self->state_label_short = short_state;
  gtk_label_set_label (self->summary_label, self->narrow ? short_state : state);
  gtk_image_set_from_icon_name (self->summary_icon, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_button),
                               status != NULL ? status->summary : NULL);

  /* Translators: the status button as a screen reader says it, e.g. "Integration status:
   * Syncing: 10 of 12 devices" */
  accessible =
      g_strdup_printf (_ ("Integration status: %s"), status != NULL ? status->summary : state);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  if (popover != NULL && gtk_widget_get_visible (popover))
    hy_window_update_popover (self, status);
}

/* ------------------------------------------------------------------------- */
/* The service: the session's one engine, run by the core                    */
/* ------------------------------------------------------------------------- */

static void
service_changed_cb (HyWindow *self, HyService *service)
{
  /* The Groups section reads the states of the engine's runs as they change. */
  if (hy_window_get_mapping_page (self) != NULL)
    hy_mapping_page_set_sync_engine (hy_window_get_mapping_page (self),
                                     hy_service_get_engine (service));
  hy_window_update_summary (self);
}

/* The header reads the store again once per burst of writes, whoever wrote them. */
static void
store_changed_cb (HyWindow *self, guint changes, HyStore *store)
{
  if (changes == (HY_STORE_CHANGED_EVENTS | HY_STORE_CHANGED_BY_OTHER) ||
      changes == HY_STORE_CHANGED_EVENTS)
    return;
  if (self->summary_idle == 0)
    self->summary_idle = g_timeout_add (250, summary_idle_cb, self);
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

static void
hy_window_test_connection_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyWindow *self = HY_WINDOW (widget);

  hy_window_set_visible_view (self, "setup");
  gtk_widget_activate_action (GTK_WIDGET (self->setup_page), "setup.test", NULL);
}

static void
refreshed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  HySessionRefresh refresh = { 0 };

  if (!hy_session_refresh_finish (HY_SESSION (source), result, &refresh, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        hy_window_add_toast (self, error->message);
    }
  else
    {
      /* The same toast as the Mapping view's Refresh from Halo. */
      g_autofree char *text = hy_toasts_format_refresh (&refresh);

      hy_window_add_toast (self, text);
      hy_window_reload_mapping (self);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", TRUE);
  hy_window_update_summary (self);
}

static void
hy_window_refresh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyWindow *self = HY_WINDOW (widget);

  if (self->session == NULL || hy_session_get_profile (self->session) == NULL)
    {
      hy_window_add_toast (self, _ ("Connect to Halo in Setup first"));
      return;
    }

  gtk_widget_action_set_enabled (widget, "win.refresh", FALSE);
  hy_session_refresh_async (self->session, self->cancellable, refreshed_cb, g_object_ref (self));
}

static void
imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyWindow) self = user_data;
  g_autoptr (HyImportResult) imported = NULL;
  g_autoptr (GError) error = NULL;

  imported = hy_import_file_finish (result, &error);
  if (imported == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_CANCELLED))
        {
          /* Translators: %s says what is wrong in the file, and where */
          g_autofree char *text = g_strdup_printf (_ ("Nothing was imported: %s"), error->message);
          AdwToast *toast = adw_toast_new (text);

          adw_toast_set_timeout (toast, 0);
          adw_toast_overlay_add_toast (self->toast_overlay, toast);
        }
      return;
    }

  {
    /* Translators: the toast when an inventory file was imported */
    g_autofree char *text = g_strdup_printf (_ ("Imported: %'u added, %'u updated, %'u unchanged"),
                                             hy_import_result_get_total_added (imported),
                                             hy_import_result_get_total_updated (imported),
                                             hy_import_result_get_total_unchanged (imported));

    hy_window_add_toast (self, text);
  }
  hy_window_update_views (self);
  hy_window_reload_mapping (self);
  hy_setup_page_refresh_enabled (self->setup_page);
}


void
hy_window_import_file (HyWindow *self, GFile *file)
{
  g_return_if_fail (HY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->session != NULL);

  hy_import_file_async (hy_session_get_store (self->session), file, NULL, self->cancellable,
                        imported_cb, g_object_ref (self));
}

static void
import_dialog_imported_cb (HyImportDialog *dialog, HyImportResult *imported, HyWindow *self)
{
  g_autofree char *text = NULL;

  if (hy_import_result_get_retired (imported) > 0)
    /* Translators: the toast when an inventory file was imported with --prune's switch on */
    text = g_strdup_printf (_ ("Imported: %'u added, %'u updated, %'u unchanged, %'u retired"),
                            hy_import_result_get_total_added (imported),
                            hy_import_result_get_total_updated (imported),
                            hy_import_result_get_total_unchanged (imported),
                            hy_import_result_get_retired (imported));
  else
    text = g_strdup_printf (_ ("Imported: %'u added, %'u updated, %'u unchanged"),
                            hy_import_result_get_total_added (imported),
                            hy_import_result_get_total_updated (imported),
                            hy_import_result_get_total_unchanged (imported));
  hy_window_add_toast (self, text);
  hy_window_update_views (self);
  hy_window_reload_mapping (self);
  hy_setup_page_refresh_enabled (self->setup_page);
}

static void
import_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  HyWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->session != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      /* The file's first rows under its column map; nothing is written before Import. */
      if (file != NULL)
        {
          HyImportDialog *preview =
              hy_import_dialog_new (GTK_WINDOW (self), hy_session_get_store (self->session), file);

          g_signal_connect_object (preview, "imported", G_CALLBACK (import_dialog_imported_cb),
                                   self, 0);
          gtk_window_present (GTK_WINDOW (preview));
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
hy_window_import_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyWindow *self = HY_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->session == NULL)
    return;

  chooser =
      gtk_file_chooser_native_new (_ ("Import Inventory"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Import"), _ ("_Cancel"));
  /* Translators: a file type in the import dialog */
  gtk_file_filter_set_name (filter, _ ("Inventory (JSON, CSV or FusionInventory XML)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_mime_type (filter, "application/xml");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.tsv");
  gtk_file_filter_add_pattern (filter, "*.xml");
  gtk_file_filter_add_pattern (filter, "*.ocs");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* A folder of FusionInventory or OCS inventories (what fusioninventory-inventory writes, one
 * file per computer), previewed and imported whole, as halyard-cli import FOLDER does. */
static void
hy_window_import_folder_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyWindow *self = HY_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (self->session == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_ ("Import a Folder of Inventories"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _ ("_Import"),
                                         _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static gboolean
summary_idle_cb (gpointer user_data)
{
  HyWindow *self = user_data;

  self->summary_idle = 0;
  hy_window_update_summary (self);
  return G_SOURCE_REMOVE;
}

static void
session_event_added_cb (HyWindow *self)
{
  /* Requests come in bursts: count once per burst. */
  if (self->summary_idle == 0)
    self->summary_idle = g_timeout_add (250, summary_idle_cb, self);
}

static const char *
demo_subtitle (void)
{
  /* Translators: the window's subtitle in the demo, which runs against a simulated Halo */
  return _ ("Demo — simulated Halo");
}

static const char *
demo_subtitle_short (void)
{
  /* Translators: the window's subtitle in the demo when the window is narrow (360 px): one
   * short word */
  return C_ ("narrow window subtitle", "Demo");
}

/* Narrow: the view switcher moves to the bottom and the title shows; the status says what is
 * true in one short word beside its icon, so the title (and the demo's subtitle) fit, and the
 * demo badge goes (the subtitle says it). */
static void
hy_window_update_header (HyWindow *self)
{
  self->narrow = adw_view_switcher_title_get_title_visible (self->switcher_title);

  if (self->state_label != NULL)
    gtk_label_set_label (self->summary_label,
                         self->narrow ? self->state_label_short : self->state_label);
  /* The word whole: the title gives way (it ellipsizes) rather than the status. */
  gtk_label_set_ellipsize (self->summary_label,
                           self->narrow ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_label), self->demo && !self->narrow);
  adw_view_switcher_title_set_subtitle (self->switcher_title, !self->demo ? NULL
                                                              : self->narrow
                                                                  ? demo_subtitle_short ()
                                                                  : demo_subtitle ());
}

static gboolean
header_idle_cb (gpointer user_data)
{
  HyWindow *self = user_data;

  self->header_idle = 0;
  hy_window_update_header (self);
  return G_SOURCE_REMOVE;
}

static void
title_visible_changed_cb (HyWindow *self)
{
  /* The title becomes visible while the header bar is being allocated: change the header's
   * children after that, not during it. */
  if (self->header_idle == 0)
    self->header_idle = g_idle_add (header_idle_cb, self);
}

static void
setup_saved_cb (HyWindow *self, HySetupPage *page)
{
  /* The service takes the new client and syncs with it. */
  hy_window_update_views (self);
  hy_window_update_summary (self);
}

static void
setup_tested_cb (HyWindow *self, gboolean ok, HySetupPage *page)
{
  hy_window_update_summary (self);
}

static void
setup_enabled_changed_cb (HyWindow *self, gboolean enabled, HySetupPage *page)
{
  /* The service sees the switch in the store: it syncs, or stops sending. */
  if (enabled)
    hy_window_add_toast (self, _ ("Integration enabled: syncing with Halo"));
  else
    hy_window_add_toast (self, _ ("Integration disabled: nothing more is sent to Halo"));
  hy_window_update_summary (self);
}

/* ------------------------------------------------------------------------- */
/* GObject / GtkWidget overrides                                             */
/* ------------------------------------------------------------------------- */

static gboolean
hy_window_close_request (GtkWindow *window)
{
  HyWindow *self = HY_WINDOW (window);

  hy_window_save_size (self);
  /* Whatever the window still waits for (a test, a refresh) stops with it; the service runs
   * on while the application holds it (in the background). */
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (hy_window_parent_class)->close_request (window);
}

static void
hy_window_dispose (GObject *object)
{
  HyWindow *self = HY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->summary_idle, g_source_remove);
  g_clear_handle_id (&self->header_idle, g_source_remove);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (hy_session_get_store (self->session), self);
    }
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  self->service = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), HY_TYPE_WINDOW);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (hy_window_parent_class)->dispose (object);
}

static void
hy_window_finalize (GObject *object)
{
  HyWindow *self = HY_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hy_window_parent_class)->finalize (object);
}

static void
hy_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyWindow *self = HY_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      case PROP_DEMO:
        g_value_set_boolean (value, self->demo);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  HyWindow *self = HY_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        hy_window_set_session (self, g_value_get_object (value));
        break;
      case PROP_DEMO:
        hy_window_set_demo (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_window_class_init (HyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  /* The template names these pages: GtkBuilder finds a type by name only once it exists. */
  g_type_ensure (HY_TYPE_SETUP_PAGE);
  g_type_ensure (HY_TYPE_MAPPING_PAGE);
  g_type_ensure (HY_TYPE_EVENTS_PAGE);

  object_class->dispose = hy_window_dispose;
  object_class->finalize = hy_window_finalize;
  object_class->get_property = hy_window_get_property;
  object_class->set_property = hy_window_set_property;
  window_class->close_request = hy_window_close_request;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, HY_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DEMO] =
      g_param_spec_boolean ("demo", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/halyard/Halyard/hy-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HyWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, setup_page);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, mapping_stack);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, events_stack);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_button);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_enabled_label);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_sync_label);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_outbox_label);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_failures_label);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_dead_title);
  gtk_widget_class_bind_template_child (widget_class, HyWindow, summary_dead_label);

  gtk_widget_class_install_action (widget_class, "win.show-view", "s", hy_window_show_view_action);
  gtk_widget_class_install_action (widget_class, "win.test-connection", NULL,
                                   hy_window_test_connection_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, hy_window_refresh_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, hy_window_import_action);
  gtk_widget_class_install_action (widget_class, "win.import-folder", NULL,
                                   hy_window_import_folder_action);
}

static void
hy_window_init (HyWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (BASE_APPLICATION_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "last-view", self->stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (gtk_menu_button_get_popover (self->summary_button), "show",
                           G_CALLBACK (popover_show_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (gtk_menu_button_get_popover (self->summary_button), "map",
                    G_CALLBACK (popover_mapped_cb), NULL);
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (title_visible_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->setup_page, "saved", G_CALLBACK (setup_saved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->setup_page, "tested", G_CALLBACK (setup_tested_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->setup_page, "enabled-changed",
                           G_CALLBACK (setup_enabled_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-folder", FALSE);
  hy_window_update_views (self);
  hy_window_update_summary (self);
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

HySession *
hy_window_get_session (HyWindow *self)
{
  g_return_val_if_fail (HY_IS_WINDOW (self), NULL);

  return self->session;
}

/* Hands @session to every view; the window runs the sync while the profile is enabled. */
void
hy_window_set_session (HyWindow *self, HySession *session)
{
  g_return_if_fail (HY_IS_WINDOW (self));
  g_return_if_fail (session == NULL || HY_IS_SESSION (session));

  if (self->session == session)
    return;

  if (hy_window_get_mapping_page (self) != NULL)
    hy_mapping_page_set_sync_engine (hy_window_get_mapping_page (self), NULL);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (hy_session_get_store (self->session), self);
    }
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  self->service = NULL;
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "event-added", G_CALLBACK (session_event_added_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (hy_session_get_store (session), "changed",
                               G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
      /* The session's service delivers (unless another process does: the header says who). */
      self->service = hy_service_get (session);
      g_signal_connect_object (self->service, "changed", G_CALLBACK (service_changed_cb), self,
                               G_CONNECT_SWAPPED);
      hy_service_start (self->service, HY_WINDOW_DELIVERER, TRUE, NULL, NULL);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-folder", session != NULL);
  hy_window_propagate_session (self);
  if (self->service != NULL)
    service_changed_cb (self, self->service);
  hy_window_update_summary (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
hy_window_get_demo (HyWindow *self)
{
  g_return_val_if_fail (HY_IS_WINDOW (self), FALSE);

  return self->demo;
}

/* A demo window says so: in its title, and with the development stripes. */
void
hy_window_set_demo (HyWindow *self, gboolean demo)
{
  g_return_if_fail (HY_IS_WINDOW (self));

  demo = !!demo;
  if (self->demo == demo)
    return;
  self->demo = demo;

  if (demo)
    {
      /* Translators: the window title in the demo */
      gtk_window_set_title (GTK_WINDOW (self), _ ("Halyard Demo"));
      gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), "Halyard");
      if (g_strcmp0 (PROFILE, "development") != 0)
        gtk_widget_remove_css_class (GTK_WIDGET (self), "devel");
    }

  hy_window_update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO]);
}

HySetupPage *
hy_window_get_setup_page (HyWindow *self)
{
  g_return_val_if_fail (HY_IS_WINDOW (self), NULL);

  return self->setup_page;
}
