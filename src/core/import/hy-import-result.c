/* hy-import-result.c: what an import added, updated and left unchanged
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-import"

#include "config.h"

#include "import/hy-import-result-private.h"
#include "import/hy-import.h"

struct _HyImportResult
{
  GObject parent_instance;

  /* [HY_STORE_CHANGE_ADDED / UPDATED / UNCHANGED][kind] */
  guint counts[3][HY_N_RECORD_KINDS];
};

G_DEFINE_FINAL_TYPE (HyImportResult, hy_import_result, G_TYPE_OBJECT)

static void
hy_import_result_class_init (HyImportResultClass *klass)
{
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
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
