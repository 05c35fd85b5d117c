/* hy-store-cache.c: the cache of Halo's records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "store/hy-record-fields.h"
#include "store/hy-store-private.h"
#include "store/hy-store.h"

static const char *const cache_kind_names[] = { "client",  "site",        "asset",
                                                "agent",   "ticket_type", "status",
                                                "outcome", "priority",    "team" };

/* ---------------------------------------------------------------------------------------------
 * Halo cache
 * ------------------------------------------------------------------------------------------- */

#define CACHE_COLUMNS                                                                          \
  "kind, id, name, inactive, client_id, site_id, inventory_number, key_field, serial, email, " \
  "is_api_agent, closed"

static gboolean
check_cache_kind (HyCacheKind kind, GError **error)
{
  if (kind < HY_N_CACHE_KINDS)
    return TRUE;
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID, _ ("Unknown kind of Halo record."));
  return FALSE;
}

static gpointer
read_cache_record (HyStmt *stmt)
{
  HyCacheRecord *record = g_new0 (HyCacheRecord, 1);
  const char *kind = (const char *) sqlite3_column_text (stmt, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cache_kind_names); i++)
    if (g_strcmp0 (kind, cache_kind_names[i]) == 0)
      record->kind = i;
  record->id = sqlite3_column_int64 (stmt, 1);
  record->name = _hy_store_column_dup (stmt, 2);
  record->inactive = sqlite3_column_int (stmt, 3);
  record->client_id = sqlite3_column_int64 (stmt, 4);
  record->site_id = sqlite3_column_int64 (stmt, 5);
  record->inventory_number = _hy_store_column_dup (stmt, 6);
  record->key_field = _hy_store_column_dup (stmt, 7);
  record->serial = _hy_store_column_dup (stmt, 8);
  record->email = _hy_store_column_dup (stmt, 9);
  record->is_api_agent = sqlite3_column_int (stmt, 10);
  record->closed = sqlite3_column_int (stmt, 11);
  return record;
}

static gboolean
cache_insert (HyStore *self, const HyCacheRecord *record, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  if (!check_cache_kind (record->kind, error))
    return FALSE;
  stmt = _hy_store_prepare (self,
                            "INSERT INTO halo_records (" CACHE_COLUMNS ", name_key) VALUES "
                            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, hy_fold (?3)) "
                            "ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, "
                            "name_key = excluded.name_key, inactive = excluded.inactive, "
                            "client_id = excluded.client_id, site_id = excluded.site_id, "
                            "inventory_number = excluded.inventory_number, key_field = "
                            "excluded.key_field, "
                            "serial = excluded.serial, email = excluded.email, "
                            "is_api_agent = excluded.is_api_agent, closed = excluded.closed",
                            error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, cache_kind_names[record->kind]);
  sqlite3_bind_int64 (stmt, 2, record->id);
  _hy_store_bind_text (stmt, 3, record->name ? record->name : "");
  sqlite3_bind_int (stmt, 4, record->inactive ? 1 : 0);
  _hy_store_bind_id (stmt, 5, record->client_id);
  _hy_store_bind_id (stmt, 6, record->site_id);
  _hy_store_bind_text (stmt, 7, record->inventory_number);
  _hy_store_bind_text (stmt, 8, record->key_field);
  _hy_store_bind_text (stmt, 9, record->serial);
  _hy_store_bind_text (stmt, 10, record->email);
  sqlite3_bind_int (stmt, 11, record->is_api_agent ? 1 : 0);
  sqlite3_bind_int (stmt, 12, record->closed ? 1 : 0);
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_cache_replace (HyStore *self, HyCacheKind kind, GPtrArray *records, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (!check_cache_kind (kind, error) || !hy_store_begin (self, error))
    return FALSE;

  {
    g_autoptr (HyStmt) stmt =
        _hy_store_prepare (self, "DELETE FROM halo_records WHERE kind = ?1", error);

    if (stmt == NULL)
      goto fail;
    _hy_store_bind_text (stmt, 1, cache_kind_names[kind]);
    if (!_hy_store_step_done (self, stmt, error))
      goto fail;
  }

  for (guint i = 0; i < records->len; i++)
    {
      const HyCacheRecord *record = records->pdata[i];

      if (record->kind != kind)
        {
          g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                       "Cache record %u is of another kind", i);
          goto fail;
        }
      if (!cache_insert (self, record, error))
        goto fail;
    }
  return hy_store_commit (self, error);

fail:
  hy_store_rollback (self);
  return FALSE;
}

gboolean
hy_store_cache_upsert (HyStore *self, const HyCacheRecord *record, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  HY_STORE_LOCK (self);

  return cache_insert (self, record, error);
}

gboolean
hy_store_cache_delete (HyStore *self, HyCacheKind kind, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  if (!check_cache_kind (kind, error))
    return FALSE;
  stmt = _hy_store_prepare (self, "DELETE FROM halo_records WHERE kind = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, cache_kind_names[kind]);
  sqlite3_bind_int64 (stmt, 2, id);
  return _hy_store_step_done (self, stmt, error);
}

HyCacheRecord *
hy_store_cache_get (HyStore *self, HyCacheKind kind, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyCacheRecord *record;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  if (!check_cache_kind (kind, error))
    return NULL;
  stmt =
      _hy_store_prepare (self,
                         "SELECT " CACHE_COLUMNS " FROM halo_records WHERE kind = ?1 AND id = ?2",
                         error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, cache_kind_names[kind]);
  sqlite3_bind_int64 (stmt, 2, id);
  record = _hy_store_read_row (self, stmt, read_cache_record, &missing, error);
  if (missing)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                   _ ("Halo record %s is not in the local copy; refresh from Halo and try "
                      "again."),
                   id_text);
    }
  return record;
}

static GPtrArray *
cache_rows (HyStore *self, HyStmt *stmt, GError **error)
{
  return _hy_store_read_rows (self, stmt, read_cache_record, (GDestroyNotify) hy_cache_record_free,
                              error);
}

GPtrArray *
hy_store_cache_find_by_name (HyStore *self,
                             HyCacheKind kind,
                             gint64 client_id,
                             const char *name,
                             GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  HY_STORE_LOCK (self);

  if (!check_cache_kind (kind, error))
    return NULL;
  stmt = _hy_store_prepare (self,
                            "SELECT " CACHE_COLUMNS
                            " FROM halo_records WHERE kind = ?1 AND name_key = ?2 "
                            "AND (?3 IS NULL OR client_id = ?3) ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  key = _hy_store_fold (name);
  _hy_store_bind_text (stmt, 1, cache_kind_names[kind]);
  _hy_store_bind_text (stmt, 2, key);
  _hy_store_bind_id (stmt, 3, client_id);
  return cache_rows (self, stmt, error);
}

GPtrArray *
hy_store_cache_find_agents_by_email (HyStore *self, const char *email, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "SELECT " CACHE_COLUMNS " FROM halo_records WHERE kind = 'agent' "
                            "AND email = ?1 COLLATE NOCASE ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, email);
  return cache_rows (self, stmt, error);
}

GPtrArray *
hy_store_cache_find_assets_by_inventory_number (HyStore *self,
                                                gint64 client_id,
                                                const char *inventory_number,
                                                GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (inventory_number != NULL, NULL);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self,
                         "SELECT " CACHE_COLUMNS " FROM halo_records WHERE kind = 'asset' "
                         "AND inventory_number = ?1 AND (?2 IS NULL OR client_id = ?2) ORDER BY id",
                         error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, inventory_number);
  _hy_store_bind_id (stmt, 2, client_id);
  return cache_rows (self, stmt, error);
}

static void
append_cache_where (GString *sql, const HyStoreQuery *query)
{
  g_string_append (sql, " WHERE kind = :kind");
  if (query == NULL)
    return;
  if (query->search != NULL && *query->search != '\0')
    g_string_append (sql, " AND instr (name_key, :search) > 0");
  if (query->halo_client_id != 0)
    g_string_append (sql, " AND client_id = :client");
}

static void
bind_cache_query (HyStmt *stmt, HyCacheKind kind, const HyStoreQuery *query, const char *folded)
{
  _hy_store_bind_named_text (stmt, ":kind", cache_kind_names[kind]);
  if (query == NULL)
    return;
  _hy_store_bind_named_text (stmt, ":search", folded);
  _hy_store_bind_named_int (stmt, ":client", query->halo_client_id);
  _hy_store_bind_named_int (stmt, ":limit", query->limit > 0 ? (gint64) query->limit : -1);
  _hy_store_bind_named_int (stmt, ":offset", query->offset);
}

GPtrArray *
hy_store_cache_list (HyStore *self, HyCacheKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT " CACHE_COLUMNS " FROM halo_records");
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  if (!check_cache_kind (kind, error))
    return NULL;
  append_cache_where (sql, query);
  g_string_append (sql, " ORDER BY name_key, id");
  if (query != NULL && (query->limit > 0 || query->offset > 0))
    g_string_append (sql, " LIMIT :limit OFFSET :offset");
  stmt = _hy_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (query != NULL && query->search != NULL && *query->search != '\0')
    folded = _hy_store_fold (query->search);
  bind_cache_query (stmt, kind, query, folded);
  return cache_rows (self, stmt, error);
}

gint64
hy_store_cache_count (HyStore *self, HyCacheKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT count(*) FROM halo_records");
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (!check_cache_kind (kind, error))
    return -1;
  append_cache_where (sql, query);
  stmt = _hy_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return -1;
  if (query != NULL && query->search != NULL && *query->search != '\0')
    folded = _hy_store_fold (query->search);
  bind_cache_query (stmt, kind, query, folded);
  if (_hy_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}
