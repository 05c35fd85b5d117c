/* hy-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-window"

#include "config.h"

#include <glib/gi18n.h>

#include "import/hy-import.h"

#include "hy-import-dialog.h"
#include "session/hy-session.h"
#include "sync/hy-sync-attempt.h"
#include "sync/hy-sync-engine.h"

#include "hy-mapping-page.h"
#include "hy-setup-page.h"
#include "hy-toasts.h"
#include "hy-window.h"

/* While enabled, the outbox is delivered this often (alerts also go out as they are raised). */
#define DELIVER_INTERVAL_SECONDS 60

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
  /* Runs while the integration is enabled. */
  HySyncEngine *engine;
  guint deliver_source;
  gboolean syncing;
  gboolean running_full;
  gboolean pending_full;
  gint64 last_sync;
  guint summary_idle;
  guint header_idle;
  gboolean demo;
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
static void hy_window_start_sync (HyWindow *self, gboolean full);

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

static void
hy_window_update_popover (HyWindow *self)
{
  const HyProfile *profile = self->session ? hy_session_get_profile (self->session) : NULL;
  g_autofree char *outbox = NULL;
  g_autofree char *failures = NULL;
  g_autofree char *given_up = NULL;
  g_autofree char *when = NULL;
  gint64 last_sync = self->last_sync;

  if (profile != NULL)
    {
      HyStore *store = hy_session_get_store (self->session);
      g_autoptr (HyEvent) last_failed = NULL;
      g_autoptr (GPtrArray) groups = hy_store_list_group_sync (store, TRUE, NULL);
      gint64 pending, dead, failed;

      pending = MAX (hy_store_outbox_count (store, HY_OUTBOX_STATE_PENDING, NULL), 0) +
                MAX (hy_store_outbox_count (store, HY_OUTBOX_STATE_INFLIGHT, NULL), 0);
      dead = MAX (hy_store_outbox_count (store, HY_OUTBOX_STATE_DEAD, NULL), 0);
      failed = MAX (hy_store_events_count (store, TRUE, NULL), 0);
      last_failed = failed > 0 ? hy_store_events_last_failed (store, NULL) : NULL;

      /* The last sync of any mapped group, also from earlier runs. */
      for (guint i = 0; groups != NULL && i < groups->len; i++)
        last_sync = MAX (last_sync, ((HyGroupSync *) g_ptr_array_index (groups, i))->last_sync);

      /* Translators: the outbox: writes waiting for Halo, and writes Halyard gave up on */
      outbox = g_strdup_printf (_ ("%'u waiting, %'u given up"), (guint) pending, (guint) dead);
      if (failed == 0)
        failures = g_strdup (_ ("None"));
      else if (last_failed != NULL && last_failed->error != NULL)
        /* Translators: %u is the number of failed requests, %s Halo's last error text */
        failures = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u failed request; last: %s",
                                                 "%'u failed requests; last: %s", failed),
                                    (guint) failed, last_failed->error);
      else
        failures = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u failed request",
                                                 "%'u failed requests", failed),
                                    (guint) failed);
      if (dead > 0)
        given_up = describe_given_up (store, dead);
    }

  gtk_label_set_label (self->summary_enabled_label,
                       profile == NULL    ? _ ("Not connected: set up the connection in Setup")
                       : profile->enabled ? _ ("Enabled")
                                          : _ ("Disabled"));
  when = last_sync > 0 ? format_time (last_sync) : NULL;
  gtk_label_set_label (self->summary_sync_label, when != NULL ? when : _ ("Not synced yet"));
  gtk_label_set_label (self->summary_outbox_label, outbox != NULL ? outbox : "—");
  gtk_label_set_label (self->summary_failures_label, failures != NULL ? failures : "—");
  gtk_label_set_label (self->summary_dead_label, given_up != NULL ? given_up : "");
  gtk_widget_set_visible (GTK_WIDGET (self->summary_dead_title), given_up != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_dead_label), given_up != NULL);
}

/* The header's status: enabled or not, syncing, and a warning when writes were given up. */
static void
hy_window_update_summary (HyWindow *self)
{
  const HyProfile *profile = self->session ? hy_session_get_profile (self->session) : NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (self->summary_button));
  const char *state;
  const char *icon;

  if (profile == NULL)
    {
      state = _ ("Not connected");
      icon = "network-offline-symbolic";
    }
  else if (self->syncing)
    {
      state = _ ("Syncing");
      icon = "emblem-synchronizing-symbolic";
    }
  else if (profile->enabled)
    {
      gint64 dead =
          hy_store_outbox_count (hy_session_get_store (self->session), HY_OUTBOX_STATE_DEAD, NULL);

      state = _ ("Enabled");
      icon = dead > 0 ? "dialog-warning-symbolic" : "emblem-ok-symbolic";
    }
  else
    {
      state = _ ("Disabled");
      icon = "media-playback-pause-symbolic";
    }

  gtk_label_set_label (self->summary_label, state);
  gtk_image_set_from_icon_name (self->summary_icon, icon);

  /* Translators: the status button as a screen reader says it, e.g. "Integration status:
   * Enabled" */
  accessible = g_strdup_printf (_ ("Integration status: %s"), state);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  if (popover != NULL && gtk_widget_get_visible (popover))
    hy_window_update_popover (self);
}

/* ------------------------------------------------------------------------- */
/* The sync runner: while enabled, sync once, then deliver the outbox        */
/* ------------------------------------------------------------------------- */

static void
synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyWindow) self = user_data;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (GError) error = NULL;
  gboolean full = self->running_full;

  if (full)
    report = hy_sync_engine_sync_finish (HY_SYNC_ENGINE (source), result, &error);
  else
    report = hy_sync_engine_deliver_finish (HY_SYNC_ENGINE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->syncing = FALSE;
  if (report != NULL)
    self->last_sync = g_get_real_time ();

  if (error != NULL && !g_error_matches (error, HY_SYNC_ERROR, HY_SYNC_ERROR_DISABLED))
    hy_window_add_toast (self, error->message);
  else if (report != NULL && full)
    {
      /* Translators: the toast when a sync run finished; the numbers are Halo assets */
      g_autofree char *text =
          g_strdup_printf (_ ("Sync finished: %'u created, %'u updated, %'u "
                              "failed; %'u waiting"),
                           report->created, report->updated, report->failed, report->pending);
      hy_window_add_toast (self, text);
    }
  else if (report != NULL && report->delivered > 0)
    {
      g_autofree char *text =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u update delivered to Halo",
                                        "%'u updates delivered to Halo", report->delivered),
                           report->delivered);
      hy_window_add_toast (self, text);
    }

  hy_window_update_summary (self);
}

static void
hy_window_run_engine (HyWindow *self, gboolean full)
{
  if (self->engine == NULL || self->syncing)
    return;

  self->syncing = TRUE;
  self->running_full = full;
  hy_window_update_summary (self);
  if (full)
    hy_sync_engine_sync_async (self->engine, FALSE, self->cancellable, synced_cb,
                               g_object_ref (self));
  else
    hy_sync_engine_deliver_async (self->engine, self->cancellable, synced_cb, g_object_ref (self));
}

static gboolean
deliver_timeout_cb (gpointer user_data)
{
  HyWindow *self = user_data;

  hy_window_run_engine (self, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
engine_changed_cb (HyWindow *self, HySyncEngine *engine)
{
  hy_window_update_summary (self);
}

static void
engine_client_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyWindow) self = user_data;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GError) error = NULL;
  gboolean full = self->pending_full;

  self->pending_full = FALSE;
  client = hy_session_get_client_finish (HY_SESSION (source), result, &error);
  if (client == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        hy_window_add_toast (self, error->message);
      return;
    }

  if (self->engine == NULL || hy_sync_engine_get_client (self->engine) != client)
    {
      if (self->engine != NULL)
        g_signal_handlers_disconnect_by_data (self->engine, self);
      g_clear_object (&self->engine);
      self->engine = hy_sync_engine_new (hy_session_get_store (self->session), client);
      g_signal_connect_object (self->engine, "changed", G_CALLBACK (engine_changed_cb), self,
                               G_CONNECT_SWAPPED);
      /* The Groups section shows the states of this engine's runs as they change. */
      if (hy_window_get_mapping_page (self) != NULL)
        hy_mapping_page_set_sync_engine (hy_window_get_mapping_page (self), self->engine);
    }

  hy_window_run_engine (self, full);
}


static void
hy_window_stop_sync (HyWindow *self)
{
  g_clear_handle_id (&self->deliver_source, g_source_remove);
}

static void
hy_window_start_sync (HyWindow *self, gboolean full)
{
  const HyProfile *profile = self->session ? hy_session_get_profile (self->session) : NULL;

  if (profile == NULL || !profile->enabled)
    {
      hy_window_stop_sync (self);
      return;
    }

  if (self->deliver_source == 0)
    self->deliver_source =
        g_timeout_add_seconds (DELIVER_INTERVAL_SECONDS, deliver_timeout_cb, self);

  /* The client may have changed with the profile: ask the session for the current one. */
  self->pending_full = self->pending_full || full;
  hy_session_get_client_async (self->session, self->cancellable, engine_client_cb,
                               g_object_ref (self));
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

/* Narrow: the view switcher moves to the bottom and the title shows; the header keeps only the
 * status icon, so the title (and the demo's subtitle) fit. */
static void
hy_window_update_header (HyWindow *self)
{
  gboolean narrow = adw_view_switcher_title_get_title_visible (self->switcher_title);

  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_label), self->demo && !narrow);
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
  hy_window_update_views (self);
  hy_window_update_summary (self);
  hy_window_start_sync (self, FALSE);
}

static void
setup_tested_cb (HyWindow *self, gboolean ok, HySetupPage *page)
{
  hy_window_update_summary (self);
}

static void
setup_enabled_changed_cb (HyWindow *self, gboolean enabled, HySetupPage *page)
{
  if (enabled)
    {
      hy_window_add_toast (self, _ ("Integration enabled: syncing with Halo"));
      hy_window_start_sync (self, TRUE);
    }
  else
    {
      hy_window_add_toast (self, _ ("Integration disabled: nothing more is sent to Halo"));
      hy_window_stop_sync (self);
    }
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
  /* Whatever still waits (a test, a refresh, a sync) stops with the window. */
  g_cancellable_cancel (self->cancellable);
  hy_window_stop_sync (self);

  return GTK_WINDOW_CLASS (hy_window_parent_class)->close_request (window);
}

static void
hy_window_dispose (GObject *object)
{
  HyWindow *self = HY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  hy_window_stop_sync (self);
  g_clear_handle_id (&self->summary_idle, g_source_remove);
  g_clear_handle_id (&self->header_idle, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->engine);

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

  g_type_ensure (HY_TYPE_SETUP_PAGE);

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
                           G_CALLBACK (hy_window_update_popover), self, G_CONNECT_SWAPPED);
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

  hy_window_stop_sync (self);
  g_clear_object (&self->engine);
  if (hy_window_get_mapping_page (self) != NULL)
    hy_mapping_page_set_sync_engine (hy_window_get_mapping_page (self), NULL);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "event-added", G_CALLBACK (session_event_added_cb), self,
                             G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", session != NULL);
  hy_window_propagate_session (self);
  hy_window_update_summary (self);
  hy_window_start_sync (self, TRUE);

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
      /* Translators: the window's subtitle in the demo, which runs against a simulated Halo */
      adw_view_switcher_title_set_subtitle (self->switcher_title, _ ("Demo — simulated Halo"));
      /* Translators: the window title in the demo */
      gtk_window_set_title (GTK_WINDOW (self), _ ("Halyard Demo"));
      gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
    }
  else
    {
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
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
