/* hy-store-intake.c: what the alert intake keeps in the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/hy-store-intake.h"
#include "store/hy-store-private.h"

/* ---------------------------------------------------------------------------------------------
 * Settings and counters
 * ------------------------------------------------------------------------------------------- */

void
hy_intake_info_free (HyIntakeInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->computer_label);
  g_free (info->policy_label);
  g_free (info->alertmanager_url);
  g_free (info->day);
  g_free (info->last_alert);
  g_free (info->last_summary);
  g_free (info);
}

static gpointer
read_info (HyStmt *stmt)
{
  HyIntakeInfo *info = g_new0 (HyIntakeInfo, 1);

  info->computer_label = _hy_store_column_dup (stmt, 0);
  info->policy_label = _hy_store_column_dup (stmt, 1);
  info->alertmanager_url = _hy_store_column_dup (stmt, 2);
  info->day = _hy_store_column_dup (stmt, 3);
  info->day_count = sqlite3_column_int64 (stmt, 4);
  info->last_alert = _hy_store_column_dup (stmt, 5);
  info->last_summary = _hy_store_column_dup (stmt, 6);
  info->last_time = sqlite3_column_int64 (stmt, 7);
  return info;
}

HyIntakeInfo *
hy_store_intake_get (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyIntakeInfo *info;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self,
                         "SELECT computer_label, policy_label, alertmanager_url, day, day_count, "
                         "last_alert, last_summary, last_time FROM intake WHERE id = 1",
                         error);
  if (stmt == NULL)
    return NULL;
  info = _hy_store_read_row (self, stmt, read_info, &missing, error);
  /* Nothing recorded yet: every field empty. */
  if (missing)
    info = g_new0 (HyIntakeInfo, 1);
  return info;
}

gboolean
hy_store_intake_set (HyStore *self, const HyIntakeInfo *info, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self,
                         "INSERT INTO intake (id, computer_label, policy_label, alertmanager_url) "
                         "VALUES (1, :computer, :policy, :url) ON CONFLICT (id) DO UPDATE SET "
                         "computer_label = :computer, policy_label = :policy, alertmanager_url = "
                         ":url",
                         error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_named_text (stmt, ":computer", info->computer_label);
  _hy_store_bind_named_text (stmt, ":policy", info->policy_label);
  _hy_store_bind_named_text (stmt, ":url", info->alertmanager_url);
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_intake_note_received (HyStore *self,
                               const char *alert_id,
                               const char *summary,
                               gint64 now,
                               GError **error)
{
  g_autoptr (GDateTime) time = NULL;
  g_autofree char *day = NULL;
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  time = g_date_time_new_from_unix_local (now);
  day = g_date_time_format (time, "%Y-%m-%d");
  stmt = _hy_store_prepare (
      self,
      "INSERT INTO intake (id, day, day_count, last_alert, last_summary, last_time) "
      "VALUES (1, :day, 1, :alert, :summary, :now) ON CONFLICT (id) DO UPDATE SET "
      "day_count = CASE WHEN day IS :day THEN day_count + 1 ELSE 1 END, "
      "day = :day, last_alert = :alert, last_summary = :summary, last_time = :now",
      error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_named_text (stmt, ":day", day);
  _hy_store_bind_named_text (stmt, ":alert", alert_id);
  _hy_store_bind_named_text (stmt, ":summary", summary);
  _hy_store_bind_named_int (stmt, ":now", now);
  return _hy_store_step_done (self, stmt, error);
}

#define TOKEN_MARK_KEY "intake.token_rotated"

gboolean
hy_store_intake_note_token_rotated (HyStore *self, GError **error)
{
  g_autofree char *mark = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  return hy_store_set_setting (self, TOKEN_MARK_KEY, mark, error);
}

char *
hy_store_intake_get_token_mark (HyStore *self, GError **error)
{
  char *mark = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  hy_store_get_setting (self, TOKEN_MARK_KEY, &mark, error);
  return mark;
}

#define LISTEN_KEY    "intake.listen"
#define LISTENING_KEY "intake.listening"

char *
hy_store_intake_get_listen (HyStore *self, GError **error)
{
  char *address = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  hy_store_get_setting (self, LISTEN_KEY, &address, error);
  return address;
}

gboolean
hy_store_intake_set_listen (HyStore *self, const char *address, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  return hy_store_set_setting (self, LISTEN_KEY,
                               address != NULL && *address != '\0' ? address : NULL, error);
}

/* "PID HOST URI": the process that recorded it, and where it listens. */
gboolean
hy_store_intake_set_listening (HyStore *self, const char *uri, GError **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  if (uri == NULL)
    {
      g_autofree char *old = NULL;
      g_auto (GStrv) parts = NULL;

      /* Only this process's own record goes. */
      if (!hy_store_get_setting (self, LISTENING_KEY, &old, error))
        return FALSE;
      parts = old != NULL ? g_strsplit (old, " ", 3) : NULL;
      if (parts == NULL || g_strv_length (parts) != 3 ||
          g_ascii_strtoll (parts[0], NULL, 10) != (gint64) getpid () ||
          g_strcmp0 (parts[1], g_get_host_name ()) != 0)
        return TRUE;
      return hy_store_set_setting (self, LISTENING_KEY, NULL, error);
    }
  value =
      g_strdup_printf ("%" G_GINT64_FORMAT " %s %s", (gint64) getpid (), g_get_host_name (), uri);
  return hy_store_set_setting (self, LISTENING_KEY, value, error);
}

char *
hy_store_intake_get_listening (HyStore *self, gint64 pid, const char *host, GError **error)
{
  g_autofree char *value = NULL;
  g_auto (GStrv) parts = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  if (!hy_store_get_setting (self, LISTENING_KEY, &value, error) || value == NULL)
    return NULL;
  parts = g_strsplit (value, " ", 3);
  if (g_strv_length (parts) != 3 || g_ascii_strtoll (parts[0], NULL, 10) != pid ||
      g_strcmp0 (parts[1], host) != 0)
    return NULL;
  return g_strdup (parts[2]);
}

/* ---------------------------------------------------------------------------------------------
 * Waiting alerts
 * ------------------------------------------------------------------------------------------- */

HyIntakeWaiting *
hy_intake_waiting_copy (const HyIntakeWaiting *waiting)
{
  HyIntakeWaiting *copy = g_new0 (HyIntakeWaiting, 1);

  copy->alert_id = g_strdup (waiting->alert_id);
  copy->source = g_strdup (waiting->source);
  copy->computer = g_strdup (waiting->computer);
  copy->policy = g_strdup (waiting->policy);
  copy->summary = g_strdup (waiting->summary);
  copy->details = g_strdup (waiting->details);
  copy->severity = g_strdup (waiting->severity);
  copy->labels = g_strdup (waiting->labels);
  copy->raised_at = g_strdup (waiting->raised_at);
  copy->reason = g_strdup (waiting->reason);
  copy->reason_code = waiting->reason_code;
  copy->received = waiting->received;
  copy->matched = waiting->matched;
  return copy;
}

void
hy_intake_waiting_free (HyIntakeWaiting *waiting)
{
  if (waiting == NULL)
    return;
  g_free (waiting->alert_id);
  g_free (waiting->source);
  g_free (waiting->computer);
  g_free (waiting->policy);
  g_free (waiting->summary);
  g_free (waiting->details);
  g_free (waiting->severity);
  g_free (waiting->labels);
  g_free (waiting->raised_at);
  g_free (waiting->reason);
  g_free (waiting);
}

#define WAITING_COLUMNS                                                                         \
  "alert_id, source, computer, policy, summary, details, severity, labels, raised_at, reason, " \
  "received, reason_code"

static gpointer
read_waiting (HyStmt *stmt)
{
  HyIntakeWaiting *w = g_new0 (HyIntakeWaiting, 1);

  w->alert_id = _hy_store_column_dup (stmt, 0);
  w->source = _hy_store_column_dup (stmt, 1);
  w->computer = _hy_store_column_dup (stmt, 2);
  w->policy = _hy_store_column_dup (stmt, 3);
  w->summary = _hy_store_column_dup (stmt, 4);
  w->details = _hy_store_column_dup (stmt, 5);
  w->severity = _hy_store_column_dup (stmt, 6);
  w->labels = _hy_store_column_dup (stmt, 7);
  w->raised_at = _hy_store_column_dup (stmt, 8);
  w->reason = _hy_store_column_dup (stmt, 9);
  w->received = sqlite3_column_int64 (stmt, 10);
  w->reason_code = hy_reason_from_string ((const char *) sqlite3_column_text (stmt, 11));
  return w;
}

/* A row of hy_store_intake_list_unrouted (): a waiting alert, and whether it matched. */
static gpointer
read_unrouted (HyStmt *stmt)
{
  HyIntakeWaiting *w = read_waiting (stmt);

  w->matched = sqlite3_column_int (stmt, 12) != 0;
  return w;
}

/* The first @limit rows of @sql (all when 0), made by @read. */
static GPtrArray *
list_waiting (HyStore *self, const char *sql, HyRowReadFunc read, guint limit, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  HY_STORE_LOCK (self);
  stmt = _hy_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_named_int (stmt, ":limit", limit > 0 ? (gint64) limit : -1);
  return _hy_store_read_rows (self, stmt, read, (GDestroyNotify) hy_intake_waiting_free, error);
}

gboolean
hy_store_intake_put_waiting (HyStore *self, const HyIntakeWaiting *waiting, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (waiting != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (waiting->alert_id == NULL || *waiting->alert_id == '\0' || waiting->summary == NULL ||
      waiting->reason == NULL || waiting->source == NULL)
    {
      g_set_error_literal (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                           _ ("A waiting alert needs an id, a source, a summary and a reason."));
      return FALSE;
    }
  stmt = _hy_store_prepare (self,
                            "INSERT OR REPLACE INTO intake_waiting (" WAITING_COLUMNS
                            ") VALUES (:id, :source, :computer, :policy, :summary, :details, "
                            ":severity, :labels, :raised_at, :reason, :received, :reason_code)",
                            error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_named_text (stmt, ":id", waiting->alert_id);
  _hy_store_bind_named_text (stmt, ":source", waiting->source);
  _hy_store_bind_named_text (stmt, ":computer", waiting->computer);
  _hy_store_bind_named_text (stmt, ":policy", waiting->policy);
  _hy_store_bind_named_text (stmt, ":summary", waiting->summary);
  _hy_store_bind_named_text (stmt, ":details", waiting->details);
  _hy_store_bind_named_text (stmt, ":severity", waiting->severity);
  _hy_store_bind_named_text (stmt, ":labels", waiting->labels);
  _hy_store_bind_named_text (stmt, ":raised_at", waiting->raised_at);
  _hy_store_bind_named_text (stmt, ":reason", waiting->reason);
  _hy_store_bind_named_int (stmt, ":received", waiting->received);
  _hy_store_bind_named_text (stmt, ":reason_code", hy_reason_to_string (waiting->reason_code));
  return _hy_store_step_done (self, stmt, error);
}

HyIntakeWaiting *
hy_store_intake_get_waiting (HyStore *self, const char *alert_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyIntakeWaiting *waiting;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "SELECT " WAITING_COLUMNS " FROM intake_waiting WHERE alert_id = :id",
                            error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_named_text (stmt, ":id", alert_id);
  waiting = _hy_store_read_row (self, stmt, read_waiting, &missing, error);
  if (missing)
    /* Translators: %s is an alert id */
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                 _ ("No alert with the id “%s” is waiting for its computer or policy."),
                 alert_id ? alert_id : "");
  return waiting;
}

gboolean
hy_store_intake_delete_waiting (HyStore *self,
                                const char *alert_id,
                                gboolean *out_deleted,
                                GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self, "DELETE FROM intake_waiting WHERE alert_id = :id", error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_named_text (stmt, ":id", alert_id);
  if (!_hy_store_step_done (self, stmt, error))
    return FALSE;
  if (out_deleted != NULL)
    *out_deleted = sqlite3_changes (_hy_store_get_handle (self)) > 0;
  return TRUE;
}

GPtrArray *
hy_store_intake_list_waiting (HyStore *self, guint limit, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  return list_waiting (self,
                       "SELECT " WAITING_COLUMNS " FROM intake_waiting "
                       "ORDER BY received, alert_id LIMIT :limit",
                       read_waiting, limit, error);
}

gint64
hy_store_intake_count_waiting (HyStore *self, GError **error)
{
  gint64 count = 0;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (!_hy_store_query_int (self, "SELECT count(*) FROM intake_waiting", &count, error))
    return -1;
  return count;
}

GPtrArray *
hy_store_intake_list_unrouted (HyStore *self, guint limit, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  return list_waiting (self,
                       "SELECT " WAITING_COLUMNS ", 0 AS matched FROM intake_waiting UNION ALL "
                       "SELECT id, NULL, computer_id, policy_id, summary, details, severity, NULL, "
                       "raised_at, coalesce (reason, ''), 0, reason_code, 1 FROM alerts "
                       "WHERE state = 'unrouted' AND cleared_at IS NULL "
                       "ORDER BY matched, received, raised_at, alert_id LIMIT :limit",
                       read_unrouted, limit, error);
}

/* ---------------------------------------------------------------------------------------------
 * Matching labels to records
 * ------------------------------------------------------------------------------------------- */

static gpointer
read_id (HyStmt *stmt)
{
  return _hy_store_column_dup (stmt, 0);
}

static gboolean
collect_ids (HyStore *self, const char *sql, const char *value, GPtrArray *ids, GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_named_text (stmt, ":value", value);
  return _hy_store_append_rows (self, stmt, read_id, ids, error);
}

GStrv
hy_store_intake_match (HyStore *self, HyRecordKind kind, const char *value, GError **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char *table;
  g_autofree char *by_id = NULL;
  g_autofree char *by_name = NULL;
  g_autofree char *by_id_nocase = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (kind == HY_RECORD_KIND_COMPUTER || kind == HY_RECORD_KIND_POLICY, NULL);

  table = kind == HY_RECORD_KIND_COMPUTER ? "computers" : "policies";
  if (value != NULL && *value != '\0')
    {
      _hy_store_lock (self);
      by_id = g_strdup_printf ("SELECT id FROM %s WHERE id = :value", table);
      by_name = g_strdup_printf ("SELECT id FROM %s WHERE name_key = hy_fold (:value) ORDER BY id",
                                 table);
      by_id_nocase =
          g_strdup_printf ("SELECT id FROM %s WHERE id = :value COLLATE NOCASE ORDER BY id", table);
      if (!collect_ids (self, by_id, value, ids, error) ||
          (ids->len == 0 && !collect_ids (self, by_name, value, ids, error)) ||
          (ids->len == 0 && !collect_ids (self, by_id_nocase, value, ids, error)))
        {
          _hy_store_unlock (self);
          return NULL;
        }
      _hy_store_unlock (self);
    }
  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}
