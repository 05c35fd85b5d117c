/* hy-store-links.c: links to Halo records, group and policy routes
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
 * Links
 * ------------------------------------------------------------------------------------------- */

gboolean
hy_store_link_set (HyStore *self,
                   HyRecordKind kind,
                   const char *local_id,
                   gint64 halo_id,
                   const char *halo_name,
                   HyLinkHow how,
                   GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  gboolean exists = FALSE;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (!_hy_store_check_linkable (kind, error))
    return FALSE;
  if (halo_id <= 0 || how == HY_LINK_HOW_NONE)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A link needs a Halo record id (a positive number)."));
      return FALSE;
    }
  if (!_hy_store_exists_unlocked (self, kind, local_id, &exists, error))
    return FALSE;
  if (!exists)
    return _hy_store_record_not_found (error, kind, local_id);

  stmt =
      _hy_store_prepare (self,
                         "INSERT INTO links (kind, local_id, halo_id, how, halo_name) "
                         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kind, local_id) DO UPDATE SET "
                         "halo_id = excluded.halo_id, how = excluded.how, halo_name = "
                         "excluded.halo_name",
                         error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, hy_record_kind_to_string (kind));
  _hy_store_bind_text (stmt, 2, local_id);
  sqlite3_bind_int64 (stmt, 3, halo_id);
  _hy_store_bind_text (stmt, 4, hy_link_how_to_string (how));
  _hy_store_bind_text (stmt, 5, halo_name);
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_link_clear (HyStore *self, HyRecordKind kind, const char *local_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (!_hy_store_check_linkable (kind, error))
    return FALSE;
  stmt = _hy_store_prepare (self, "DELETE FROM links WHERE kind = ?1 AND local_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, hy_record_kind_to_string (kind));
  _hy_store_bind_text (stmt, 2, local_id);
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_link_get (HyStore *self,
                   HyRecordKind kind,
                   const char *local_id,
                   HyLinkInfo *out_link,
                   GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);
  g_return_val_if_fail (out_link != NULL, FALSE);
  HY_STORE_LOCK (self);

  memset (out_link, 0, sizeof *out_link);
  if (!_hy_store_check_linkable (kind, error))
    return FALSE;
  stmt = _hy_store_prepare (
      self, "SELECT how, halo_id, halo_name FROM links WHERE kind = ?1 AND local_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, hy_record_kind_to_string (kind));
  _hy_store_bind_text (stmt, 2, local_id);
  rc = _hy_store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    _hy_store_read_link (stmt, 0, out_link);
  return TRUE;
}

GStrv
hy_store_link_find_local (HyStore *self, HyRecordKind kind, gint64 halo_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  if (!_hy_store_check_linkable (kind, error))
    return NULL;
  stmt = _hy_store_prepare (
      self, "SELECT local_id FROM links WHERE kind = ?1 AND halo_id = ?2 ORDER BY local_id", error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, hy_record_kind_to_string (kind));
  sqlite3_bind_int64 (stmt, 2, halo_id);
  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc < 0)
    return NULL;
  return g_strv_builder_end (builder);
}

GPtrArray *
hy_store_list_links (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GPtrArray) links = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  if (!_hy_store_check_linkable (kind, error))
    return NULL;
  g_string_append_printf (sql,
                          "SELECT t.id, t.%s, l.how, l.halo_id, l.halo_name, %s FROM \"%s\" t "
                          "LEFT JOIN links l ON l.kind = '%s' AND l.local_id = t.id",
                          _hy_store_name_field (kind)->column,
                          kind == HY_RECORD_KIND_COMPUTER ? "t.retired" : "NULL",
                          hy_record_kind_to_plural (kind), hy_record_kind_to_string (kind));
  _hy_store_append_where (sql, kind, query);
  _hy_store_append_order_limit (sql, kind, query);
  stmt = _hy_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (query != NULL && query->search != NULL && *query->search != '\0')
    folded = _hy_store_fold (query->search);
  _hy_store_bind_query (stmt, query, folded);

  links = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_link_free);
  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      HyLink *link = g_new0 (HyLink, 1);

      link->kind = kind;
      link->id = _hy_store_column_dup (stmt, 0);
      link->name = _hy_store_column_dup (stmt, 1);
      _hy_store_read_link (stmt, 2, &link->link);
      link->retired = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (links, link);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&links);
}

/* ---------------------------------------------------------------------------------------------
 * Rejected suggestions
 * ------------------------------------------------------------------------------------------- */

gboolean
hy_store_link_reject (HyStore *self,
                      HyRecordKind kind,
                      const char *local_id,
                      gint64 halo_id,
                      GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (!_hy_store_check_linkable (kind, error))
    return FALSE;
  if (halo_id <= 0)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A link needs a Halo record id (a positive number)."));
      return FALSE;
    }
  stmt = _hy_store_prepare (self,
                            "INSERT OR IGNORE INTO link_rejections (kind, local_id, halo_id) "
                            "VALUES (?1, ?2, ?3)",
                            error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, hy_record_kind_to_string (kind));
  _hy_store_bind_text (stmt, 2, local_id);
  sqlite3_bind_int64 (stmt, 3, halo_id);
  return _hy_store_step_done (self, stmt, error);
}

GArray *
hy_store_link_list_rejected (HyStore *self, HyRecordKind kind, const char *local_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GArray) ids = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (local_id != NULL, NULL);
  HY_STORE_LOCK (self);

  if (!_hy_store_check_linkable (kind, error))
    return NULL;
  stmt = _hy_store_prepare (self,
                            "SELECT halo_id FROM link_rejections WHERE kind = ?1 AND local_id = ?2 "
                            "ORDER BY halo_id",
                            error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, hy_record_kind_to_string (kind));
  _hy_store_bind_text (stmt, 2, local_id);
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 halo_id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, halo_id);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&ids);
}

/* ---------------------------------------------------------------------------------------------
 * Routes
 * ------------------------------------------------------------------------------------------- */

gboolean
_hy_store_require_record (HyStore *self, HyRecordKind kind, const char *id, GError **error)
{
  gboolean exists = FALSE;

  if (!_hy_store_exists_unlocked (self, kind, id, &exists, error))
    return FALSE;
  if (!exists)
    return _hy_store_record_not_found (error, kind, id);
  return TRUE;
}

static gboolean
delete_by_text (HyStore *self, const char *sql, const char *id, GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, id);
  return _hy_store_step_done (self, stmt, error);
}

/* Group and policy mappings: a local id, a Halo id it needs and a Halo id it may have. */

/* Maps @id, a record that exists, with @sql, which takes it as ?1, the Halo @halo_id as ?2 and
 * the optional Halo @optional_id (0: none) as ?3. */
static gboolean
upsert_mapping (HyStore *self,
                const char *sql,
                const char *id,
                gint64 halo_id,
                gint64 optional_id,
                GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, halo_id);
  _hy_store_bind_id (stmt, 3, optional_id);
  return _hy_store_step_done (self, stmt, error);
}

/* The mapping @sql finds for @id (its ?1), made by @read; NULL when the step failed (@error
 * set) or when there is none (*@out_missing TRUE: the caller says which mapping is missing). */
static gpointer
read_mapping (HyStore *self,
              const char *sql,
              const char *id,
              HyRowReadFunc read,
              gboolean *out_missing,
              GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);

  *out_missing = FALSE;
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, id);
  return _hy_store_read_row (self, stmt, read, out_missing, error);
}

static GPtrArray *
list_mappings (HyStore *self,
               const char *sql,
               HyRowReadFunc read,
               GDestroyNotify free_func,
               GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  return _hy_store_read_rows (self, stmt, read, free_func, error);
}

gboolean
hy_store_map_group (HyStore *self,
                    const char *group_id,
                    gint64 client_id,
                    gint64 site_id,
                    GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (client_id <= 0)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A group needs a Halo client to be mapped to."));
      return FALSE;
    }
  if (!_hy_store_require_record (self, HY_RECORD_KIND_GROUP, group_id, error))
    return FALSE;
  return upsert_mapping (self,
                         "INSERT INTO group_mappings (group_id, client_id, site_id) "
                         "VALUES (?1, ?2, ?3) ON CONFLICT (group_id) DO UPDATE SET "
                         "client_id = excluded.client_id, site_id = excluded.site_id",
                         group_id, client_id, site_id, error);
}

gboolean
hy_store_unmap_group (HyStore *self, const char *group_id, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  return delete_by_text (self, "DELETE FROM group_mappings WHERE group_id = ?1", group_id, error);
}

static gpointer
read_group_mapping (HyStmt *stmt)
{
  HyGroupMapping *mapping = g_new0 (HyGroupMapping, 1);

  mapping->group_id = _hy_store_column_dup (stmt, 0);
  mapping->client_id = sqlite3_column_int64 (stmt, 1);
  mapping->site_id = sqlite3_column_int64 (stmt, 2);
  return mapping;
}

HyGroupMapping *
hy_store_get_group_mapping (HyStore *self, const char *group_id, GError **error)
{
  HyGroupMapping *mapping;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (group_id != NULL, NULL);
  HY_STORE_LOCK (self);

  mapping =
      read_mapping (self,
                    "SELECT group_id, client_id, site_id FROM group_mappings WHERE group_id = ?1",
                    group_id, read_group_mapping, &missing, error);
  if (missing)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                 _ ("The group “%s” is not mapped to a Halo client."), group_id);
  return mapping;
}

GPtrArray *
hy_store_list_group_mappings (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  return list_mappings (self,
                        "SELECT group_id, client_id, site_id FROM group_mappings ORDER BY group_id",
                        read_group_mapping, (GDestroyNotify) hy_group_mapping_free, error);
}

gboolean
hy_store_map_policy (HyStore *self,
                     const char *policy_id,
                     gint64 ticket_type_id,
                     gint64 close_status_id,
                     GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (policy_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (ticket_type_id <= 0)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A policy needs a Halo ticket type to be mapped to."));
      return FALSE;
    }
  if (!_hy_store_require_record (self, HY_RECORD_KIND_POLICY, policy_id, error))
    return FALSE;
  return upsert_mapping (self,
                         "INSERT INTO policy_mappings (policy_id, ticket_type_id, close_status_id) "
                         "VALUES (?1, ?2, ?3) ON CONFLICT (policy_id) DO UPDATE SET "
                         "ticket_type_id = excluded.ticket_type_id, "
                         "close_status_id = excluded.close_status_id",
                         policy_id, ticket_type_id, close_status_id, error);
}

gboolean
hy_store_unmap_policy (HyStore *self, const char *policy_id, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (policy_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  return delete_by_text (self, "DELETE FROM policy_mappings WHERE policy_id = ?1", policy_id,
                         error);
}

static gpointer
read_policy_mapping (HyStmt *stmt)
{
  HyPolicyMapping *mapping = g_new0 (HyPolicyMapping, 1);

  mapping->policy_id = _hy_store_column_dup (stmt, 0);
  mapping->ticket_type_id = sqlite3_column_int64 (stmt, 1);
  mapping->close_status_id = sqlite3_column_int64 (stmt, 2);
  return mapping;
}

HyPolicyMapping *
hy_store_get_policy_mapping (HyStore *self, const char *policy_id, GError **error)
{
  HyPolicyMapping *mapping;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (policy_id != NULL, NULL);
  HY_STORE_LOCK (self);

  mapping = read_mapping (self,
                          "SELECT policy_id, ticket_type_id, close_status_id FROM policy_mappings "
                          "WHERE policy_id = ?1",
                          policy_id, read_policy_mapping, &missing, error);
  if (missing)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                 _ ("The policy “%s” is not mapped to a Halo ticket type."), policy_id);
  return mapping;
}

GPtrArray *
hy_store_list_policy_mappings (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  return list_mappings (self,
                        "SELECT policy_id, ticket_type_id, close_status_id FROM policy_mappings "
                        "ORDER BY policy_id",
                        read_policy_mapping, (GDestroyNotify) hy_policy_mapping_free, error);
}
