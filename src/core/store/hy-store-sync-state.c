/* hy-store-sync-state.c: what each group last sent, asset fingerprints
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

/* ---------------------------------------------------------------------------------------------
 * Sync state
 * ------------------------------------------------------------------------------------------- */

gboolean
hy_store_set_group_sync (HyStore *self,
                         const char *group_id,
                         HySyncState state,
                         guint synced,
                         guint failed,
                         const char *reason,
                         GError **error)
{
  return hy_store_set_group_sync_why (self, group_id, state, synced, failed, reason, HY_REASON_NONE,
                                      error);
}

gboolean
hy_store_set_group_sync_why (HyStore *self,
                             const char *group_id,
                             HySyncState state,
                             guint synced,
                             guint failed,
                             const char *reason,
                             HyReason reason_code,
                             GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_id != NULL, FALSE);
  g_return_val_if_fail (state <= HY_SYNC_STATE_FAILED, FALSE);
  HY_STORE_LOCK (self);

  if (!_hy_store_require_record (self, HY_RECORD_KIND_GROUP, group_id, error))
    return FALSE;
  stmt = _hy_store_prepare (
      self,
      "INSERT INTO group_sync (group_id, state, synced, failed, reason, last_sync, reason_code) "
      "VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?2 IN ('synced', 'failed') THEN ?6 END, ?7) "
      "ON CONFLICT (group_id) DO UPDATE SET state = excluded.state, "
      "synced = excluded.synced, failed = excluded.failed, reason = excluded.reason, "
      "last_sync = coalesce (excluded.last_sync, last_sync), reason_code = excluded.reason_code",
      error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, group_id);
  _hy_store_bind_text (stmt, 2, hy_sync_state_to_string (state));
  sqlite3_bind_int64 (stmt, 3, synced);
  sqlite3_bind_int64 (stmt, 4, failed);
  _hy_store_bind_text (stmt, 5, reason);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  _hy_store_bind_text (stmt, 7, reason != NULL ? hy_reason_to_string (reason_code) : NULL);
  return _hy_store_step_done (self, stmt, error);
}

#define GROUP_SYNC_SELECT                                                                 \
  "SELECT g.id, g.name, coalesce (s.state, 'unsynced'), "                                 \
  "(SELECT count(*) FROM computers c WHERE c.group_id = g.id), coalesce (s.synced, 0), "  \
  "coalesce (s.failed, 0), s.reason, coalesce (s.last_sync, 0), m.group_id IS NOT NULL, " \
  "s.reason_code "                                                                        \
  "FROM \"groups\" g LEFT JOIN group_sync s ON s.group_id = g.id "                        \
  "LEFT JOIN group_mappings m ON m.group_id = g.id "

static gpointer
read_group_sync (HyStmt *stmt)
{
  HyGroupSync *sync = g_new0 (HyGroupSync, 1);
  const char *state = (const char *) sqlite3_column_text (stmt, 2);

  sync->group_id = _hy_store_column_dup (stmt, 0);
  sync->group_name = _hy_store_column_dup (stmt, 1);
  for (guint i = 0; i <= HY_SYNC_STATE_FAILED; i++)
    if (g_strcmp0 (state, hy_sync_state_to_string (i)) == 0)
      sync->state = i;
  sync->devices = sqlite3_column_int64 (stmt, 3);
  sync->synced = sqlite3_column_int64 (stmt, 4);
  sync->failed = sqlite3_column_int64 (stmt, 5);
  sync->reason = _hy_store_column_dup (stmt, 6);
  sync->last_sync = sqlite3_column_int64 (stmt, 7);
  sync->mapped = sqlite3_column_int (stmt, 8);
  sync->reason_code = hy_reason_from_string ((const char *) sqlite3_column_text (stmt, 9));
  return sync;
}

HyGroupSync *
hy_store_get_group_sync (HyStore *self, const char *group_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyGroupSync *sync;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (group_id != NULL, NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self, GROUP_SYNC_SELECT "WHERE g.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, group_id);
  sync = _hy_store_read_row (self, stmt, read_group_sync, &missing, error);
  if (missing)
    _hy_store_record_not_found (error, HY_RECORD_KIND_GROUP, group_id);
  return sync;
}

GPtrArray *
hy_store_list_group_sync (HyStore *self, gboolean mapped_only, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            mapped_only ? GROUP_SYNC_SELECT "WHERE m.group_id IS NOT NULL "
                                                            "ORDER BY g.name_key, g.id"
                                        : GROUP_SYNC_SELECT "ORDER BY g.name_key, g.id",
                            error);
  if (stmt == NULL)
    return NULL;
  return _hy_store_read_rows (self, stmt, read_group_sync, (GDestroyNotify) hy_group_sync_free,
                              error);
}

gboolean
hy_store_set_asset_fingerprint (HyStore *self,
                                const char *computer_id,
                                const char *fingerprint,
                                GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (computer_id != NULL, FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (!_hy_store_require_record (self, HY_RECORD_KIND_COMPUTER, computer_id, error))
    return FALSE;
  stmt = _hy_store_prepare (self,
                            "INSERT INTO asset_fingerprints (computer_id, fingerprint, updated) "
                            "VALUES (?1, ?2, ?3) ON CONFLICT (computer_id) DO UPDATE SET "
                            "fingerprint = excluded.fingerprint, updated = excluded.updated",
                            error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, computer_id);
  _hy_store_bind_text (stmt, 2, fingerprint);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_get_asset_fingerprint (HyStore *self,
                                const char *computer_id,
                                char **out_fingerprint,
                                GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (computer_id != NULL, FALSE);
  g_return_val_if_fail (out_fingerprint != NULL, FALSE);
  HY_STORE_LOCK (self);

  return _hy_store_query_text (self,
                               "SELECT fingerprint FROM asset_fingerprints WHERE computer_id = ?1",
                               computer_id, out_fingerprint, error);
}

GHashTable *
hy_store_get_asset_fingerprints (HyStore *self, const char *group_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GHashTable) table = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self,
                         group_id ? "SELECT f.computer_id, f.fingerprint FROM asset_fingerprints f "
                                    "JOIN computers c ON c.id = f.computer_id WHERE c.group_id = ?1"
                                  : "SELECT computer_id, fingerprint FROM asset_fingerprints",
                         error);
  if (stmt == NULL)
    return NULL;
  if (group_id)
    _hy_store_bind_text (stmt, 1, group_id);
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    g_hash_table_insert (table, _hy_store_column_dup (stmt, 0), _hy_store_column_dup (stmt, 1));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&table);
}

gboolean
hy_store_clear_asset_fingerprints (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  return _hy_store_exec (self, "DELETE FROM asset_fingerprints", error);
}
