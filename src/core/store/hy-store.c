/* hy-store.c: Halyard's SQLite store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/hy-record-fields.h"
#include "store/hy-store-private.h"
#include "store/hy-store.h"


G_DEFINE_FINAL_TYPE (HyStore, hy_store, G_TYPE_OBJECT)

/* clang-format off */
G_DEFINE_QUARK (hy-store-error-quark, hy_store_error)
/* clang-format on */

/* ---------------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------------- */

void
_hy_store_set_sqlite_error (HyStore *self, GError **error, int rc)
{
  const char *detail = self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  const char *path = self->path;

  switch (rc & 0xff)
    {
      case SQLITE_READONLY:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_READ_ONLY,
                     _ ("Halyard cannot write to its database “%s”: the file, its folder or the "
                        "disk is read-only. Make them writable, or choose another data directory."),
                     path);
        break;
      case SQLITE_FULL:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_DISK_FULL,
                     _ ("The disk that holds Halyard’s database “%s” is full. Free some space, "
                        "then try again."),
                     path);
        break;
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_BUSY,
                     _ ("Halyard’s database “%s” is busy: another Halyard window or command is "
                        "writing to it. Wait for it to finish, then try again."),
                     path);
        break;
      case SQLITE_CORRUPT:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CORRUPT,
                     _ ("Halyard’s database “%s” is damaged. Move it aside and import the "
                        "inventory again, or restore it from a backup."),
                     path);
        break;
      case SQLITE_NOTADB:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_HALYARD,
                     _ ("“%s” is not a Halyard database. Move the file aside, or choose another "
                        "data directory."),
                     path);
        break;
      case SQLITE_CANTOPEN:
      case SQLITE_PERM:
      case SQLITE_AUTH:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CANNOT_OPEN,
                     _ ("Halyard cannot open its database “%s” (%s). Check that its folder exists "
                        "and is yours, or choose another data directory."),
                     path, detail);
        break;
      case SQLITE_CONSTRAINT:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                     _ ("The change was refused because it would break the links between records "
                        "(%s)."),
                     detail);
        break;
      case SQLITE_IOERR:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_FAILED,
                     _ ("Halyard could not read or write its database “%s” (%s). Check the disk, "
                        "then try again."),
                     path, detail);
        break;
      default:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_FAILED,
                     _ ("Halyard’s database “%s” reported an error: %s."), path, detail);
        break;
    }
}

gboolean
_hy_store_not_found (GError **error, const char *id)
{
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND, _ ("There is no record “%s”."), id);
  return FALSE;
}

gboolean
_hy_store_record_not_found (GError **error, HyRecordKind kind, const char *id)
{
  g_autofree char *message = hy_record_kind_not_found_message (kind, id);

  g_set_error_literal (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND, message);
  return FALSE;
}

/* ---------------------------------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------------------------------- */

void
_hy_store_stmt_release (HyStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* The cached statements are each thread's own: a statement is released (reset) when the
 * function that used it returns, which may be after it let go of the store's lock, so another
 * thread stepping the same statement then would see it reset under it (the service's worker
 * and its main thread use one store). The connection serialises the calls themselves
 * (SQLITE_OPEN_FULLMUTEX). */
HyStmt *
_hy_store_prepare (HyStore *self, const char *sql, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%p\n%s", (gpointer) g_thread_self (), sql);
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, key);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hy_store_set_sqlite_error (self, error, rc);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_steal_pointer (&key), stmt);
  return stmt;
}

/* SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
int
_hy_store_step (HyStore *self, HyStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  _hy_store_set_sqlite_error (self, error, rc);
  return -1;
}

gboolean
_hy_store_step_done (HyStore *self, HyStmt *stmt, GError **error)
{
  int rc = _hy_store_step (self, stmt, error);

  if (rc == SQLITE_ROW)
    return TRUE;
  return rc == SQLITE_DONE;
}

/* Steps @stmt through all its rows, adding each one made by @read to @rows. */
gboolean
_hy_store_append_rows (HyStore *self,
                       HyStmt *stmt,
                       HyRowReadFunc read,
                       GPtrArray *rows,
                       GError **error)
{
  int rc;

  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, read (stmt));
  return rc >= 0;
}

/* The first row of @stmt made by @read. NULL when the step failed (@error set) or when there is
 * no row: then *@out_missing is TRUE, and the caller says what is missing. */
gpointer
_hy_store_read_row (HyStore *self,
                    HyStmt *stmt,
                    HyRowReadFunc read,
                    gboolean *out_missing,
                    GError **error)
{
  int rc = _hy_store_step (self, stmt, error);

  *out_missing = rc == SQLITE_DONE;
  return rc == SQLITE_ROW ? read (stmt) : NULL;
}

/* Every row of @stmt made by @read, in an array that frees them with @free_func; NULL on
 * error. */
GPtrArray *
_hy_store_read_rows (HyStore *self,
                     HyStmt *stmt,
                     HyRowReadFunc read,
                     GDestroyNotify free_func,
                     GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);

  if (!_hy_store_append_rows (self, stmt, read, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

gboolean
_hy_store_exec (HyStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _hy_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

void
_hy_store_bind_text (HyStmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

void
_hy_store_bind_named_text (HyStmt *stmt, const char *name, const char *text)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    _hy_store_bind_text (stmt, index, text);
}

void
_hy_store_bind_named_int (HyStmt *stmt, const char *name, gint64 value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

/* A non-zero id, or NULL. */
void
_hy_store_bind_id (HyStmt *stmt, int index, gint64 id)
{
  if (id == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, id);
}

char *
_hy_store_column_dup (HyStmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Case- and normalisation-insensitive key for names: what "search" and "same name" compare. */
char *
_hy_store_fold (const char *text)
{
  g_autofree char *normal = NULL;

  if (text == NULL)
    return NULL;
  /* ASCII: NFKC leaves it as is and case folding is lowering (the common, fast case). */
  for (const char *p = text;; p++)
    {
      if (*p == '\0')
        return g_ascii_strdown (text, -1);
      if ((guchar) *p >= 0x80)
        break;
    }
  normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  if (normal == NULL) /* not UTF-8: compare as is */
    return g_ascii_strdown (text, -1);
  return g_utf8_casefold (normal, -1);
}

static void
sql_fold (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  char *folded;

  if (text == NULL)
    {
      sqlite3_result_null (context);
      return;
    }
  folded = _hy_store_fold (text);
  sqlite3_result_text (context, folded, -1, g_free);
}

/* ---------------------------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------------------------- */

static void
hy_store_finalize (GObject *object)
{
  HyStore *self = HY_STORE (object);

  if (self->depth > 0)
    g_critical ("HyStore finalized inside a transaction; rolling it back");
  g_clear_pointer (&self->notify, _hy_store_notify_free);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->partial_upserts, g_hash_table_unref);
  for (guint i = 0; i < HY_N_RECORD_KINDS; i++)
    {
      g_free (self->insert_sql[i]);
      g_free (self->update_sql[i]);
      g_free (self->exists_sql[i]);
    }
  if (self->db)
    sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hy_store_parent_class)->finalize (object);
}

static void
hy_store_class_init (HyStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hy_store_finalize;
  _hy_store_notify_class_init (object_class);
}

static void
hy_store_init (HyStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->partial_upserts =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  self->statements =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sqlite3_finalize);
}

/* ---------------------------------------------------------------------------------------------
 * Opening and migrating
 * ------------------------------------------------------------------------------------------- */

char *
hy_store_get_default_data_dir (void)
{
  const char *env = g_getenv ("HALYARD_DATA_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "halyard", NULL);
}

char *
hy_store_build_path (const char *data_dir)
{
  g_autofree char *dir = data_dir ? g_strdup (data_dir) : hy_store_get_default_data_dir ();

  return g_build_filename (dir, HY_STORE_FILE_NAME, NULL);
}

/* Makes @path private to the user when it exists. */
static gboolean
make_private (const char *path, GError **error)
{
  struct stat st;

  if (g_stat (path, &st) != 0)
    return TRUE;
  if ((st.st_mode & 0777) == 0600)
    return TRUE;
  if (g_chmod (path, 0600) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CANNOT_OPEN,
                   _ ("Halyard cannot make its database “%s” private to you (%s). Check that "
                      "the file is yours."),
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_companions_private (HyStore *self, GError **error)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);

  return make_private (self->path, error) && make_private (wal, error) && make_private (shm, error);
}

static gboolean
create_private_file (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CANNOT_OPEN,
                   _ ("Halyard cannot create the folder “%s” for its database (%s). Check its "
                      "permissions, or choose another data directory."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, HY_STORE_ERROR,
                   saved_errno == EROFS ? HY_STORE_ERROR_READ_ONLY : HY_STORE_ERROR_CANNOT_OPEN,
                   _ ("Halyard cannot create its database “%s” (%s). Check the folder’s "
                      "permissions, or choose another data directory."),
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return make_private (path, error);
}

gboolean
_hy_store_query_int (HyStore *self, const char *sql, gint64 *out_value, GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = _hy_store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  *out_value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

gboolean
_hy_store_query_text (HyStore *self,
                      const char *sql,
                      const char *key,
                      char **out_value,
                      GError **error)
{
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql, error);
  int rc;

  *out_value = NULL;
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, key);
  rc = _hy_store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    *out_value = _hy_store_column_dup (stmt, 0);
  return TRUE;
}

static gboolean
check_identity (HyStore *self, guint *out_version, GError **error)
{
  gint64 app_id = 0, version = 0, n_objects = 0;

  if (!_hy_store_query_int (self, "PRAGMA application_id", &app_id, error) ||
      !_hy_store_query_int (self, "PRAGMA user_version", &version, error) ||
      !_hy_store_query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, error))
    return FALSE;

  if (app_id != HY_STORE_APPLICATION_ID && (app_id != 0 || version != 0 || n_objects != 0))
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_HALYARD,
                   _ ("“%s” is another program’s database, not Halyard’s. Move the file aside, "
                      "or choose another data directory."),
                   self->path);
      return FALSE;
    }

  if (version > (gint64) hy_store_get_schema_version ())
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_TOO_NEW,
                   _ ("The database “%s” was written by a newer Halyard (schema version %u; "
                      "this version knows up to %u). Update Halyard, or choose another data "
                      "directory."),
                   self->path, (guint) version, (guint) hy_store_get_schema_version ());
      return FALSE;
    }

  *out_version = version;
  return TRUE;
}


static HyStore *
open_store (const char *path, guint target_version, GError **error)
{
  g_autoptr (HyStore) self = g_object_new (HY_TYPE_STORE, NULL);
  g_autofree char *journal = NULL;
  guint version = 0;
  int rc;

  self->path = path ? g_strdup (path) : hy_store_build_path (NULL);

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      if (!create_private_file (self->path, error))
        return NULL;
    }
  else if (!make_private (self->path, error))
    return NULL;

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _hy_store_set_sqlite_error (self, error, rc);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_create_function (self->db, "hy_fold", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_fold,
                           NULL, NULL);

  if (!check_identity (self, &version, error))
    return NULL;

  {
    g_autoptr (HyStmt) stmt = _hy_store_prepare (self, "PRAGMA journal_mode = WAL", error);
    if (stmt == NULL || _hy_store_step (self, stmt, error) < 0)
      return NULL;
    journal = _hy_store_column_dup (stmt, 0);
  }
  if (g_strcmp0 (journal, "wal") != 0)
    g_warning ("%s: SQLite kept journal mode %s instead of WAL", self->path, journal);

  if (!_hy_store_exec (self,
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA cache_size = -32000;"
                       "PRAGMA temp_store = MEMORY;",
                       error))
    return NULL;

  if (version < target_version && !_hy_store_migrate (self, version, target_version, error))
    return NULL;

  if (!make_companions_private (self, error))
    return NULL;

  self->notify = _hy_store_notify_new (self, self->db);
  return g_steal_pointer (&self);
}

HyStore *
hy_store_open (const char *path, GError **error)
{
  return open_store (path, hy_store_get_schema_version (), error);
}

HyStore *
_hy_store_open_at_version (const char *path, guint version, GError **error)
{
  g_return_val_if_fail (version <= hy_store_get_schema_version (), NULL);
  return open_store (path, version, error);
}

gpointer
_hy_store_get_handle (HyStore *self)
{
  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  return self->db;
}

HyStoreNotify *
_hy_store_get_notify (HyStore *self)
{
  return self->notify;
}

void
_hy_store_lock (HyStore *self)
{
  g_rec_mutex_lock (&self->lock);
}

gboolean
_hy_store_try_lock (HyStore *self)
{
  return g_rec_mutex_trylock (&self->lock);
}

void
_hy_store_unlock (HyStore *self)
{
  g_rec_mutex_unlock (&self->lock);
}

const char *
hy_store_get_path (HyStore *self)
{
  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  return self->path;
}

/* ---------------------------------------------------------------------------------------------
 * Transactions
 * ------------------------------------------------------------------------------------------- */

gboolean
hy_store_begin (HyStore *self, GError **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  sql = self->depth == 0 ? g_strdup ("BEGIN IMMEDIATE")
                         : g_strdup_printf ("SAVEPOINT hy_%u", self->depth);
  if (!_hy_store_exec (self, sql, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->depth++;
  return TRUE;
}

gboolean
hy_store_commit (HyStore *self, GError **error)
{
  g_autofree char *sql = NULL;
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  sql = self->depth == 1 ? g_strdup ("COMMIT") : g_strdup_printf ("RELEASE hy_%u", self->depth - 1);
  ok = _hy_store_exec (self, sql, error);
  if (!ok)
    {
      /* A failed COMMIT (deferred foreign key, disk full) leaves the transaction open. */
      if (self->depth == 1)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      else
        {
          g_autofree char *undo = g_strdup_printf ("ROLLBACK TO hy_%u; RELEASE hy_%u",
                                                   self->depth - 1, self->depth - 1);
          sqlite3_exec (self->db, undo, NULL, NULL, NULL);
        }
    }
  self->depth--;
  if (ok && self->depth == 0)
    make_companions_private (self, NULL);
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

void
hy_store_rollback (HyStore *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (HY_IS_STORE (self));
  g_return_if_fail (self->depth > 0);

  sql = self->depth == 1 ? g_strdup ("ROLLBACK")
                         : g_strdup_printf ("ROLLBACK TO hy_%u; RELEASE hy_%u", self->depth - 1,
                                            self->depth - 1);
  /* After some errors (disk full, I/O) SQLite has already rolled the transaction back. */
  if (!sqlite3_get_autocommit (self->db) &&
      sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Rolling back failed: %s", sqlite3_errmsg (self->db));
  self->depth--;
  g_rec_mutex_unlock (&self->lock);
}

gboolean
hy_store_transaction (HyStore *self,
                      HyStoreTransactionFunc func,
                      gpointer user_data,
                      GError **error)
{
  if (!hy_store_begin (self, error))
    return FALSE;
  if (!func (self, user_data, error))
    {
      hy_store_rollback (self);
      return FALSE;
    }
  return hy_store_commit (self, error);
}
