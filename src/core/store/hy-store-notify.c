/* hy-store-notify.c: the store's "changed" signal, for this process's commits and the others'
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every commit that writes a table bumps that kind's serial in store_changes, in the same
 * transaction (triggers of schema 4). A process learns what changed by comparing the serials
 * with the ones it saw last: after its own commits (SQLite's commit hook schedules the check),
 * and after other processes' (PRAGMA data_version, which only other connections' commits
 * change: it reads the WAL index in shared memory, not the file). That is looked at as soon as
 * the -wal file changes (a file monitor: every commit writes it), and every
 * HY_STORE_WATCH_INTERVAL_MS in case the monitor says nothing (a network file system).
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <sqlite3.h>

#include "store/hy-store-private.h"
#include "store/hy-store-service.h"

static const struct
{
  const char *kind;
  HyStoreChanges flag;
} kinds[] = {
  { "inventory", HY_STORE_CHANGED_INVENTORY }, { "alerts", HY_STORE_CHANGED_ALERTS },
  { "links", HY_STORE_CHANGED_LINKS },         { "mappings", HY_STORE_CHANGED_MAPPINGS },
  { "cache", HY_STORE_CHANGED_CACHE },         { "group_sync", HY_STORE_CHANGED_GROUP_SYNC },
  { "outbox", HY_STORE_CHANGED_OUTBOX },       { "events", HY_STORE_CHANGED_EVENTS },
  { "profile", HY_STORE_CHANGED_PROFILE },     { "settings", HY_STORE_CHANGED_SETTINGS },
  { "service", HY_STORE_CHANGED_SERVICE },
};

struct _HyStoreNotify
{
  GWeakRef store;
  sqlite3 *db;
  GMainContext *context;

  GMutex mutex;   /* guards @soon (commits come from any thread) */
  GSource *soon;  /* a check scheduled after a commit of this process */
  GSource *watch; /* the periodic data_version check */
  GFileMonitor *wal_monitor;

  gint dirty; /* atomic: this process committed since the last check */
  gint64 data_version;
  gint64 serials[G_N_ELEMENTS (kinds)];
  gboolean known; /* serials were read once */
};

static guint changed_signal;

void
_hy_store_notify_class_init (GObjectClass *object_class)
{
  /**
   * HyStore::changed:
   * @store: the store
   * @changes: the HyStoreChanges of the commits, or'ed
   *
   * Records changed, in this process or another one (see hy-store-service.h).
   */
  changed_signal = g_signal_new ("changed", G_TYPE_FROM_CLASS (object_class), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static gboolean
query_int (sqlite3 *db, const char *sql, gint64 *out_value)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW;
}

/* Reads the serials and returns the kinds whose serial moved. Called with the store's lock. */
static guint
read_changes (HyStoreNotify *self)
{
  sqlite3_stmt *stmt = NULL;
  guint changes = 0;

  if (sqlite3_prepare_v2 (self->db, "SELECT kind, serial FROM store_changes", -1, &stmt, NULL) !=
      SQLITE_OK)
    {
      /* An older schema (the migration tests open those): nothing to watch. */
      sqlite3_finalize (stmt);
      return 0;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *kind = (const char *) sqlite3_column_text (stmt, 0);
      gint64 serial = sqlite3_column_int64 (stmt, 1);

      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (g_strcmp0 (kinds[i].kind, kind) == 0)
          {
            if (self->known && self->serials[i] != serial)
              changes |= kinds[i].flag;
            self->serials[i] = serial;
          }
    }
  sqlite3_finalize (stmt);
  self->known = TRUE;
  return changes;
}

static void schedule_soon (HyStoreNotify *self, guint delay_ms);

/* Emits "changed" when this process or another one committed something since the last check.
 * The serials and the data version are read in one read transaction, so a commit of another
 * process is either in both or in neither: what it changed is never taken for this process's
 * own change (then missed as another's). */
static void
check (HyStoreNotify *self, HyStore *store)
{
  gint64 version = 0;
  gboolean other;
  guint changes;

  if (!_hy_store_try_lock (store))
    {
      /* Another thread is in a transaction: look again in a moment. */
      schedule_soon (self, 10);
      return;
    }
  if (!sqlite3_get_autocommit (self->db))
    {
      _hy_store_unlock (store);
      schedule_soon (self, 10);
      return;
    }
  g_atomic_int_set (&self->dirty, 0);
  sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL);
  changes = read_changes (self);
  query_int (self->db, "PRAGMA data_version", &version);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  _hy_store_unlock (store);

  other = version != self->data_version;
  self->data_version = version;
  if (changes != 0 && other)
    changes |= HY_STORE_CHANGED_BY_OTHER;
  if (changes != 0)
    g_signal_emit (store, changed_signal, 0, changes);
}

static gboolean
soon_cb (gpointer user_data)
{
  HyStoreNotify *self = user_data;
  g_autoptr (HyStore) store = g_weak_ref_get (&self->store);

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->soon, g_source_unref);
  g_mutex_unlock (&self->mutex);
  if (store != NULL)
    check (self, store);
  return G_SOURCE_REMOVE;
}

static void
schedule_soon (HyStoreNotify *self, guint delay_ms)
{
  g_mutex_lock (&self->mutex);
  if (self->soon == NULL)
    {
      self->soon = delay_ms == 0 ? g_idle_source_new () : g_timeout_source_new (delay_ms);
      g_source_set_priority (self->soon, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->soon, soon_cb, self, NULL);
      g_source_set_static_name (self->soon, "[halyard] store changed");
      g_source_attach (self->soon, self->context);
    }
  g_mutex_unlock (&self->mutex);
}

static gboolean
watch_cb (gpointer user_data)
{
  HyStoreNotify *self = user_data;
  g_autoptr (HyStore) store = g_weak_ref_get (&self->store);

  if (store != NULL)
    check (self, store);
  return G_SOURCE_CONTINUE;
}

/* SQLite's commit hook: runs inside the commit (any thread, the store's lock held), so it only
 * marks the store dirty and schedules the check on the notify context. */
static int
commit_hook (void *user_data)
{
  HyStoreNotify *self = user_data;

  g_atomic_int_set (&self->dirty, 1);
  schedule_soon (self, 0);
  return 0;
}

static void
wal_changed_cb (GFileMonitor *monitor,
                GFile *file,
                GFile *other,
                GFileMonitorEvent event,
                gpointer user_data)
{
  schedule_soon (user_data, 0);
}

HyStoreNotify *
_hy_store_notify_new (HyStore *store, gpointer db)
{
  g_autofree char *wal = g_strconcat (hy_store_get_path (store), "-wal", NULL);
  g_autoptr (GFile) wal_file = g_file_new_for_path (wal);
  HyStoreNotify *self = g_new0 (HyStoreNotify, 1);

  g_weak_ref_init (&self->store, store);
  g_mutex_init (&self->mutex);
  self->db = db;
  self->context = g_main_context_ref_thread_default ();

  /* The serials and the data version as they are now: what changes from here is news. */
  query_int (self->db, "PRAGMA data_version", &self->data_version);
  read_changes (self);

  sqlite3_commit_hook (self->db, commit_hook, self);
  self->watch = g_timeout_source_new (HY_STORE_WATCH_INTERVAL_MS);
  g_source_set_callback (self->watch, watch_cb, self, NULL);
  g_source_set_static_name (self->watch, "[halyard] store watch");
  g_source_attach (self->watch, self->context);

  /* The monitor reports on the thread-default context of this thread, like the rest. */
  self->wal_monitor = g_file_monitor_file (wal_file, G_FILE_MONITOR_NONE, NULL, NULL);
  if (self->wal_monitor != NULL)
    {
      g_file_monitor_set_rate_limit (self->wal_monitor, 10);
      g_signal_connect (self->wal_monitor, "changed", G_CALLBACK (wal_changed_cb), self);
    }
  return self;
}

void
_hy_store_notify_free (HyStoreNotify *self)
{
  sqlite3_commit_hook (self->db, NULL, NULL);
  if (self->wal_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->wal_monitor, self);
      g_file_monitor_cancel (self->wal_monitor);
      g_clear_object (&self->wal_monitor);
    }
  g_source_destroy (self->watch);
  g_source_unref (self->watch);
  g_mutex_lock (&self->mutex);
  if (self->soon != NULL)
    {
      g_source_destroy (self->soon);
      g_clear_pointer (&self->soon, g_source_unref);
    }
  g_mutex_unlock (&self->mutex);
  g_mutex_clear (&self->mutex);
  g_weak_ref_clear (&self->store);
  g_main_context_unref (self->context);
  g_free (self);
}

void
hy_store_check_changes (HyStore *self)
{
  HyStoreNotify *notify;

  g_return_if_fail (HY_IS_STORE (self));
  notify = _hy_store_get_notify (self);
  if (notify != NULL)
    check (notify, self);
}
