/* hy-mapping-page-actions.c: what the Mapping page's actions do: link automatically, unlink,
 * link to, refresh from Halo, rename, maintenance, ticket defaults, and the keyboard's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-mapping-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-maintenance-dialog.h"
#include "hy-mapping-page-private.h"
#include "hy-policy-defaults-dialog.h"
#include "hy-toasts.h"
#include "linker/hy-linker.h"
#include "store/hy-store-service.h"

static void run_auto_link (HyMappingPage *self, gboolean dry_run, GHashTable *only);

typedef struct
{
  HyMappingPage *self;
  GHashTable *only; /* "kind:id" of the selected rows, or NULL */
} AutoLink;

static void
auto_link_free (AutoLink *data)
{
  g_object_unref (data->self);
  g_clear_pointer (&data->only, g_hash_table_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AutoLink, auto_link_free)

static void
auto_link_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AutoLink) data = user_data;
  HyMappingPage *self = data->self;
  g_autoptr (HyLinkerResult) linked = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  guint n = 0;

  linked = hy_linker_auto_link_finish (HY_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  _hy_mapping_page_set_busy (self, FALSE);

  if (linked == NULL)
    {
      _hy_mapping_page_show_error (self, error->message);
      return;
    }

  if (!linked->dry_run)
    n = linked->linked->len;

  if (!linked->dry_run)
    {
      /* Translators: after Link Automatically; the suggestions count follows in another
       * sentence */
      g_autofree char *done =
          g_strdup_printf (ngettext ("%'u record linked.", "%'u records linked.", n), n);
      g_autofree char *left =
          g_strdup_printf (ngettext ("%'u suggestion to review.", "%'u suggestions to review.",
                                     linked->suggestions->len),
                           linked->suggestions->len);

      g_autofree char *waiting = NULL;
      guint n_waiting = linked->waiting_locations + linked->waiting_computers;

      if (n_waiting > 0)
        /* Translators: after Link Automatically: locations and computers are linked only once
         * their company is */
        waiting = g_strdup_printf (ngettext ("%'u waits for its company to be linked.",
                                             "%'u wait for their company to be linked.", n_waiting),
                                   n_waiting);
      message =
          g_strdup_printf ("%s %s%s%s", done, left, waiting ? " " : "", waiting ? waiting : "");
      _hy_mapping_page_show_info (self, message);
    }

  if (data->only != NULL)
    /* The suggestions of the whole inventory, not only of the selection (a dry run). */
    run_auto_link (self, TRUE, NULL);
  else
    _hy_mapping_page_set_suggestions (self, linked->suggestions);
  _hy_mapping_page_reload_all (self);
}

static void
run_auto_link (HyMappingPage *self, gboolean dry_run, GHashTable *only)
{
  AutoLink *data;

  if (get_store (self) == NULL)
    return;

  data = g_new0 (AutoLink, 1);
  data->self = g_object_ref (self);
  data->only = only != NULL ? g_hash_table_ref (only) : NULL;
  _hy_mapping_page_set_busy (self, TRUE);
  if (only != NULL)
    hy_linker_auto_link_some_async (get_store (self), only, dry_run, self->cancellable,
                                    auto_link_done_cb, data);
  else
    hy_linker_auto_link_async (get_store (self), dry_run, self->cancellable, auto_link_done_cb,
                               data);
}

static void
link_auto_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  Section *section = _hy_mapping_page_current_section (self);
  g_autoptr (GPtrArray) selected = NULL;
  g_autoptr (GHashTable) only = NULL;

  if (!section_is_linkable (section))
    return;

  selected = _hy_mapping_page_get_selected_items (section);
  if (selected->len > 0)
    {
      only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < selected->len; i++)
        {
          HyLinkItem *item = g_ptr_array_index (selected, i);

          g_hash_table_add (only, g_strdup_printf ("%s:%s",
                                                   hy_record_kind_to_string (
                                                       hy_link_item_get_kind (item)),
                                                   hy_link_item_get_id (item)));
        }
    }

  run_auto_link (self, FALSE, only);
}

static void
unlink_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  Section *section = _hy_mapping_page_current_section (self);
  g_autoptr (GPtrArray) selected = _hy_mapping_page_get_selected_items (section);
  HyStore *store = get_store (self);
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  guint n = 0;

  if (store == NULL)
    return;

  for (guint i = 0; i < selected->len; i++)
    {
      HyLinkItem *item = g_ptr_array_index (selected, i);
      const char *id = hy_link_item_get_id (item);
      gboolean ok;

      if (!hy_link_item_get_linked (item))
        continue;

      if (section->id == SECTION_GROUPS)
        ok = hy_linker_unmap_group (store, id, &error);
      else if (section->id == SECTION_POLICIES)
        ok = hy_linker_unmap_policy (store, id, &error);
      else
        ok = hy_linker_clear_link (store, hy_link_item_get_kind (item), id, &error);

      if (!ok)
        {
          _hy_mapping_page_show_error (self, error->message);
          break;
        }
      n++;
    }

  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (section->selection));
  if (section_is_linkable (section))
    /* Translators: after Unlink */
    message = g_strdup_printf (ngettext ("%'u record unlinked", "%'u records unlinked", n), n);
  else
    /* Translators: after Unmap, in the Groups and Policies sections */
    message = g_strdup_printf (ngettext ("%'u record unmapped", "%'u records unmapped", n), n);
  _hy_mapping_page_show_info (self, message);
  _hy_mapping_page_reload_all (self);
}

static void
link_to_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);

  gtk_menu_button_popup (self->link_to_button);
}

void
_hy_mapping_page_event_added_cb (HyMappingPage *self, const HyEvent *event, HySession *session)
{
  g_autofree char *text = NULL;

  if (self->refresh_cancellable == NULL)
    return;

  self->refresh_requests++;
  gtk_progress_bar_pulse (self->progress_bar);
  /* Translators: progress of Refresh from Halo */
  text = g_strdup_printf (ngettext ("%'u request", "%'u requests", self->refresh_requests),
                          self->refresh_requests);
  gtk_label_set_text (self->progress_label, text);
}

static void
refresh_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyMappingPage) self = user_data;
  g_autoptr (GError) error = NULL;
  HySessionRefresh refresh = { 0 };
  g_autofree char *message = NULL;

  g_clear_object (&self->refresh_cancellable);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  _hy_mapping_page_set_busy (self, FALSE);

  if (!hy_session_refresh_finish (HY_SESSION (source), result, &refresh, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _hy_mapping_page_show_error (self, error->message);
      return;
    }

  g_hash_table_remove_all (self->halo_lists);
  message = hy_toasts_format_refresh (&refresh);
  _hy_mapping_page_show_info (self, message);

  /* New Halo records may make new suggestions; a dry run writes nothing. */
  run_auto_link (self, TRUE, NULL);
}

static void
refresh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);

  if (self->session == NULL || self->refresh_cancellable != NULL)
    return;

  self->refresh_cancellable = g_cancellable_new ();
  self->refresh_requests = 0;
  gtk_label_set_text (self->progress_label, "");
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  _hy_mapping_page_set_busy (self, TRUE);
  hy_session_refresh_async (self->session, self->refresh_cancellable, refresh_done_cb,
                            g_object_ref (self));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);

  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);
}

static void
focus_search_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (HY_MAPPING_PAGE (widget)->search_entry));
}

static void
toggle_unlinked_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);

  gtk_toggle_button_set_active (self->unlinked_button,
                                !gtk_toggle_button_get_active (self->unlinked_button));
}

static void
show_suggestions_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);

  if (self->suggestions->len > 0)
    gtk_menu_button_popup (self->suggestions_button);
}

static void
next_section_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  Section *section = _hy_mapping_page_current_section (self);
  int delta = g_variant_get_int32 (parameter);
  int next = ((int) section->id + delta + N_SECTIONS) % N_SECTIONS;

  hy_mapping_page_set_section (self, section_names[next]);
}

/* Rename…: an edit row under the toolbar, with the selected company's name. */
static void
rename_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  Section *section = _hy_mapping_page_current_section (self);
  g_autoptr (GPtrArray) selected = _hy_mapping_page_get_selected_items (section);
  g_autofree char *title = NULL;
  HyLinkItem *item;

  if (section->id != SECTION_COMPANIES || selected->len != 1)
    return;

  item = g_ptr_array_index (selected, 0);
  g_object_set_data_full (G_OBJECT (self->rename_entry), "company-id",
                          g_strdup (hy_link_item_get_id (item)), g_free);
  /* Translators: above the rename row; %s is the company's current name */
  title = g_strdup_printf (_ ("New name for “%s”"), hy_link_item_get_name (item));
  gtk_label_set_text (self->rename_title, title);
  gtk_editable_set_text (GTK_EDITABLE (self->rename_entry), hy_link_item_get_name (item));
  gtk_revealer_set_reveal_child (self->rename_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->rename_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->rename_entry), 0, -1);
}

/* The group's maintenance windows (hy-maintenance-dialog.c). */
static void
maintenance_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  Section *section = _hy_mapping_page_current_section (self);
  g_autoptr (GPtrArray) selected = _hy_mapping_page_get_selected_items (section);
  HyLinkItem *item;

  if (section->id != SECTION_GROUPS || selected->len != 1 || self->session == NULL)
    return;
  item = g_ptr_array_index (selected, 0);
  gtk_window_present (GTK_WINDOW (
      hy_maintenance_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                 hy_session_get_store (self->session), hy_link_item_get_id (item),
                                 hy_link_item_get_name (item))));
}

/* The mapped policy's ticket defaults (hy-policy-defaults-dialog.c). */
static void
policy_defaults_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  Section *section = _hy_mapping_page_current_section (self);
  g_autoptr (GPtrArray) selected = _hy_mapping_page_get_selected_items (section);
  HyLinkItem *item;

  if (section->id != SECTION_POLICIES || selected->len != 1 || self->session == NULL)
    return;
  item = g_ptr_array_index (selected, 0);
  gtk_window_present (GTK_WINDOW (
      hy_policy_defaults_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->session,
                                     hy_link_item_get_id (item), hy_link_item_get_name (item))));
}

static void
rename_cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);

  gtk_revealer_set_reveal_child (self->rename_revealer, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (_hy_mapping_page_current_section (self)->view));
}

static void
rename_apply_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  const char *id = g_object_get_data (G_OBJECT (self->rename_entry), "company-id");

  if (id == NULL)
    return;

  /* A bad name keeps the row open, with the error in a toast. */
  if (hy_mapping_page_rename_company (self, id,
                                      gtk_editable_get_text (GTK_EDITABLE (self->rename_entry))))
    rename_cancel_action (widget, NULL, NULL);
}

/* Enter in the rename row. */
void
_hy_mapping_page_rename_entry_activated_cb (HyMappingPage *self, GtkEntry *entry)
{
  rename_apply_action (GTK_WIDGET (self), "mapping.rename-apply", NULL);
}

/* The Menu key (or Shift+F10) on a row: its actions, pointing at the focused row. */
static void
row_menu_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  GtkWidget *view = GTK_WIDGET (_hy_mapping_page_current_section (self)->view);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  graphene_rect_t bounds;
  GdkRectangle rect = { 0, 0, 1, 1 };

  if (gtk_widget_get_parent (GTK_WIDGET (self->row_menu)) != view)
    {
      if (gtk_widget_get_parent (GTK_WIDGET (self->row_menu)) != NULL)
        gtk_widget_unparent (GTK_WIDGET (self->row_menu));
      gtk_widget_set_parent (GTK_WIDGET (self->row_menu), view);
    }

  if (focus != NULL && gtk_widget_is_ancestor (focus, view) &&
      gtk_widget_compute_bounds (focus, view, &bounds))
    rect = (GdkRectangle){ (int) bounds.origin.x + 24, (int) bounds.origin.y, 1,
                           (int) bounds.size.height };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->row_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->row_menu));
}

/* The page's actions (mapping.*), for its class_init. */
void
_hy_mapping_page_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "mapping.link-auto", NULL, link_auto_action);
  gtk_widget_class_install_action (widget_class, "mapping.unlink", NULL, unlink_action);
  gtk_widget_class_install_action (widget_class, "mapping.link-to", NULL, link_to_action);
  gtk_widget_class_install_action (widget_class, "mapping.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "mapping.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "mapping.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "mapping.toggle-unlinked", NULL,
                                   toggle_unlinked_action);
  gtk_widget_class_install_action (widget_class, "mapping.show-suggestions", NULL,
                                   show_suggestions_action);
  gtk_widget_class_install_action (widget_class, "mapping.next-section", "i", next_section_action);
  gtk_widget_class_install_action (widget_class, "mapping.undo", NULL,
                                   _hy_mapping_page_undo_action);
  gtk_widget_class_install_action (widget_class, "mapping.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "mapping.maintenance", NULL, maintenance_action);
  gtk_widget_class_install_action (widget_class, "mapping.policy-defaults", NULL,
                                   policy_defaults_action);
  gtk_widget_class_install_action (widget_class, "mapping.rename-apply", NULL, rename_apply_action);
  gtk_widget_class_install_action (widget_class, "mapping.rename-cancel", NULL,
                                   rename_cancel_action);
  gtk_widget_class_install_action (widget_class, "mapping.row-menu", NULL, row_menu_action);
}
