/* hy-store-events.c: the log of requests to Halo
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
 * Events
 * ------------------------------------------------------------------------------------------- */

#define EVENT_COLUMNS \
  "id, time, method, path, status, duration_ms, record, error, request, response, host"

static gpointer
read_event (HyStmt *stmt)
{
  HyEvent *event = g_new0 (HyEvent, 1);

  event->id = sqlite3_column_int64 (stmt, 0);
  event->time = sqlite3_column_int64 (stmt, 1);
  event->method = _hy_store_column_dup (stmt, 2);
  event->path = _hy_store_column_dup (stmt, 3);
  event->status = sqlite3_column_int (stmt, 4);
  event->duration_ms = sqlite3_column_int64 (stmt, 5);
  event->record = _hy_store_column_dup (stmt, 6);
  event->error = _hy_store_column_dup (stmt, 7);
  event->request = _hy_store_column_dup (stmt, 8);
  event->response = _hy_store_column_dup (stmt, 9);
  event->host = _hy_store_column_dup (stmt, 10);
  return event;
}

static gint64
event_insert (HyStore *self, const HyEvent *event, GError **error)
{
  g_autoptr (HyStmt) stmt =
      _hy_store_prepare (self,
                         "INSERT INTO events (time, method, path, status, "
                         "duration_ms, record, error, request, response, failed, "
                         "host) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                         error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, event->time ? event->time : g_get_real_time ());
  _hy_store_bind_text (stmt, 2, event->method ? event->method : "");
  _hy_store_bind_text (stmt, 3, event->path ? event->path : "");
  sqlite3_bind_int (stmt, 4, event->status);
  sqlite3_bind_int64 (stmt, 5, event->duration_ms);
  _hy_store_bind_text (stmt, 6, event->record);
  _hy_store_bind_text (stmt, 7, event->error);
  _hy_store_bind_text (stmt, 8, event->request);
  _hy_store_bind_text (stmt, 9, event->response);
  sqlite3_bind_int (stmt, 10, hy_event_is_failed (event) ? 1 : 0);
  _hy_store_bind_text (stmt, 11, event->host);
  if (!_hy_store_step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gint64
hy_store_events_append (HyStore *self, const HyEvent *event, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), 0);
  g_return_val_if_fail (event != NULL, 0);
  HY_STORE_LOCK (self);

  return event_insert (self, event, error);
}

gboolean
hy_store_events_append_batch (HyStore *self, GPtrArray *events, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (events != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (!hy_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    {
      if (event_insert (self, events->pdata[i], error) == 0)
        {
          hy_store_rollback (self);
          return FALSE;
        }
    }
  return hy_store_commit (self, error);
}

GPtrArray *
hy_store_events_list (HyStore *self, const HyEventsQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT " EVENT_COLUMNS " FROM events WHERE 1");
  g_autoptr (HyStmt) stmt = NULL;
  HyEventsQuery defaults = HY_EVENTS_QUERY_INIT;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  if (query == NULL)
    query = &defaults;
  if (query->before_id > 0)
    g_string_append (sql, " AND id < :before");
  if (query->failed_only)
    g_string_append (sql, " AND failed = 1");
  if (query->record != NULL)
    g_string_append (sql, " AND record = :record");
  g_string_append (sql, " ORDER BY id DESC LIMIT :limit");

  stmt = _hy_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_named_int (stmt, ":before", query->before_id);
  _hy_store_bind_named_text (stmt, ":record", query->record);
  _hy_store_bind_named_int (stmt, ":limit", query->limit > 0 ? query->limit : 100);

  return _hy_store_read_rows (self, stmt, read_event, (GDestroyNotify) hy_event_free, error);
}

HyEvent *
hy_store_events_get (HyStore *self, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyEvent *event;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self, "SELECT " EVENT_COLUMNS " FROM events WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  event = _hy_store_read_row (self, stmt, read_event, &missing, error);
  if (missing)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      _hy_store_not_found (error, id_text);
    }
  return event;
}

gint64
hy_store_events_count (HyStore *self, gboolean failed_only, GError **error)
{
  gint64 value = 0;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (!_hy_store_query_int (self,
                            failed_only ? "SELECT count(*) FROM events INDEXED BY events_failed "
                                          "WHERE failed = 1"
                                        : "SELECT count(*) FROM events",
                            &value, error))
    return -1;
  return value;
}

HyEvent *
hy_store_events_last_failed (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyEvent *event;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self,
                         "SELECT " EVENT_COLUMNS " FROM events WHERE failed = 1 ORDER BY id DESC "
                         "LIMIT 1",
                         error);
  if (stmt == NULL)
    return NULL;
  event = _hy_store_read_row (self, stmt, read_event, &missing, error);
  if (missing)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND, _ ("No request failed."));
  return event;
}

GArray *
hy_store_events_per_minute (HyStore *self, gint64 now, guint minutes, GError **error)
{
  const gint64 minute = G_USEC_PER_SEC * 60;
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GArray) buckets = NULL;
  gint64 first;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  if (now == 0)
    now = g_get_real_time ();
  first = (now / minute - (gint64) minutes + 1) * minute;

  buckets = g_array_sized_new (FALSE, TRUE, sizeof (HyEventBucket), minutes);
  for (guint i = 0; i < minutes; i++)
    {
      HyEventBucket bucket = { first + i * minute, 0, 0 };
      g_array_append_val (buckets, bucket);
    }

  stmt = _hy_store_prepare (self,
                            "SELECT (time - ?1) / ?3, count(*), sum (failed) FROM events "
                            "WHERE time >= ?1 AND time < ?2 GROUP BY 1",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, first + (gint64) minutes * minute);
  sqlite3_bind_int64 (stmt, 3, minute);
  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 index = sqlite3_column_int64 (stmt, 0);

      if (index >= 0 && index < minutes)
        {
          HyEventBucket *bucket = &g_array_index (buckets, HyEventBucket, index);
          bucket->total = sqlite3_column_int64 (stmt, 1);
          bucket->failed = sqlite3_column_int64 (stmt, 2);
        }
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&buckets);
}

gboolean
hy_store_events_prune (HyStore *self, guint keep, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self,
                         "DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC "
                         "LIMIT 1 OFFSET ?1)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, keep);
  return _hy_store_step_done (self, stmt, error);
}
