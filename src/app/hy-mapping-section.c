/* hy-mapping-section.c: a Mapping section's column view: its columns, the factories of their
 * cells, and its model (the store's rows, filtered and selectable)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-mapping-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-mapping-page-private.h"
#include "hy-reason-hints.h"
#include "models/hy-halo-item.h"
#include "models/hy-link-model.h"

/* ------------------------------------------------------------------------- */
/* Column factories                                                          */
/* ------------------------------------------------------------------------- */

static void
setup_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, Section *section)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *widget;

  if (column == COLUMN_LINKED)
    {
      widget = gtk_image_new ();
      gtk_widget_set_halign (widget, GTK_ALIGN_START);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, "",
                                      -1);
    }
  else
    {
      widget = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (widget), 0);
      gtk_label_set_ellipsize (GTK_LABEL (widget), PANGO_ELLIPSIZE_END);
    }

  gtk_list_item_set_child (list_item, widget);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, Section *section)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *widget = gtk_list_item_get_child (list_item);
  HyLinkItem *item = gtk_list_item_get_item (list_item);
  const char *text = NULL;
  g_autofree char *owned = NULL;
  static const char *const classes[] = { "success", "warning", "error", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (widget, classes[i]);

  if (item == NULL)
    {
      if (GTK_IS_LABEL (widget))
        gtk_label_set_text (GTK_LABEL (widget), "");
      else
        gtk_image_clear (GTK_IMAGE (widget));
      return;
    }

  switch (column)
    {
      case COLUMN_NAME:
        text = hy_link_item_get_name (item);
        break;
      case COLUMN_LINKED:
        {
          gboolean linked = hy_link_item_get_linked (item);
          const char *name;

          if (section_is_linkable (section))
            /* Translators: the accessible name and tooltip of the Linked column's icon */
            name = linked ? C_ ("linked", "Linked") : C_ ("linked", "Not linked");
          else
            /* Translators: the same, for a group or a policy */
            name = linked ? C_ ("linked", "Mapped") : C_ ("linked", "Not mapped");
          gtk_image_set_from_icon_name (GTK_IMAGE (widget),
                                        linked ? "emblem-ok-symbolic" : "list-remove-symbolic");
          gtk_widget_add_css_class (widget, linked ? "success" : "dim-label");
          gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          name, -1);
          gtk_widget_set_tooltip_text (widget, name);
          return;
        }
      case COLUMN_HALO:
        text = hy_link_item_get_halo_name (item) != NULL ? hy_link_item_get_halo_name (item) : "—";
        if (hy_link_item_get_halo_name (item) == NULL)
          gtk_widget_add_css_class (widget, "dim-label");
        break;
      case COLUMN_STATE:
        text = hy_link_item_get_state (item);
        switch (hy_link_item_get_state_kind (item))
          {
            case HY_LINK_ITEM_STATE_GOOD:
              gtk_widget_add_css_class (widget, "success");
              break;
            case HY_LINK_ITEM_STATE_BUSY:
              gtk_widget_add_css_class (widget, "warning");
              break;
            case HY_LINK_ITEM_STATE_BAD:
              gtk_widget_add_css_class (widget, "error");
              break;
            case HY_LINK_ITEM_STATE_NONE:
            default:
              gtk_widget_add_css_class (widget, "dim-label");
              break;
          }
        break;
      case COLUMN_EXTRA:
        /* A failed group's reason, with this window's control that fixes it. */
        owned = hy_reason_with_window_hint (hy_link_item_get_extra (item),
                                            hy_link_item_get_reason_code (item));
        text = owned;
        break;
      default:
        g_assert_not_reached ();
    }

  if (text == NULL)
    text = "";

  gtk_label_set_text (GTK_LABEL (widget), text);
  gtk_widget_set_tooltip_text (widget, column == COLUMN_EXTRA || column == COLUMN_HALO ||
                                               column == COLUMN_NAME
                                           ? text
                                           : NULL);
}

static void
add_column (Section *section, Column column, const char *title, gboolean expand, int width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), section);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), section);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (view_column, width);
  gtk_column_view_append_column (section->view, view_column);
  section->columns[column] = view_column;
  g_object_unref (view_column);
}

/* The section's columns: name, linked or mapped, the Halo record, then how it was linked (or
 * a group's state and devices, a policy's tickets and what happens when the alert clears). */
static void
add_columns (Section *section,
             const char *linked_title,
             const char *halo_title,
             const char *state_title)
{
  /* Translators: column: the local record's name */
  add_column (section, COLUMN_NAME, C_ ("column", "Name"), TRUE, -1);
  add_column (section, COLUMN_LINKED, linked_title, FALSE, -1);
  add_column (section, COLUMN_HALO, halo_title, TRUE, -1);
  if (section->id == SECTION_GROUPS)
    {
      add_column (section, COLUMN_STATE, state_title, FALSE, -1);
      /* Translators: column: device counts of a group */
      add_column (section, COLUMN_EXTRA, C_ ("column", "Devices"), TRUE, -1);
    }
  else if (section->id == SECTION_POLICIES)
    {
      add_column (section, COLUMN_STATE, state_title, FALSE, -1);
      /* Translators: column: what happens to the ticket when the alert clears */
      add_column (section, COLUMN_EXTRA, C_ ("column", "When the Alert Clears"), TRUE, -1);
    }
  else
    /* Translators: column: how the record was linked (automatic or manual) */
    add_column (section, COLUMN_STATE, C_ ("column", "How"), FALSE, -1);
}

/* Delete and the row menu keys on the section's rows. */
static void
add_shortcuts (Section *section)
{
  GtkShortcutController *keys;

  /* Delete on a row unlinks it. */
  keys = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_add_shortcut (keys,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (
                                                              "Delete"),
                                                          gtk_named_action_new ("mapping.unlink")));
  /* The Menu key and Shift+F10 open the row's actions. */
  gtk_shortcut_controller_add_shortcut (
      keys,
      gtk_shortcut_new (gtk_alternative_trigger_new (gtk_shortcut_trigger_parse_string ("Menu"),
                                                     gtk_shortcut_trigger_parse_string (
                                                         "<Shift>F10")),
                        gtk_named_action_new ("mapping.row-menu")));
  gtk_widget_add_controller (GTK_WIDGET (section->view), GTK_EVENT_CONTROLLER (keys));
}

/* ------------------------------------------------------------------------- */
/* Sections                                                                  */
/* ------------------------------------------------------------------------- */

void
_hy_mapping_section_build (HyMappingPage *self, SectionId id)
{
  Section *section = &self->sections[id];
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  AdwViewStackPage *page;
  const char *title = NULL;
  const char *halo_title = NULL;
  const char *state_title = NULL;
  const char *linked_title = C_ ("column", "Linked");

  section->page = self;
  section->id = id;
  section->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_row_separators (section->view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (section->view), "data-table");

  switch (id)
    {
      case SECTION_COMPANIES:
        section->kind = HY_RECORD_KIND_COMPANY;
        /* Translators: a Mapping section: the local companies, linked to Halo clients */
        title = _ ("Companies");
        /* Translators: column: the Halo client a company is linked to */
        halo_title = C_ ("column", "Halo Client");
        break;
      case SECTION_LOCATIONS:
        section->kind = HY_RECORD_KIND_LOCATION;
        title = _ ("Locations");
        halo_title = C_ ("column", "Halo Site");
        break;
      case SECTION_COMPUTERS:
        section->kind = HY_RECORD_KIND_COMPUTER;
        title = _ ("Computers");
        halo_title = C_ ("column", "Halo Asset");
        break;
      case SECTION_TECHNICIANS:
        section->kind = HY_RECORD_KIND_USER;
        title = _ ("Technicians");
        halo_title = C_ ("column", "Halo Agent");
        break;
      case SECTION_GROUPS:
        section->kind = HY_RECORD_KIND_GROUP;
        /* Translators: a Mapping section: device groups, mapped to a Halo client and site */
        title = _ ("Groups");
        halo_title = C_ ("column", "Halo Client and Site");
        /* Translators: column: Unsynced, Syncing, Synced or Failed */
        state_title = C_ ("column", "State");
        /* Translators: column: whether a group or policy is mapped to Halo */
        linked_title = C_ ("column", "Mapped");
        break;
      case SECTION_POLICIES:
        section->kind = HY_RECORD_KIND_POLICY;
        /* Translators: a Mapping section: monitor policies, mapped to Halo ticket types */
        title = _ ("Policies");
        halo_title = C_ ("column", "Ticket Type");
        state_title = C_ ("column", "Tickets");
        linked_title = C_ ("column", "Mapped");
        break;
      case N_SECTIONS:
      default:
        g_assert_not_reached ();
    }

  add_columns (section, linked_title, halo_title, state_title);

  gtk_accessible_update_property (GTK_ACCESSIBLE (section->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);

  add_shortcuts (section);
  g_signal_connect (section->view, "activate", G_CALLBACK (_hy_mapping_page_row_activated_cb),
                    self);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (section->view));
  gtk_widget_set_vexpand (scrolled, TRUE);
  page = adw_view_stack_add_titled (self->sections_stack, scrolled, section_names[id], title);
  adw_view_stack_page_set_icon_name (page, section_icons[id]);
}

void
_hy_mapping_section_attach_model (HyMappingPage *self, Section *section)
{
  HyStore *store = get_store (self);
  GListModel *rows;

  if (section->selection != NULL)
    {
      g_signal_handlers_disconnect_by_data (section->selection, self);
      g_signal_handlers_disconnect_by_data (section_rows (section), self);
    }
  gtk_column_view_set_model (section->view, NULL);
  g_clear_object (&section->selection);
  g_clear_object (&section->local);
  g_clear_object (&section->source);

  if (store == NULL)
    return;

  if (section_is_linkable (section))
    section->source = G_LIST_MODEL (hy_link_model_new (store, section->kind));
  else
    {
      section->source = G_LIST_MODEL (g_list_store_new (HY_TYPE_LINK_ITEM));
      section->local = gtk_filter_list_model_new (g_object_ref (section->source),
                                                  g_object_ref (GTK_FILTER (self->local_filter)));
    }

  rows = section_rows (section);
  section->selection = gtk_multi_selection_new (g_object_ref (rows));
  gtk_column_view_set_model (section->view, GTK_SELECTION_MODEL (section->selection));
  g_signal_connect (section->selection, "selection-changed",
                    G_CALLBACK (_hy_mapping_page_selection_changed_cb), self);
  g_signal_connect (rows, "items-changed", G_CALLBACK (_hy_mapping_page_rows_changed_cb), self);
}
