/* hy-store-outbox.c: the queue of writes to Halo
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
 * Outbox
 * ------------------------------------------------------------------------------------------- */

#define OUTBOX_COLUMNS                                                                      \
  "id, kind, record_key, payload, priority, attempts, next_attempt_at, state, last_error, " \
  "created, refused, waits, dead_cause"

static gpointer
read_outbox_item (HyStmt *stmt)
{
  HyOutboxItem *item = g_new0 (HyOutboxItem, 1);
  const char *state = (const char *) sqlite3_column_text (stmt, 7);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->kind = _hy_store_column_dup (stmt, 1);
  item->record_key = _hy_store_column_dup (stmt, 2);
  item->payload = _hy_store_column_dup (stmt, 3);
  item->priority = sqlite3_column_int (stmt, 4);
  item->attempts = sqlite3_column_int (stmt, 5);
  item->next_attempt_at = sqlite3_column_int64 (stmt, 6);
  for (guint i = 0; i <= HY_OUTBOX_STATE_DONE; i++)
    if (g_strcmp0 (state, hy_outbox_state_to_string (i)) == 0)
      item->state = i;
  item->last_error = _hy_store_column_dup (stmt, 8);
  item->created = sqlite3_column_int64 (stmt, 9);
  item->refused = sqlite3_column_int (stmt, 10);
  item->waits = sqlite3_column_int (stmt, 11);
  item->dead_cause = _hy_store_column_dup (stmt, 12);
  return item;
}

gint64
hy_store_outbox_enqueue (HyStore *self,
                         const char *kind,
                         const char *record_key,
                         const char *payload,
                         int priority,
                         GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (HY_IS_STORE (self), 0);
  g_return_val_if_fail (kind != NULL, 0);
  g_return_val_if_fail (payload != NULL, 0);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "INSERT INTO outbox (kind, record_key, payload, priority, "
                            "next_attempt_at, "
                            "created) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                            error);
  if (stmt == NULL)
    return 0;
  _hy_store_bind_text (stmt, 1, kind);
  _hy_store_bind_text (stmt, 2, record_key);
  _hy_store_bind_text (stmt, 3, payload);
  sqlite3_bind_int (stmt, 4, priority);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!_hy_store_step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

GPtrArray *
hy_store_outbox_claim (HyStore *self, gint64 now, guint max, GError **error)
{
  return hy_store_outbox_claim_from (self, now, G_MININT, max, error);
}

GPtrArray *
hy_store_outbox_claim_from (HyStore *self, gint64 now, int min_priority, guint max, GError **error)
{
  g_autoptr (GPtrArray) items = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  if (!hy_store_begin (self, error))
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_outbox_item_free);
  {
    g_autoptr (HyStmt) stmt =
        _hy_store_prepare (self,
                           "SELECT " OUTBOX_COLUMNS " FROM outbox "
                           "WHERE state = 'pending' AND next_attempt_at <= ?1 AND priority >= ?3 "
                           "ORDER BY priority DESC, id LIMIT ?2",
                           error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, now);
    sqlite3_bind_int64 (stmt, 2, max > 0 ? (gint64) max : -1);
    sqlite3_bind_int (stmt, 3, min_priority);
    if (!_hy_store_append_rows (self, stmt, read_outbox_item, items, error))
      goto fail;
  }

  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = items->pdata[i];
      g_autoptr (HyStmt) stmt =
          _hy_store_prepare (self, "UPDATE outbox SET state = 'inflight' WHERE id = ?1", error);

      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, item->id);
      if (!_hy_store_step_done (self, stmt, error))
        goto fail;
      item->state = HY_OUTBOX_STATE_INFLIGHT;
    }

  if (!hy_store_commit (self, error))
    return NULL;
  return g_steal_pointer (&items);

fail:
  hy_store_rollback (self);
  return NULL;
}

/* After an UPDATE that matched no row: NOT_FOUND or INVALID_STATE. */
static gboolean
outbox_transition_failed (HyStore *self, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt =
      _hy_store_prepare (self, "SELECT state FROM outbox WHERE id = ?1", error);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = _hy_store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                   _ ("There is no outbox item %s."), id_text);
      return FALSE;
    }
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE,
               /* Translators: the second %s is a state: pending, inflight, dead or done */
               _ ("The outbox item %s is “%s”, which does not allow this change."), id_text,
               (const char *) sqlite3_column_text (stmt, 0));
  return FALSE;
}

static gboolean
outbox_update (HyStore *self,
               const char *sql,
               gint64 id,
               const char *text,
               gint64 time,
               GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_named_int (stmt, ":id", id);
  _hy_store_bind_named_text (stmt, ":text", text);
  _hy_store_bind_named_int (stmt, ":time", time);
  if (!_hy_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return outbox_transition_failed (self, id, error);
  return TRUE;
}

gboolean
hy_store_outbox_complete (HyStore *self, gint64 id, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  return outbox_update (self,
                        "UPDATE outbox SET state = 'done', last_error = NULL "
                        "WHERE id = :id AND state = 'inflight'",
                        id, NULL, 0, error);
}

gboolean
hy_store_outbox_fail (HyStore *self,
                      gint64 id,
                      const char *error_text,
                      gint64 next_attempt_at,
                      GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  return outbox_update (self,
                        "UPDATE outbox SET state = 'pending', attempts = attempts + 1, "
                        "refused = refused + 1, waits = 0, "
                        "last_error = :text, next_attempt_at = :time "
                        "WHERE id = :id AND state = 'inflight'",
                        id, error_text, next_attempt_at, error);
}

gboolean
hy_store_outbox_release (HyStore *self,
                         gint64 id,
                         const char *note,
                         gint64 next_attempt_at,
                         GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  return outbox_update (self,
                        "UPDATE outbox SET state = 'pending', "
                        "last_error = coalesce (:text, last_error), next_attempt_at = :time "
                        "WHERE id = :id AND state = 'inflight'",
                        id, note, next_attempt_at, error);
}

gboolean
hy_store_outbox_dead_letter (HyStore *self, gint64 id, const char *error_text, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  return outbox_update (self,
                        "UPDATE outbox SET state = 'dead', "
                        "attempts = attempts + (state = 'inflight'), "
                        "last_error = coalesce (:text, last_error) "
                        "WHERE id = :id AND state IN ('inflight', 'pending')",
                        id, error_text, 0, error);
}

gboolean
hy_store_outbox_retry (HyStore *self, gint64 id, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  return outbox_update (self,
                        "UPDATE outbox SET state = 'pending', refused = 0, waits = 0, "
                        "dead_cause = NULL, next_attempt_at = :time "
                        "WHERE id = :id AND state = 'dead'",
                        id, NULL, g_get_real_time (), error);
}

gboolean
hy_store_checkpoint (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self, "PRAGMA wal_checkpoint(TRUNCATE)", error);
  if (stmt == NULL)
    return FALSE;
  rc = _hy_store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  /* Another connection reading: not everything could be copied back yet. */
  if (rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0)
    {
      _hy_store_set_sqlite_error (self, error, SQLITE_BUSY);
      return FALSE;
    }
  return TRUE;
}

gint64
hy_store_outbox_wake_waiting (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (!_hy_store_exec (self,
                       "UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending' AND waits > "
                       "0 AND "
                       "next_attempt_at > 0",
                       error))
    return -1;
  return sqlite3_changes (self->db);
}

gboolean
hy_store_outbox_rewrite (HyStore *self, gint64 id, const char *payload, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);
  HY_STORE_LOCK (self);

  return outbox_update (self,
                        "UPDATE outbox SET payload = :text "
                        "WHERE id = :id AND state = 'pending' AND attempts = 0",
                        id, payload, 0, error);
}

gboolean
hy_store_outbox_wait (HyStore *self,
                      gint64 id,
                      const char *error_text,
                      gboolean maybe_sent,
                      gint64 next_attempt_at,
                      GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  return outbox_update (self,
                        maybe_sent ? "UPDATE outbox SET state = 'pending', waits = waits + 1, "
                                     "attempts = attempts + 1, "
                                     "last_error = :text, next_attempt_at = :time "
                                     "WHERE id = :id AND state = 'inflight'"
                                   : "UPDATE outbox SET state = 'pending', waits = waits + 1, "
                                     "last_error = :text, next_attempt_at = :time "
                                     "WHERE id = :id AND state = 'inflight'",
                        id, error_text, next_attempt_at, error);
}

gboolean
hy_store_outbox_give_up (HyStore *self,
                         gint64 id,
                         const char *error_text,
                         const char *cause,
                         gboolean reached,
                         gint64 revive_after,
                         GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (cause != NULL, FALSE);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "UPDATE outbox SET state = 'dead', "
                            "attempts = attempts + (:reached AND state = 'inflight'), "
                            "refused = refused + (:reached AND state = 'inflight'), "
                            "last_error = coalesce (:text, last_error), dead_cause = :cause, "
                            "next_attempt_at = :time WHERE id = :id AND state IN ('inflight', "
                            "'pending')",
                            error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_named_int (stmt, ":id", id);
  _hy_store_bind_named_int (stmt, ":reached", reached ? 1 : 0);
  _hy_store_bind_named_text (stmt, ":text", error_text);
  _hy_store_bind_named_text (stmt, ":cause", cause);
  _hy_store_bind_named_int (stmt, ":time", revive_after);
  if (!_hy_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return outbox_transition_failed (self, id, error);
  return TRUE;
}

gint64
hy_store_outbox_revive (HyStore *self, gboolean halo_answers, gint64 now, GError **error)
{
  gint64 revived = 0;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (!hy_store_begin (self, error))
    return -1;
  if (halo_answers)
    {
      g_autoptr (HyStmt) stmt =
          _hy_store_prepare (self,
                             "UPDATE outbox SET state = 'pending', refused = 0, waits = 0, "
                             "dead_cause = NULL, next_attempt_at = 0 "
                             "WHERE state = 'dead' AND dead_cause = 'failing' AND next_attempt_at "
                             "<= ?1",
                             error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, now);
      if (!_hy_store_step_done (self, stmt, error))
        goto fail;
      revived += sqlite3_changes (self->db);
    }
  /* Writes that waited behind a given-up write of their record, once that one is queued again
   * or done. */
  if (!_hy_store_exec (
          self,
          "UPDATE outbox SET state = 'pending', refused = 0, waits = 0, dead_cause = NULL, "
          "next_attempt_at = 0 WHERE state = 'dead' AND dead_cause = 'blocked' AND "
          "NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.record_key = outbox.record_key "
          "AND o.id < outbox.id AND o.state = 'dead')",
          error))
    goto fail;
  revived += sqlite3_changes (self->db);
  /* Their alerts are queued again too. */
  if (revived > 0 &&
      !_hy_store_exec (
          self,
          "UPDATE alerts SET state = 'queued' WHERE state = 'dead' AND 'alert:' || id IN "
          "(SELECT record_key FROM outbox WHERE state = 'pending' AND kind = 'ticket.create')",
          error))
    goto fail;
  if (!hy_store_commit (self, error))
    return -1;
  return revived;

fail:
  hy_store_rollback (self);
  return -1;
}

gint64
hy_store_outbox_recover (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (!_hy_store_exec (self, "UPDATE outbox SET state = 'pending' WHERE state = 'inflight'", error))
    return -1;
  return sqlite3_changes (self->db);
}

HyOutboxItem *
hy_store_outbox_get (HyStore *self, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyOutboxItem *item;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  item = _hy_store_read_row (self, stmt, read_outbox_item, &missing, error);
  if (missing)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                   _ ("There is no outbox item %s."), id_text);
    }
  return item;
}

GPtrArray *
hy_store_outbox_list (HyStore *self, HyOutboxState state, guint limit, guint offset, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (state <= HY_OUTBOX_STATE_DONE, NULL);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = ?1 ORDER BY id "
                            "LIMIT ?2 OFFSET ?3",
                            error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, hy_outbox_state_to_string (state));
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  sqlite3_bind_int64 (stmt, 3, offset);
  return _hy_store_read_rows (self, stmt, read_outbox_item, (GDestroyNotify) hy_outbox_item_free,
                              error);
}

gint64
hy_store_outbox_count (HyStore *self, HyOutboxState state, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  g_return_val_if_fail (state <= HY_OUTBOX_STATE_DONE, -1);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self, "SELECT count(*) FROM outbox WHERE state = ?1", error);
  if (stmt == NULL)
    return -1;
  _hy_store_bind_text (stmt, 1, hy_outbox_state_to_string (state));
  if (_hy_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

gint64
hy_store_outbox_next_due (HyStore *self, GError **error)
{
  gint64 value = 0;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (!_hy_store_query_int (self,
                            "SELECT coalesce (min (next_attempt_at), 0) FROM outbox WHERE state = "
                            "'pending'",
                            &value, error))
    return -1;
  return value;
}

gboolean
hy_store_outbox_purge_done (HyStore *self, gint64 before, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self, "DELETE FROM outbox WHERE state = 'done' AND created < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before);
  return _hy_store_step_done (self, stmt, error);
}
