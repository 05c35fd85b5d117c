/* hy-import-preview.c: the first rows of a file under its column map, before anything is
 * written (the window's import dialog shows them and lets the technician change the map)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "import/hy-import-private.h"

struct _HyImportPreview
{
  GObject parent_instance;

  HyImportFormat format;
  HyRecordKind kind;
  GPtrArray *headers; /* char * */
  GPtrArray *fields;  /* const char * (static), NULL: not imported */
  GPtrArray *rows;    /* GStrv */
  guint n_sources;    /* the files read: a folder's inventories, else 1 */
};

G_DEFINE_FINAL_TYPE (HyImportPreview, hy_import_preview, G_TYPE_OBJECT)

static void
hy_import_preview_finalize (GObject *object)
{
  HyImportPreview *self = HY_IMPORT_PREVIEW (object);

  g_ptr_array_unref (self->headers);
  g_ptr_array_unref (self->fields);
  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (hy_import_preview_parent_class)->finalize (object);
}

static void
hy_import_preview_class_init (HyImportPreviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hy_import_preview_finalize;
}

static void
hy_import_preview_init (HyImportPreview *self)
{
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->fields = g_ptr_array_new ();
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->n_sources = 1;
}

/* ---------------------------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------------------------- */

static gboolean
kind_from_file_name (const char *name, HyRecordKind *out_kind)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint kind = 0; kind < HY_N_RECORD_KINDS; kind++)
    {
      const char *words[] = { hy_record_kind_to_plural (kind), hy_record_kind_to_string (kind) };

      for (guint i = 0; i < G_N_ELEMENTS (words); i++)
        {
          gsize n = strlen (words[i]);

          if (g_str_has_prefix (lower, words[i]) && !g_ascii_isalpha (lower[n]))
            {
              *out_kind = kind;
              return TRUE;
            }
        }
    }
  return FALSE;
}

static gboolean
preview_csv (HyImportPreview *self,
             const char *name,
             const char *data,
             gsize length,
             const HyImportOptions *options,
             guint max_rows,
             GError **error)
{
  g_autoptr (GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  guint n_fields;
  const HyFieldInfo *fields;
  HyImportColumnMap map;
  HyImportCsv csv = { data, data + length, 1, ',' };
  guint line = 1;
  gboolean eof = FALSE;

  if (options->has_kind)
    self->kind = options->kind;
  else if (!kind_from_file_name (name, &self->kind))
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is not JSON, and as a CSV file its kind of records is unknown. Name "
                      "the file after the kind (for example computers.csv) or give its kind."),
                   name);
      _hy_import_set_error_fix (error, HY_IMPORT_FIX_GIVE_KIND, NULL);
      return FALSE;
    }
  fields = hy_record_kind_get_fields (self->kind, &n_fields);

  csv.separator = _hy_import_csv_guess_separator (data, data + length);
  if (!_hy_import_csv_read_row (&csv, header, &line, &eof, error))
    goto failed;
  if (eof)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is empty: a CSV file needs a header row naming its columns."), name);
      return FALSE;
    }
  for (guint c = 0; c < header->len; c++)
    g_strstrip ((char *) header->pdata[c]);
  if (!_hy_import_map_columns (name, self->kind, header, options->columns, line, &map, error))
    goto failed;

  for (guint c = 0; c < header->len; c++)
    {
      const char *field = NULL;

      for (guint f = 0; f < n_fields; f++)
        if (map.columns[f] == (int) c)
          field = fields[f].name;
      g_ptr_array_add (self->headers, g_utf8_make_valid (header->pdata[c], -1));
      g_ptr_array_add (self->fields, (gpointer) field);
    }

  while (self->rows->len < max_rows)
    {
      GStrv row;

      if (!_hy_import_csv_read_row (&csv, cells, &line, &eof, error))
        goto failed;
      if (eof)
        break;
      row = g_new0 (char *, header->len + 1);
      for (guint c = 0; c < header->len; c++)
        row[c] = g_utf8_make_valid (c < cells->len ? (const char *) cells->pdata[c] : "", -1);
      g_ptr_array_add (self->rows, row);
    }
  return TRUE;

failed:
  if (strstr ((*error)->message, name) == NULL)
    g_prefix_error (error, "%s: ", name);
  return FALSE;
}

static gboolean
load (GFile *file,
      GMappedFile **out_mapped,
      GBytes **out_bytes,
      GCancellable *cancellable,
      GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr (GError) local_error = NULL;

  if (path != NULL)
    *out_mapped = g_mapped_file_new (path, FALSE, &local_error);
  else
    *out_bytes = g_file_load_bytes (file, cancellable, NULL, &local_error);
  if (*out_mapped == NULL && *out_bytes == NULL)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED, _ ("Cannot read %s: %s"), name,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Reads one inventory; its row is kept while fewer than @max_rows are. */
static gboolean
preview_xml (HyImportPreview *self,
             const char *name,
             const char *data,
             gsize length,
             GHashTable *seen,
             guint max_rows,
             GError **error)
{
  GStrv row = _hy_import_xml_preview (data, length, seen, error);

  if (row == NULL)
    {
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  if (self->rows->len < max_rows)
    g_ptr_array_add (self->rows, row);
  else
    g_strfreev (row);
  return TRUE;
}

static void
set_xml_columns (HyImportPreview *self)
{
  const char *const *columns = _hy_import_xml_columns ();

  self->format = HY_IMPORT_FORMAT_XML;
  self->kind = HY_RECORD_KIND_COMPUTER;
  for (guint i = 0; columns[i] != NULL; i++)
    {
      g_ptr_array_add (self->headers, g_strdup (columns[i]));
      g_ptr_array_add (self->fields, (gpointer) columns[i]);
    }
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char **) a, *(char **) b);
}

static gboolean
preview_folder (HyImportPreview *self,
                GFile *folder,
                guint max_rows,
                GCancellable *cancellable,
                GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *folder_name = g_file_get_basename (folder);
  g_autoptr (GHashTable) seen = NULL;
  GFileInfo *info;

  children =
      g_file_enumerate_children (folder,
                                 G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (children == NULL)
    return FALSE;
  while ((info = g_file_enumerator_next_file (children, cancellable, NULL)) != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (g_file_info_get_name (info), -1);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
          (g_str_has_suffix (lower, ".xml") || g_str_has_suffix (lower, ".ocs")))
        g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
      g_object_unref (info);
    }
  if (names->len == 0)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is a folder without inventory files (*.xml, *.ocs). Choose a JSON or "
                      "CSV file, or a folder of FusionInventory or OCS inventories."),
                   folder_name);
      return FALSE;
    }
  g_ptr_array_sort (names, compare_names);

  /* Every inventory is read, not only those shown: the import takes the folder whole or not at
   * all, so a bad file (or a computer in two of them) is named here, before Import. */
  set_xml_columns (self);
  self->n_sources = names->len;
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr (GFile) child = g_file_get_child (folder, names->pdata[i]);
      g_autoptr (GMappedFile) mapped = NULL;
      g_autoptr (GBytes) bytes = NULL;
      const char *data;
      gsize length;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !load (child, &mapped, &bytes, cancellable, error))
        return FALSE;
      data = mapped ? g_mapped_file_get_contents (mapped) : g_bytes_get_data (bytes, &length);
      length = mapped ? g_mapped_file_get_length (mapped) : length;
      if (!preview_xml (self, names->pdata[i], data ? data : "", length, seen, max_rows, error))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------------------------- */

HyImportPreview *
hy_import_preview_file (GFile *file,
                        const HyImportOptions *options,
                        guint max_rows,
                        GCancellable *cancellable,
                        GError **error)
{
  HyImportOptions defaults = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (HyImportPreview) self = g_object_new (HY_TYPE_IMPORT_PREVIEW, NULL);
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  const char *data;
  gsize length = 0;
  HyImportFormat format;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (options == NULL)
    options = &defaults;
  name = g_file_get_basename (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, error);
  if (info == NULL)
    return NULL;
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    return preview_folder (self, file, max_rows, cancellable, error) ? g_steal_pointer (&self)
                                                                     : NULL;

  if (!load (file, &mapped, &bytes, cancellable, error))
    return NULL;
  data = mapped ? g_mapped_file_get_contents (mapped) : g_bytes_get_data (bytes, &length);
  length = mapped ? g_mapped_file_get_length (mapped) : length;
  if (data == NULL)
    data = "";
  _hy_import_skip_bom (&data, &length);
  /* Only the rows shown are read (made valid UTF-8 for display); the import checks the whole
   * file. */
  if (!_hy_import_sniff_format (name, data, length, &format, error))
    return NULL;
  if (format == HY_IMPORT_FORMAT_JSON)
    {
      /* Halyard's own document: no columns to map. */
      self->format = HY_IMPORT_FORMAT_JSON;
      return g_steal_pointer (&self);
    }
  if (format == HY_IMPORT_FORMAT_XML)
    {
      set_xml_columns (self);
      return preview_xml (self, name, data, length, NULL, max_rows, error) ? g_steal_pointer (&self)
                                                                           : NULL;
    }

  self->format = HY_IMPORT_FORMAT_CSV;
  if (!preview_csv (self, name, data, length, options, max_rows, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
preview_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  HyImportTaskData *data = task_data;
  GError *error = NULL;
  HyImportPreview *preview;

  preview =
      hy_import_preview_file (data->file, &data->options, data->max_rows, cancellable, &error);
  if (preview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, preview, g_object_unref);
}

void
hy_import_preview_async (GFile *file,
                         const HyImportOptions *options,
                         guint max_rows,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  HyImportTaskData *data;

  g_return_if_fail (G_IS_FILE (file));

  data = _hy_import_task_data_new (file, options);
  data->max_rows = max_rows;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_import_preview_async);
  g_task_set_task_data (task, data, (GDestroyNotify) _hy_import_task_data_free);
  g_task_run_in_thread (task, preview_thread);
}

HyImportPreview *
hy_import_preview_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_import_preview_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

HyImportFormat
hy_import_preview_get_format (HyImportPreview *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), HY_IMPORT_FORMAT_AUTO);
  return self->format;
}

HyRecordKind
hy_import_preview_get_kind (HyImportPreview *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), HY_RECORD_KIND_COMPUTER);
  return self->kind;
}

guint
hy_import_preview_get_n_columns (HyImportPreview *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), 0);
  return self->headers->len;
}

const char *
hy_import_preview_get_header (HyImportPreview *self, guint column)
{
  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), NULL);
  g_return_val_if_fail (column < self->headers->len, NULL);
  return self->headers->pdata[column];
}

const char *
hy_import_preview_get_field (HyImportPreview *self, guint column)
{
  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), NULL);
  g_return_val_if_fail (column < self->fields->len, NULL);
  return self->fields->pdata[column];
}

guint
hy_import_preview_get_n_rows (HyImportPreview *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), 0);
  return self->rows->len;
}

guint
hy_import_preview_get_n_sources (HyImportPreview *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), 0);
  return self->n_sources;
}

const char *const *
hy_import_preview_get_row (HyImportPreview *self, guint row)
{
  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);
  return self->rows->pdata[row];
}

char *
hy_import_preview_dup_columns (HyImportPreview *self)
{
  GString *out;

  g_return_val_if_fail (HY_IS_IMPORT_PREVIEW (self), NULL);
  if (self->format != HY_IMPORT_FORMAT_CSV)
    return NULL;

  out = g_string_new (NULL);
  for (guint c = 0; c < self->headers->len; c++)
    {
      const char *field = self->fields->pdata[c];
      const char *header = self->headers->pdata[c];

      if (field == NULL)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ',');
      if (strpbrk (header, ",=") != NULL)
        g_string_append_printf (out, "%s=\"%s\"", field, header);
      else
        g_string_append_printf (out, "%s=%s", field, header);
    }
  return g_string_free (out, FALSE);
}

const char *const *
hy_import_preview_list_fields (HyRecordKind kind)
{
  static GStrv lists[HY_N_RECORD_KINDS];
  static gsize initialized = 0;

  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);
  if (g_once_init_enter (&initialized))
    {
      for (guint k = 0; k < HY_N_RECORD_KINDS; k++)
        {
          guint n_fields;
          const HyFieldInfo *fields = hy_record_kind_get_fields (k, &n_fields);

          lists[k] = g_new0 (char *, n_fields + 1);
          for (guint f = 0; f < n_fields; f++)
            lists[k][f] = (char *) fields[f].name;
        }
      g_once_init_leave (&initialized, 1);
    }
  return (const char *const *) lists[kind];
}
