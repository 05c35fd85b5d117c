/* hy-mapping-page.c — the Mapping view: link local records to Halo, map groups and policies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Six sections in an AdwViewStack, each a GtkColumnView with a GtkMultiSelection:
 *  - Companies, Locations, Computers, Technicians: HyLinkModel, lazy pages of the store's link
 *    rows; the search and *Unlinked only* are SQL filters, so a hundred thousand computers list
 *    and filter at once. Linked is a status icon with its name ("Linked", "Not linked").
 *  - Groups (client + site, and the live sync state with counts) and Policies (ticket type and
 *    what happens when the alert clears): small lists, filtered in memory.
 * *Link automatically* runs the linker (on the selected rows only when some are selected),
 * *Link to…* picks the Halo record in a HyRecordPicker, *Unlink* clears links and mappings,
 * suggestions (near misses, with the linker's evidence) are accepted or rejected one by one
 * (HySuggestionsList), and *Rename…* opens an edit row for the selected company (the store
 * renames it). Links and mappings made here can be undone from their toast. *Refresh from Halo*
 * shows the requests it sends. Narrow windows list the name and the state only (the rest of the
 * selected row below the list) and keep the actions in a menu with their labels.
 */

#define G_LOG_DOMAIN "hy-mapping-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-adaptive-toolbar.h"
#include "models/hy-halo-item.h"
#include "models/hy-link-item.h"
#include "models/hy-link-rows.h"
#include "models/hy-link-model.h"
#include "hy-maintenance-dialog.h"
#include "hy-mapping-page-private.h"
#include "hy-policy-defaults-dialog.h"
#include "hy-reason-hints.h"
#include "hy-record-picker.h"
#include "hy-suggestions-list.h"
#include "hy-toasts.h"
#include "hy-view-shortcuts.h"
#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker.h"
#include "store/hy-store-service.h"
#include "sync/hy-sync-engine.h"

/* Group states change with the sync engine's runs, in this process or another one: the store
 * says so ("changed"). Another process's writes come in bursts: read the store again once per burst. */
#define STORE_RELOAD_DELAY_MS 200

G_DEFINE_FINAL_TYPE (HyMappingPage, hy_mapping_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  PROP_SYNC_ENGINE,
  PROP_UNLINKED_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (HyMappingPage *self);
static void update_toolbar (HyMappingPage *self);
static void update_details_row (HyMappingPage *self);

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

void
_hy_mapping_page_show_error (HyMappingPage *self, const char *message)
{
  hy_toasts_show_error (GTK_WIDGET (self->toast_overlay), message);
}

void
_hy_mapping_page_show_info (HyMappingPage *self, const char *message)
{
  hy_toasts_show (GTK_WIDGET (self->toast_overlay), message);
}

Section *
_hy_mapping_page_current_section (HyMappingPage *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->sections_stack);

  for (guint i = 0; i < N_SECTIONS; i++)
    if (g_strcmp0 (name, section_names[i]) == 0)
      return &self->sections[i];

  return &self->sections[SECTION_COMPANIES];
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  HyMappingPage *self = user_data;

  self->reload_idle = 0;
  /* Busy again meanwhile: the next time it is idle. */
  if (self->busy == 0 && self->reload_pending)
    _hy_mapping_page_reload_all (self);
  return G_SOURCE_REMOVE;
}

void
_hy_mapping_page_set_busy (HyMappingPage *self, gboolean busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;

  /* Not from here: _hy_mapping_page_set_busy () runs inside the callbacks of the work that made the page busy. */
  if (self->busy == 0 && self->reload_pending && self->reload_idle == 0)
    self->reload_idle = g_idle_add (reload_idle_cb, self);

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* The selected rows of @section (HyLinkItem, owned). */
GPtrArray *
_hy_mapping_page_get_selected_items (Section *section)
{
  g_autoptr (GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  if (section->selection == NULL)
    return items;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (section->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      HyLinkItem *item = g_list_model_get_item (G_LIST_MODEL (section->selection), position);

      if (item != NULL)
        g_ptr_array_add (items, item);
    }

  return items;
}

static gboolean
same_row (HyLinkItem *a, HyLinkItem *b)
{
  return g_strcmp0 (hy_link_item_get_id (a), hy_link_item_get_id (b)) == 0 &&
         g_strcmp0 (hy_link_item_get_name (a), hy_link_item_get_name (b)) == 0 &&
         hy_link_item_get_linked (a) == hy_link_item_get_linked (b) &&
         g_strcmp0 (hy_link_item_get_halo_name (a), hy_link_item_get_halo_name (b)) == 0 &&
         g_strcmp0 (hy_link_item_get_state (a), hy_link_item_get_state (b)) == 0 &&
         g_strcmp0 (hy_link_item_get_extra (a), hy_link_item_get_extra (b)) == 0 &&
         hy_link_item_get_reason_code (a) == hy_link_item_get_reason_code (b);
}

/* Replaces only the rows that changed, so that the live refresh of the group states keeps the
 * selection (and the scroll position) of the rows that did not. */
static void
update_rows (GListStore *list, GPtrArray *items)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  gboolean same_ids = n == items->len;

  for (guint i = 0; same_ids && i < n; i++)
    {
      g_autoptr (HyLinkItem) old = g_list_model_get_item (G_LIST_MODEL (list), i);

      same_ids = g_strcmp0 (hy_link_item_get_id (old),
                            hy_link_item_get_id (g_ptr_array_index (items, i))) == 0;
    }

  if (!same_ids)
    {
      g_list_store_splice (list, 0, n, items->pdata, items->len);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (HyLinkItem) old = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (!same_row (old, g_ptr_array_index (items, i)))
        g_list_store_splice (list, i, 1, &items->pdata[i], 1);
    }
}

static gboolean
reload_groups (HyMappingPage *self, Section *section, GError **error)
{
  HyStore *store = get_store (self);
  g_autoptr (GPtrArray) groups = hy_store_list_group_sync (store, FALSE, error);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (groups == NULL)
    return FALSE;

  for (guint i = 0; i < groups->len; i++)
    {
      const HyGroupSync *sync = g_ptr_array_index (groups, i);
      /* Its active or coming maintenance window (hy-maintenance-dialog.c). */
      g_autofree char *maintenance =
          hy_maintenance_dialog_describe_group (store, sync->group_id,
                                                g_get_real_time () / G_USEC_PER_SEC);

      g_ptr_array_add (items, hy_link_item_new_for_group (store, sync, maintenance));
    }

  update_rows (G_LIST_STORE (section->source), items);
  return TRUE;
}

static gboolean
reload_policies (HyMappingPage *self, Section *section, GError **error)
{
  HyStore *store = get_store (self);
  g_autoptr (GPtrArray) policies = hy_store_list (store, HY_RECORD_KIND_POLICY, NULL, error);
  g_autoptr (GPtrArray) mappings = NULL;
  g_autoptr (GHashTable) by_policy = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (policies == NULL)
    return FALSE;
  mappings = hy_store_list_policy_mappings (store, error);
  if (mappings == NULL)
    return FALSE;

  for (guint i = 0; i < mappings->len; i++)
    {
      HyPolicyMapping *mapping = g_ptr_array_index (mappings, i);

      g_hash_table_insert (by_policy, mapping->policy_id, mapping);
    }

  for (guint i = 0; i < policies->len; i++)
    {
      const HyPolicy *policy = g_ptr_array_index (policies, i);

      g_ptr_array_add (items,
                       hy_link_item_new_for_policy (store, policy,
                                                    g_hash_table_lookup (by_policy, policy->id)));
    }

  update_rows (G_LIST_STORE (section->source), items);
  return TRUE;
}

static void
update_count (HyMappingPage *self)
{
  Section *section = _hy_mapping_page_current_section (self);
  guint n = section_rows (section) != NULL ? g_list_model_get_n_items (section_rows (section)) : 0;
  g_autofree char *text = NULL;

  /* Translators: under the Mapping list: how many rows the filters let through */
  text = g_strdup_printf (ngettext ("%'u record", "%'u records", n), n);
  gtk_label_set_text (self->count_label, text);
}

static void
update_empty (HyMappingPage *self)
{
  HyStore *store = get_store (self);
  gint64 total = 0;

  if (store != NULL)
    for (guint kind = 0; kind < HY_N_RECORD_KINDS; kind++)
      if (kind != HY_RECORD_KIND_ALERT)
        total += MAX (0, hy_store_count (store, kind, NULL, NULL));

  gtk_stack_set_visible_child_name (self->main_stack, total > 0 ? "content" : "empty");
}

void
_hy_mapping_page_reload_section (HyMappingPage *self, Section *section)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;

  if (get_store (self) == NULL || section->source == NULL)
    return;

  section->stale = FALSE;

  if (HY_IS_LINK_MODEL (section->source))
    {
      hy_link_model_set_search (HY_LINK_MODEL (section->source),
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      hy_link_model_set_unlinked_only (HY_LINK_MODEL (section->source),
                                       gtk_toggle_button_get_active (self->unlinked_button));
      ok = hy_link_model_reload (HY_LINK_MODEL (section->source), &error);
    }
  else if (section->id == SECTION_GROUPS)
    ok = reload_groups (self, section, &error);
  else
    ok = reload_policies (self, section, &error);

  if (!ok)
    _hy_mapping_page_show_error (self, error->message);

  update_count (self);
  update_actions (self);
}

/* Reads the store again: the section on screen now, the others when they are shown. While the
 * page is busy (a link or a refresh running), once it is idle again: GTK 4.8's list views trip
 * a GtkListItemManager assertion when their models change under a running link. */
void
_hy_mapping_page_reload_all (HyMappingPage *self)
{
  Section *shown = _hy_mapping_page_current_section (self);

  if (self->busy > 0)
    {
      self->reload_pending = TRUE;
      return;
    }
  self->reload_pending = FALSE;
  g_clear_handle_id (&self->reload_idle, g_source_remove);

  for (guint i = 0; i < N_SECTIONS; i++)
    self->sections[i].stale = TRUE;
  _hy_mapping_page_reload_section (self, shown);
  update_empty (self);
}

static void update_suggestions (HyMappingPage *self);

void
_hy_mapping_page_set_suggestions (HyMappingPage *self, GPtrArray *suggestions)
{
  g_ptr_array_set_size (self->suggestions, 0);
  for (guint i = 0; suggestions != NULL && i < suggestions->len; i++)
    g_ptr_array_add (self->suggestions,
                     hy_linker_suggestion_copy (g_ptr_array_index (suggestions, i)));
  update_suggestions (self);
}

static void
suggestion_answered_cb (HyMappingPage *self, guint index, gboolean accept, HySuggestionsList *list)
{
  if (index < self->suggestions->len)
    hy_mapping_page_answer_suggestion (self, index, accept);
}

static void
update_suggestions (HyMappingPage *self)
{
  g_autofree char *label = NULL;

  hy_suggestions_list_set_suggestions (self->suggestions_list, self->suggestions);

  /* Translators: the suggestions button, with how many near matches wait for review */
  label = g_strdup_printf (ngettext ("_Suggestions (%'u)", "_Suggestions (%'u)",
                                     self->suggestions->len),
                           self->suggestions->len);
  gtk_menu_button_set_label (self->suggestions_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->suggestions_button), self->suggestions->len > 0);
}

/* Whether the one selected policy is mapped (its ticket defaults can be set). */
static gboolean
selected_policy_is_mapped (HyMappingPage *self, Section *section)
{
  g_autoptr (GPtrArray) selected = _hy_mapping_page_get_selected_items (section);
  g_autoptr (HyPolicyMapping) mapping = NULL;

  if (selected->len != 1 || self->session == NULL)
    return FALSE;
  mapping =
      hy_store_get_policy_mapping (hy_session_get_store (self->session),
                                   hy_link_item_get_id (g_ptr_array_index (selected, 0)), NULL);
  return mapping != NULL;
}

static void
update_actions (HyMappingPage *self)
{
  Section *section = _hy_mapping_page_current_section (self);
  gboolean ready = self->session != NULL && self->busy == 0;
  guint n_selected = 0;

  if (section->selection != NULL)
    {
      g_autoptr (GtkBitset) selected =
          gtk_selection_model_get_selection (GTK_SELECTION_MODEL (section->selection));

      n_selected = (guint) MIN (gtk_bitset_get_size (selected), G_MAXUINT);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.link-auto",
                                 ready && section_is_linkable (section));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.unlink", ready && n_selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.link-to", ready && n_selected == 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.refresh",
                                 self->session != NULL && self->refresh_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.cancel",
                                 self->refresh_cancellable != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.rename",
                                 ready && section->id == SECTION_COMPANIES && n_selected == 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.row-menu",
                                 self->session != NULL && n_selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.maintenance",
                                 ready && section->id == SECTION_GROUPS && n_selected == 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.policy-defaults",
                                 ready && section->id == SECTION_POLICIES && n_selected == 1 &&
                                     selected_policy_is_mapped (self, section));
  gtk_widget_set_sensitive (GTK_WIDGET (self->link_to_button), ready && n_selected == 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlinked_button), TRUE);
  update_details_row (self);
}

/* The menu of the narrow toolbar (every action but Link To… and Suggestions, which stay
 * buttons) or, wide, what has no button (Rename…); and the row menu (the Menu key). */
static GMenuModel *
make_menu (HyMappingPage *self, Section *section, gboolean narrow, gboolean rows)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GMenu) records = g_menu_new ();
  g_autoptr (GMenu) view = g_menu_new ();
  gboolean linkable = section_is_linkable (section);

  if (rows)
    g_menu_append (records, linkable ? _ ("_Link To…") : _ ("_Map To…"), "mapping.link-to");
  if ((narrow || rows) && linkable)
    g_menu_append (records, _ ("Link _Automatically"), "mapping.link-auto");
  if (narrow || rows)
    g_menu_append (records, linkable ? _ ("U_nlink") : _ ("U_nmap"), "mapping.unlink");
  if (section->id == SECTION_COMPANIES)
    /* Translators: menu item: rename the selected company */
    g_menu_append (records, _ ("_Rename…"), "mapping.rename");
  if (section->id == SECTION_GROUPS)
    /* Translators: menu item: the selected group's maintenance windows */
    g_menu_append (records, _ ("_Maintenance…"), "mapping.maintenance");
  if (section->id == SECTION_POLICIES)
    /* Translators: menu item: the selected policy's ticket priority, team, agent, category */
    g_menu_append (records, _ ("_Ticket Defaults…"), "mapping.policy-defaults");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (records));

  if (narrow && !rows)
    {
      if (linkable)
        g_menu_append (view, _ ("_Unlinked Only"), "mapping.unlinked-only");
      g_menu_append (view, _ ("_Refresh from Halo"), "mapping.refresh");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (view));
    }

  return G_MENU_MODEL (menu);
}

/* The toolbar fits the section (Groups and Policies are mapped, not linked, and have nothing
 * to link automatically nor an unlinked filter) and the width (narrow: a menu). */
static void
update_toolbar (HyMappingPage *self)
{
  Section *section = _hy_mapping_page_current_section (self);
  gboolean narrow = self->narrow_mode.narrow;
  gboolean linkable = section_is_linkable (section);
  g_autoptr (GMenuModel) menu = make_menu (self, section, narrow, FALSE);
  g_autoptr (GMenuModel) row_menu = make_menu (self, section, narrow, TRUE);

  gtk_widget_set_visible (GTK_WIDGET (self->auto_button), linkable && !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->unlinked_button), linkable && !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->unlink_button), !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_button), !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button),
                          narrow || section->id == SECTION_COMPANIES);
  gtk_menu_button_set_menu_model (self->more_button, menu);
  gtk_popover_menu_set_menu_model (self->row_menu, row_menu);

  gtk_menu_button_set_label (self->link_to_button, linkable ? _ ("_Link To…") : _ ("_Map To…"));
  gtk_widget_set_tooltip_text (
      GTK_WIDGET (self->link_to_button),
      linkable ? _ ("Pick the Halo record for the selected row (Ctrl+K)")
               /* Translators: tooltip of Map To… in the Groups and Policies sections */
               : _ ("Pick where the selected row goes in Halo (Ctrl+K)"));
  gtk_button_set_label (self->unlink_button, linkable ? _ ("U_nlink") : _ ("U_nmap"));
  gtk_widget_set_tooltip_text (
      GTK_WIDGET (self->unlink_button),
      linkable ? _ ("Remove the link of the selected records (Delete)")
               /* Translators: tooltip of Unmap in the Groups and Policies sections */
               : _ ("Remove the mapping of the selected records (Delete)"));

  for (guint i = 0; i < N_SECTIONS; i++)
    for (guint c = 0; c < N_COLUMNS; c++)
      if (self->sections[i].columns[c] != NULL)
        gtk_column_view_column_set_visible (self->sections[i].columns[c],
                                            !narrow || c == COLUMN_NAME || c == COLUMN_STATE);

  update_details_row (self);
}

/* Narrow: what the hidden columns say about the selected row, under the list. */
static void
update_details_row (HyMappingPage *self)
{
  Section *section = _hy_mapping_page_current_section (self);
  g_autoptr (GPtrArray) selected = NULL;
  g_autoptr (GString) text = NULL;
  HyLinkItem *item;
  const char *halo;

  if (!self->narrow_mode.narrow)
    {
      gtk_revealer_set_reveal_child (self->details_revealer, FALSE);
      return;
    }

  selected = _hy_mapping_page_get_selected_items (section);
  if (selected->len != 1)
    {
      gtk_revealer_set_reveal_child (self->details_revealer, FALSE);
      return;
    }

  item = g_ptr_array_index (selected, 0);
  halo = hy_link_item_get_halo_name (item);
  text = g_string_new (hy_link_item_get_name (item));
  g_string_append_c (text, '\n');
  if (halo != NULL)
    /* Translators: the narrow window's details of a row: the Halo record it goes to */
    g_string_append_printf (text, _ ("In Halo: %s"), halo);
  else if (section_is_linkable (section))
    g_string_append (text, _ ("Not linked to Halo"));
  else
    /* Translators: the narrow window's details of a group or policy row */
    g_string_append (text, _ ("Not mapped to Halo"));
  if (hy_link_item_get_extra (item) != NULL)
    {
      g_autofree char *extra = hy_reason_with_window_hint (hy_link_item_get_extra (item),
                                                           hy_link_item_get_reason_code (item));

      g_string_append_c (text, '\n');
      g_string_append (text, extra);
    }

  gtk_label_set_text (self->details_label, text->str);
  gtk_revealer_set_reveal_child (self->details_revealer, TRUE);
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static gboolean
local_matches (gpointer item, gpointer user_data)
{
  HyMappingPage *self = user_data;
  g_autofree char *name = NULL;

  /* Groups and policies: the search only (Unlinked Only is for the linkable sections). */
  if (self->words == NULL)
    return TRUE;

  name = hy_halo_item_fold (hy_link_item_get_name (item));
  for (guint i = 0; self->words[i] != NULL; i++)
    if (strstr (name, self->words[i]) == NULL)
      return FALSE;

  return TRUE;
}

static void
filters_changed (HyMappingPage *self)
{
  g_autofree char *folded =
      hy_halo_item_fold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  g_auto (GStrv) parts = g_strsplit_set (folded, " \t", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      {
        g_strv_builder_add (builder, parts[i]);
        any = TRUE;
      }
  g_strfreev (self->words);
  self->words = any ? g_strv_builder_end (builder) : NULL;

  gtk_filter_changed (GTK_FILTER (self->local_filter), GTK_FILTER_CHANGE_DIFFERENT);

  /* Only the section on screen asks the store now; the others when they are shown. */
  for (guint i = 0; i < N_SECTIONS; i++)
    if (HY_IS_LINK_MODEL (self->sections[i].source))
      self->sections[i].stale = TRUE;
  _hy_mapping_page_reload_section (self, _hy_mapping_page_current_section (self));
  update_count (self);
}

static void
search_changed_cb (HyMappingPage *self, GtkSearchEntry *entry)
{
  filters_changed (self);
}

static void
unlinked_toggled_cb (HyMappingPage *self, GtkToggleButton *button)
{
  filters_changed (self);
}

static void
section_changed_cb (HyMappingPage *self, GParamSpec *pspec, AdwViewStack *stack)
{
  Section *section = _hy_mapping_page_current_section (self);

  if (section->stale)
    _hy_mapping_page_reload_section (self, section);
  gtk_revealer_set_reveal_child (self->rename_revealer, FALSE);
  update_count (self);
  update_toolbar (self);
  update_actions (self);

  self->updating_dropdown = TRUE;
  gtk_drop_down_set_selected (self->section_dropdown, section->id);
  self->updating_dropdown = FALSE;
}

static void
section_dropdown_changed_cb (HyMappingPage *self, GParamSpec *pspec, GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (!self->updating_dropdown && selected < N_SECTIONS)
    hy_mapping_page_set_section (self, section_names[selected]);
}

void
_hy_mapping_page_selection_changed_cb (GtkSelectionModel *model,
                                       guint position,
                                       guint n_items,
                                       HyMappingPage *self)
{
  update_actions (self);
}

void
_hy_mapping_page_rows_changed_cb (GListModel *model,
                                  guint position,
                                  guint removed,
                                  guint added,
                                  HyMappingPage *self)
{
  update_count (self);
}

/* Enter or a double-click on a row: narrow, its details; wide, Link To… (Map To…). */
void
_hy_mapping_page_row_activated_cb (GtkColumnView *view, guint position, HyMappingPage *self)
{
  Section *section = _hy_mapping_page_current_section (self);

  if (section->view != view || section->selection == NULL)
    return;

  gtk_selection_model_select_item (GTK_SELECTION_MODEL (section->selection), position, TRUE);
  if (self->narrow_mode.narrow)
    update_details_row (self);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "mapping.link-to", NULL);
}

/* The group states again: now when the Groups section is on screen, else when it is shown. */
static void
reload_groups_states (HyMappingPage *self)
{
  Section *groups = &self->sections[SECTION_GROUPS];

  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      _hy_mapping_page_current_section (self) == groups && self->busy == 0)
    _hy_mapping_page_reload_section (self, groups);
  else
    groups->stale = TRUE;
}

static gboolean
store_reload_cb (gpointer user_data)
{
  HyMappingPage *self = user_data;

  self->store_reload = 0;
  hy_mapping_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void engine_changed_cb (HyMappingPage *self, HySyncEngine *engine);

/* What changed in the store, whoever wrote it: another process's records, links and routes
 * (halyard-cli link, import, map) are read again, once per burst; the group states after
 * every sync write. */
static void
store_changed_cb (HyMappingPage *self, guint changes, HyStore *store)
{
  if ((changes & HY_STORE_CHANGED_BY_OTHER) &&
      (changes & (HY_STORE_CHANGED_INVENTORY | HY_STORE_CHANGED_LINKS | HY_STORE_CHANGED_MAPPINGS |
                  HY_STORE_CHANGED_CACHE)))
    {
      if (self->store_reload == 0)
        self->store_reload = g_timeout_add (STORE_RELOAD_DELAY_MS, store_reload_cb, self);
    }
  else if (changes & (HY_STORE_CHANGED_GROUP_SYNC | HY_STORE_CHANGED_MAPPINGS))
    engine_changed_cb (self, NULL);
}

static gboolean
groups_idle_cb (gpointer user_data)
{
  HyMappingPage *self = user_data;

  self->groups_idle = 0;
  reload_groups_states (self);
  return G_SOURCE_REMOVE;
}

static void
engine_changed_cb (HyMappingPage *self, HySyncEngine *engine)
{
  /* A run reports every batch: read the states once per burst. */
  if (self->groups_idle == 0)
    self->groups_idle = g_idle_add (groups_idle_cb, self);
}

/* ------------------------------------------------------------------------- */
/* Narrow windows                                                            */
/* ------------------------------------------------------------------------- */

/* The width the wide layout needs to show every label and the switcher without scrolling. */
static int
wide_natural_width (GtkWidget *widget)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  GtkWidget *parts[] = { self->toolbar_filters, self->toolbar_actions, self->section_switcher };
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      int natural = 0;

      gtk_widget_measure (parts[i], GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      width = MAX (width, natural + gtk_widget_get_margin_start (parts[i]) +
                              gtk_widget_get_margin_end (parts[i]));
    }

  /* The toolbar's own margins. */
  return width + gtk_widget_get_margin_start (self->toolbar) +
         gtk_widget_get_margin_end (self->toolbar);
}

static void
set_narrow (GtkWidget *widget, gboolean narrow)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);

  gtk_widget_set_visible (self->switcher_scroller, !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->section_dropdown), narrow);
  update_toolbar (self);
}

/* Narrower than the wide layout needs: the sections go in a drop-down, the lists show the name
 * and the state (the rest of the selected row under them), and the actions but Link To… and
 * Suggestions go in a menu with their labels, so nothing has to be scrolled sideways. */
static void
hy_mapping_page_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);

  /* Sees the width, then allocates like a GtkBinLayout (a layout manager would not call this
   * function). */
  hy_adaptive_mode_allocate (&self->narrow_mode, width, height, baseline);
}

static void
hy_mapping_page_measure (GtkWidget *widget,
                         GtkOrientation orientation,
                         int for_size,
                         int *minimum,
                         int *natural,
                         int *minimum_baseline,
                         int *natural_baseline)
{
  hy_bin_measure (widget, orientation, for_size, minimum, natural);
}

/* ------------------------------------------------------------------------- */
/* GObject / GtkWidget overrides                                             */
/* ------------------------------------------------------------------------- */

static void
hy_mapping_page_dispose (GObject *object)
{
  HyMappingPage *self = HY_MAPPING_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);
  hy_mapping_page_set_session (self, NULL);
  hy_mapping_page_set_sync_engine (self, NULL);
  g_clear_handle_id (&self->store_reload, g_source_remove);
  g_clear_handle_id (&self->groups_idle, g_source_remove);
  g_clear_handle_id (&self->reload_idle, g_source_remove);
  hy_adaptive_mode_clear (&self->narrow_mode);
  g_clear_object (&self->pick_item);
  g_clear_pointer (&self->undo, undo_free);
  self->undo_toast = NULL;
  if (self->row_menu != NULL && gtk_widget_get_parent (GTK_WIDGET (self->row_menu)) != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->row_menu));
  self->row_menu = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), HY_TYPE_MAPPING_PAGE);

  g_clear_object (&self->local_filter);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->refresh_cancellable);

  G_OBJECT_CLASS (hy_mapping_page_parent_class)->dispose (object);
}

static void
hy_mapping_page_finalize (GObject *object)
{
  HyMappingPage *self = HY_MAPPING_PAGE (object);

  g_hash_table_unref (self->halo_lists);
  g_ptr_array_unref (self->suggestions);
  g_strfreev (self->words);

  G_OBJECT_CLASS (hy_mapping_page_parent_class)->finalize (object);
}

static void
hy_mapping_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyMappingPage *self = HY_MAPPING_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, self->busy > 0);
        break;
      case PROP_SYNC_ENGINE:
        g_value_set_object (value, self->engine);
        break;
      case PROP_UNLINKED_ONLY:
        g_value_set_boolean (value, self->unlinked_only);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_mapping_page_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  HyMappingPage *self = HY_MAPPING_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        hy_mapping_page_set_session (self, g_value_get_object (value));
        break;
      case PROP_SYNC_ENGINE:
        hy_mapping_page_set_sync_engine (self, g_value_get_object (value));
        break;
      case PROP_UNLINKED_ONLY:
        hy_mapping_page_set_unlinked_only (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_mapping_page_class_init (HyMappingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_mapping_page_dispose;
  object_class->finalize = hy_mapping_page_finalize;
  object_class->get_property = hy_mapping_page_get_property;
  object_class->set_property = hy_mapping_page_set_property;
  widget_class->measure = hy_mapping_page_measure;
  widget_class->size_allocate = hy_mapping_page_size_allocate;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, HY_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The engine whose runs change the group states (the window's), so they show live. */
  properties[PROP_SYNC_ENGINE] =
      g_param_spec_object ("sync-engine", NULL, NULL, HY_TYPE_SYNC_ENGINE,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Unlinked Only (the toggle button, and the narrow menu's check item). */
  properties[PROP_UNLINKED_ONLY] =
      g_param_spec_boolean ("unlinked-only", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HY_TYPE_RECORD_PICKER);
  g_type_ensure (HY_TYPE_SUGGESTIONS_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/halyard/Halyard/hy-mapping-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, main_stack);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, toolbar_filters);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, toolbar_actions);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, switcher_scroller);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, section_switcher);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, section_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, auto_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, unlink_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, unlinked_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, link_to_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, picker_popover);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, picker_title);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, picker);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, picker_extra_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, picker_back_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, more_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, rename_revealer);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, rename_title);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, rename_entry);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, details_revealer);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, details_label);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, suggestions_button);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, suggestions_list);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, progress_label);
  gtk_widget_class_bind_template_child_full (widget_class, "sections", FALSE,
                                             G_STRUCT_OFFSET (HyMappingPage, sections_stack));
  gtk_widget_class_bind_template_child (widget_class, HyMappingPage, count_label);

  _hy_mapping_page_install_actions (widget_class);
  gtk_widget_class_install_property_action (widget_class, "mapping.unlinked-only", "unlinked-only");

  gtk_widget_class_set_css_name (widget_class, "hy-mapping-page");
}

static void
hy_mapping_page_init (HyMappingPage *self)
{
  GtkShortcutController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  hy_adaptive_mode_init (&self->narrow_mode, GTK_WIDGET (self), wide_natural_width, set_narrow);

  self->cancellable = g_cancellable_new ();
  self->halo_lists = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);
  self->suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_suggestion_free);
  self->local_filter = gtk_custom_filter_new (local_matches, self, NULL);

  for (guint i = 0; i < N_SECTIONS; i++)
    _hy_mapping_section_build (self, i);

  {
    g_autoptr (GtkStringList) titles = gtk_string_list_new (NULL);

    for (guint i = 0; i < N_SECTIONS; i++)
      {
        GtkWidget *child =
            adw_view_stack_get_child_by_name (self->sections_stack, section_names[i]);

        gtk_string_list_append (titles, adw_view_stack_page_get_title (
                                            adw_view_stack_get_page (self->sections_stack, child)));
      }
    gtk_drop_down_set_model (self->section_dropdown, G_LIST_MODEL (titles));
    gtk_drop_down_set_selected (self->section_dropdown,
                                _hy_mapping_page_current_section (self)->id);
    g_signal_connect_swapped (self->section_dropdown, "notify::selected",
                              G_CALLBACK (section_dropdown_changed_cb), self);
  }

  g_object_bind_property (self, "unlinked-only", self->unlinked_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  self->row_menu = GTK_POPOVER_MENU (gtk_popover_menu_new_from_model (NULL));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->row_menu), TRUE);
  gtk_widget_set_halign (GTK_WIDGET (self->row_menu), GTK_ALIGN_START);
  g_signal_connect_swapped (self->rename_entry, "activate",
                            G_CALLBACK (_hy_mapping_page_rename_entry_activated_cb), self);
  {
    GtkShortcutController *escape = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());

    gtk_shortcut_controller_add_shortcut (escape,
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (
                                                                "Escape"),
                                                            gtk_named_action_new (
                                                                "mapping.rename-cancel")));
    gtk_widget_add_controller (GTK_WIDGET (self->rename_revealer), GTK_EVENT_CONTROLLER (escape));
  }

  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb),
                            self);
  g_signal_connect_swapped (self->unlinked_button, "toggled", G_CALLBACK (unlinked_toggled_cb),
                            self);
  g_signal_connect_swapped (self->sections_stack, "notify::visible-child",
                            G_CALLBACK (section_changed_cb), self);
  g_signal_connect_swapped (self->suggestions_list, "answered", G_CALLBACK (suggestion_answered_cb),
                            self);
  _hy_mapping_page_picker_connect (self);

  shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_set_scope (shortcuts, GTK_SHORTCUT_SCOPE_GLOBAL);
  hy_view_add_shortcut (shortcuts, "<Control>f", "mapping.focus-search", NULL);
  hy_view_add_shortcut (shortcuts, "<Control>l", "mapping.link-auto", NULL);
  hy_view_add_shortcut (shortcuts, "<Control>k", "mapping.link-to", NULL);
  hy_view_add_shortcut (shortcuts, "<Control><Shift>u", "mapping.toggle-unlinked", NULL);
  hy_view_add_shortcut (shortcuts, "<Control>g", "mapping.show-suggestions", NULL);
  hy_view_add_shortcut (shortcuts, "<Control>Page_Down", "mapping.next-section",
                        g_variant_new_int32 (1));
  hy_view_add_shortcut (shortcuts, "<Control>Page_Up", "mapping.next-section",
                        g_variant_new_int32 (-1));
  hy_view_add_shortcut (shortcuts, "<Control>Tab", "mapping.next-section", g_variant_new_int32 (1));
  hy_view_add_shortcut (shortcuts, "<Control><Shift>Tab", "mapping.next-section",
                        g_variant_new_int32 (-1));
  hy_view_add_shortcut (shortcuts, "<Control><Shift>ISO_Left_Tab", "mapping.next-section",
                        g_variant_new_int32 (-1));
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (shortcuts));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.undo", FALSE);
  update_suggestions (self);
  update_toolbar (self);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->main_stack, "empty");
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_mapping_page_new (void)
{
  return g_object_new (HY_TYPE_MAPPING_PAGE, NULL);
}

HySession *
hy_mapping_page_get_session (HyMappingPage *self)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), NULL);

  return self->session;
}

/**
 * hy_mapping_page_set_session:
 * @session: (nullable): the session whose records to map
 */
void
hy_mapping_page_set_session (HyMappingPage *self, HySession *session)
{
  g_return_if_fail (HY_IS_MAPPING_PAGE (self));
  g_return_if_fail (session == NULL || HY_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->session, _hy_mapping_page_event_added_cb, self);
      g_signal_handlers_disconnect_by_func (hy_session_get_store (self->session), store_changed_cb,
                                            self);
    }
  g_set_object (&self->session, session);
  g_hash_table_remove_all (self->halo_lists);
  g_ptr_array_set_size (self->suggestions, 0);

  for (guint i = 0; i < N_SECTIONS; i++)
    _hy_mapping_section_attach_model (self, &self->sections[i]);

  if (session != NULL)
    {
      g_signal_connect_swapped (session, "event-added",
                                G_CALLBACK (_hy_mapping_page_event_added_cb), self);
      g_signal_connect_swapped (hy_session_get_store (session), "changed",
                                G_CALLBACK (store_changed_cb), self);
      /* Suggestions come with Link automatically and Refresh from Halo (the linker reads the
       * whole inventory: not something to do each time the window opens). */
      _hy_mapping_page_reload_all (self);
    }
  else
    gtk_stack_set_visible_child_name (self->main_stack, "empty");

  update_suggestions (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

void
hy_mapping_page_set_section (HyMappingPage *self, const char *name)
{
  g_return_if_fail (HY_IS_MAPPING_PAGE (self));

  adw_view_stack_set_visible_child_name (self->sections_stack, name);
}

const char *
hy_mapping_page_get_section (HyMappingPage *self)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), NULL);

  return section_names[_hy_mapping_page_current_section (self)->id];
}

static Section *
find_section (HyMappingPage *self, const char *name)
{
  for (guint i = 0; i < N_SECTIONS; i++)
    if (g_strcmp0 (name, section_names[i]) == 0)
      return &self->sections[i];

  return NULL;
}

/**
 * hy_mapping_page_get_rows:
 *
 * Returns: (transfer none) (nullable): the rows the section lists (HyLinkItem), after filters
 */
GListModel *
hy_mapping_page_get_rows (HyMappingPage *self, const char *name)
{
  Section *section;

  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), NULL);

  section = find_section (self, name);
  if (section != NULL && section->stale)
    _hy_mapping_page_reload_section (self, section);
  return section != NULL && section->selection != NULL ? G_LIST_MODEL (section->selection) : NULL;
}

/**
 * hy_mapping_page_get_selection:
 *
 * Returns: (transfer none) (nullable): the section's selection
 */
GtkSelectionModel *
hy_mapping_page_get_selection (HyMappingPage *self, const char *name)
{
  Section *section;

  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), NULL);

  section = find_section (self, name);
  if (section != NULL && section->stale)
    _hy_mapping_page_reload_section (self, section);
  return section != NULL ? GTK_SELECTION_MODEL (section->selection) : NULL;
}

void
hy_mapping_page_set_search_text (HyMappingPage *self, const char *text)
{
  g_return_if_fail (HY_IS_MAPPING_PAGE (self));

  g_signal_handlers_block_by_func (self->search_entry, search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  g_signal_handlers_unblock_by_func (self->search_entry, search_changed_cb, self);
  filters_changed (self);
}

void
hy_mapping_page_set_unlinked_only (HyMappingPage *self, gboolean unlinked_only)
{
  g_return_if_fail (HY_IS_MAPPING_PAGE (self));

  unlinked_only = !!unlinked_only;
  if (self->unlinked_only == unlinked_only)
    return;

  /* The binding sets the button, whose "toggled" filters again. */
  self->unlinked_only = unlinked_only;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNLINKED_ONLY]);
}

/**
 * hy_mapping_page_reload:
 *
 * Reads every section again from the store; while the page is busy (Link automatically,
 * Refresh from Halo), once that work is done, so it is safe to call at any time.
 *
 * Returns: %FALSE when the page has no session
 */
gboolean
hy_mapping_page_reload (HyMappingPage *self)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), FALSE);

  if (self->session == NULL)
    return FALSE;

  _hy_mapping_page_reload_all (self);
  return TRUE;
}

/**
 * hy_mapping_page_open_picker:
 *
 * Opens the Halo record picker for the selected row (what Ctrl+K does).
 *
 * Returns: (transfer none) (nullable): the picker, or %NULL when not exactly one row is
 *   selected
 */
HyRecordPicker *
hy_mapping_page_open_picker (HyMappingPage *self)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), NULL);

  if (!_hy_mapping_page_picker_prepare (self))
    return NULL;

  g_signal_handlers_block_by_func (self->picker_popover, _hy_mapping_page_picker_popover_shown_cb,
                                   self);
  gtk_menu_button_popup (self->link_to_button);
  g_signal_handlers_unblock_by_func (self->picker_popover, _hy_mapping_page_picker_popover_shown_cb,
                                     self);

  return self->picker;
}

guint
hy_mapping_page_get_n_suggestions (HyMappingPage *self)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), 0);

  return self->suggestions->len;
}

/**
 * hy_mapping_page_get_suggestion:
 *
 * Returns: (transfer none): the suggestion at @index, as the Suggestions popover lists them
 */
const HyLinkerSuggestion *
hy_mapping_page_get_suggestion (HyMappingPage *self, guint index)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), NULL);
  g_return_val_if_fail (index < self->suggestions->len, NULL);

  return g_ptr_array_index (self->suggestions, index);
}

/**
 * hy_mapping_page_answer_suggestion:
 * @accept: link as suggested, or drop the suggestion
 *
 * Returns: whether the answer was recorded (an accepted link can be refused by the linker)
 */
gboolean
hy_mapping_page_answer_suggestion (HyMappingPage *self, guint index, gboolean accept)
{
  g_autoptr (HyLinkerSuggestion) suggestion = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), FALSE);
  g_return_val_if_fail (index < self->suggestions->len, FALSE);

  suggestion = g_ptr_array_steal_index (self->suggestions, index);
  if (accept)
    {
      g_autofree char *message = NULL;

      if (!hy_linker_accept_suggestion (get_store (self), suggestion, NULL, &error))
        {
          g_ptr_array_insert (self->suggestions, index, g_steal_pointer (&suggestion));
          _hy_mapping_page_show_error (self, error->message);
          return FALSE;
        }

      /* Other suggestions for the same record are moot now. */
      for (guint i = self->suggestions->len; i > 0; i--)
        {
          const HyLinkerSuggestion *other = g_ptr_array_index (self->suggestions, i - 1);

          if (other->kind == suggestion->kind && g_strcmp0 (other->id, suggestion->id) == 0)
            g_ptr_array_remove_index (self->suggestions, i - 1);
        }

      message =
          g_strdup_printf (_ ("“%s” linked to “%s”"), suggestion->name, suggestion->halo_name);
      _hy_mapping_page_show_info (self, message);
      _hy_mapping_page_reload_all (self);
    }
  else if (!hy_linker_reject_suggestion (get_store (self), suggestion, &error))
    {
      /* A rejection is remembered, so the same pair is not offered again. */
      g_ptr_array_insert (self->suggestions, index, g_steal_pointer (&suggestion));
      _hy_mapping_page_show_error (self, error->message);
      return FALSE;
    }

  update_suggestions (self);
  return TRUE;
}

/**
 * hy_mapping_page_rename_company:
 *
 * Renames a local company (for instance to match its Halo client's name before linking), what
 * Rename… does.
 *
 * Returns: whether it was renamed; an error is shown otherwise
 */
gboolean
hy_mapping_page_rename_company (HyMappingPage *self, const char *id, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyCompany) company = NULL;
  g_autofree char *old_name = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (get_store (self) == NULL)
    return FALSE;

  if (!hy_store_rename_company (get_store (self), id, name, &old_name, &error))
    {
      _hy_mapping_page_show_error (self, error->message);
      return FALSE;
    }

  company = hy_store_get (get_store (self), HY_RECORD_KIND_COMPANY, id, NULL);
  if (company != NULL && g_strcmp0 (old_name, company->name) != 0)
    {
      /* Translators: after Rename…: the company's old and new names */
      message = g_strdup_printf (_ ("“%s” renamed to “%s”"), old_name, company->name);
      _hy_mapping_page_show_info (self, message);
    }

  _hy_mapping_page_reload_section (self, &self->sections[SECTION_COMPANIES]);
  return TRUE;
}

gboolean
hy_mapping_page_get_busy (HyMappingPage *self)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), FALSE);

  return self->busy > 0;
}

HySyncEngine *
hy_mapping_page_get_sync_engine (HyMappingPage *self)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), NULL);

  return self->engine;
}

/**
 * hy_mapping_page_set_sync_engine:
 * @engine: (nullable): the engine that syncs the session's groups
 *
 * The Groups section shows the group states live from @engine's "changed" signal.
 */
void
hy_mapping_page_set_sync_engine (HyMappingPage *self, HySyncEngine *engine)
{
  g_return_if_fail (HY_IS_MAPPING_PAGE (self));
  g_return_if_fail (engine == NULL || HY_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_func (self->engine, engine_changed_cb, self);
  g_set_object (&self->engine, engine);
  if (engine != NULL)
    {
      g_signal_connect_swapped (engine, "changed", G_CALLBACK (engine_changed_cb), self);
      /* What the engine did before it was handed over. */
      engine_changed_cb (self, engine);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

/* Whether the page shows its narrow layout (sections in a drop-down, icon-only actions). */
gboolean
hy_mapping_page_get_narrow (HyMappingPage *self)
{
  g_return_val_if_fail (HY_IS_MAPPING_PAGE (self), FALSE);

  return self->narrow_mode.narrow;
}
