/* test-store-open.c: HyStore: opening a database, the profile and settings, transactions,
 * threads, errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "test-store-fixture.h"

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

/* ---------------------------------------------------------------------------------------------
 * Opening
 * ------------------------------------------------------------------------------------------- */

static void
test_open_mode (Fixture *f, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr (GError) error = NULL;

  hy_test_store_add_company (f->store, "c1", "Acme", 0);
  g_assert_cmpuint (file_mode (f->path), ==, 0600);
  g_assert_cmpuint (file_mode (dir), ==, 0700);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);

  /* A loosened mode is fixed when the store opens again. */
  g_clear_object (&f->store);
  g_assert_cmpint (g_chmod (f->path, 0644), ==, 0);
  f->store = hy_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (f->path), ==, 0600);
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpstr (hy_store_get_path (f->store), ==, f->path);
}

static void
test_open_default_path (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  g_autofree char *expected = g_build_filename (dir, "halyard.db", NULL);
  g_autofree char *xdg = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HyStore) store = NULL;
  g_autoptr (GError) error = NULL;

  g_setenv ("HALYARD_DATA_DIR", dir, TRUE);
  path = hy_store_build_path (NULL);
  g_assert_cmpstr (path, ==, expected);
  store = hy_store_open (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hy_store_get_path (store), ==, expected);
  g_clear_object (&store);
  remove_tree (dir);

  g_unsetenv ("HALYARD_DATA_DIR");
  xdg = hy_store_get_default_data_dir ();
  g_assert_true (g_str_has_prefix (xdg, g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (xdg, "halyard"));
}

static void
test_open_not_halyard (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  g_autofree char *text = g_build_filename (dir, "text.db", NULL);
  g_autofree char *other = g_build_filename (dir, "other.db", NULL);
  g_autoptr (GError) error = NULL;
  HyStore *store;
  sqlite3 *db;

  /* Not a database at all. */
  g_assert_true (
      g_file_set_contents (text, "hello, this is not SQLite, not at all....\n", -1, NULL));
  store = hy_store_open (text, &error);
  g_assert_null (store);
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_HALYARD);
  g_assert_nonnull (strstr (error->message, text));
  g_clear_error (&error);

  /* Another program's database. */
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL,
                                 NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  store = hy_store_open (other, &error);
  g_assert_null (store);
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_HALYARD);
  g_clear_error (&error);

  remove_tree (dir);
}

static void
test_open_too_new (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "halyard.db", NULL);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  HyStore *store;
  sqlite3 *db;

  store = hy_store_open (path, &error);
  g_assert_no_error (error);
  g_object_unref (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("PRAGMA user_version = %u", hy_store_get_schema_version () + 1);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = hy_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_TOO_NEW);
  remove_tree (dir);
}

static void
test_open_read_only_dir (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ro", "halyard.db", NULL);
  g_autofree char *ro = g_build_filename (dir, "ro", NULL);
  g_autoptr (GError) error = NULL;
  HyStore *store;

  if (geteuid () == 0)
    {
      g_test_skip ("root ignores file permissions");
      remove_tree (dir);
      return;
    }
  g_assert_cmpint (g_mkdir (ro, 0500), ==, 0);
  store = hy_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CANNOT_OPEN);
  g_chmod (ro, 0700);
  remove_tree (dir);
}

/* ---------------------------------------------------------------------------------------------
 * Profile, settings, transactions
 * ------------------------------------------------------------------------------------------- */

static void
test_profile (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyProfile) got = NULL;
  g_autofree char *value = NULL;
  HyProfile profile = { "https://acme.halopsa.com", NULL, "abc", "all", FALSE };

  g_assert_null (hy_store_get_profile (f->store, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_store_set_enabled (f->store, TRUE, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (hy_store_set_profile (f->store, &profile, &error));
  g_assert_true (hy_store_set_enabled (f->store, TRUE, &error));
  got = hy_store_get_profile (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->url, ==, "https://acme.halopsa.com");
  g_assert_null (got->tenant);
  g_assert_cmpstr (got->client_id, ==, "abc");
  g_assert_true (got->enabled);

  profile.client_id = "";
  g_assert_false (hy_store_set_profile (f->store, &profile, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (hy_store_get_setting (f->store, "last_refresh", &value, &error));
  g_assert_null (value);
  g_assert_true (hy_store_set_setting (f->store, "last_refresh", "123", &error));
  g_assert_true (hy_store_get_setting (f->store, "last_refresh", &value, &error));
  g_assert_cmpstr (value, ==, "123");
  g_clear_pointer (&value, g_free);
  g_assert_true (hy_store_set_setting (f->store, "last_refresh", NULL, &error));
  g_assert_true (hy_store_get_setting (f->store, "last_refresh", &value, &error));
  g_assert_null (value);
}

static gboolean
add_two_then_fail (HyStore *store, gpointer user_data, GError **error)
{
  HyCompany a = { "t1", "One" }, b = { "t2", "Two" };

  if (!hy_store_upsert (store, HY_RECORD_KIND_COMPANY, &a, NULL, error))
    return FALSE;
  /* A nested transaction that is rolled back keeps the outer one's work. */
  if (!hy_store_begin (store, error))
    return FALSE;
  if (!hy_store_upsert (store, HY_RECORD_KIND_COMPANY, &b, NULL, error))
    return FALSE;
  hy_store_rollback (store);
  g_assert_cmpint (hy_store_count (store, HY_RECORD_KIND_COMPANY, NULL, NULL), ==, 1);

  if (GPOINTER_TO_INT (user_data))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "stop");
      return FALSE;
    }
  return TRUE;
}

static void
test_transactions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (hy_store_transaction (f->store, add_two_then_fail, GINT_TO_POINTER (1), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPANY, NULL, &error), ==, 0);

  g_assert_true (hy_store_transaction (f->store, add_two_then_fail, GINT_TO_POINTER (0), &error));
  g_assert_no_error (error);
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPANY, NULL, &error), ==, 1);
}

static void
test_disk_full_and_read_only (Fixture *f, gconstpointer data)
{
  sqlite3 *db = _hy_store_get_handle (f->store);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) big = g_string_new (NULL);
  gint64 pages = 0;
  sqlite3_stmt *stmt;
  HyCompany c = { "c1", NULL };

  hy_test_store_add_company (f->store, "c0", "Seed", 0);

  /* A disk full: the database may not grow past its current size. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  pages = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  {
    g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  for (guint i = 0; i < 20000; i++)
    g_string_append (big, "Acme ");
  c.name = big->str;
  g_assert_false (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_DISK_FULL);
  g_assert_nonnull (strstr (error->message, f->path));
  g_clear_error (&error);
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPANY, NULL, NULL), ==, 1);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL), ==,
                   SQLITE_OK);

  /* Read-only. */
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA query_only = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  c.name = "Acme";
  g_assert_false (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_READ_ONLY);
  /* what to do, in words: the CLI adds its --data-dir (tests/cli /cli/hints) */
  g_assert_nonnull (strstr (error->message, "another data directory"));
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA query_only = 0", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_no_error (error);
}

typedef struct
{
  HyStore *store;
  gint done;
} ThreadData;

static gpointer
thread_writer (gpointer user_data)
{
  ThreadData *td = user_data;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (HyEvent) e = hy_event_new ();
      g_autoptr (GError) error = NULL;

      e->method = g_strdup ("GET");
      e->path = g_strdup ("/api/Client");
      e->status = 200;
      g_assert_cmpint (hy_store_events_append (td->store, e, &error), >, 0);
      g_assert_no_error (error);
    }
  g_atomic_int_inc (&td->done);
  return NULL;
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  ThreadData td = { f->store, 0 };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("writer", thread_writer, &td);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (td.done, ==, 4);
  g_assert_cmpint (hy_store_events_count (f->store, FALSE, NULL), ==, 800);
}


int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  STORE_TEST_ADD ("/store/open/mode", test_open_mode);
  g_test_add_func ("/store/open/default-path", test_open_default_path);
  g_test_add_func ("/store/open/not-halyard", test_open_not_halyard);
  g_test_add_func ("/store/open/too-new", test_open_too_new);
  g_test_add_func ("/store/open/read-only-dir", test_open_read_only_dir);
  STORE_TEST_ADD ("/store/profile", test_profile);
  STORE_TEST_ADD ("/store/transactions", test_transactions);
  STORE_TEST_ADD ("/store/threads", test_threads);
  STORE_TEST_ADD ("/store/errors/disk-full-and-read-only", test_disk_full_and_read_only);

  return g_test_run ();
}
