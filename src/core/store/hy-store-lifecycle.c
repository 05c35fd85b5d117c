/* hy-store-lifecycle.c: ticket defaults, maintenance windows and alert lifecycle in the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "store/hy-store-lifecycle.h"
#include "store/hy-store-private.h"

/* Every call runs in a store transaction (hy_store_begin () holds the store's lock), on the
 * store's own statements (hy-store-private.h): each statement runs in a helper of its own, so
 * that it is released before the transaction ends. */

/* An empty text is no text. */
static void
bind_text (HyStmt *stmt, int index, const char *text)
{
  _hy_store_bind_text (stmt, index, text != NULL && *text != '\0' ? text : NULL);
}

/* An id or a time: none unless it is positive. */
static void
bind_id (HyStmt *stmt, int index, gint64 id)
{
  _hy_store_bind_id (stmt, index, MAX (id, 0));
}

/* Ends the transaction begun by the caller: committed when @ok, rolled back otherwise. */
static gboolean
finish (HyStore *self, gboolean ok, GError **error)
{
  if (!ok)
    {
      hy_store_rollback (self);
      return FALSE;
    }
  return hy_store_commit (self, error);
}

/* Fills @out from a row of the statement. */
typedef void (*FillFunc) (HyStmt *stmt, gpointer out);

/* Runs @sql, which takes @id as ?1, and fills @out from its row with @fill when it has one (else
 * @out keeps its values). FALSE with @error set when the statement failed. */
static gboolean
read_row_into (HyStore *self,
               const char *sql,
               const char *id,
               FillFunc fill,
               gpointer out,
               GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  rc = _hy_store_step (self, stmt, error);
  if (rc == SQLITE_ROW)
    fill (stmt, out);
  return rc >= 0;
}

static gboolean
require (HyStore *self, HyRecordKind kind, const char *id, GError **error)
{
  gboolean exists = FALSE;

  if (!hy_store_exists (self, kind, id, &exists, error))
    return FALSE;
  if (exists)
    return TRUE;
  if (kind == HY_RECORD_KIND_GROUP)
    /* Translators: %s is a device group id */
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                 _ ("There is no group with the id “%s”. Check the id, or import the group first."),
                 id);
  else
    /* Translators: %s is a monitor policy id */
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                 _ ("There is no policy with the id “%s”. Check the id, or import the policy "
                    "first."),
                 id);
  return FALSE;
}

/* ---------------------------------------------------------------------------------------------
 * Ticket defaults
 * ------------------------------------------------------------------------------------------- */

HyPolicyDefaults *
hy_policy_defaults_new (const char *policy_id)
{
  HyPolicyDefaults *defaults = g_new0 (HyPolicyDefaults, 1);

  defaults->policy_id = g_strdup (policy_id);
  defaults->flap_minutes = -1;
  return defaults;
}

void
hy_policy_defaults_free (HyPolicyDefaults *defaults)
{
  if (defaults == NULL)
    return;
  g_free (defaults->policy_id);
  g_free (defaults->severity_priorities);
  g_free (defaults->team);
  g_free (defaults->category);
  g_free (defaults);
}

guint
hy_policy_defaults_get_flap_minutes (const HyPolicyDefaults *defaults)
{
  if (defaults == NULL || defaults->flap_minutes < 0)
    return HY_POLICY_DEFAULT_FLAP_MINUTES;
  return (guint) defaults->flap_minutes;
}

GHashTable *
hy_policy_defaults_parse_severities (const char *text)
{
  g_autoptr (GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) pairs = NULL;

  if (text == NULL)
    return NULL;
  pairs = g_strsplit (text, ",", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (pairs[i], "=", 2);
      g_autofree char *severity = NULL;
      guint64 id = 0;

      if (g_strv_length (pair) != 2)
        return NULL;
      severity = g_utf8_strdown (g_strstrip (pair[0]), -1);
      if (*severity == '\0' ||
          !g_ascii_string_to_unsigned (g_strstrip (pair[1]), 10, 1, G_MAXINT32, &id, NULL) ||
          g_hash_table_contains (table, severity))
        return NULL;
      g_hash_table_insert (table, g_steal_pointer (&severity), GSIZE_TO_POINTER ((gsize) id));
    }
  if (g_hash_table_size (table) == 0)
    return NULL;
  return g_steal_pointer (&table);
}

gint64
hy_policy_defaults_priority_for (const HyPolicyDefaults *defaults, const char *severity)
{
  if (defaults == NULL)
    return 0;
  if (severity != NULL && defaults->severity_priorities != NULL)
    {
      g_autoptr (GHashTable) table =
          hy_policy_defaults_parse_severities (defaults->severity_priorities);
      g_autofree char *key = g_utf8_strdown (severity, -1);
      gpointer id;

      if (table != NULL && g_hash_table_lookup_extended (table, g_strstrip (key), NULL, &id))
        return (gint64) GPOINTER_TO_SIZE (id);
    }
  return defaults->priority_id;
}

static void
fill_policy_defaults (HyStmt *stmt, gpointer out)
{
  HyPolicyDefaults *defaults = out;

  defaults->priority_id = sqlite3_column_int64 (stmt, 0);
  defaults->severity_priorities = _hy_store_column_dup (stmt, 1);
  defaults->team = _hy_store_column_dup (stmt, 2);
  defaults->agent_id = sqlite3_column_int64 (stmt, 3);
  defaults->category = _hy_store_column_dup (stmt, 4);
  defaults->user_id = sqlite3_column_int64 (stmt, 5);
  if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
    defaults->flap_minutes = sqlite3_column_int (stmt, 6);
  defaults->user_client_id = sqlite3_column_int64 (stmt, 7);
  defaults->user_site_id = sqlite3_column_int64 (stmt, 8);
}

HyPolicyDefaults *
hy_store_get_policy_defaults (HyStore *self, const char *policy_id, GError **error)
{
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (policy_id != NULL, NULL);

  if (!hy_store_begin (self, error))
    return NULL;
  defaults = hy_policy_defaults_new (policy_id);
  ok = require (self, HY_RECORD_KIND_POLICY, policy_id, error) &&
       read_row_into (self,
                      "SELECT priority_id, severity_priorities, team, agent_id, category, "
                      "user_id, flap_minutes, user_client_id, user_site_id "
                      "FROM policy_defaults WHERE policy_id = ?1",
                      policy_id, fill_policy_defaults, defaults, error);
  if (!finish (self, ok, error))
    return NULL;
  return g_steal_pointer (&defaults);
}

static gboolean
write_policy_defaults (HyStore *self, const HyPolicyDefaults *defaults, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  stmt = _hy_store_prepare (self,
                            "INSERT OR REPLACE INTO policy_defaults (policy_id, priority_id, "
                            "severity_priorities, team, agent_id, category, user_id, flap_minutes, "
                            "user_client_id, user_site_id) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                            error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, defaults->policy_id);
  bind_id (stmt, 2, defaults->priority_id);
  bind_text (stmt, 3, defaults->severity_priorities);
  bind_text (stmt, 4, defaults->team);
  bind_id (stmt, 5, defaults->agent_id);
  bind_text (stmt, 6, defaults->category);
  bind_id (stmt, 7, defaults->user_id);
  if (defaults->flap_minutes < 0)
    sqlite3_bind_null (stmt, 8);
  else
    sqlite3_bind_int (stmt, 8, defaults->flap_minutes);
  bind_id (stmt, 9, defaults->user_id > 0 ? defaults->user_client_id : 0);
  bind_id (stmt, 10, defaults->user_id > 0 ? defaults->user_site_id : 0);
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_set_policy_defaults (HyStore *self, const HyPolicyDefaults *defaults, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (defaults != NULL && defaults->policy_id != NULL, FALSE);

  if (defaults->severity_priorities != NULL &&
      hy_policy_defaults_parse_severities (defaults->severity_priorities) == NULL)
    {
      g_set_error_literal (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                           _ ("The severity table must read SEVERITY=ID,SEVERITY=ID, for example "
                              "critical=1,warning=3."));
      return FALSE;
    }
  if (!hy_store_begin (self, error))
    return FALSE;
  ok = require (self, HY_RECORD_KIND_POLICY, defaults->policy_id, error) &&
       write_policy_defaults (self, defaults, error);
  return finish (self, ok, error);
}

/* ---------------------------------------------------------------------------------------------
 * Maintenance windows
 * ------------------------------------------------------------------------------------------- */

void
hy_maintenance_window_free (HyMaintenanceWindow *window)
{
  if (window == NULL)
    return;
  g_free (window->group_id);
  g_free (window->reason);
  g_free (window);
}

#define WINDOW_COLUMNS "id, group_id, starts_at, ends_at, reason, created"

static gpointer
read_window (HyStmt *stmt)
{
  HyMaintenanceWindow *window = g_new0 (HyMaintenanceWindow, 1);

  window->id = sqlite3_column_int64 (stmt, 0);
  window->group_id = _hy_store_column_dup (stmt, 1);
  window->starts_at = sqlite3_column_int64 (stmt, 2);
  window->ends_at = sqlite3_column_int64 (stmt, 3);
  window->reason = _hy_store_column_dup (stmt, 4);
  window->created = sqlite3_column_int64 (stmt, 5);
  return window;
}

/* The new window's id, or 0 with @error set. */
static gint64
insert_maintenance (HyStore *self,
                    const char *group_id,
                    gint64 starts_at,
                    gint64 ends_at,
                    const char *reason,
                    GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  stmt = _hy_store_prepare (self,
                            "INSERT INTO maintenance_windows (group_id, starts_at, ends_at, "
                            "reason, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                            error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, starts_at);
  sqlite3_bind_int64 (stmt, 3, ends_at);
  bind_text (stmt, 4, reason);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  if (!_hy_store_step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (_hy_store_get_handle (self));
}

gint64
hy_store_add_maintenance (HyStore *self,
                          const char *group_id,
                          gint64 starts_at,
                          gint64 ends_at,
                          const char *reason,
                          GError **error)
{
  gint64 id = 0;

  g_return_val_if_fail (HY_IS_STORE (self), 0);
  g_return_val_if_fail (group_id != NULL, 0);

  if (ends_at <= starts_at)
    {
      g_set_error_literal (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                           _ ("A maintenance window must end after it starts."));
      return 0;
    }
  if (!hy_store_begin (self, error))
    return 0;
  if (require (self, HY_RECORD_KIND_GROUP, group_id, error))
    id = insert_maintenance (self, group_id, starts_at, ends_at, reason, error);
  if (!finish (self, id != 0, error))
    return 0;
  return id;
}

static gboolean
delete_maintenance (HyStore *self, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  stmt = _hy_store_prepare (self, "DELETE FROM maintenance_windows WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!_hy_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (_hy_store_get_handle (self)) == 0)
    {
      /* Translators: %lld is a maintenance window's id */
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                   _ ("There is no maintenance window %lld. `maintenance list` shows them."),
                   (long long) id);
      return FALSE;
    }
  return TRUE;
}

gboolean
hy_store_remove_maintenance (HyStore *self, gint64 id, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);

  if (!hy_store_begin (self, error))
    return FALSE;
  return finish (self, delete_maintenance (self, id, error), error);
}

/* The windows @sql finds (in the caller's transaction), or NULL with @error set. @sql takes a
 * group (or NULL) as ?1 and a time as ?2. */
static GPtrArray *
list_windows (HyStore *self, const char *sql, const char *group_id, gint64 time, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  stmt = _hy_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, time);
  return _hy_store_read_rows (self, stmt, read_window, (GDestroyNotify) hy_maintenance_window_free,
                              error);
}

GPtrArray *
hy_store_list_maintenance (HyStore *self, const char *group_id, gint64 after, GError **error)
{
  g_autoptr (GPtrArray) windows = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  if (!hy_store_begin (self, error))
    return NULL;
  if (group_id == NULL || require (self, HY_RECORD_KIND_GROUP, group_id, error))
    windows = list_windows (self,
                            "SELECT " WINDOW_COLUMNS " FROM maintenance_windows "
                            "WHERE (?1 IS NULL OR group_id = ?1) AND ends_at > ?2 "
                            "ORDER BY starts_at, id",
                            group_id, after, error);
  if (!finish (self, windows != NULL, error))
    return NULL;
  return g_steal_pointer (&windows);
}

/* The first maintenance window @sql finds for @group_id or one of its parents, or NULL (and no
 * error) when there is none. @sql takes the group as ?1 and a time as ?2, and finds one row at
 * the most. */
static HyMaintenanceWindow *
maintenance_window_of_group (HyStore *self,
                             const char *sql,
                             const char *group_id,
                             gint64 time,
                             GError **error)
{
  g_autoptr (GPtrArray) windows = NULL;

  if (group_id == NULL)
    return NULL;
  if (!hy_store_begin (self, error))
    return NULL;
  windows = list_windows (self, sql, group_id, time, error);
  if (!finish (self, windows != NULL, error) || windows->len == 0)
    return NULL;
  return g_ptr_array_steal_index (windows, 0);
}

/* The group and its parents (a cycle, which the store never holds, ends the walk: UNION keeps
 * each group once). */
#define GROUP_AND_PARENTS                                           \
  "WITH RECURSIVE up (id) AS (SELECT ?1 UNION "                     \
  "  SELECT g.parent_id FROM \"groups\" g JOIN up ON g.id = up.id " \
  "  WHERE g.parent_id IS NOT NULL) "

HyMaintenanceWindow *
hy_store_maintenance_at (HyStore *self, const char *group_id, gint64 now, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  return maintenance_window_of_group (self,
                                      GROUP_AND_PARENTS "SELECT " WINDOW_COLUMNS
                                                        " FROM maintenance_windows "
                                                        "WHERE group_id IN (SELECT id FROM up) AND "
                                                        "starts_at <= ?2 AND ends_at > ?2 "
                                                        "ORDER BY ends_at DESC, id LIMIT 1",
                                      group_id, now, error);
}

HyMaintenanceWindow *
hy_store_maintenance_next (HyStore *self, const char *group_id, gint64 after, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  return maintenance_window_of_group (self,
                                      GROUP_AND_PARENTS
                                      "SELECT " WINDOW_COLUMNS " FROM maintenance_windows "
                                      "WHERE group_id IN (SELECT id FROM up) AND starts_at > ?2 "
                                      "ORDER BY starts_at, ends_at DESC, id LIMIT 1",
                                      group_id, after, error);
}

/* ---------------------------------------------------------------------------------------------
 * Alert lifecycle
 * ------------------------------------------------------------------------------------------- */

static void
fill_alert_lifecycle (HyStmt *stmt, gpointer out)
{
  HyAlertLifecycle *lifecycle = out;

  lifecycle->suppressed_until = sqlite3_column_int64 (stmt, 0);
  lifecycle->closed_at = sqlite3_column_int64 (stmt, 1);
  lifecycle->closed_ticket_id = sqlite3_column_int64 (stmt, 2);
  lifecycle->previous_ticket_id = sqlite3_column_int64 (stmt, 3);
  lifecycle->repeats = (guint) sqlite3_column_int64 (stmt, 4);
  lifecycle->last_repeat_note = sqlite3_column_int64 (stmt, 5);
}

gboolean
hy_store_get_alert_lifecycle (HyStore *self,
                              const char *alert_id,
                              HyAlertLifecycle *out_lifecycle,
                              GError **error)
{
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL && out_lifecycle != NULL, FALSE);

  memset (out_lifecycle, 0, sizeof *out_lifecycle);
  if (!hy_store_begin (self, error))
    return FALSE;
  ok = read_row_into (self,
                      "SELECT suppressed_until, closed_at, closed_ticket_id, previous_ticket_id, "
                      "repeats, last_repeat_note FROM alert_lifecycle WHERE alert_id = ?1",
                      alert_id, fill_alert_lifecycle, out_lifecycle, error);
  return finish (self, ok, error);
}

static gboolean
write_alert_lifecycle (HyStore *self,
                       const char *alert_id,
                       const HyAlertLifecycle *lifecycle,
                       GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  stmt = _hy_store_prepare (
      self,
      "INSERT INTO alert_lifecycle (alert_id, suppressed_until, closed_at, "
      "closed_ticket_id, previous_ticket_id, repeats, last_repeat_note) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (alert_id) DO UPDATE SET "
      "suppressed_until = excluded.suppressed_until, closed_at = excluded.closed_at, "
      "closed_ticket_id = excluded.closed_ticket_id, "
      "previous_ticket_id = excluded.previous_ticket_id, repeats = excluded.repeats, "
      "last_repeat_note = excluded.last_repeat_note",
      error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, alert_id);
  bind_id (stmt, 2, lifecycle->suppressed_until);
  bind_id (stmt, 3, lifecycle->closed_at);
  bind_id (stmt, 4, lifecycle->closed_ticket_id);
  bind_id (stmt, 5, lifecycle->previous_ticket_id);
  sqlite3_bind_int64 (stmt, 6, lifecycle->repeats);
  bind_id (stmt, 7, lifecycle->last_repeat_note);
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_set_alert_lifecycle (HyStore *self,
                              const char *alert_id,
                              const HyAlertLifecycle *lifecycle,
                              GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL && lifecycle != NULL, FALSE);

  if (!hy_store_begin (self, error))
    return FALSE;
  return finish (self, write_alert_lifecycle (self, alert_id, lifecycle, error), error);
}

static void
fill_int (HyStmt *stmt, gpointer out)
{
  *(gint64 *) out = sqlite3_column_int64 (stmt, 0);
}

gboolean
hy_store_get_alert_ticket_status (HyStore *self,
                                  const char *alert_id,
                                  gint64 *out_status_id,
                                  GError **error)
{
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL && out_status_id != NULL, FALSE);

  *out_status_id = 0;
  if (!hy_store_begin (self, error))
    return FALSE;
  ok = read_row_into (self, "SELECT ticket_status_id FROM alert_lifecycle WHERE alert_id = ?1",
                      alert_id, fill_int, out_status_id, error);
  return finish (self, ok, error);
}

static gboolean
write_alert_ticket_status (HyStore *self, const char *alert_id, gint64 status_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  /* Only this column: the rest of the alert's lifecycle is another writer's. */
  stmt = _hy_store_prepare (
      self,
      status_id > 0 ? "INSERT INTO alert_lifecycle (alert_id, ticket_status_id) VALUES (?1, ?2) "
                      "ON CONFLICT (alert_id) DO UPDATE SET "
                      "ticket_status_id = excluded.ticket_status_id"
                    : "UPDATE alert_lifecycle SET ticket_status_id = NULL WHERE alert_id = ?1",
      error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, alert_id);
  if (status_id > 0)
    sqlite3_bind_int64 (stmt, 2, status_id);
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_set_alert_ticket_status (HyStore *self,
                                  const char *alert_id,
                                  gint64 status_id,
                                  GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL, FALSE);

  if (!hy_store_begin (self, error))
    return FALSE;
  return finish (self, write_alert_ticket_status (self, alert_id, status_id, error), error);
}

static gpointer
read_alert_id (HyStmt *stmt)
{
  return _hy_store_column_dup (stmt, 0);
}

static GPtrArray *
list_suppressed_alerts (HyStore *self, gint64 until, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  stmt = _hy_store_prepare (self,
                            "SELECT l.alert_id FROM alert_lifecycle l JOIN alerts a "
                            "ON a.id = l.alert_id WHERE l.suppressed_until IS NOT NULL "
                            "AND l.suppressed_until <= ?1 AND a.cleared_at IS NULL "
                            "ORDER BY l.suppressed_until, l.alert_id",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, until);
  return _hy_store_read_rows (self, stmt, read_alert_id, g_free, error);
}

GStrv
hy_store_list_suppressed_alerts (HyStore *self, gint64 until, GError **error)
{
  g_autoptr (GPtrArray) ids = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  if (!hy_store_begin (self, error))
    return NULL;
  ids = list_suppressed_alerts (self, until, error);
  if (!finish (self, ids != NULL, error))
    return NULL;
  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_steal (ids, NULL);
}

/* The first column of @sql's first row, or -1 with @error set. */
static gint64
query_int (HyStore *self, const char *sql, GError **error)
{
  gint64 value = -1;

  if (!hy_store_begin (self, error))
    return -1;
  if (!finish (self, _hy_store_query_int (self, sql, &value, error), error))
    return -1;
  return value;
}

gint64
hy_store_count_suppressed_alerts (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), -1);
  return query_int (self,
                    "SELECT count(*) FROM alert_lifecycle l JOIN alerts a ON a.id = l.alert_id "
                    "WHERE l.suppressed_until IS NOT NULL AND a.cleared_at IS NULL",
                    error);
}

gint64
hy_store_next_suppression_end (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), -1);
  return query_int (self,
                    "SELECT coalesce(min(l.suppressed_until), 0) FROM alert_lifecycle l "
                    "JOIN alerts a ON a.id = l.alert_id "
                    "WHERE l.suppressed_until IS NOT NULL AND a.cleared_at IS NULL",
                    error);
}
