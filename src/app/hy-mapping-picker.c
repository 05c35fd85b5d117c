/* hy-mapping-picker.c: the Mapping page's picker of Halo records (link, group client and site,
 * policy ticket type and close status) and the Undo of the last link or mapping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-mapping-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-mapping-page-private.h"
#include "linker/hy-linker.h"
#include "models/hy-halo-item.h"
#include "store/hy-store-service.h"

/* A list of the cached Halo records of @kind for the picker, built once per refresh. */
static GListModel *
get_halo_list (HyMappingPage *self, HyCacheKind kind)
{
  GListStore *list = g_hash_table_lookup (self->halo_lists, GINT_TO_POINTER (kind));
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GHashTable) clients = NULL;
  g_autoptr (GError) error = NULL;
  HyStore *store = get_store (self);
  guint n_closing = 0;

  if (list != NULL)
    return G_LIST_MODEL (list);

  /* Statuses: the ones that close a ticket first (Halo's Closed), as the core orders them. */
  if (kind == HY_CACHE_KIND_STATUS)
    records = hy_linker_list_close_statuses (store, &n_closing, &error);
  else
    records = hy_store_cache_list (store, kind, NULL, &error);
  if (records == NULL)
    {
      _hy_mapping_page_show_error (self, error->message);
      return NULL;
    }

  if (kind == HY_CACHE_KIND_SITE || kind == HY_CACHE_KIND_ASSET)
    {
      g_autoptr (GPtrArray) all_clients =
          hy_store_cache_list (store, HY_CACHE_KIND_CLIENT, NULL, NULL);

      clients = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      for (guint i = 0; all_clients != NULL && i < all_clients->len; i++)
        {
          HyCacheRecord *client = g_ptr_array_index (all_clients, i);

          g_hash_table_insert (clients, g_memdup2 (&client->id, sizeof (gint64)),
                               g_strdup (client->name));
        }
    }

  items = g_ptr_array_new_full (records->len, g_object_unref);
  for (guint i = 0; i < records->len; i++)
    {
      HyCacheRecord *record = g_ptr_array_index (records, i);
      g_autofree char *detail = NULL;
      HyHaloItem *item;

      switch (kind)
        {
          case HY_CACHE_KIND_SITE:
          case HY_CACHE_KIND_ASSET:
            {
              const char *client = g_hash_table_lookup (clients, &record->client_id);

              if (kind == HY_CACHE_KIND_ASSET && record->serial != NULL)
                /* Translators: an asset in the picker: "<client> · serial <serial>" */
                detail = g_strdup_printf (_ ("%s · serial %s"), client != NULL ? client : "",
                                          record->serial);
              else
                detail = g_strdup (client);
            }
            break;
          case HY_CACHE_KIND_AGENT:
            detail = g_strdup (record->email);
            break;
          case HY_CACHE_KIND_STATUS:
            if (i < n_closing)
              /* Translators: a Halo ticket status that closes the ticket */
              detail = g_strdup (_ ("Closes the ticket"));
            else
              /* Translators: another Halo ticket status than Halo's Closed: whether it closes
               * the ticket is up to the Halo settings */
              detail = g_strdup (_ ("Closes the ticket only if Halo’s settings say so"));
            break;
          case HY_CACHE_KIND_CLIENT:
          case HY_CACHE_KIND_TICKET_TYPE:
          case HY_CACHE_KIND_OUTCOME:
          default:
            break;
        }

      if (record->inactive)
        {
          /* Translators: a Halo record marked inactive in Halo */
          g_autofree char *inactive = g_strdup_printf (_ ("%s (inactive)"), detail ? detail : "");

          g_free (detail);
          detail = g_steal_pointer (&inactive);
        }

      item = hy_halo_item_new (record->id, record->name, detail);
      hy_halo_item_set_parent_id (item, record->client_id);
      g_ptr_array_add (items, item);
    }

  list = g_list_store_new (HY_TYPE_HALO_ITEM);
  g_list_store_splice (list, 0, 0, items->pdata, items->len);
  g_hash_table_insert (self->halo_lists, GINT_TO_POINTER (kind), list);

  return G_LIST_MODEL (list);
}

static void
picker_show_step (HyMappingPage *self, PickStep step)
{
  HyLinkItem *item = self->pick_item;
  g_autofree char *title = NULL;
  const char *extra = NULL;
  HyCacheKind kind = HY_CACHE_KIND_CLIENT;
  gint64 parent = 0;
  const char *name = hy_link_item_get_name (item);

  self->pick_step = step;
  switch (step)
    {
      case PICK_LINK:
        switch (hy_link_item_get_kind (item))
          {
            case HY_RECORD_KIND_LOCATION:
              kind = HY_CACHE_KIND_SITE;
              parent = hy_linker_company_client_of (get_store (self), hy_link_item_get_kind (item),
                                                    hy_link_item_get_id (item));
              /* Translators: title of the picker; %s is a local record's name */
              title = g_strdup_printf (_ ("Halo site for “%s”"), name);
              break;
            case HY_RECORD_KIND_COMPUTER:
              kind = HY_CACHE_KIND_ASSET;
              parent = hy_linker_company_client_of (get_store (self), hy_link_item_get_kind (item),
                                                    hy_link_item_get_id (item));
              title = g_strdup_printf (_ ("Halo asset for “%s”"), name);
              break;
            case HY_RECORD_KIND_USER:
              kind = HY_CACHE_KIND_AGENT;
              title = g_strdup_printf (_ ("Halo agent for “%s”"), name);
              break;
            case HY_RECORD_KIND_COMPANY:
            default:
              kind = HY_CACHE_KIND_CLIENT;
              title = g_strdup_printf (_ ("Halo client for “%s”"), name);
              break;
          }
        break;
      case PICK_GROUP_CLIENT:
        kind = HY_CACHE_KIND_CLIENT;
        /* Translators: title of the picker; %s is a device group */
        title = g_strdup_printf (_ ("Halo client for the group “%s”"), name);
        break;
      case PICK_GROUP_SITE:
        kind = HY_CACHE_KIND_SITE;
        parent = self->pick_first_id;
        title = g_strdup_printf (_ ("Halo site for the group “%s”"), name);
        /* Translators: button in the site picker: map the group to the client's main site */
        extra = _ ("Use the Client’s _Main Site");
        break;
      case PICK_POLICY_TICKET_TYPE:
        kind = HY_CACHE_KIND_TICKET_TYPE;
        /* Translators: title of the picker; %s is a monitor policy */
        title = g_strdup_printf (_ ("Halo ticket type for “%s”"), name);
        break;
      case PICK_POLICY_STATUS:
        kind = HY_CACHE_KIND_STATUS;
        title = g_strdup_printf (_ ("When an alert of “%s” clears, close its ticket as:"), name);
        /* Translators: button in the status picker: do not close tickets when alerts clear */
        extra = _ ("_Keep the Ticket Open");
        break;
      default:
        g_assert_not_reached ();
    }

  gtk_label_set_text (self->picker_title, title);
  hy_record_picker_set_model (self->picker, get_halo_list (self, kind));
  hy_record_picker_set_parent_id (self->picker, parent);
  hy_record_picker_set_search_text (self->picker, "");
  gtk_widget_set_visible (GTK_WIDGET (self->picker_extra_button), extra != NULL);
  if (extra != NULL)
    gtk_button_set_label (self->picker_extra_button, extra);
  /* The second step goes back to the first (another client, another ticket type). */
  gtk_widget_set_visible (GTK_WIDGET (self->picker_back_button),
                          step == PICK_GROUP_SITE || step == PICK_POLICY_STATUS);
  if (step == PICK_GROUP_SITE)
    /* Translators: button in the site picker: back to the choice of the Halo client */
    gtk_button_set_label (self->picker_back_button, _ ("_Back to the Client"));
  else if (step == PICK_POLICY_STATUS)
    /* Translators: button in the status picker: back to the choice of the ticket type */
    gtk_button_set_label (self->picker_back_button, _ ("_Back to the Ticket Type"));
  hy_record_picker_focus_search (self->picker);
}

/* Prepares the picker for the single selected row; FALSE when there is none. */
gboolean
_hy_mapping_page_picker_prepare (HyMappingPage *self)
{
  Section *section = _hy_mapping_page_current_section (self);
  g_autoptr (GPtrArray) selected = _hy_mapping_page_get_selected_items (section);

  g_clear_object (&self->pick_item);
  if (selected->len != 1 || get_store (self) == NULL)
    return FALSE;

  self->pick_item = g_object_ref (g_ptr_array_index (selected, 0));
  if (section->id == SECTION_GROUPS)
    picker_show_step (self, PICK_GROUP_CLIENT);
  else if (section->id == SECTION_POLICIES)
    picker_show_step (self, PICK_POLICY_TICKET_TYPE);
  else
    picker_show_step (self, PICK_LINK);

  return TRUE;
}

/* What the record's link or route is now, for the toast's Undo. */
static Undo *
undo_new (HyMappingPage *self, Section *section, HyLinkItem *item)
{
  HyStore *store = get_store (self);
  Undo *undo = g_new0 (Undo, 1);
  const char *id = hy_link_item_get_id (item);

  undo->section = section->id;
  undo->kind = hy_link_item_get_kind (item);
  undo->id = g_strdup (id);
  undo->name = g_strdup (hy_link_item_get_name (item));

  if (section->id == SECTION_GROUPS)
    {
      g_autoptr (HyGroupMapping) mapping = hy_store_get_group_mapping (store, id, NULL);

      undo->had = mapping != NULL;
      if (mapping != NULL)
        {
          undo->first_id = mapping->client_id;
          undo->second_id = mapping->site_id;
        }
    }
  else if (section->id == SECTION_POLICIES)
    {
      /* Its ticket defaults too: Undo puts back everything the mapping had. */
      undo->route = hy_linker_get_policy_route (store, id, NULL);
      undo->had = undo->route != NULL && undo->route->mapping != NULL;
    }
  else
    {
      HyLinkInfo link = { 0 };

      if (hy_store_link_get (store, undo->kind, id, &link, NULL))
        {
          undo->had = link.how != HY_LINK_HOW_NONE;
          undo->how = link.how;
          undo->first_id = link.halo_id;
          undo->halo_name = g_steal_pointer (&link.halo_name);
          hy_link_info_clear (&link);
        }
    }

  return undo;
}

/* Puts the record's link or route back as @undo says it was. */
static gboolean
undo_apply (HyMappingPage *self, const Undo *undo, GError **error)
{
  HyStore *store = get_store (self);

  switch (undo->section)
    {
      case SECTION_GROUPS:
        return undo->had
                   ? hy_linker_map_group (store, undo->id, undo->first_id, undo->second_id, error)
                   : hy_linker_unmap_group (store, undo->id, error);
      case SECTION_POLICIES:
        return undo->route != NULL ? hy_linker_restore_policy_route (store, undo->route, error)
                                   : hy_linker_unmap_policy (store, undo->id, error);
      case SECTION_COMPANIES:
      case SECTION_LOCATIONS:
      case SECTION_COMPUTERS:
      case SECTION_TECHNICIANS:
      case N_SECTIONS:
      default:
        /* As it was: an automatic link stays automatic. */
        return undo->had ? hy_store_link_set (store, undo->kind, undo->id, undo->first_id,
                                              undo->halo_name, undo->how, error)
                         : hy_linker_clear_link (store, undo->kind, undo->id, error);
    }
}

static void
undo_toast_dismissed_cb (HyMappingPage *self, AdwToast *toast)
{
  if (self->undo_toast == toast)
    {
      self->undo_toast = NULL;
      g_clear_pointer (&self->undo, undo_free);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.undo", FALSE);
    }
}

/* A toast with Undo for what was just linked or mapped (only the last one can be undone). */
static void
show_undoable (HyMappingPage *self, const char *message, Undo *undo)
{
  AdwToast *toast = adw_toast_new (message);

  if (self->undo_toast != NULL)
    adw_toast_dismiss (self->undo_toast);
  g_clear_pointer (&self->undo, undo_free);

  self->undo = undo;
  self->undo_toast = toast;
  /* Translators: the button of the toast after a link or a mapping */
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_action_name (toast, "mapping.undo");
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.undo", TRUE);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
finish_pick (HyMappingPage *self, gint64 second_id)
{
  HyStore *store = get_store (self);
  HyLinkItem *item = self->pick_item;
  Section *section = _hy_mapping_page_current_section (self);
  g_autoptr (Undo) undo = undo_new (self, section, item);
  g_autoptr (GError) error = NULL;
  gboolean ok = FALSE;
  g_autofree char *message = NULL;

  switch (self->pick_step)
    {
      case PICK_LINK:
        ok = hy_linker_set_link (store, hy_link_item_get_kind (item), hy_link_item_get_id (item),
                                 second_id, NULL, &error);
        /* Translators: after a manual link; %s is the local record's name */
        message = g_strdup_printf (_ ("“%s” linked"), hy_link_item_get_name (item));
        break;
      case PICK_GROUP_SITE:
        ok = hy_linker_map_group (store, hy_link_item_get_id (item), self->pick_first_id, second_id,
                                  &error);
        /* Translators: after a group or policy was mapped; %s is its name */
        message = g_strdup_printf (_ ("“%s” mapped"), hy_link_item_get_name (item));
        break;
      case PICK_POLICY_STATUS:
        ok = hy_linker_map_policy (store, hy_link_item_get_id (item), self->pick_first_id,
                                   second_id, &error);
        message = g_strdup_printf (_ ("“%s” mapped"), hy_link_item_get_name (item));
        break;
      case PICK_GROUP_CLIENT:
      case PICK_POLICY_TICKET_TYPE:
      default:
        g_assert_not_reached ();
    }

  gtk_popover_popdown (self->picker_popover);
  if (!ok)
    {
      _hy_mapping_page_show_error (self, error->message);
      return;
    }

  show_undoable (self, message, g_steal_pointer (&undo));
  _hy_mapping_page_reload_section (self, _hy_mapping_page_current_section (self));
}

static void
picker_picked_cb (HyMappingPage *self, HyHaloItem *item, HyRecordPicker *picker)
{
  if (self->pick_item == NULL)
    return;

  switch (self->pick_step)
    {
      case PICK_GROUP_CLIENT:
        self->pick_first_id = hy_halo_item_get_id (item);
        picker_show_step (self, PICK_GROUP_SITE);
        break;
      case PICK_POLICY_TICKET_TYPE:
        self->pick_first_id = hy_halo_item_get_id (item);
        picker_show_step (self, PICK_POLICY_STATUS);
        break;
      case PICK_LINK:
      case PICK_GROUP_SITE:
      case PICK_POLICY_STATUS:
      default:
        finish_pick (self, hy_halo_item_get_id (item));
        break;
    }
}

static void
picker_extra_clicked_cb (HyMappingPage *self, GtkButton *button)
{
  if (self->pick_item != NULL)
    finish_pick (self, 0);
}

static void
picker_back_clicked_cb (HyMappingPage *self, GtkButton *button)
{
  if (self->pick_item == NULL)
    return;

  if (self->pick_step == PICK_GROUP_SITE)
    picker_show_step (self, PICK_GROUP_CLIENT);
  else if (self->pick_step == PICK_POLICY_STATUS)
    picker_show_step (self, PICK_POLICY_TICKET_TYPE);
}

static void
picker_cancelled_cb (HyMappingPage *self, HyRecordPicker *picker)
{
  gtk_popover_popdown (self->picker_popover);
}

void
_hy_mapping_page_picker_popover_shown_cb (HyMappingPage *self, GtkPopover *popover)
{
  if (!_hy_mapping_page_picker_prepare (self))
    gtk_popover_popdown (popover);
}

void
_hy_mapping_page_undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyMappingPage *self = HY_MAPPING_PAGE (widget);
  g_autoptr (Undo) undo = g_steal_pointer (&self->undo);
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  gtk_widget_action_set_enabled (widget, "mapping.undo", FALSE);
  if (undo == NULL || get_store (self) == NULL)
    return;

  if (!undo_apply (self, undo, &error))
    {
      _hy_mapping_page_show_error (self, error->message);
      return;
    }

  /* Translators: after Undo in the toast of a link or a mapping; %s is the record's name */
  message = g_strdup_printf (_ ("“%s” is back as it was"), undo->name);
  _hy_mapping_page_show_info (self, message);
  _hy_mapping_page_reload_all (self);
}

/* The picker's and its popover's signals. */
void
_hy_mapping_page_picker_connect (HyMappingPage *self)
{
  g_signal_connect_swapped (self->picker, "picked", G_CALLBACK (picker_picked_cb), self);
  g_signal_connect_swapped (self->picker, "cancelled", G_CALLBACK (picker_cancelled_cb), self);
  g_signal_connect_swapped (self->picker_extra_button, "clicked",
                            G_CALLBACK (picker_extra_clicked_cb), self);
  g_signal_connect_swapped (self->picker_back_button, "clicked",
                            G_CALLBACK (picker_back_clicked_cb), self);
  g_signal_connect_swapped (self->picker_popover, "show",
                            G_CALLBACK (_hy_mapping_page_picker_popover_shown_cb), self);
}
