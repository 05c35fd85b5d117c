/* hy-store-lease.c: the deliverer's lease and the rate budget every process shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <unistd.h>

#include "store/hy-store-private.h"
#include "store/hy-store-service.h"

void
hy_lease_holder_free (HyLeaseHolder *holder)
{
  if (holder == NULL)
    return;
  g_free (holder->host);
  g_free (holder->command);
  g_free (holder);
}

static gboolean
sql_failed (HyStore *store, sqlite3_stmt *stmt, GError **error)
{
  sqlite3 *db = _hy_store_get_handle (store);
  int rc = sqlite3_errcode (db);

  g_set_error (error, HY_STORE_ERROR,
               rc == SQLITE_BUSY ? HY_STORE_ERROR_BUSY : HY_STORE_ERROR_FAILED,
               _ ("The database “%s” failed: %s"), hy_store_get_path (store), sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return FALSE;
}

static sqlite3_stmt *
prepare (HyStore *store, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (_hy_store_get_handle (store), sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_failed (store, stmt, error);
      return NULL;
    }
  return stmt;
}

/* ---- The lease -------------------------------------------------------------------------- */

static gboolean
process_exists (gint64 pid)
{
  return pid > 0 && (kill ((pid_t) pid, 0) == 0 || errno != ESRCH);
}

/* The holder row, or NULL when there is none (*@out_ok FALSE on error). Called in a
 * transaction. */
static HyLeaseHolder *
read_holder (HyStore *store, gboolean *out_ok, GError **error)
{
  sqlite3_stmt *stmt =
      prepare (store, "SELECT pid, host, command, since, expires FROM service_lease WHERE id = 1",
               error);
  HyLeaseHolder *holder = NULL;
  int rc;

  *out_ok = FALSE;
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sql_failed (store, stmt, error);
      return NULL;
    }
  if (rc == SQLITE_ROW)
    {
      holder = g_new0 (HyLeaseHolder, 1);
      holder->pid = sqlite3_column_int64 (stmt, 0);
      holder->host = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      holder->command = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      holder->since = sqlite3_column_int64 (stmt, 3);
      holder->expires = sqlite3_column_int64 (stmt, 4);
      holder->mine =
          holder->pid == (gint64) getpid () && g_strcmp0 (holder->host, g_get_host_name ()) == 0;
    }
  sqlite3_finalize (stmt);
  *out_ok = TRUE;
  return holder;
}

/* A holder that is someone else and still alive. */
static gboolean
holder_is_live (const HyLeaseHolder *holder, gint64 now)
{
  if (holder == NULL || holder->mine || holder->expires <= now)
    return FALSE;
  /* On this host a dead holder loses the lease at once (killed, crashed). */
  if (g_strcmp0 (holder->host, g_get_host_name ()) == 0 && !process_exists (holder->pid))
    return FALSE;
  return TRUE;
}

gboolean
hy_store_lease_acquire (HyStore *self,
                        const char *command,
                        guint ttl_seconds,
                        gboolean *out_acquired,
                        HyLeaseHolder **out_holder,
                        GError **error)
{
  g_autoptr (HyLeaseHolder) holder = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time ();
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (command != NULL, FALSE);
  g_return_val_if_fail (out_acquired != NULL, FALSE);

  *out_acquired = FALSE;
  if (out_holder != NULL)
    *out_holder = NULL;
  if (!hy_store_begin (self, error))
    return FALSE;
  holder = read_holder (self, &ok, error);
  if (!ok)
    {
      hy_store_rollback (self);
      return FALSE;
    }
  if (holder_is_live (holder, now))
    {
      if (out_holder != NULL)
        *out_holder = g_steal_pointer (&holder);
      return hy_store_commit (self, error);
    }

  stmt = prepare (self,
                  "INSERT INTO service_lease (id, pid, host, command, since, expires) "
                  "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
                  "pid = excluded.pid, host = excluded.host, command = excluded.command, "
                  "since = excluded.since, expires = excluded.expires",
                  error);
  if (stmt == NULL)
    {
      hy_store_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, getpid ());
  sqlite3_bind_text (stmt, 2, g_get_host_name (), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, command, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, holder != NULL && holder->mine ? holder->since : now);
  sqlite3_bind_int64 (stmt, 5, now + (gint64) ttl_seconds * G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sql_failed (self, stmt, error);
      hy_store_rollback (self);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  if (!hy_store_commit (self, error))
    return FALSE;

  *out_acquired = TRUE;
  if (out_holder != NULL)
    {
      HyLeaseHolder *mine = g_new0 (HyLeaseHolder, 1);

      mine->pid = getpid ();
      mine->host = g_strdup (g_get_host_name ());
      mine->command = g_strdup (command);
      mine->since = holder != NULL && holder->mine ? holder->since : now;
      mine->expires = now + (gint64) ttl_seconds * G_USEC_PER_SEC;
      mine->mine = TRUE;
      *out_holder = mine;
    }
  return TRUE;
}

gboolean
hy_store_lease_release (HyStore *self, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  _hy_store_lock (self);
  stmt = prepare (self, "DELETE FROM service_lease WHERE id = 1 AND pid = ?1 AND host = ?2", error);
  if (stmt == NULL)
    {
      _hy_store_unlock (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, getpid ());
  sqlite3_bind_text (stmt, 2, g_get_host_name (), -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sql_failed (self, stmt, error);
      _hy_store_unlock (self);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  _hy_store_unlock (self);
  return TRUE;
}

HyLeaseHolder *
hy_store_lease_get_holder (HyStore *self, GError **error)
{
  g_autoptr (HyLeaseHolder) holder = NULL;
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  _hy_store_lock (self);
  holder = read_holder (self, &ok, error);
  _hy_store_unlock (self);
  if (holder == NULL || (!holder->mine && !holder_is_live (holder, g_get_real_time ())))
    return NULL;
  if (holder->mine && holder->expires <= g_get_real_time ())
    return NULL;
  return g_steal_pointer (&holder);
}

/* ---- Requests to the deliverer ------------------------------------------------------------ */

static gboolean
exec_one (HyStore *store, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_failed (store, stmt, error);
  sqlite3_finalize (stmt);
  return TRUE;
}

gboolean
hy_store_request_sync (HyStore *self, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  _hy_store_lock (self);
  ok = exec_one (self, "UPDATE service_requests SET sync_requested = sync_requested + 1", error);
  _hy_store_unlock (self);
  return ok;
}

gboolean
hy_store_take_sync_request (HyStore *self, gboolean *out_requested, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  *out_requested = FALSE;
  if (!hy_store_begin (self, error))
    return FALSE;
  stmt = prepare (self, "SELECT sync_requested FROM service_requests WHERE id = 1", error);
  if (stmt == NULL)
    goto failed;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *out_requested = sqlite3_column_int64 (stmt, 0) > 0;
  sqlite3_finalize (stmt);
  if (*out_requested && !exec_one (self, "UPDATE service_requests SET sync_requested = 0", error))
    goto failed;
  return hy_store_commit (self, error);

failed:
  hy_store_rollback (self);
  return FALSE;
}

/* ---- The shared rate budget ------------------------------------------------------------- */

/* The slots bulk work leaves to alerts and interactive requests. */
static guint
alert_reserve (guint max)
{
  return max >= 10 ? max / 10 : (max >= 2 ? 1 : 0);
}

/* Halo counts a request when it arrives, a little after it was granted here: a request
 * leaves the window this much later than the limit says, so that Halo's count and this one
 * never disagree (1 % of the window, at least 200 ms). */
static gint64
window_with_margin (gint64 window_us)
{
  return window_us + MAX (window_us / 100, 200 * 1000);
}

gboolean
hy_store_rate_take (HyStore *self,
                    gboolean bulk,
                    guint max,
                    gint64 window_us,
                    gint64 now,
                    gint64 *out_retry_at,
                    GError **error)
{
  sqlite3_stmt *stmt;
  gint64 used = 0;
  guint limit;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (max > 0 && window_us > 0, FALSE);

  *out_retry_at = 0;
  limit = bulk ? max - alert_reserve (max) : max;
  window_us = window_with_margin (window_us);
  if (!hy_store_begin (self, error))
    return FALSE;

  stmt = prepare (self, "DELETE FROM rate_grants WHERE at <= ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, now - window_us);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sql_failed (self, stmt, error);
      goto failed;
    }
  sqlite3_finalize (stmt);

  stmt = prepare (self, "SELECT count(*) FROM rate_grants", error);
  if (stmt == NULL)
    goto failed;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sql_failed (self, stmt, error);
      goto failed;
    }
  used = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (used >= limit)
    {
      /* Spent until enough of the oldest requests leave the window. */
      stmt = prepare (self, "SELECT at FROM rate_grants ORDER BY at LIMIT 1 OFFSET ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, used - limit);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        *out_retry_at = sqlite3_column_int64 (stmt, 0) + window_us;
      else
        *out_retry_at = now + window_us;
      sqlite3_finalize (stmt);
      /* Nothing was written: committing only ends the transaction (@error on failure). */
      hy_store_commit (self, error);
      return FALSE;
    }

  stmt = prepare (self, "INSERT INTO rate_grants (at, bulk) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int (stmt, 2, bulk ? 1 : 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sql_failed (self, stmt, error);
      goto failed;
    }
  sqlite3_finalize (stmt);
  return hy_store_commit (self, error);

failed:
  hy_store_rollback (self);
  return FALSE;
}

gint64
hy_store_rate_used (HyStore *self, gint64 window_us, gint64 now, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 used = -1;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  _hy_store_lock (self);
  stmt = prepare (self, "SELECT count(*) FROM rate_grants WHERE at > ?1 AND at <= ?2", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, now - window_us);
      sqlite3_bind_int64 (stmt, 2, now);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        used = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  _hy_store_unlock (self);
  return used;
}

gint64
hy_store_rate_free_at (HyStore *self, guint max, gint64 window_us, gint64 now, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 at = now;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  window_us = window_with_margin (window_us);
  _hy_store_lock (self);
  stmt = prepare (self,
                  "SELECT at FROM rate_grants WHERE at > ?1 AND at <= ?2 ORDER BY at DESC "
                  "LIMIT 1 OFFSET ?3",
                  error);
  if (stmt == NULL)
    {
      _hy_store_unlock (self);
      return -1;
    }
  sqlite3_bind_int64 (stmt, 1, now - window_us);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, (gint64) max - 1);
  /* The max-th newest request in the window: while it is there, the budget is spent. */
  if (sqlite3_step (stmt) == SQLITE_ROW)
    at = sqlite3_column_int64 (stmt, 0) + window_us;
  sqlite3_finalize (stmt);
  _hy_store_unlock (self);
  return at;
}
