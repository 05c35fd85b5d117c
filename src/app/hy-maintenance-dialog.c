/* hy-maintenance-dialog.c: a group's active and coming maintenance windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-app"

#include "config.h"

#include <glib/gi18n.h>

#include "store/hy-store-lifecycle.h"
#include "sync/hy-maintenance.h"

#include "hy-error-label.h"
#include "hy-maintenance-dialog.h"

struct _HyMaintenanceDialog
{
  AdwWindow parent_instance;

  HyStore *store;
  char *group_id;
  guint n_windows;

  AdwPreferencesGroup *windows_group;
  GPtrArray *window_rows; /* the rows in windows_group */
  AdwEntryRow *from_row;
  AdwEntryRow *until_row;
  AdwEntryRow *reason_row;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (HyMaintenanceDialog, hy_maintenance_dialog, ADW_TYPE_WINDOW)

static char *
local_time (gint64 unix_time)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr (GDateTime) local = g_date_time_to_local (utc);

  /* Translators: a date and time in the user's locale (strftime format) */
  return g_date_time_format (local, _ ("%x %H:%M"));
}

static void
show_error (HyMaintenanceDialog *self, const char *message)
{
  hy_error_label_show (self->error_label, message);
}

static void reload (HyMaintenanceDialog *self);

static void
remove_clicked_cb (GtkButton *button, HyMaintenanceDialog *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "window-id"));
  g_autoptr (GError) error = NULL;

  if (!hy_store_remove_maintenance (self->store, id, &error))
    show_error (self, error->message);
  reload (self);
}

static void
reload (HyMaintenanceDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) windows = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < self->window_rows->len; i++)
    adw_preferences_group_remove (self->windows_group, g_ptr_array_index (self->window_rows, i));
  g_ptr_array_set_size (self->window_rows, 0);
  windows = hy_store_list_maintenance (self->store, self->group_id, now, &error);
  if (windows == NULL)
    {
      show_error (self, error->message);
      return;
    }
  self->n_windows = windows->len;
  for (guint i = 0; i < windows->len; i++)
    {
      HyMaintenanceWindow *w = g_ptr_array_index (windows, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *from = local_time (w->starts_at);
      g_autofree char *until = local_time (w->ends_at);
      g_autofree char *title = NULL;

      if (w->starts_at <= now)
        /* Translators: an active maintenance window; %s is when it ends */
        title = g_strdup_printf (_ ("Now, until %s"), until);
      else
        /* Translators: a coming maintenance window; %s are when it starts and ends */
        title = g_strdup_printf (_ ("%s → %s"), from, until);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (w->reason != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), w->reason);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _ ("Remove this maintenance window"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Remove this maintenance window"), -1);
      g_object_set_data (G_OBJECT (remove), "window-id", GSIZE_TO_POINTER ((gsize) w->id));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->windows_group, row);
      g_ptr_array_add (self->window_rows, row);
    }
  if (windows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _ ("No active or coming maintenance windows."));
      adw_preferences_group_add (self->windows_group, row);
      g_ptr_array_add (self->window_rows, row);
    }
}

static void
add_clicked_cb (HyMaintenanceDialog *self)
{
  hy_maintenance_dialog_add (self);
}

static void
hy_maintenance_dialog_dispose (GObject *object)
{
  HyMaintenanceDialog *self = HY_MAINTENANCE_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->group_id, g_free);
  g_clear_pointer (&self->window_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (hy_maintenance_dialog_parent_class)->dispose (object);
}

static void
hy_maintenance_dialog_class_init (HyMaintenanceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_maintenance_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hy_maintenance_dialog_init (HyMaintenanceDialog *self)
{
  self->window_rows = g_ptr_array_new ();
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 480, 560);
}

static AdwEntryRow *
entry_row (const char *title, const char *text)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  return row;
}

HyMaintenanceDialog *
hy_maintenance_dialog_new (GtkWindow *parent,
                           HyStore *store,
                           const char *group_id,
                           const char *group_name)
{
  HyMaintenanceDialog *self = g_object_new (HY_TYPE_MAINTENANCE_DIALOG, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *add_group = adw_preferences_group_new ();
  GtkWidget *add = gtk_button_new_with_mnemonic (_ ("_Add"));
  g_autofree char *title = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) later = g_date_time_add_hours (now, 2);
  g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%d %H:%M");
  g_autofree char *later_text = g_date_time_format (later, "%Y-%m-%d %H:%M");

  self->store = g_object_ref (store);
  self->group_id = g_strdup (group_id);
  /* Translators: the title of the maintenance dialog; %s is a device group's name */
  title = g_strdup_printf (_ ("Maintenance of “%s”"), group_name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_box_append (GTK_BOX (box), header);

  self->windows_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->windows_group, _ ("Active and Coming"));
  adw_preferences_group_set_description (
      self->windows_group,
      _ ("While a window lasts, alerts of this group’s devices (and of its subgroups’) open no "
         "ticket; an alert still firing when it ends opens its ticket then."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->windows_group);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (add_group), _ ("New Window"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (add_group),
                                         _ ("Local time as 2026-12-24 22:00, or ISO 8601, now, or "
                                            "+2h after the start."));
  self->from_row = entry_row (_ ("_From"), now_text);
  self->until_row = entry_row (_ ("_Until"), later_text);
  self->reason_row = entry_row (_ ("_Reason"), "");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (add_group), GTK_WIDGET (self->from_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (add_group), GTK_WIDGET (self->until_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (add_group), GTK_WIDGET (self->reason_row));
  gtk_widget_set_halign (add, GTK_ALIGN_END);
  gtk_widget_set_margin_top (add, 12);
  gtk_widget_add_css_class (add, "suggested-action");
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (add_clicked_cb), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (add_group), add);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (add_group));

  self->error_label = hy_error_label_new ();
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);
  reload (self);
  return self;
}

gboolean
hy_maintenance_dialog_add (HyMaintenanceDialog *self)
{
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 from, until;
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_row));

  g_return_val_if_fail (HY_IS_MAINTENANCE_DIALOG (self), FALSE);

  if (!hy_maintenance_parse_time (gtk_editable_get_text (GTK_EDITABLE (self->from_row)), _ ("From"),
                                  now, 0, &from, &error) ||
      !hy_maintenance_parse_time (gtk_editable_get_text (GTK_EDITABLE (self->until_row)),
                                  _ ("Until"), now, from, &until, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  if (until <= now)
    {
      show_error (self, _ ("The window would be over already: it must end in the future."));
      return FALSE;
    }
  if (hy_store_add_maintenance (self->store, self->group_id, from, until,
                                *reason != '\0' ? reason : NULL, &error) == 0)
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
  reload (self);
  return TRUE;
}

guint
hy_maintenance_dialog_get_n_windows (HyMaintenanceDialog *self)
{
  g_return_val_if_fail (HY_IS_MAINTENANCE_DIALOG (self), 0);
  return self->n_windows;
}

/* The maintenance of @group_id (its own windows and its parent groups') as a group's row shows
 * it: the active window, else the next one; NULL when there is none. */
char *
hy_maintenance_dialog_describe_group (HyStore *store, const char *group_id, gint64 now)
{
  g_autoptr (HyMaintenanceWindow) window = NULL;
  g_autofree char *until = NULL;
  g_autofree char *from = NULL;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);

  window = hy_store_maintenance_at (store, group_id, now, NULL);
  if (window != NULL)
    {
      until = local_time (window->ends_at);
      /* Translators: on a group's row in Mapping; %s is when the window ends */
      return g_strdup_printf (_ ("In maintenance until %s"), until);
    }
  window = hy_store_maintenance_next (store, group_id, now, NULL);
  if (window == NULL)
    return NULL;
  from = local_time (window->starts_at);
  until = local_time (window->ends_at);
  /* Translators: on a group's row in Mapping; %s are when the coming window starts and ends */
  return g_strdup_printf (_ ("Maintenance from %s until %s"), from, until);
}
