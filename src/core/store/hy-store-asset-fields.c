/* hy-store-asset-fields.c: Halo's asset types and their fields as Halyard last read them, and
 * the technician's choice of field for each of the computers' fields
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "store/hy-store-asset-fields.h"
#include "store/hy-store-private.h"

/* ---------------------------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------------------------- */

HyAssetType *
hy_asset_type_new (gint64 id, const char *name, gint64 keyfield_id)
{
  HyAssetType *type = g_new0 (HyAssetType, 1);

  type->id = id;
  type->name = g_strdup (name != NULL ? name : "");
  type->keyfield_id = keyfield_id;
  type->fields = g_ptr_array_new ();
  return type;
}

void
hy_asset_type_add_field (HyAssetType *type, gint64 id, const char *name)
{
  HyAssetTypeField *field = g_new0 (HyAssetTypeField, 1);

  field->id = id;
  field->name = g_strdup (name);
  g_ptr_array_add (type->fields, field);
}

void
hy_asset_type_free (HyAssetType *type)
{
  if (type == NULL)
    return;
  for (guint i = 0; i < type->fields->len; i++)
    {
      HyAssetTypeField *field = type->fields->pdata[i];

      g_free (field->name);
      g_free (field);
    }
  g_ptr_array_unref (type->fields);
  g_free (type->name);
  g_free (type);
}

static gboolean
same_type (const HyAssetType *a, const HyAssetType *b)
{
  if (a->id != b->id || g_strcmp0 (a->name, b->name) != 0 || a->keyfield_id != b->keyfield_id ||
      a->fields->len != b->fields->len)
    return FALSE;
  for (guint i = 0; i < a->fields->len; i++)
    {
      const HyAssetTypeField *x = a->fields->pdata[i];
      const HyAssetTypeField *y = b->fields->pdata[i];

      if (x->id != y->id || g_strcmp0 (x->name, y->name) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_fields (HyStore *self, HyAssetType *type, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  stmt = _hy_store_prepare (self,
                            "SELECT field_id, field_name FROM asset_type_fields "
                            "WHERE assettype_id = ?1 ORDER BY sequence",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, type->id);
  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    hy_asset_type_add_field (type, sqlite3_column_int64 (stmt, 0),
                             (const char *) sqlite3_column_text (stmt, 1));
  return rc == SQLITE_DONE;
}

static HyAssetType *
read_type (HyStmt *stmt)
{
  HyAssetType *type = hy_asset_type_new (sqlite3_column_int64 (stmt, 0),
                                         (const char *) sqlite3_column_text (stmt, 1),
                                         sqlite3_column_int64 (stmt, 2));

  type->read_at = sqlite3_column_int64 (stmt, 3);
  return type;
}

HyAssetType *
hy_store_get_asset_type (HyStore *self, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (HyAssetType) type = NULL;
  gboolean missing = FALSE;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "SELECT id, name, keyfield_id, read_at FROM asset_types WHERE id = ?1",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  type = _hy_store_read_row (self, stmt, (HyRowReadFunc) read_type, &missing, error);
  if (type == NULL || !read_fields (self, type, error))
    return NULL;
  return g_steal_pointer (&type);
}

GPtrArray *
hy_store_list_asset_types (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GPtrArray) types = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "SELECT id, name, keyfield_id, read_at FROM asset_types "
                            "ORDER BY name COLLATE NOCASE, id",
                            error);
  if (stmt == NULL)
    return NULL;
  types = _hy_store_read_rows (self, stmt, (HyRowReadFunc) read_type,
                               (GDestroyNotify) hy_asset_type_free, error);
  if (types == NULL)
    return NULL;
  g_clear_pointer (&stmt, _hy_store_stmt_release);
  for (guint i = 0; i < types->len; i++)
    if (!read_fields (self, types->pdata[i], error))
      return NULL;
  return g_steal_pointer (&types);
}

static gboolean
write_type (HyStore *self, const HyAssetType *type, GError **error)
{
  g_autoptr (HyStmt) type_stmt = NULL;
  g_autoptr (HyStmt) clear = NULL;

  type_stmt = _hy_store_prepare (self,
                                 "INSERT INTO asset_types (id, name, keyfield_id, read_at) "
                                 "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
                                 "name = excluded.name, keyfield_id = excluded.keyfield_id, "
                                 "read_at = excluded.read_at",
                                 error);
  if (type_stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (type_stmt, 1, type->id);
  _hy_store_bind_text (type_stmt, 2, type->name);
  sqlite3_bind_int64 (type_stmt, 3, type->keyfield_id);
  sqlite3_bind_int64 (type_stmt, 4, g_get_real_time ());
  if (!_hy_store_step_done (self, type_stmt, error))
    return FALSE;

  clear = _hy_store_prepare (self, "DELETE FROM asset_type_fields WHERE assettype_id = ?1", error);
  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, type->id);
  if (!_hy_store_step_done (self, clear, error))
    return FALSE;

  for (guint i = 0; i < type->fields->len; i++)
    {
      const HyAssetTypeField *field = type->fields->pdata[i];
      g_autoptr (HyStmt) insert = NULL;

      insert = _hy_store_prepare (self,
                                  "INSERT OR IGNORE INTO asset_type_fields "
                                  "(assettype_id, field_id, field_name, sequence) "
                                  "VALUES (?1, ?2, ?3, ?4)",
                                  error);
      if (insert == NULL)
        return FALSE;
      sqlite3_bind_int64 (insert, 1, type->id);
      sqlite3_bind_int64 (insert, 2, field->id);
      _hy_store_bind_text (insert, 3, field->name != NULL ? field->name : "");
      sqlite3_bind_int64 (insert, 4, i);
      if (!_hy_store_step_done (self, insert, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
hy_store_save_asset_type (HyStore *self, const HyAssetType *type, GError **error)
{
  g_autoptr (HyAssetType) known = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (type != NULL && type->id > 0, FALSE);
  HY_STORE_LOCK (self);

  known = hy_store_get_asset_type (self, type->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (known != NULL && same_type (known, type))
    return TRUE;

  if (!hy_store_begin (self, error))
    return FALSE;
  if (!write_type (self, type, error))
    {
      hy_store_rollback (self);
      return FALSE;
    }
  return hy_store_commit (self, error);
}

/* ---------------------------------------------------------------------------------------------
 * The technician's choices
 * ------------------------------------------------------------------------------------------- */

gboolean
hy_store_set_asset_field_choice (HyStore *self,
                                 gint64 assettype_id,
                                 const char *field,
                                 gint64 halo_field_id,
                                 GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (halo_field_id < 0)
    stmt = _hy_store_prepare (self,
                              "DELETE FROM asset_field_map WHERE assettype_id = ?1 AND field = ?2",
                              error);
  else
    stmt = _hy_store_prepare (self,
                              "INSERT INTO asset_field_map (assettype_id, field, halo_field_id) "
                              "VALUES (?1, ?2, ?3) ON CONFLICT (assettype_id, field) DO UPDATE "
                              "SET halo_field_id = excluded.halo_field_id",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, assettype_id);
  _hy_store_bind_text (stmt, 2, field);
  if (halo_field_id >= 0)
    sqlite3_bind_int64 (stmt, 3, halo_field_id);
  return _hy_store_step_done (self, stmt, error);
}

GHashTable *
hy_store_get_asset_field_choices (HyStore *self, gint64 assettype_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GHashTable) choices = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "SELECT field, halo_field_id FROM asset_field_map "
                            "WHERE assettype_id = ?1",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, assettype_id);
  choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 1);

      g_hash_table_insert (choices, _hy_store_column_dup (stmt, 0), g_memdup2 (&id, sizeof id));
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&choices);
}
