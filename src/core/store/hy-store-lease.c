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

/* Runs @sql with the integers @params as ?1, ?2, …; its first row's first column, if it has
 * one, goes to *@out_value (when not NULL). SQLITE_ROW or SQLITE_DONE, or -1 with @error set.
 * The caller holds the store's lock. */
static int
run_ints (HyStore *self,
          const char *sql,
          const gint64 *params,
          guint n_params,
          gint64 *out_value,
          GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;
  for (guint i = 0; i < n_params; i++)
    sqlite3_bind_int64 (stmt, (int) i + 1, params[i]);
  rc = _hy_store_step (self, stmt, error);
  if (rc == SQLITE_ROW && out_value != NULL)
    *out_value = sqlite3_column_int64 (stmt, 0);
  return rc;
}

/* ---- The lease -------------------------------------------------------------------------- */

static gboolean
process_exists (gint64 pid)
{
  return pid > 0 && (kill ((pid_t) pid, 0) == 0 || errno != ESRCH);
}

static gpointer
read_holder_row (HyStmt *stmt)
{
  HyLeaseHolder *holder = g_new0 (HyLeaseHolder, 1);

  holder->pid = sqlite3_column_int64 (stmt, 0);
  holder->host = _hy_store_column_dup (stmt, 1);
  holder->command = _hy_store_column_dup (stmt, 2);
  holder->since = sqlite3_column_int64 (stmt, 3);
  holder->expires = sqlite3_column_int64 (stmt, 4);
  holder->mine =
      holder->pid == (gint64) getpid () && g_strcmp0 (holder->host, g_get_host_name ()) == 0;
  return holder;
}

/* The holder row, or NULL when there is none (*@out_ok FALSE on error). The caller holds the
 * store's lock. */
static HyLeaseHolder *
read_holder (HyStore *store, gboolean *out_ok, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyLeaseHolder *holder;
  gboolean missing;

  *out_ok = FALSE;
  stmt = _hy_store_prepare (
      store, "SELECT pid, host, command, since, expires FROM service_lease WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  holder = _hy_store_read_row (store, stmt, read_holder_row, &missing, error);
  *out_ok = holder != NULL || missing;
  return holder;
}

/* Records this process as the holder (since @since, until @expires). In a transaction. */
static gboolean
write_holder (HyStore *store, const char *command, gint64 since, gint64 expires, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  stmt = _hy_store_prepare (store,
                            "INSERT INTO service_lease (id, pid, host, command, since, expires) "
                            "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
                            "pid = excluded.pid, host = excluded.host, command = excluded.command, "
                            "since = excluded.since, expires = excluded.expires",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, getpid ());
  _hy_store_bind_text (stmt, 2, g_get_host_name ());
  _hy_store_bind_text (stmt, 3, command);
  sqlite3_bind_int64 (stmt, 4, since);
  sqlite3_bind_int64 (stmt, 5, expires);
  return _hy_store_step_done (store, stmt, error);
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
  gint64 now = g_get_real_time ();
  gint64 since, expires;
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

  since = holder != NULL && holder->mine ? holder->since : now;
  expires = now + (gint64) ttl_seconds * G_USEC_PER_SEC;
  if (!write_holder (self, command, since, expires, error))
    {
      hy_store_rollback (self);
      return FALSE;
    }
  if (!hy_store_commit (self, error))
    return FALSE;

  *out_acquired = TRUE;
  if (out_holder != NULL)
    {
      HyLeaseHolder *mine = g_new0 (HyLeaseHolder, 1);

      mine->pid = getpid ();
      mine->host = g_strdup (g_get_host_name ());
      mine->command = g_strdup (command);
      mine->since = since;
      mine->expires = expires;
      mine->mine = TRUE;
      *out_holder = mine;
    }
  return TRUE;
}

gboolean
hy_store_lease_release (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self, "DELETE FROM service_lease WHERE id = 1 AND pid = ?1 AND host = ?2",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, getpid ());
  _hy_store_bind_text (stmt, 2, g_get_host_name ());
  return _hy_store_step_done (self, stmt, error);
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

gboolean
hy_store_request_sync (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  return run_ints (self, "UPDATE service_requests SET sync_requested = sync_requested + 1", NULL, 0,
                   NULL, error) >= 0;
}

gboolean
hy_store_take_sync_request (HyStore *self, gboolean *out_requested, GError **error)
{
  gint64 requests = 0;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  *out_requested = FALSE;
  if (!hy_store_begin (self, error))
    return FALSE;
  if (run_ints (self, "SELECT sync_requested FROM service_requests WHERE id = 1", NULL, 0,
                &requests, error) < 0)
    goto failed;
  *out_requested = requests > 0;
  if (*out_requested &&
      run_ints (self, "UPDATE service_requests SET sync_requested = 0", NULL, 0, NULL, error) < 0)
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
  gint64 used = 0;
  guint limit;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (max > 0 && window_us > 0, FALSE);

  *out_retry_at = 0;
  limit = bulk ? max - alert_reserve (max) : max;
  window_us = window_with_margin (window_us);
  if (!hy_store_begin (self, error))
    return FALSE;

  if (run_ints (self, "DELETE FROM rate_grants WHERE at <= ?1", (gint64[]){ now - window_us }, 1,
                NULL, error) < 0 ||
      run_ints (self, "SELECT count(*) FROM rate_grants", NULL, 0, &used, error) < 0)
    goto failed;

  if (used >= limit)
    {
      gint64 oldest = 0;
      int rc;

      /* Spent until enough of the oldest requests leave the window. */
      rc = run_ints (self, "SELECT at FROM rate_grants ORDER BY at LIMIT 1 OFFSET ?1",
                     (gint64[]){ used - limit }, 1, &oldest, error);
      if (rc < 0)
        goto failed;
      *out_retry_at = (rc == SQLITE_ROW ? oldest : now) + window_us;
      /* Nothing was written: committing only ends the transaction (@error on failure). */
      hy_store_commit (self, error);
      return FALSE;
    }

  if (run_ints (self, "INSERT INTO rate_grants (at, bulk) VALUES (?1, ?2)",
                (gint64[]){ now, bulk ? 1 : 0 }, 2, NULL, error) < 0)
    goto failed;
  return hy_store_commit (self, error);

failed:
  hy_store_rollback (self);
  return FALSE;
}

gint64
hy_store_rate_used (HyStore *self, gint64 window_us, gint64 now, GError **error)
{
  gint64 used = -1;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (run_ints (self, "SELECT count(*) FROM rate_grants WHERE at > ?1 AND at <= ?2",
                (gint64[]){ now - window_us, now }, 2, &used, error) < 0)
    return -1;
  return used;
}

gint64
hy_store_rate_free_at (HyStore *self, guint max, gint64 window_us, gint64 now, GError **error)
{
  gint64 newest = 0;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  window_us = window_with_margin (window_us);
  HY_STORE_LOCK (self);

  /* The max-th newest request in the window: while it is there, the budget is spent. */
  rc = run_ints (self,
                 "SELECT at FROM rate_grants WHERE at > ?1 AND at <= ?2 ORDER BY at DESC "
                 "LIMIT 1 OFFSET ?3",
                 (gint64[]){ now - window_us, now, (gint64) max - 1 }, 3, &newest, error);
  if (rc < 0)
    return -1;
  return rc == SQLITE_ROW ? newest + window_us : now;
}
