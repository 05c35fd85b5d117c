/* hy-record-picker.c — a searchable list of Halo records to link to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A search entry over a GtkListView of HyHaloItems. Filtering is a substring search of every
 * word typed in each item's pre-folded search key, and tells the filter model when the new
 * query is stricter or looser than the last one, so typing in a list of ten thousand clients
 * only re-checks the rows still shown. Up and Down move the selection while the focus stays in
 * the entry; Enter picks the selected record, Escape cancels.
 */

#define G_LOG_DOMAIN "hy-record-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-record-picker.h"

struct _HyRecordPicker
{
  GtkWidget parent_instance;

  GtkSearchEntry *entry;
  GtkStack *stack;
  GtkListView *list_view;
  GtkLabel *empty_label;

  GListModel *model;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;

  char *search_text;
  char **words; /* folded words of search_text */
  gint64 parent_id;
};

G_DEFINE_FINAL_TYPE (HyRecordPicker, hy_record_picker, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_PICKED,
  SIGNAL_CANCELLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_N_SHOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static gboolean
item_matches (gpointer item, gpointer user_data)
{
  HyRecordPicker *self = user_data;
  const char *key;

  if (self->parent_id != 0 && hy_halo_item_get_parent_id (item) != self->parent_id)
    return FALSE;

  if (self->words == NULL)
    return TRUE;

  key = hy_halo_item_get_search_key (item);
  for (guint i = 0; self->words[i] != NULL; i++)
    if (strstr (key, self->words[i]) == NULL)
      return FALSE;

  return TRUE;
}

/* Whether every word of @looser is contained in a word of @stricter: then the items matching
 * @stricter are a subset of those matching @looser. */
static gboolean
words_narrow (char **looser, char **stricter)
{
  if (looser == NULL)
    return TRUE;
  if (stricter == NULL)
    return FALSE;

  for (guint i = 0; looser[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; stricter[j] != NULL && !found; j++)
        found = strstr (stricter[j], looser[i]) != NULL;
      if (!found)
        return FALSE;
    }

  return TRUE;
}

static void
update_empty (HyRecordPicker *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);
}

static void
move_selection (HyRecordPicker *self, int delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint pos = gtk_single_selection_get_selected (self->selection);
  int next;

  if (n == 0)
    return;

  next = pos == GTK_INVALID_LIST_POSITION ? 0 : (int) pos + delta;
  next = CLAMP (next, 0, (int) n - 1);
  gtk_single_selection_set_selected (self->selection, next);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", next);
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static void
search_changed_cb (HyRecordPicker *self, GtkSearchEntry *entry)
{
  hy_record_picker_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
entry_activated_cb (HyRecordPicker *self, GtkSearchEntry *entry)
{
  hy_record_picker_pick_selected (self);
}

static void
stop_search_cb (HyRecordPicker *self, GtkSearchEntry *entry)
{
  g_signal_emit (self, signals[SIGNAL_CANCELLED], 0);
}

static gboolean
entry_key_pressed_cb (HyRecordPicker *self,
                      guint keyval,
                      guint keycode,
                      GdkModifierType state,
                      GtkEventControllerKey *controller)
{
  switch (keyval)
    {
      case GDK_KEY_Down:
      case GDK_KEY_KP_Down:
        move_selection (self, 1);
        return TRUE;
      case GDK_KEY_Up:
      case GDK_KEY_KP_Up:
        move_selection (self, -1);
        return TRUE;
      case GDK_KEY_Page_Down:
        move_selection (self, 10);
        return TRUE;
      case GDK_KEY_Page_Up:
        move_selection (self, -10);
        return TRUE;
      default:
        return FALSE;
    }
}

static void
list_activated_cb (HyRecordPicker *self, guint position, GtkListView *list_view)
{
  g_autoptr (HyHaloItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (item != NULL)
    g_signal_emit (self, signals[SIGNAL_PICKED], 0, item);
}

static void
items_changed_cb (HyRecordPicker *self,
                  guint position,
                  guint removed,
                  guint added,
                  GListModel *model)
{
  update_empty (self);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  HyHaloItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *detail = gtk_widget_get_next_sibling (name);
  g_autofree char *detail_text = NULL;

  if (item == NULL)
    return;

  if (hy_halo_item_get_detail (item) != NULL && hy_halo_item_get_detail (item)[0] != '\0')
    /* Translators: under a Halo record's name in the picker: "<detail> · ID <number>" */
    detail_text = g_strdup_printf (_ ("%s · ID %lld"), hy_halo_item_get_detail (item),
                                   (long long) hy_halo_item_get_id (item));
  else
    /* Translators: under a Halo record's name in the picker: its Halo id */
    detail_text = g_strdup_printf (_ ("ID %lld"), (long long) hy_halo_item_get_id (item));

  gtk_label_set_text (GTK_LABEL (name), hy_halo_item_get_name (item));
  gtk_label_set_text (GTK_LABEL (detail), detail_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_list_item_get_child (list_item)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, hy_halo_item_get_name (item),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, detail_text, -1);
}

/* ------------------------------------------------------------------------- */
/* GObject / GtkWidget overrides                                             */
/* ------------------------------------------------------------------------- */

static gboolean
hy_record_picker_grab_focus (GtkWidget *widget)
{
  HyRecordPicker *self = HY_RECORD_PICKER (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
hy_record_picker_dispose (GObject *object)
{
  HyRecordPicker *self = HY_RECORD_PICKER (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_func (self->filtered, items_changed_cb, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (hy_record_picker_parent_class)->dispose (object);
}

static void
hy_record_picker_finalize (GObject *object)
{
  HyRecordPicker *self = HY_RECORD_PICKER (object);

  g_free (self->search_text);
  g_strfreev (self->words);

  G_OBJECT_CLASS (hy_record_picker_parent_class)->finalize (object);
}

static void
hy_record_picker_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyRecordPicker *self = HY_RECORD_PICKER (object);

  switch (prop_id)
    {
      case PROP_MODEL:
        g_value_set_object (value, self->model);
        break;
      case PROP_N_SHOWN:
        g_value_set_uint (value, hy_record_picker_get_n_shown (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_record_picker_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  HyRecordPicker *self = HY_RECORD_PICKER (object);

  switch (prop_id)
    {
      case PROP_MODEL:
        hy_record_picker_set_model (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_record_picker_class_init (HyRecordPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_record_picker_dispose;
  object_class->finalize = hy_record_picker_finalize;
  object_class->get_property = hy_record_picker_get_property;
  object_class->set_property = hy_record_picker_set_property;
  widget_class->grab_focus = hy_record_picker_grab_focus;

  properties[PROP_MODEL] =
      g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_SHOWN] =
      g_param_spec_uint ("n-shown", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HyRecordPicker::picked:
   * @item: the HyHaloItem chosen
   */
  signals[SIGNAL_PICKED] = g_signal_new ("picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, HY_TYPE_HALO_ITEM);
  signals[SIGNAL_CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hy-record-picker");
}

static void
hy_record_picker_init (HyRecordPicker *self)
{
  GtkListItemFactory *factory;
  GtkWidget *scrolled;
  GtkEventController *keys;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (
                                      gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              6);

  self->entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  /* Translators: placeholder of the search entry of the Halo record picker */
  g_object_set (self->entry, "placeholder-text", _ ("Search by name or ID"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Search Halo records"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->entry), GTK_WIDGET (self));
  g_signal_connect_swapped (self->entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->entry, "stop-search", G_CALLBACK (stop_search_cb), self);
  keys = gtk_event_controller_key_new ();
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
  gtk_search_entry_set_search_delay (self->entry, 50);

  self->filter = gtk_custom_filter_new (item_matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (items_changed_cb), self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  self->list_view = GTK_LIST_VIEW (
      gtk_list_view_new (g_object_ref (GTK_SELECTION_MODEL (self->selection)), factory));
  gtk_list_view_set_single_click_activate (self->list_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Halo records"), -1);
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (list_activated_cb), self);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 300);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list_view));

  self->empty_label = GTK_LABEL (gtk_label_new (_ ("No matching Halo records")));
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_label), "dim-label");
  gtk_label_set_wrap (self->empty_label, TRUE);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_label), "empty");
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));

  update_empty (self);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_record_picker_new (void)
{
  return g_object_new (HY_TYPE_RECORD_PICKER, NULL);
}

/**
 * hy_record_picker_set_model:
 * @model: (nullable): a list of HyHaloItem
 */
void
hy_record_picker_set_model (HyRecordPicker *self, GListModel *model)
{
  g_return_if_fail (HY_IS_RECORD_PICKER (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (!g_set_object (&self->model, model))
    return;

  gtk_filter_list_model_set_model (self->filtered, model);
  update_empty (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

GListModel *
hy_record_picker_get_model (HyRecordPicker *self)
{
  g_return_val_if_fail (HY_IS_RECORD_PICKER (self), NULL);

  return self->model;
}

/**
 * hy_record_picker_set_parent_id:
 * @parent_id: show only items whose parent is this Halo record (a client's sites), or 0
 */
void
hy_record_picker_set_parent_id (HyRecordPicker *self, gint64 parent_id)
{
  g_return_if_fail (HY_IS_RECORD_PICKER (self));

  if (self->parent_id == parent_id)
    return;

  self->parent_id = parent_id;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

void
hy_record_picker_set_search_text (HyRecordPicker *self, const char *text)
{
  char **words;
  GtkFilterChange change;

  g_return_if_fail (HY_IS_RECORD_PICKER (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->search_text, text) == 0)
    return;

  g_free (self->search_text);
  self->search_text = g_strdup (text);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->entry)), text) != 0)
    {
      /* Setting the text goes through "" first, which the entry reports at once. */
      g_signal_handlers_block_by_func (self->entry, search_changed_cb, self);
      gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
      g_signal_handlers_unblock_by_func (self->entry, search_changed_cb, self);
    }

  words = hy_halo_item_split_words (text);
  if (words_narrow (self->words, words))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (words_narrow (words, self->words))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;
  g_strfreev (self->words);
  self->words = words;

  gtk_filter_changed (GTK_FILTER (self->filter), change);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

const char *
hy_record_picker_get_search_text (HyRecordPicker *self)
{
  g_return_val_if_fail (HY_IS_RECORD_PICKER (self), NULL);

  return self->search_text != NULL ? self->search_text : "";
}

void
hy_record_picker_set_placeholder_text (HyRecordPicker *self, const char *text)
{
  g_return_if_fail (HY_IS_RECORD_PICKER (self));

  g_object_set (self->entry, "placeholder-text", text, NULL);
}

guint
hy_record_picker_get_n_shown (HyRecordPicker *self)
{
  g_return_val_if_fail (HY_IS_RECORD_PICKER (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

/**
 * hy_record_picker_get_selected:
 *
 * Returns: (transfer none) (nullable): the highlighted record
 */
HyHaloItem *
hy_record_picker_get_selected (HyRecordPicker *self)
{
  g_return_val_if_fail (HY_IS_RECORD_PICKER (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * hy_record_picker_pick_selected:
 *
 * Emits #HyRecordPicker::picked for the highlighted record.
 *
 * Returns: whether a record was highlighted
 */
gboolean
hy_record_picker_pick_selected (HyRecordPicker *self)
{
  HyHaloItem *item;

  g_return_val_if_fail (HY_IS_RECORD_PICKER (self), FALSE);

  item = hy_record_picker_get_selected (self);
  if (item == NULL)
    return FALSE;

  g_signal_emit (self, signals[SIGNAL_PICKED], 0, item);
  return TRUE;
}

void
hy_record_picker_focus_search (HyRecordPicker *self)
{
  g_return_if_fail (HY_IS_RECORD_PICKER (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}
