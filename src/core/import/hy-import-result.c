/* hy-import-result.c: what an import added, updated and left unchanged
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-import"

#include "config.h"

#include "import/hy-import-result-private.h"
#include "import/hy-import.h"
#include "store/hy-record-fields.h"

struct _HyImportResult
{
  GObject parent_instance;

  /* [HY_STORE_CHANGE_ADDED / UPDATED / UNCHANGED][kind] */
  guint counts[3][HY_N_RECORD_KINDS];
  guint retired;
  guint returned;
  GStrv headers;       /* CSV: the header, NULL otherwise */
  char **header_field; /* per header: its field (static strings), NULL-terminated */
};

G_DEFINE_FINAL_TYPE (HyImportResult, hy_import_result, G_TYPE_OBJECT)

static void
hy_import_result_finalize (GObject *object)
{
  HyImportResult *self = HY_IMPORT_RESULT (object);

  g_strfreev (self->headers);
  g_free (self->header_field);

  G_OBJECT_CLASS (hy_import_result_parent_class)->finalize (object);
}

static void
hy_import_result_class_init (HyImportResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hy_import_result_finalize;
}

static void
hy_import_result_init (HyImportResult *self)
{
}

HyImportResult *
_hy_import_result_new (void)
{
  return g_object_new (HY_TYPE_IMPORT_RESULT, NULL);
}

void
_hy_import_result_count (HyImportResult *self, HyRecordKind kind, HyStoreChange change)
{
  g_return_if_fail (HY_IS_IMPORT_RESULT (self));
  g_return_if_fail (kind < HY_N_RECORD_KINDS);
  g_return_if_fail (change <= HY_STORE_CHANGE_UNCHANGED);

  self->counts[change][kind]++;
}

void
_hy_import_result_set_columns (HyImportResult *self,
                               HyRecordKind kind,
                               GPtrArray *header,
                               const int *columns)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);

  g_return_if_fail (HY_IS_IMPORT_RESULT (self));

  g_clear_pointer (&self->headers, g_strfreev);
  g_clear_pointer (&self->header_field, g_free);
  self->headers = g_new0 (char *, header->len + 1);
  self->header_field = g_new0 (char *, header->len + 1);
  for (guint c = 0; c < header->len; c++)
    self->headers[c] = g_strdup (header->pdata[c]);
  for (guint f = 0; f < n_fields; f++)
    if (columns[f] >= 0)
      self->header_field[columns[f]] = (char *) fields[f].name;
}

void
_hy_import_result_set_retired (HyImportResult *self, guint retired, guint returned)
{
  g_return_if_fail (HY_IS_IMPORT_RESULT (self));
  self->retired = retired;
  self->returned = returned;
}

guint
hy_import_result_get_retired (HyImportResult *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_RESULT (self), 0);
  return self->retired;
}

guint
hy_import_result_get_returned (HyImportResult *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_RESULT (self), 0);
  return self->returned;
}

const char *const *
hy_import_result_get_headers (HyImportResult *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_RESULT (self), NULL);
  return (const char *const *) self->headers;
}

const char *const *
hy_import_result_get_header_fields (HyImportResult *self)
{
  g_return_val_if_fail (HY_IS_IMPORT_RESULT (self), NULL);
  return (const char *const *) self->header_field;
}

static guint
get (HyImportResult *self, HyStoreChange change, HyRecordKind kind)
{
  g_return_val_if_fail (HY_IS_IMPORT_RESULT (self), 0);
  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, 0);
  return self->counts[change][kind];
}

static guint
total (HyImportResult *self, HyStoreChange change)
{
  guint sum = 0;

  g_return_val_if_fail (HY_IS_IMPORT_RESULT (self), 0);
  for (guint kind = 0; kind < HY_N_RECORD_KINDS; kind++)
    sum += self->counts[change][kind];
  return sum;
}

guint
hy_import_result_get_added (HyImportResult *self, HyRecordKind kind)
{
  return get (self, HY_STORE_CHANGE_ADDED, kind);
}

guint
hy_import_result_get_updated (HyImportResult *self, HyRecordKind kind)
{
  return get (self, HY_STORE_CHANGE_UPDATED, kind);
}

guint
hy_import_result_get_unchanged (HyImportResult *self, HyRecordKind kind)
{
  return get (self, HY_STORE_CHANGE_UNCHANGED, kind);
}

guint
hy_import_result_get_total_added (HyImportResult *self)
{
  return total (self, HY_STORE_CHANGE_ADDED);
}

guint
hy_import_result_get_total_updated (HyImportResult *self)
{
  return total (self, HY_STORE_CHANGE_UPDATED);
}

guint
hy_import_result_get_total_unchanged (HyImportResult *self)
{
  return total (self, HY_STORE_CHANGE_UNCHANGED);
}

JsonNode *
hy_import_result_to_json (HyImportResult *self)
{
  static const char *const names[] = { "added", "updated", "unchanged" };
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (HY_IS_IMPORT_RESULT (self), NULL);

  json_builder_begin_object (builder);
  for (guint change = 0; change < G_N_ELEMENTS (names); change++)
    {
      json_builder_set_member_name (builder, names[change]);
      json_builder_begin_object (builder);
      for (guint kind = 0; kind < HY_N_RECORD_KINDS; kind++)
        {
          json_builder_set_member_name (builder, hy_record_kind_to_plural (kind));
          json_builder_add_int_value (builder, self->counts[change][kind]);
        }
      json_builder_end_object (builder);
    }
  /* Computers retired by --prune, and retired computers the import brought back. */
  json_builder_set_member_name (builder, "retired");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "computers");
  json_builder_add_int_value (builder, self->retired);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "returned");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "computers");
  json_builder_add_int_value (builder, self->returned);
  json_builder_end_object (builder);
  /* A CSV file: which column went to which field ({"header": S, "field": S | null}). */
  json_builder_set_member_name (builder, "columns");
  if (self->headers == NULL)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_array (builder);
      for (guint c = 0; self->headers[c] != NULL; c++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "header");
          json_builder_add_string_value (builder, self->headers[c]);
          json_builder_set_member_name (builder, "field");
          if (self->header_field[c] != NULL)
            json_builder_add_string_value (builder, self->header_field[c]);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
