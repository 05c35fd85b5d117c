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
 * Helpers: the statements here are few and small, so they are prepared per call, under the
 * store's lock.
 * ------------------------------------------------------------------------------------------- */

typedef struct
{
  HyStore *store;
  sqlite3_stmt *stmt;
} Query;

static void
query_end (Query *q)
{
  if (q->stmt != NULL)
    sqlite3_finalize (q->stmt);
  if (q->store != NULL)
    _hy_store_unlock (q->store);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Query, query_end)

static gboolean
query_begin (Query *q, HyStore *store, const char *sql, GError **error)
{
  int rc;

  _hy_store_lock (store);
  q->store = store;
  rc = sqlite3_prepare_v2 (_hy_store_get_handle (store), sql, -1, &q->stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hy_store_set_sqlite_error (store, error, rc);
      return FALSE;
    }
  return TRUE;
}

static void
bind_text (Query *q, const char *name, const char *text)
{
  int index = sqlite3_bind_parameter_index (q->stmt, name);

  if (index <= 0)
    return;
  if (text == NULL)
    sqlite3_bind_null (q->stmt, index);
  else
    sqlite3_bind_text (q->stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
bind_int (Query *q, const char *name, gint64 value)
{
  int index = sqlite3_bind_parameter_index (q->stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (q->stmt, index, value);
}

/* SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
static int
query_step (Query *q, GError **error)
{
  int rc = sqlite3_step (q->stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  _hy_store_set_sqlite_error (q->store, error, rc);
  return -1;
}

static char *
column_dup (Query *q, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (q->stmt, column));
}

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

HyIntakeInfo *
hy_store_intake_get (HyStore *self, GError **error)
{
  g_auto (Query) q = { 0 };
  g_autoptr (HyIntakeInfo) info = g_new0 (HyIntakeInfo, 1);
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  if (!query_begin (&q, self,
                    "SELECT computer_label, policy_label, alertmanager_url, day, day_count, "
                    "last_alert, last_summary, last_time FROM intake WHERE id = 1",
                    error))
    return NULL;
  rc = query_step (&q, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_ROW)
    {
      info->computer_label = column_dup (&q, 0);
      info->policy_label = column_dup (&q, 1);
      info->alertmanager_url = column_dup (&q, 2);
      info->day = column_dup (&q, 3);
      info->day_count = sqlite3_column_int64 (q.stmt, 4);
      info->last_alert = column_dup (&q, 5);
      info->last_summary = column_dup (&q, 6);
      info->last_time = sqlite3_column_int64 (q.stmt, 7);
    }
  return g_steal_pointer (&info);
}

gboolean
hy_store_intake_set (HyStore *self, const HyIntakeInfo *info, GError **error)
{
  g_auto (Query) q = { 0 };

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  if (!query_begin (&q, self,
                    "INSERT INTO intake (id, computer_label, policy_label, alertmanager_url) "
                    "VALUES (1, :computer, :policy, :url) ON CONFLICT (id) DO UPDATE SET "
                    "computer_label = :computer, policy_label = :policy, alertmanager_url = :url",
                    error))
    return FALSE;
  bind_text (&q, ":computer", info->computer_label);
  bind_text (&q, ":policy", info->policy_label);
  bind_text (&q, ":url", info->alertmanager_url);
  return query_step (&q, error) >= 0;
}

gboolean
hy_store_intake_note_received (HyStore *self,
                               const char *alert_id,
                               const char *summary,
                               gint64 now,
                               GError **error)
{
  g_auto (Query) q = { 0 };
  g_autoptr (GDateTime) time = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);

  time = g_date_time_new_from_unix_local (now);
  day = g_date_time_format (time, "%Y-%m-%d");
  if (!query_begin (&q, self,
                    "INSERT INTO intake (id, day, day_count, last_alert, last_summary, last_time) "
                    "VALUES (1, :day, 1, :alert, :summary, :now) ON CONFLICT (id) DO UPDATE SET "
                    "day_count = CASE WHEN day IS :day THEN day_count + 1 ELSE 1 END, "
                    "day = :day, last_alert = :alert, last_summary = :summary, last_time = :now",
                    error))
    return FALSE;
  bind_text (&q, ":day", day);
  bind_text (&q, ":alert", alert_id);
  bind_text (&q, ":summary", summary);
  bind_int (&q, ":now", now);
  return query_step (&q, error) >= 0;
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
  "received"

static HyIntakeWaiting *
read_waiting (Query *q)
{
  HyIntakeWaiting *w = g_new0 (HyIntakeWaiting, 1);

  w->alert_id = column_dup (q, 0);
  w->source = column_dup (q, 1);
  w->computer = column_dup (q, 2);
  w->policy = column_dup (q, 3);
  w->summary = column_dup (q, 4);
  w->details = column_dup (q, 5);
  w->severity = column_dup (q, 6);
  w->labels = column_dup (q, 7);
  w->raised_at = column_dup (q, 8);
  w->reason = column_dup (q, 9);
  w->received = sqlite3_column_int64 (q->stmt, 10);
  return w;
}

gboolean
hy_store_intake_put_waiting (HyStore *self, const HyIntakeWaiting *waiting, GError **error)
{
  g_auto (Query) q = { 0 };

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (waiting != NULL, FALSE);

  if (waiting->alert_id == NULL || *waiting->alert_id == '\0' || waiting->summary == NULL ||
      waiting->reason == NULL || waiting->source == NULL)
    {
      g_set_error_literal (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                           _ ("A waiting alert needs an id, a source, a summary and a reason."));
      return FALSE;
    }
  if (!query_begin (&q, self,
                    "INSERT OR REPLACE INTO intake_waiting (" WAITING_COLUMNS ") VALUES (:id, "
                    ":source, :computer, :policy, :summary, :details, :severity, :labels, "
                    ":raised_at, :reason, :received)",
                    error))
    return FALSE;
  bind_text (&q, ":id", waiting->alert_id);
  bind_text (&q, ":source", waiting->source);
  bind_text (&q, ":computer", waiting->computer);
  bind_text (&q, ":policy", waiting->policy);
  bind_text (&q, ":summary", waiting->summary);
  bind_text (&q, ":details", waiting->details);
  bind_text (&q, ":severity", waiting->severity);
  bind_text (&q, ":labels", waiting->labels);
  bind_text (&q, ":raised_at", waiting->raised_at);
  bind_text (&q, ":reason", waiting->reason);
  bind_int (&q, ":received", waiting->received);
  return query_step (&q, error) >= 0;
}

HyIntakeWaiting *
hy_store_intake_get_waiting (HyStore *self, const char *alert_id, GError **error)
{
  g_auto (Query) q = { 0 };
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  if (!query_begin (&q, self, "SELECT " WAITING_COLUMNS " FROM intake_waiting WHERE alert_id = :id",
                    error))
    return NULL;
  bind_text (&q, ":id", alert_id);
  rc = query_step (&q, error);
  if (rc < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      /* Translators: %s is an alert id */
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                   _ ("No alert with the id “%s” is waiting for its computer or policy."),
                   alert_id ? alert_id : "");
      return NULL;
    }
  return read_waiting (&q);
}

gboolean
hy_store_intake_delete_waiting (HyStore *self,
                                const char *alert_id,
                                gboolean *out_deleted,
                                GError **error)
{
  g_auto (Query) q = { 0 };

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);

  if (!query_begin (&q, self, "DELETE FROM intake_waiting WHERE alert_id = :id", error))
    return FALSE;
  bind_text (&q, ":id", alert_id);
  if (query_step (&q, error) < 0)
    return FALSE;
  if (out_deleted != NULL)
    *out_deleted = sqlite3_changes (_hy_store_get_handle (self)) > 0;
  return TRUE;
}

GPtrArray *
hy_store_intake_list_waiting (HyStore *self, guint limit, GError **error)
{
  g_auto (Query) q = { 0 };
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_intake_waiting_free);
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  if (!query_begin (&q, self,
                    "SELECT " WAITING_COLUMNS " FROM intake_waiting ORDER BY received, alert_id "
                    "LIMIT :limit",
                    error))
    return NULL;
  bind_int (&q, ":limit", limit > 0 ? (gint64) limit : -1);
  while ((rc = query_step (&q, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_waiting (&q));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&rows);
}

gint64
hy_store_intake_count_waiting (HyStore *self, GError **error)
{
  g_auto (Query) q = { 0 };

  g_return_val_if_fail (HY_IS_STORE (self), -1);

  if (!query_begin (&q, self, "SELECT count(*) FROM intake_waiting", error) ||
      query_step (&q, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (q.stmt, 0);
}

GPtrArray *
hy_store_intake_list_unrouted (HyStore *self, guint limit, GError **error)
{
  g_auto (Query) q = { 0 };
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_intake_waiting_free);
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);

  if (!query_begin (&q, self,
                    "SELECT " WAITING_COLUMNS ", 0 AS matched FROM intake_waiting UNION ALL "
                    "SELECT id, NULL, computer_id, policy_id, summary, details, severity, NULL, "
                    "raised_at, coalesce (reason, ''), 0, 1 FROM alerts "
                    "WHERE state = 'unrouted' AND cleared_at IS NULL "
                    "ORDER BY matched, received, raised_at, alert_id LIMIT :limit",
                    error))
    return NULL;
  bind_int (&q, ":limit", limit > 0 ? (gint64) limit : -1);
  while ((rc = query_step (&q, error)) == SQLITE_ROW)
    {
      HyIntakeWaiting *w = read_waiting (&q);
      w->matched = sqlite3_column_int (q.stmt, 11) != 0;
      g_ptr_array_add (rows, w);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&rows);
}

/* ---------------------------------------------------------------------------------------------
 * Matching labels to records
 * ------------------------------------------------------------------------------------------- */

static gboolean
collect_ids (HyStore *self, const char *sql, const char *value, GPtrArray *ids, GError **error)
{
  g_auto (Query) q = { 0 };
  int rc;

  if (!query_begin (&q, self, sql, error))
    return FALSE;
  bind_text (&q, ":value", value);
  while ((rc = query_step (&q, error)) == SQLITE_ROW)
    g_ptr_array_add (ids, column_dup (&q, 0));
  return rc >= 0;
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
