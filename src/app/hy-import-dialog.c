/* hy-import-dialog.c — the first rows of a file under its column map, before importing it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The core reads the file (hy_import_preview_async ()): this view only shows the rows and a
 * drop-down per column with the field it goes to. Changing a drop-down asks the core for the
 * preview again under the new map, so a map the import would refuse is refused here, with the
 * same message, before anything is written. Import runs hy_import_file_async () with that map.
 */

#define G_LOG_DOMAIN "hy-import-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sync/hy-sync-payload.h"

#include "hy-error-label.h"
#include "hy-import-dialog.h"

/* Rows shown. */
#define PREVIEW_ROWS 20

struct _HyImportDialog
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkButton *import_button;
  GtkLabel *summary_label;
  GtkDropDown *kind_dropdown;
  GtkGrid *grid;
  GtkLabel *error_label;
  AdwPreferencesGroup *retire_group;
  AdwComboRow *company_row;
  AdwActionRow *prune_row;
  GtkSwitch *prune_switch;
  GtkSwitch *inactive_switch;

  HyStore *store;
  GFile *file;
  GCancellable *cancellable;
  HyImportPreview *preview; /* the last good preview */
  GPtrArray *dropdowns;     /* one per column of the preview */
  char *columns;            /* the map of the last good preview; NULL: none (XML) */
  GPtrArray *company_ids;   /* the company row's choices after the first (char *) */
  GPtrArray *company_names; /* and their names */
  gboolean has_kind;
  HyRecordKind kind;
  guint generation; /* of the preview asked last: older answers are dropped */
  gboolean importing;
  gboolean folder; /* the file is a folder of inventories */
};

G_DEFINE_FINAL_TYPE (HyImportDialog, hy_import_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void request_preview (HyImportDialog *self, const char *columns);

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static const HyRecordKind kinds[] = {
  HY_RECORD_KIND_COMPUTER, HY_RECORD_KIND_COMPANY, HY_RECORD_KIND_LOCATION, HY_RECORD_KIND_GROUP,
  HY_RECORD_KIND_USER,     HY_RECORD_KIND_POLICY,  HY_RECORD_KIND_ALERT,
};

static const char *
kind_title (HyRecordKind kind)
{
  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        return _ ("Companies");
      case HY_RECORD_KIND_LOCATION:
        return _ ("Locations");
      case HY_RECORD_KIND_GROUP:
        /* Translators: groups of devices */
        return _ ("Groups");
      case HY_RECORD_KIND_COMPUTER:
        return _ ("Computers");
      case HY_RECORD_KIND_USER:
        /* Translators: technicians */
        return _ ("Users");
      case HY_RECORD_KIND_POLICY:
        /* Translators: monitoring policies */
        return _ ("Policies");
      case HY_RECORD_KIND_ALERT:
      default:
        return _ ("Alerts");
    }
}

/* The field's name for the technician. */
static const char *
field_title (const char *field)
{
  static const struct
  {
    const char *field;
    const char *title;
  } titles[] = {
    /* Translators: the fields an imported column can go to */
    { "id", N_ ("Id") },
    { "name", N_ ("Name") },
    { "company", N_ ("Company") },
    { "location", N_ ("Location") },
    { "group", N_ ("Group") },
    { "parent", N_ ("Parent group") },
    { "serial", N_ ("Serial number") },
    { "os", N_ ("Operating system") },
    { "ip", N_ ("IP address") },
    { "mac", N_ ("MAC address") },
    { "last_seen", N_ ("Last seen") },
    { "email", N_ ("E-mail") },
    { "computer", N_ ("Computer") },
    { "policy", N_ ("Policy") },
    { "severity", N_ ("Severity") },
    { "summary", N_ ("Summary") },
    { "details", N_ ("Details") },
    { "raised_at", N_ ("Raised at") },
    { "cleared_at", N_ ("Cleared at") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_str_equal (titles[i].field, field))
      return _ (titles[i].title);
  return field;
}

static void
show_error (HyImportDialog *self, const char *message)
{
  hy_error_label_show (self->error_label, message);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button),
                            message == NULL && self->preview != NULL && !self->importing);
}

/* @error's message, and what in this dialog fixes it when the core says a control here does. */
static char *
describe_error (const GError *error)
{
  if (hy_import_error_get_fix (error) == HY_IMPORT_FIX_MAP_COLUMN)
    /* Translators: under "no column was recognised as the field …": the dropdowns above the
     * columns of the import dialog's grid */
    return g_strdup_printf ("%s\n%s", error->message, _ ("Choose the field above its column."));
  return g_strdup (error->message);
}

static void
clear_grid (HyImportDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  g_ptr_array_set_size (self->dropdowns, 0);
}

/* "field=Header,…" of the drop-downs as they are now. */
static char *
columns_from_dropdowns (HyImportDialog *self)
{
  const char *const *fields = hy_import_preview_list_fields (self->kind);
  GString *out = g_string_new (NULL);

  for (guint c = 0; c < self->dropdowns->len; c++)
    {
      guint selected = gtk_drop_down_get_selected (self->dropdowns->pdata[c]);
      const char *header = hy_import_preview_get_header (self->preview, c);

      if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ',');
      if (strpbrk (header, ",=") != NULL)
        g_string_append_printf (out, "%s=\"%s\"", fields[selected - 1], header);
      else
        g_string_append_printf (out, "%s=%s", fields[selected - 1], header);
    }
  return g_string_free (out, FALSE);
}

static void
dropdown_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, HyImportDialog *self)
{
  g_autofree char *columns = columns_from_dropdowns (self);

  /* Every column "not imported": an empty map, which the core refuses by naming the field
   * that is needed. */
  request_preview (self, *columns != '\0' ? columns : ",");
}

/* The company the technician chose for the computers of inventories; NULL: each one's TAG. */
static const char *
chosen_company (HyImportDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->company_row);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > self->company_ids->len)
    return NULL;
  return self->company_ids->pdata[selected - 1];
}

static void
fill_grid (HyImportDialog *self)
{
  HyImportPreview *preview = self->preview;
  gboolean csv = hy_import_preview_get_format (preview) == HY_IMPORT_FORMAT_CSV;
  const char *const *fields = hy_import_preview_list_fields (self->kind);
  guint n_columns = hy_import_preview_get_n_columns (preview);
  guint n_rows = hy_import_preview_get_n_rows (preview);

  clear_grid (self);
  for (guint c = 0; c < n_columns; c++)
    {
      const char *field = hy_import_preview_get_field (preview, c);
      g_autoptr (GtkStringList) choices = gtk_string_list_new (NULL);
      GtkWidget *dropdown;
      GtkWidget *header;
      guint selected = 0;
      g_autofree char *markup = NULL;

      /* Translators: a column of the file that goes to no field */
      gtk_string_list_append (choices, _ ("Not imported"));
      for (guint f = 0; fields[f] != NULL; f++)
        {
          gtk_string_list_append (choices, field_title (fields[f]));
          if (g_strcmp0 (field, fields[f]) == 0)
            selected = f + 1;
        }
      dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&choices)), NULL);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), selected);
      gtk_widget_set_sensitive (dropdown, csv);
      gtk_widget_set_margin_top (dropdown, 6);
      gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      hy_import_preview_get_header (preview, c), -1);
      g_signal_connect (dropdown, "notify::selected", G_CALLBACK (dropdown_changed_cb), self);
      gtk_grid_attach (self->grid, dropdown, c, 0, 1, 1);
      g_ptr_array_add (self->dropdowns, dropdown);

      markup = g_markup_printf_escaped ("<b>%s</b>", hy_import_preview_get_header (preview, c));
      header = gtk_label_new (NULL);
      gtk_label_set_markup (GTK_LABEL (header), markup);
      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_grid_attach (self->grid, header, c, 1, 1, 1);

      for (guint r = 0; r < n_rows; r++)
        {
          const char *value = hy_import_preview_get_row (preview, r)[c];
          GtkWidget *cell;

          /* Inventories: the company chosen below instead of each one's TAG. */
          if (!csv && g_strcmp0 (field, "company") == 0 && chosen_company (self) != NULL)
            value = self->company_names->pdata[adw_combo_row_get_selected (self->company_row) - 1];
          cell = gtk_label_new (value);

          gtk_label_set_xalign (GTK_LABEL (cell), 0);
          gtk_label_set_ellipsize (GTK_LABEL (cell), PANGO_ELLIPSIZE_END);
          gtk_label_set_max_width_chars (GTK_LABEL (cell), 28);
          gtk_label_set_single_line_mode (GTK_LABEL (cell), TRUE);
          gtk_widget_set_tooltip_text (cell, value);
          if (field == NULL)
            gtk_widget_add_css_class (cell, "dim-label");
          gtk_grid_attach (self->grid, cell, c, r + 2, 1, 1);
        }
    }
}

static void
update_summary (HyImportDialog *self)
{
  HyImportPreview *preview = self->preview;
  HyImportFormat format = hy_import_preview_get_format (preview);
  guint n_rows = hy_import_preview_get_n_rows (preview);
  g_autofree char *text = NULL;

  if (format == HY_IMPORT_FORMAT_JSON)
    text = g_strdup (
        _ ("A Halyard inventory document (JSON): every kind of record it lists is imported."));
  else if (format == HY_IMPORT_FORMAT_XML && self->folder &&
           hy_import_preview_get_n_sources (preview) > n_rows)
    text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE,
                     /* Translators: the first %'u is the number of inventory files in the
                      * folder (always more than the second), the second how many are shown */
                     "%'u FusionInventory or OCS inventory in this folder, each one checked: "
                     "the first %'u computers, as they will be imported.",
                     "%'u FusionInventory or OCS inventories in this folder, each one checked: "
                     "the first %'u computers, as they will be imported.",
                     hy_import_preview_get_n_sources (preview)),
        hy_import_preview_get_n_sources (preview), n_rows);
  else if (format == HY_IMPORT_FORMAT_XML && self->folder)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%'u FusionInventory or OCS inventory in this folder: "
                                         "its computer, as it will be imported.",
                                         "%'u FusionInventory or OCS inventories in this folder: "
                                         "their computers, as they will be imported.",
                                         n_rows),
                            n_rows);
  else if (format == HY_IMPORT_FORMAT_XML)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "FusionInventory or OCS inventory: the first %'u "
                                         "computer, as it will be imported.",
                                         "FusionInventory or OCS inventories: the first %'u "
                                         "computers, as they will be imported.",
                                         n_rows),
                            n_rows);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The first %'u row of the file. Choose above each "
                                         "column the field it goes to.",
                                         "The first %'u rows of the file. Choose above each "
                                         "column the field it goes to.",
                                         n_rows),
                            n_rows);
  gtk_label_set_text (self->summary_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->kind_dropdown), format == HY_IMPORT_FORMAT_CSV);
  gtk_widget_set_visible (GTK_WIDGET (self->retire_group),
                          format != HY_IMPORT_FORMAT_JSON && self->kind == HY_RECORD_KIND_COMPUTER);
  gtk_widget_set_visible (GTK_WIDGET (self->company_row), format == HY_IMPORT_FORMAT_XML);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->prune_row),
                                 self->folder ? _ ("Retire Computers Missing From This Folder")
                                              : _ ("Retire Computers Missing From This File"));
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

typedef struct
{
  HyImportDialog *self;
  guint generation;
  gboolean retried; /* already retried as computers */
} PreviewCall;

static void
previewed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PreviewCall *call = user_data;
  g_autoptr (HyImportDialog) self = call->self;
  g_autoptr (HyImportPreview) preview = NULL;
  g_autoptr (GError) error = NULL;
  guint generation = call->generation;
  gboolean retried = call->retried;

  g_free (call);
  preview = hy_import_preview_finish (result, &error);
  if (generation != self->generation || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (preview == NULL)
    {
      /* A CSV file whose name does not say its kind (an RMM's devices.csv): computers. */
      if (!retried && !self->has_kind &&
          g_error_matches (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT) &&
          self->preview == NULL)
        {
          self->has_kind = TRUE;
          self->kind = HY_RECORD_KIND_COMPUTER;
          request_preview (self, NULL);
          return;
        }
      {
        g_autofree char *text = describe_error (error);

        show_error (self, text);
      }
      return;
    }

  g_set_object (&self->preview, preview);
  self->kind = hy_import_preview_get_kind (preview);
  g_clear_pointer (&self->columns, g_free);
  self->columns = hy_import_preview_dup_columns (preview);
  fill_grid (self);
  update_summary (self);
  {
    guint position = 0;

    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
      if (kinds[i] == self->kind)
        position = i;
    g_signal_handlers_block_matched (self->kind_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                     self);
    gtk_drop_down_set_selected (self->kind_dropdown, position);
    g_signal_handlers_unblock_matched (self->kind_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                       self);
  }
  show_error (self, NULL);
}

static void
request_preview (HyImportDialog *self, const char *columns)
{
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  PreviewCall *call = g_new0 (PreviewCall, 1);

  options.has_kind = self->has_kind;
  options.kind = self->kind;
  options.columns = columns;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  call->self = g_object_ref (self);
  call->generation = ++self->generation;
  call->retried = self->has_kind;
  /* Until the core answers, neither the old error nor Import. */
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  hy_import_preview_async (self->file, &options, PREVIEW_ROWS, self->cancellable, previewed_cb,
                           call);
}

static void
kind_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, HyImportDialog *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected >= G_N_ELEMENTS (kinds))
    return;
  self->has_kind = TRUE;
  self->kind = kinds[selected];
  /* Another kind has other fields: its map is recognised anew. */
  request_preview (self, NULL);
}

static void
company_changed_cb (AdwComboRow *row, GParamSpec *pspec, HyImportDialog *self)
{
  if (self->preview != NULL && hy_import_preview_get_format (self->preview) == HY_IMPORT_FORMAT_XML)
    fill_grid (self);
}

static void
imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyImportDialog) self = user_data;
  g_autoptr (HyImportResult) imported = NULL;
  g_autoptr (GError) error = NULL;

  self->importing = FALSE;
  imported = hy_import_file_finish (result, &error);
  if (imported == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_CANCELLED))
        {
          /* Translators: %s says what is wrong in the file, and where */
          g_autofree char *why = describe_error (error);
          g_autofree char *text = g_strdup_printf (_ ("Nothing was imported: %s"), why);
          show_error (self, text);
        }
      return;
    }

  if (self->kind == HY_RECORD_KIND_COMPUTER &&
      !hy_store_set_setting (self->store, HY_SYNC_SETTING_RETIRED_ASSETS,
                             gtk_switch_get_active (self->inactive_switch) ? "inactive" : NULL,
                             &error))
    {
      show_error (self, error->message);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_IMPORTED], 0, imported);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
import_clicked_cb (GtkButton *button, HyImportDialog *self)
{
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;

  if (self->preview == NULL || self->importing)
    return;

  options.has_kind = hy_import_preview_get_format (self->preview) == HY_IMPORT_FORMAT_CSV;
  options.format = hy_import_preview_get_format (self->preview);
  options.kind = self->kind;
  options.columns = self->columns;
  options.prune =
      self->kind == HY_RECORD_KIND_COMPUTER && gtk_switch_get_active (self->prune_switch);
  if (options.format == HY_IMPORT_FORMAT_XML)
    options.company_id = chosen_company (self);

  self->importing = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  hy_import_file_async (self->store, self->file, &options, self->cancellable, imported_cb,
                        g_object_ref (self));
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_import_dialog_dispose (GObject *object)
{
  HyImportDialog *self = HY_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->preview);
  g_clear_object (&self->store);
  g_clear_object (&self->file);
  g_clear_pointer (&self->dropdowns, g_ptr_array_unref);
  g_clear_pointer (&self->company_ids, g_ptr_array_unref);
  g_clear_pointer (&self->company_names, g_ptr_array_unref);

  G_OBJECT_CLASS (hy_import_dialog_parent_class)->dispose (object);
}

static void
hy_import_dialog_finalize (GObject *object)
{
  HyImportDialog *self = HY_IMPORT_DIALOG (object);

  g_free (self->columns);

  G_OBJECT_CLASS (hy_import_dialog_parent_class)->finalize (object);
}

static void
hy_import_dialog_class_init (HyImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_import_dialog_dispose;
  object_class->finalize = hy_import_dialog_finalize;

  /* Emitted once the file is imported; the dialog then closes. */
  signals[SIGNAL_IMPORTED] =
      g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, HY_TYPE_IMPORT_RESULT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/halyard/Halyard/hy-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, retire_group);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, company_row);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, prune_row);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, prune_switch);
  gtk_widget_class_bind_template_child (widget_class, HyImportDialog, inactive_switch);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hy_import_dialog_init (HyImportDialog *self)
{
  g_autoptr (GtkStringList) kind_titles = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->dropdowns = g_ptr_array_new ();
  self->company_ids = g_ptr_array_new_with_free_func (g_free);
  self->company_names = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (kind_titles, kind_title (kinds[i]));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kind_titles));
  gtk_widget_set_visible (GTK_WIDGET (self->kind_dropdown), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->retire_group), FALSE);
  g_signal_connect (self->kind_dropdown, "notify::selected", G_CALLBACK (kind_changed_cb), self);
  g_signal_connect (self->import_button, "clicked", G_CALLBACK (import_clicked_cb), self);
}

static int
compare_company_names (gconstpointer a, gconstpointer b)
{
  const HyCompany *x = *(HyCompany **) a;
  const HyCompany *y = *(HyCompany **) b;

  return g_utf8_collate (x->name, y->name);
}

/* The company row: each inventory's TAG, or one of the companies already imported (what
 * halyard-cli import --company ID does). */
static void
fill_companies (HyImportDialog *self)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr (GPtrArray) companies = hy_store_list (self->store, HY_RECORD_KIND_COMPANY, NULL, NULL);

  /* Translators: the company of computers imported from inventories: the one each inventory
   * names in its TAG (created when no company has that name) */
  gtk_string_list_append (names, _ ("From Each Inventory’s TAG"));
  if (companies != NULL)
    {
      g_ptr_array_sort (companies, compare_company_names);
      for (guint i = 0; i < companies->len; i++)
        {
          HyCompany *company = companies->pdata[i];

          g_ptr_array_add (self->company_ids, g_strdup (company->id));
          g_ptr_array_add (self->company_names, g_strdup (company->name));
          gtk_string_list_append (names, company->name);
        }
    }
  adw_combo_row_set_model (self->company_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->company_row, 0);
  g_signal_connect (self->company_row, "notify::selected", G_CALLBACK (company_changed_cb), self);
}

HyImportDialog *
hy_import_dialog_new (GtkWindow *parent, HyStore *store, GFile *file)
{
  HyImportDialog *self;
  g_autofree char *name = NULL;
  g_autofree char *setting = NULL;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (HY_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->file = g_object_ref (file);
  self->folder =
      g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY;
  fill_companies (self);
  name = g_file_get_basename (file);
  adw_window_title_set_subtitle (self->window_title, name);

  if (hy_store_get_setting (store, HY_SYNC_SETTING_RETIRED_ASSETS, &setting, NULL))
    gtk_switch_set_active (self->inactive_switch, g_strcmp0 (setting, "inactive") == 0);

  request_preview (self, NULL);
  return self;
}

gboolean
hy_import_dialog_is_ready (HyImportDialog *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_DIALOG (self), FALSE);
  return gtk_widget_get_sensitive (GTK_WIDGET (self->import_button));
}

const char *
hy_import_dialog_get_columns (HyImportDialog *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_DIALOG (self), NULL);
  return self->columns;
}

const char *
hy_import_dialog_get_error (HyImportDialog *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_DIALOG (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

void
hy_import_dialog_choose_field (HyImportDialog *self, guint column, const char *field)
{
  const char *const *fields;
  guint position = 0;

  g_return_if_fail (HY_IS_IMPORT_DIALOG (self));
  g_return_if_fail (column < self->dropdowns->len);

  fields = hy_import_preview_list_fields (self->kind);
  for (guint f = 0; field != NULL && fields[f] != NULL; f++)
    if (g_str_equal (fields[f], field))
      position = f + 1;
  gtk_drop_down_set_selected (self->dropdowns->pdata[column], position);
}

gboolean
hy_import_dialog_set_company (HyImportDialog *self, const char *company_id)
{
  g_return_val_if_fail (HY_IS_IMPORT_DIALOG (self), FALSE);

  if (company_id == NULL)
    {
      adw_combo_row_set_selected (self->company_row, 0);
      return TRUE;
    }
  for (guint i = 0; i < self->company_ids->len; i++)
    if (g_str_equal (self->company_ids->pdata[i], company_id))
      {
        adw_combo_row_set_selected (self->company_row, i + 1);
        return TRUE;
      }
  return FALSE;
}

const char *
hy_import_dialog_get_summary (HyImportDialog *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_DIALOG (self), NULL);
  return gtk_label_get_text (self->summary_label);
}

void
hy_import_dialog_set_prune (HyImportDialog *self, gboolean prune)
{
  g_return_if_fail (HY_IS_IMPORT_DIALOG (self));
  gtk_switch_set_active (self->prune_switch, prune);
}

void
hy_import_dialog_confirm (HyImportDialog *self)
{
  g_return_if_fail (HY_IS_IMPORT_DIALOG (self));
  gtk_widget_activate (GTK_WIDGET (self->import_button));
}
