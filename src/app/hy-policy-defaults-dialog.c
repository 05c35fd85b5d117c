/* hy-policy-defaults-dialog.c: a mapped policy's ticket defaults, chosen from Halo's lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-app"

#include "config.h"

#include <glib/gi18n.h>

#include "linker/hy-linker-defaults.h"
#include "store/hy-store-lifecycle.h"

#include "hy-policy-defaults-dialog.h"

struct _HyPolicyDefaultsDialog
{
  AdwWindow parent_instance;

  HyStore *store;
  HyPolicyDefaults *defaults;
  GArray *priority_ids; /* gint64, index 0: none */
  GArray *agent_ids;
  GPtrArray *team_names; /* index 0: NULL */

  AdwComboRow *priority_row;
  AdwComboRow *team_row;
  AdwComboRow *agent_row;
  AdwEntryRow *category_row;
  GtkSpinButton *flap_spin;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (HyPolicyDefaultsDialog, hy_policy_defaults_dialog, ADW_TYPE_WINDOW)

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

/* A combo row of "none" and Halo's records of @kind; selects @selected_id (or @selected_name). */
static AdwComboRow *
make_combo (HyPolicyDefaultsDialog *self,
            HyCacheKind kind,
            const char *title,
            const char *none,
            gint64 selected_id,
            const char *selected_name,
            GArray *ids,
            GPtrArray *names)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr (GPtrArray) records = hy_store_cache_list (self->store, kind, NULL, NULL);
  guint selected = 0;
  gint64 zero = 0;

  gtk_string_list_append (list, none);
  if (ids != NULL)
    g_array_append_val (ids, zero);
  if (names != NULL)
    g_ptr_array_add (names, NULL);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      HyCacheRecord *r = g_ptr_array_index (records, i);

      if (kind == HY_CACHE_KIND_AGENT && (r->is_api_agent || r->inactive) && r->id != selected_id)
        continue; /* Halo assigns no ticket to API-only or disabled agents */
      if (kind == HY_CACHE_KIND_TEAM && r->inactive && g_strcmp0 (r->name, selected_name) != 0)
        continue;
      gtk_string_list_append (list, r->name);
      if (ids != NULL)
        g_array_append_val (ids, r->id);
      if (names != NULL)
        g_ptr_array_add (names, g_strdup (r->name));
      if ((selected_id > 0 && r->id == selected_id) ||
          (selected_name != NULL && g_strcmp0 (r->name, selected_name) == 0))
        selected = g_list_model_get_n_items (G_LIST_MODEL (list)) - 1;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (row, selected);
  return row;
}

static void
show_error (HyPolicyDefaultsDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static void
save_clicked_cb (HyPolicyDefaultsDialog *self)
{
  if (hy_policy_defaults_dialog_save (self))
    gtk_window_close (GTK_WINDOW (self));
}

/* ------------------------------------------------------------------------- */
/* Overrides                                                                 */
/* ------------------------------------------------------------------------- */

static void
hy_policy_defaults_dialog_dispose (GObject *object)
{
  HyPolicyDefaultsDialog *self = HY_POLICY_DEFAULTS_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->defaults, hy_policy_defaults_free);
  g_clear_pointer (&self->priority_ids, g_array_unref);
  g_clear_pointer (&self->agent_ids, g_array_unref);
  g_clear_pointer (&self->team_names, g_ptr_array_unref);
  G_OBJECT_CLASS (hy_policy_defaults_dialog_parent_class)->dispose (object);
}

static void
hy_policy_defaults_dialog_class_init (HyPolicyDefaultsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_policy_defaults_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hy_policy_defaults_dialog_init (HyPolicyDefaultsDialog *self)
{
  self->priority_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->team_names = g_ptr_array_new_with_free_func (g_free);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 480, -1);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

HyPolicyDefaultsDialog *
hy_policy_defaults_dialog_new (GtkWindow *parent,
                               HyStore *store,
                               const char *policy_id,
                               const char *policy_name)
{
  HyPolicyDefaultsDialog *self = g_object_new (HY_TYPE_POLICY_DEFAULTS_DIALOG, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *save = gtk_button_new_with_mnemonic (_ ("_Save"));
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *flap_row = adw_action_row_new ();
  g_autofree char *title = NULL;

  self->store = g_object_ref (store);
  self->defaults = hy_store_get_policy_defaults (store, policy_id, NULL);
  if (self->defaults == NULL)
    self->defaults = hy_policy_defaults_new (policy_id);

  /* Translators: the title of the ticket defaults dialog; %s is a monitor policy's name */
  title = g_strdup_printf (_ ("Ticket Defaults of “%s”"), policy_name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);

  gtk_widget_add_css_class (save, "suggested-action");
  g_signal_connect_swapped (save, "clicked", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (box), header);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _ ("What the tickets of this policy’s alerts get in Halo, "
                                            "from Halo’s own lists."));
  self->priority_row =
      make_combo (self, HY_CACHE_KIND_PRIORITY, _ ("_Priority"), _ ("Halo’s default"),
                  self->defaults->priority_id, NULL, self->priority_ids, NULL);
  if (self->defaults->severity_priorities != NULL)
    /* Translators: %s is a severity → priority table such as critical=1,warning=3 */
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->priority_row),
                                 self->defaults->severity_priorities);
  self->team_row = make_combo (self, HY_CACHE_KIND_TEAM, _ ("_Team"), _ ("None"), 0,
                               self->defaults->team, NULL, self->team_names);
  self->agent_row = make_combo (self, HY_CACHE_KIND_AGENT, _ ("_Agent"), _ ("None"),
                                self->defaults->agent_id, NULL, self->agent_ids, NULL);
  self->category_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->category_row), _ ("Cate_gory"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->category_row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->category_row),
                         self->defaults->category != NULL ? self->defaults->category : "");

  self->flap_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 7 * 24 * 60, 5));
  gtk_spin_button_set_value (self->flap_spin, hy_policy_defaults_get_flap_minutes (self->defaults));
  gtk_widget_set_valign (GTK_WIDGET (self->flap_spin), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (flap_row), _ ("_Reopen Within (minutes)"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (flap_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (flap_row),
                               _ ("An alert raised again this soon after Halyard closed its "
                                  "ticket reopens it; later, it opens a new ticket."));
  adw_action_row_add_suffix (ADW_ACTION_ROW (flap_row), GTK_WIDGET (self->flap_spin));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (flap_row), GTK_WIDGET (self->flap_spin));

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->priority_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->team_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->agent_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->category_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), flap_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Error"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);
  return self;
}

gboolean
hy_policy_defaults_dialog_save (HyPolicyDefaultsDialog *self)
{
  g_autoptr (GError) error = NULL;
  guint priority = adw_combo_row_get_selected (self->priority_row);
  guint team = adw_combo_row_get_selected (self->team_row);
  guint agent = adw_combo_row_get_selected (self->agent_row);
  const char *category = gtk_editable_get_text (GTK_EDITABLE (self->category_row));

  g_return_val_if_fail (HY_IS_POLICY_DEFAULTS_DIALOG (self), FALSE);

  /* A single priority chosen here replaces a severity table (kept when left as it was). */
  if (priority < self->priority_ids->len &&
      g_array_index (self->priority_ids, gint64, priority) != self->defaults->priority_id)
    {
      self->defaults->priority_id = g_array_index (self->priority_ids, gint64, priority);
      g_clear_pointer (&self->defaults->severity_priorities, g_free);
    }
  g_free (self->defaults->team);
  self->defaults->team =
      team < self->team_names->len ? g_strdup (g_ptr_array_index (self->team_names, team)) : NULL;
  self->defaults->agent_id =
      agent < self->agent_ids->len ? g_array_index (self->agent_ids, gint64, agent) : 0;
  g_free (self->defaults->category);
  self->defaults->category = *category != '\0' ? g_strdup (category) : NULL;
  self->defaults->flap_minutes = gtk_spin_button_get_value_as_int (self->flap_spin);

  if (!hy_linker_set_policy_defaults (self->store, self->defaults, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  return TRUE;
}
