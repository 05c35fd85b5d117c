/* test-store.c: HyStore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "store/hy-store-intake.h"
#include "store/hy-store-lifecycle.h"
#include "store/hy-store-private.h"
#include "store/hy-store.h"
#include "hy-test-halo.h"

/* ---------------------------------------------------------------------------------------------
 * Fixture: a fresh store in a private directory
 * ------------------------------------------------------------------------------------------- */

typedef HyTestStoreFixture Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = hy_test_store_new_tmp ("hy-store-XXXXXX", "sub/halyard.db", &f->dir, &f->path);
}

#define remove_tree hy_test_remove_tree

#define fixture_tear_down hy_test_store_fixture_tear_down

static void
add_company (HyStore *store, const char *id, const char *name)
{
  g_autoptr (GError) error = NULL;
  HyCompany c = { (char *) id, (char *) name };

  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_no_error (error);
}

static void
add_group (HyStore *store, const char *id, const char *name, const char *parent)
{
  g_autoptr (GError) error = NULL;
  HyGroup g = { (char *) id, (char *) name, (char *) parent };

  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_GROUP, &g, NULL, &error));
  g_assert_no_error (error);
}

static void
add_computer (HyStore *store,
              const char *id,
              const char *name,
              const char *company,
              const char *group)
{
  g_autoptr (GError) error = NULL;
  HyComputer c = { 0 };

  c.id = (char *) id;
  c.name = (char *) name;
  c.company_id = (char *) company;
  c.group_id = (char *) group;
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, &c, NULL, &error));
  g_assert_no_error (error);
}

static void
add_policy (HyStore *store, const char *id, const char *name)
{
  g_autoptr (GError) error = NULL;
  HyPolicy p = { (char *) id, (char *) name };

  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_POLICY, &p, NULL, &error));
  g_assert_no_error (error);
}

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

  add_company (f->store, "c1", "Acme");
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
 * Migrations: every earlier version, with data written at that version, migrates to the
 * latest and ends with the same schema as a fresh database.
 * ------------------------------------------------------------------------------------------- */

/* Seeds[v] writes rows valid at schema version v + 1, and checks[v] is a query over the latest
 * schema that returns 1 when those rows survived. A new migration adds one of each. */
static const char *const seeds[] = {
  "INSERT INTO companies (id, name, name_key) VALUES ('c1', 'Acme', 'acme');"
  "INSERT INTO \"groups\" (id, name, parent_id, name_key) VALUES ('g1', 'Servers', NULL, "
  "'servers');"
  "INSERT INTO computers (id, name, company_id, group_id, name_key) VALUES ('pc1', 'DC01', 'c1',"
  " 'g1', 'dc01');"
  "INSERT INTO links (kind, local_id, halo_id, how, halo_name) VALUES ('company', 'c1', 12, "
  "'manual', 'Acme Ltd');"
  "INSERT INTO profile (id, url, client_id, enabled) VALUES (1, 'https://h.example', 'cid', 1);",
  "INSERT INTO halo_records (kind, id, name, name_key) VALUES ('client', 12, 'Acme Ltd', "
  "'acme ltd');"
  "INSERT INTO outbox (kind, payload, next_attempt_at, created) VALUES ('x', '{}', 1, 1);"
  "INSERT INTO events (time, method, path, status, duration_ms, failed) VALUES (1, 'GET', "
  "'/api/Client', 200, 5, 0);",
  "INSERT INTO events (time, method, path, status, duration_ms, error, failed) VALUES (2, "
  "'POST', '/api/Asset', 500, 7, 'boom', 1);",
  "INSERT INTO service_lease (id, pid, host, command, since, expires) VALUES (1, 1, 'h', "
  "'halyard-cli serve', 1, 2);"
  "INSERT INTO rate_grants (at, bulk) VALUES (5, 1);"
  "UPDATE service_requests SET sync_requested = 1;"
  "UPDATE profile SET rate_max = 60, rate_window = 30, refresh_interval = 600;",
  "INSERT INTO halo_records (kind, id, name, name_key) VALUES ('priority', 2, 'High', 'high'),"
  " ('team', 1, 'Service Desk', 'service desk');"
  "INSERT INTO policies (id, name, name_key) VALUES ('p1', 'Disk', 'disk');"
  "INSERT INTO policy_defaults (policy_id, priority_id, team, flap_minutes) VALUES ('p1', 2, "
  "'Service Desk', 10);"
  "INSERT INTO maintenance_windows (group_id, starts_at, ends_at, created) VALUES ('g1', 1, 2, "
  "1);"
  "INSERT INTO alert_lifecycle (alert_id, suppressed_until) VALUES ('a1', 2);",
  /* 6: a write Halo refused is queued again when a link (or mapping) changes */
  "INSERT INTO outbox (kind, record_key, payload, next_attempt_at, state, last_error, created, "
  "dead_cause) VALUES ('ticket.create', 'alert:z', '{}', 1, 'dead', 'HTTP 400', 1, 'refused');"
  "UPDATE links SET how = 'auto' WHERE kind = 'company' AND local_id = 'c1';",
  "INSERT INTO intake (id, computer_label, alertmanager_url, day, day_count) VALUES (1, 'host', "
  "'http://am.example:9093', '2026-12-06', 3);"
  "INSERT INTO intake_waiting (alert_id, source, computer, policy, summary, reason, received) "
  "VALUES ('am:f1', 'alertmanager', 'newbox', 'p1', 'Disk', 'no computer', 5);",
  "UPDATE computers SET retired = 5 WHERE id = 'pc1';",
  "UPDATE events SET host = 'acme.halopsa.com' WHERE time = 2;",
  "INSERT INTO link_rejections (kind, local_id, halo_id) VALUES ('company', 'c1', 7);",
  "INSERT INTO asset_types (id, name, keyfield_id, read_at) VALUES (130, 'Workstation', 101, 1);"
  "INSERT INTO asset_type_fields (assettype_id, field_id, field_name, sequence) VALUES "
  "(130, 101, 'Device Name', 0), (130, 151, 'Operating System', 1);"
  "INSERT INTO asset_field_map (assettype_id, field, halo_field_id) VALUES (130, 'os', 151), "
  "(130, 'mac', 0);",
  "INSERT INTO alert_tickets_closed (alert_id, raised_at) VALUES ('a9', '2026-12-06T10:00:00Z');",
  "UPDATE alert_lifecycle SET ticket_status_id = 4 WHERE alert_id = 'a1';",
};

static const char *const checks[] = {
  "SELECT (SELECT count(*) FROM computers WHERE id = 'pc1' AND company_id = 'c1') + "
  "(SELECT count(*) FROM links WHERE halo_id = 12) + (SELECT enabled FROM profile) = 3",
  "SELECT (SELECT count(*) FROM halo_records WHERE kind = 'client') + (SELECT count(*) FROM "
  "outbox WHERE kind = 'x') + "
  "(SELECT count(*) FROM events WHERE time = 1) = 3",
  "SELECT (SELECT count(*) FROM events WHERE failed = 1 AND time = 2) = 1",
  "SELECT (SELECT count(*) FROM service_lease WHERE pid = 1) + (SELECT count(*) FROM "
  "rate_grants) + (SELECT count(*) FROM profile WHERE rate_max = 60 AND rate_window = 30 AND "
  "refresh_interval = 600) + (SELECT serial > 0 FROM store_changes WHERE kind = 'service') + "
  "(SELECT sync_requested FROM service_requests) = 5",
  "SELECT (SELECT count(*) FROM halo_records WHERE kind IN ('priority', 'team')) + "
  "(SELECT flap_minutes FROM policy_defaults) + (SELECT count(*) FROM maintenance_windows) + "
  "(SELECT suppressed_until FROM alert_lifecycle) = 15",
  "SELECT (SELECT count(*) FROM outbox WHERE record_key = 'alert:z' AND state = 'pending' AND "
  "dead_cause IS NULL AND refused = 0) = 1",
  "SELECT (SELECT day_count FROM intake WHERE computer_label = 'host') + "
  "(SELECT count(*) FROM intake_waiting WHERE computer = 'newbox') = 4",
  "SELECT (SELECT retired FROM computers WHERE id = 'pc1') = 5",
  "SELECT (SELECT count(*) FROM events WHERE host = 'acme.halopsa.com' AND failed = 1) = 1",
  "SELECT (SELECT count(*) FROM link_rejections WHERE local_id = 'c1' AND halo_id = 7) = 1",
  "SELECT (SELECT count(*) FROM asset_type_fields WHERE assettype_id = 130) + "
  "(SELECT halo_field_id FROM asset_field_map WHERE field = 'os') = 153",
  "SELECT (SELECT count(*) FROM alert_tickets_closed WHERE alert_id = 'a9') = 1",
  "SELECT (SELECT ticket_status_id FROM alert_lifecycle WHERE alert_id = 'a1') = 4",
};

static char *
schema_of (const char *path)
{
  g_autoptr (GString) schema = g_string_new (NULL);
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT type, name, coalesce (sql, '') FROM sqlite_master "
                                       "ORDER BY type, name",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (schema, "%s %s %s\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_string_append_printf (schema, "version %d\n", sqlite3_column_int (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&schema), FALSE);
}

static void
exec_sql (const char *path, const char *sql)
{
  sqlite3 *db;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static int
query_one (const char *path, const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  int value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_migrations (void)
{
  guint latest = hy_store_get_schema_version ();
  g_autofree char *dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  g_autofree char *fresh_path = g_build_filename (dir, "fresh.db", NULL);
  g_autofree char *fresh = NULL;
  g_autoptr (GError) error = NULL;
  HyStore *store;

  /* A new migration needs a seed and a check here. */
  g_assert_cmpuint (G_N_ELEMENTS (seeds), ==, latest);
  g_assert_cmpuint (G_N_ELEMENTS (checks), ==, latest);
  g_assert_cmpuint (_hy_store_get_n_migrations (), ==, latest);

  store = hy_store_open (fresh_path, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  fresh = schema_of (fresh_path);

  for (guint from = 0; from < latest; from++)
    {
      g_autofree char *name = g_strdup_printf ("from-%u.db", from);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *migrated = NULL;

      g_test_message ("Migrating from schema version %u to %u", from, latest);
      store = _hy_store_open_at_version (path, from, &error);
      g_assert_no_error (error);
      g_object_unref (store);
      g_assert_cmpint (query_one (path, "PRAGMA user_version"), ==, from);

      for (guint v = 0; v < from; v++)
        exec_sql (path, seeds[v]);

      store = hy_store_open (path, &error);
      g_assert_no_error (error);
      g_object_unref (store);

      migrated = schema_of (path);
      g_assert_cmpstr (migrated, ==, fresh);
      for (guint v = 0; v < from; v++)
        g_assert_cmpint (query_one (path, checks[v]), ==, 1);
      g_assert_cmpint (query_one (path, "PRAGMA application_id"), ==, HY_STORE_APPLICATION_ID);
    }

  /* The seeds also apply at the latest version (each seed is valid from its version on). */
  for (guint v = 0; v < latest; v++)
    exec_sql (fresh_path, seeds[v]);
  for (guint v = 0; v < latest; v++)
    g_assert_cmpint (query_one (fresh_path, checks[v]), ==, 1);

  remove_tree (dir);
}

static void
assert_rejected (HyStore *store, HyRecordKind kind, const char *id, const gint64 *expected, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ids = hy_store_link_list_rejected (store, kind, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  g_assert_cmpmem (ids->data, ids->len * sizeof (gint64), expected, n * sizeof (gint64));
}

/* Schema 10: the "linker.rejected:<kind>:<id>" settings keys (a comma-separated list of Halo
 * ids, as Halyard wrote them before) become rows of link_rejections, and the keys go. */
static void
test_migrate_link_rejections (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *other = NULL;
  HyStore *store;
  const gint64 company[] = { 3, 7 };
  const gint64 user[] = { 12 };
  const gint64 location[] = { 5 };

  store = _hy_store_open_at_version (path, 9, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  exec_sql (path, "INSERT INTO settings (key, value) VALUES "
                  "('linker.rejected:company:c1', '3,7,3'),"
                  "('linker.rejected:user:u:with:colons', '12'),"
                  "('linker.rejected:location:l1', 'x,0,-4,5,'),"
                  "('linker.rejected:computer:pc1', ''),"
                  "('linker.rejected:group:g1', '4'),"
                  "('linker.other', 'kept');");

  store = hy_store_open (path, &error);
  g_assert_no_error (error);
  assert_rejected (store, HY_RECORD_KIND_COMPANY, "c1", company, G_N_ELEMENTS (company));
  assert_rejected (store, HY_RECORD_KIND_USER, "u:with:colons", user, G_N_ELEMENTS (user));
  assert_rejected (store, HY_RECORD_KIND_LOCATION, "l1", location, G_N_ELEMENTS (location));
  assert_rejected (store, HY_RECORD_KIND_COMPUTER, "pc1", NULL, 0);
  g_assert_true (hy_store_get_setting (store, "linker.other", &other, &error));
  g_assert_cmpstr (other, ==, "kept");
  g_object_unref (store);

  g_assert_cmpint (query_one (path, "SELECT count(*) FROM settings WHERE key GLOB 'linker.rej*'"),
                   ==, 0);
  g_assert_cmpint (query_one (path, "SELECT count(*) FROM link_rejections"), ==, 4);
  remove_tree (dir);
}

/* Schema 12: the "sync.resolved:<alert id>" settings become rows of alert_tickets_closed (and
 * leave the settings); the other settings stay. */
static void
test_migrate_tickets_closed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "v11.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *raised = NULL;
  g_autofree char *other = NULL;
  HyStore *store;

  store = _hy_store_open_at_version (path, 11, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  exec_sql (path, "INSERT INTO settings (key, value) VALUES "
                  "('sync.resolved:a1', '2026-12-01T08:00:00Z'), ('sync.resolved:am:f2', ''), "
                  "('sync.retired-assets', 'keep')");

  store = hy_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (hy_store_get_alert_ticket_closed (store, "a1", &raised, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (raised, ==, "2026-12-01T08:00:00Z");
  g_clear_pointer (&raised, g_free);
  g_assert_true (hy_store_get_alert_ticket_closed (store, "am:f2", &raised, &error));
  g_assert_cmpstr (raised, ==, "");
  g_clear_pointer (&raised, g_free);
  g_assert_true (hy_store_get_alert_ticket_closed (store, "a2", &raised, &error));
  g_assert_null (raised);
  g_assert_true (hy_store_get_setting (store, "sync.retired-assets", &other, &error));
  g_assert_cmpstr (other, ==, "keep");
  g_object_unref (store);
  g_assert_cmpint (query_one (path,
                              "SELECT count(*) FROM settings WHERE key LIKE 'sync.resolved:%'"),
                   ==, 0);

  /* Forgotten again. */
  store = hy_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (hy_store_set_alert_ticket_closed (store, "a1", NULL, &error));
  g_assert_true (hy_store_get_alert_ticket_closed (store, "a1", &raised, &error));
  g_assert_no_error (error);
  g_assert_null (raised);
  g_object_unref (store);
  remove_tree (dir);
}

/* Schema 13: the "lifecycle.status:<alert id>" settings become the ticket_status_id of the
 * alert's lifecycle (an alert with a lifecycle keeps the rest of it); keys without a status are
 * dropped; the other settings stay. */
static void
test_migrate_ticket_status (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "v12.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *other = NULL;
  HyAlertLifecycle lifecycle = { 0 };
  gint64 status_id = -1;
  HyStore *store;

  store = _hy_store_open_at_version (path, 12, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  exec_sql (path, "INSERT INTO alert_lifecycle (alert_id, suppressed_until, previous_ticket_id) "
                  "VALUES ('a1', 500, 1001);"
                  "INSERT INTO settings (key, value) VALUES "
                  "('lifecycle.status:a1', '4'), ('lifecycle.status:am:f2', '22'), "
                  "('lifecycle.status:a3', ''), ('lifecycle.status:a4', 'open'), "
                  "('lifecycle.statuses', 'keep')");

  store = hy_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (hy_store_get_alert_ticket_status (store, "a1", &status_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status_id, ==, 4);
  g_assert_true (hy_store_get_alert_lifecycle (store, "a1", &lifecycle, &error));
  g_assert_cmpint (lifecycle.suppressed_until, ==, 500);
  g_assert_cmpint (lifecycle.previous_ticket_id, ==, 1001);
  g_assert_true (hy_store_get_alert_ticket_status (store, "am:f2", &status_id, &error));
  g_assert_cmpint (status_id, ==, 22);
  g_assert_true (hy_store_get_alert_ticket_status (store, "a3", &status_id, &error));
  g_assert_cmpint (status_id, ==, 0);
  g_assert_true (hy_store_get_alert_ticket_status (store, "a4", &status_id, &error));
  g_assert_cmpint (status_id, ==, 0);
  g_assert_true (hy_store_get_alert_ticket_status (store, "a5", &status_id, &error));
  g_assert_cmpint (status_id, ==, 0);
  g_assert_true (hy_store_get_setting (store, "lifecycle.statuses", &other, &error));
  g_assert_cmpstr (other, ==, "keep");
  g_assert_no_error (error);
  g_object_unref (store);
  g_assert_cmpint (query_one (path, "SELECT count(*) FROM settings WHERE key LIKE "
                                    "'lifecycle.status:%'"),
                   ==, 0);
  g_assert_cmpint (query_one (path, "SELECT count(*) FROM alert_lifecycle"), ==, 2);

  /* Writing the rest of the lifecycle keeps the status, and the status the rest; 0 forgets
   * it. */
  store = hy_store_open (path, &error);
  g_assert_no_error (error);
  lifecycle.repeats = 2;
  g_assert_true (hy_store_set_alert_lifecycle (store, "a1", &lifecycle, &error));
  g_assert_true (hy_store_get_alert_ticket_status (store, "a1", &status_id, &error));
  g_assert_cmpint (status_id, ==, 4);
  g_assert_true (hy_store_set_alert_ticket_status (store, "a1", 9, &error));
  g_assert_true (hy_store_get_alert_lifecycle (store, "a1", &lifecycle, &error));
  g_assert_cmpuint (lifecycle.repeats, ==, 2);
  g_assert_cmpint (lifecycle.suppressed_until, ==, 500);
  g_assert_true (hy_store_get_alert_ticket_status (store, "a1", &status_id, &error));
  g_assert_cmpint (status_id, ==, 9);
  g_assert_true (hy_store_set_alert_ticket_status (store, "a1", 0, &error));
  g_assert_true (hy_store_get_alert_ticket_status (store, "a1", &status_id, &error));
  g_assert_cmpint (status_id, ==, 0);
  g_assert_true (hy_store_get_alert_lifecycle (store, "a1", &lifecycle, &error));
  g_assert_cmpuint (lifecycle.repeats, ==, 2);
  g_assert_no_error (error);
  g_object_unref (store);
  remove_tree (dir);
}

/* ---------------------------------------------------------------------------------------------
 * Inventory
 * ------------------------------------------------------------------------------------------- */

/* A source that does not give a field leaves it as it was. */
static void
test_upsert_fields (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyComputer) got = NULL;
  HyCompany c = { "c1", "Acme" };
  HyGroup g = { "g1", "Servers", NULL };
  HyComputer pc = { "pc1", "DC01", "c1", NULL, "g1", "SN1", "Debian" };
  HyComputer partial = { "pc1", "DC01-renamed", NULL, NULL, NULL, "SN1", "Debian 13" };
  HyStoreChange change;

  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_GROUP, &g, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc, NULL, &error));

  /* id, name, serial (5) and os (6) only: company and group stay. */
  g_assert_true (hy_store_upsert_fields (f->store, HY_RECORD_KIND_COMPUTER, &partial,
                                         (1 << 5) | (1 << 6), &change, &error));
  g_assert_no_error (error);
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_UPDATED);
  got = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error);
  g_assert_cmpstr (got->name, ==, "DC01-renamed");
  g_assert_cmpstr (got->os, ==, "Debian 13");
  g_assert_cmpstr (got->company_id, ==, "c1");
  g_assert_cmpstr (got->group_id, ==, "g1");
  g_assert_true (hy_store_upsert_fields (f->store, HY_RECORD_KIND_COMPUTER, &partial,
                                         (1 << 5) | (1 << 6), &change, &error));
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_UNCHANGED);
}

static void
test_retired (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) links = NULL;
  HyComputer a = { "a", "A" }, b = { "b", "B" };
  guint retired = 9, returned = 9;

  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &a, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &b, NULL, &error));
  g_hash_table_add (present, "a");

  /* Without prune nothing is retired. */
  g_assert_true (hy_store_update_retired (f->store, present, FALSE, &retired, &returned, &error));
  g_assert_cmpuint (retired, ==, 0);
  g_assert_cmpuint (returned, ==, 0);

  g_assert_true (hy_store_update_retired (f->store, present, TRUE, &retired, &returned, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (retired, ==, 1);
  {
    g_autoptr (HyComputer) got = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "b", &error);
    g_assert_cmpint (got->retired, >, 0);
  }
  links = hy_store_list_links (f->store, HY_RECORD_KIND_COMPUTER, NULL, &error);
  g_assert_cmpuint (links->len, ==, 2);
  g_assert_cmpint (((HyLink *) links->pdata[0])->retired, ==, 0);
  g_assert_cmpint (((HyLink *) links->pdata[1])->retired, >, 0);

  /* Retired twice counts once; b comes back. */
  g_assert_true (hy_store_update_retired (f->store, present, TRUE, &retired, &returned, &error));
  g_assert_cmpuint (retired, ==, 0);
  g_hash_table_add (present, "b");
  g_assert_true (hy_store_update_retired (f->store, present, FALSE, &retired, &returned, &error));
  g_assert_cmpuint (returned, ==, 1);
  {
    g_autoptr (HyComputer) got = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "b", &error);
    g_assert_cmpint (got->retired, ==, 0);
  }
}

static void
test_upsert_changes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyCompany) got = NULL;
  HyCompany c = { "c1", "Acme" };
  HyStoreChange change;

  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, &change, &error));
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_ADDED);
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, &change, &error));
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_UNCHANGED);
  c.name = "Acme Ltd";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, &change, &error));
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_UPDATED);
  g_assert_no_error (error);

  got = hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "Acme Ltd");
  g_assert_cmpint (got->link.how, ==, HY_LINK_HOW_NONE);

  g_assert_null (hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "nope", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
}

static void
test_upsert_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyCompany nameless = { "c1", NULL };
  HyLocation orphan = { "l1", "Head Office", "c9" };
  HyComputer pc = { 0 };

  g_assert_false (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &nameless, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  /* one whole sentence per kind (tells the kind in words a translation can agree with) */
  g_assert_cmpstr (error->message, ==, "The company “c1” has no “name”, which it needs.");
  g_clear_error (&error);

  g_assert_false (hy_store_upsert (f->store, HY_RECORD_KIND_LOCATION, &orphan, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "c9"));
  g_assert_cmpstr (error->message, ==,
                   "The location “l1” refers to the company “c9”, which does not exist.");
  g_clear_error (&error);

  pc.id = "pc1";
  pc.name = "PC";
  pc.group_id = "nogroup";
  g_assert_false (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT);
  g_assert_cmpstr (error->message, ==,
                   "The computer “pc1” refers to the group “nogroup”, which does not exist.");
  g_clear_error (&error);

  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, NULL, &error), ==, 0);
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_LOCATION, NULL, &error), ==, 0);
}

static void
test_group_parent_deferred (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyGroup child = { "g2", "Child", "g1" };
  gboolean exists = TRUE;

  /* A parent may come later in the same transaction ... */
  g_assert_true (hy_store_begin (f->store, &error));
  add_group (f->store, "g2", "Child", "g1");
  add_group (f->store, "g1", "Parent", NULL);
  g_assert_true (hy_store_commit (f->store, &error));
  g_assert_no_error (error);

  /* ... but it must exist when the transaction ends. */
  g_assert_true (hy_store_begin (f->store, &error));
  child.id = "g3";
  child.parent_id = "missing";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_GROUP, &child, NULL, &error));
  g_assert_false (hy_store_commit (f->store, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (hy_store_exists (f->store, HY_RECORD_KIND_GROUP, "g3", &exists, &error));
  g_assert_false (exists);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyLinkInfo link = { 0 };

  add_company (f->store, "c1", "Acme");
  add_computer (f->store, "pc1", "PC1", "c1", NULL);
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPUTER, "pc1", 5, "PC1",
                                    HY_LINK_HOW_AUTO, &error));

  g_assert_false (hy_store_delete (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT);
  g_assert_cmpstr (error->message, ==,
                   "The company “c1” cannot be deleted while other records refer to it.");
  g_clear_error (&error);

  g_assert_true (hy_store_delete (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error));
  g_assert_true (hy_store_delete (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_no_error (error);
  g_assert_true (hy_store_link_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &link, &error));
  g_assert_cmpint (link.how, ==, HY_LINK_HOW_NONE);

  g_assert_false (hy_store_delete (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
}

static void
test_queries (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  HyStoreQuery q = HY_STORE_QUERY_INIT;
  HyUser user = { "u1", "Jane Tech", "Jane@MSP.example" };

  add_company (f->store, "c1", "Acme Ltd");
  add_company (f->store, "c2", "ÉCOLE Dupont");
  add_company (f->store, "c3", "acme limited");
  add_group (f->store, "g1", "Servers", NULL);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("pc%02u", i);
      g_autofree char *name = g_strdup_printf ("ACME-PC%02u", i);

      add_computer (f->store, id, name, i % 2 ? "c1" : "c3", i < 10 ? "g1" : NULL);
    }
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_USER, &user, NULL, &error));

  /* Search is case-insensitive, Unicode-aware, a substring. */
  q.search = "acme";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPANY, &q, &error), ==, 2);
  q.search = "école";
  list = hy_store_list (f->store, HY_RECORD_KIND_COMPANY, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((HyCompany *) list->pdata[0])->id, ==, "c2");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Ordered by name, paged. */
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.limit = 10;
  q.offset = 25;
  list = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, &q, &error);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_cmpstr (((HyComputer *) list->pdata[0])->name, ==, "ACME-PC25");
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 30);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* By company, by group. */
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.company_id = "c1";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 15);
  q.group_id = "g1";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 5);

  /* Unlinked only. */
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPUTER, "pc01", 101, "ACME-PC01",
                                    HY_LINK_HOW_MANUAL, &error));
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.unlinked_only = TRUE;
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 29);
  list = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, &q, &error);
  g_assert_cmpuint (list->len, ==, 29);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((HyComputer *) list->pdata[i])->id, !=, "pc01");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Unlinked first, then linked, each by name. */
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.unlinked_first = TRUE;
  q.limit = 30;
  list = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, &q, &error);
  g_assert_cmpuint (list->len, ==, 30);
  g_assert_cmpstr (((HyComputer *) list->pdata[0])->id, ==, "pc00");
  g_assert_cmpstr (((HyComputer *) list->pdata[1])->id, ==, "pc02");
  g_assert_cmpstr (((HyComputer *) list->pdata[29])->id, ==, "pc01");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = hy_store_list_links (f->store, HY_RECORD_KIND_COMPUTER, &q, &error);
  g_assert_cmpstr (((HyLink *) list->pdata[29])->id, ==, "pc01");
  g_assert_cmpint (((HyLink *) list->pdata[29])->link.halo_id, ==, 101);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Exact names and e-mails. */
  list = hy_store_find_by_name (f->store, HY_RECORD_KIND_COMPANY, "ACME LTD", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = hy_store_find_users_by_email (f->store, "jane@msp.EXAMPLE", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((HyUser *) list->pdata[0])->name, ==, "Jane Tech");
  g_clear_pointer (&list, g_ptr_array_unref);
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.search = "msp.example";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_USER, &q, &error), ==, 1);
  g_assert_no_error (error);
}

static void
test_alerts (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyAlert) got = NULL;
  HyAlert alert = { 0 };
  HyStoreQuery q = HY_STORE_QUERY_INIT;
  guint open = 0, unrouted = 0;

  add_company (f->store, "c1", "Acme");
  add_computer (f->store, "pc1", "PC1", "c1", NULL);
  add_policy (f->store, "p1", "Disk space low");
  alert.id = "a1";
  alert.computer_id = "pc1";
  alert.policy_id = "p1";
  alert.summary = "C: is full";
  alert.severity = "critical";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_ALERT, &alert, NULL, &error));
  alert.id = "a2";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_ALERT, &alert, NULL, &error));

  g_assert_true (
      hy_store_set_alert_delivery (f->store, "a1", HY_ALERT_STATE_DELIVERED, 4242, NULL, &error));
  g_assert_true (hy_store_set_alert_delivery (f->store, "a2", HY_ALERT_STATE_UNROUTED, 0,
                                              "Policy not mapped", &error));
  g_assert_no_error (error);
  g_assert_true (hy_store_count_alerts (f->store, &open, &unrouted, &error));
  g_assert_cmpuint (open, ==, 2);
  g_assert_cmpuint (unrouted, ==, 1);

  /* A re-import keeps the delivery state. */
  alert.id = "a1";
  alert.summary = "C: is nearly full";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_ALERT, &alert, NULL, &error));
  got = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, HY_ALERT_STATE_DELIVERED);
  g_assert_cmpint (got->ticket_id, ==, 4242);
  g_assert_cmpstr (got->summary, ==, "C: is nearly full");

  g_assert_true (hy_store_clear_alert (f->store, "a1", NULL, &error));
  g_assert_true (hy_store_count_alerts (f->store, &open, &unrouted, &error));
  g_assert_cmpuint (open, ==, 1);
  q.open_only = TRUE;
  q.computer_id = "pc1";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_ALERT, &q, &error), ==, 1);

  g_assert_false (hy_store_clear_alert (f->store, "zz", NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
}

/* ---------------------------------------------------------------------------------------------
 * Links and routes
 * ------------------------------------------------------------------------------------------- */

static void
test_links (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) links = NULL;
  g_auto (GStrv) local = NULL;
  g_autoptr (HyCompany) company = NULL;
  HyStoreQuery q = HY_STORE_QUERY_INIT;
  HyLinkInfo link = { 0 };

  add_company (f->store, "c1", "Acme");
  add_company (f->store, "c2", "Beta");
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPANY, "c1", 12, "Acme Ltd",
                                    HY_LINK_HOW_AUTO, &error));
  g_assert_no_error (error);

  company = hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
  g_assert_cmpint (company->link.how, ==, HY_LINK_HOW_AUTO);
  g_assert_cmpint (company->link.halo_id, ==, 12);
  g_assert_cmpstr (company->link.halo_name, ==, "Acme Ltd");

  /* Manual replaces auto. */
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPANY, "c1", 13, "Acme Group",
                                    HY_LINK_HOW_MANUAL, &error));
  g_assert_true (hy_store_link_get (f->store, HY_RECORD_KIND_COMPANY, "c1", &link, &error));
  g_assert_cmpint (link.how, ==, HY_LINK_HOW_MANUAL);
  g_assert_cmpint (link.halo_id, ==, 13);
  hy_link_info_clear (&link);

  local = hy_store_link_find_local (f->store, HY_RECORD_KIND_COMPANY, 13, &error);
  g_assert_cmpuint (g_strv_length (local), ==, 1);
  g_assert_cmpstr (local[0], ==, "c1");

  links = hy_store_list_links (f->store, HY_RECORD_KIND_COMPANY, NULL, &error);
  g_assert_cmpuint (links->len, ==, 2);
  g_assert_cmpstr (((HyLink *) links->pdata[0])->name, ==, "Acme");
  g_assert_cmpint (((HyLink *) links->pdata[0])->link.halo_id, ==, 13);
  g_assert_cmpint (((HyLink *) links->pdata[1])->link.how, ==, HY_LINK_HOW_NONE);
  g_clear_pointer (&links, g_ptr_array_unref);

  q.unlinked_only = TRUE;
  links = hy_store_list_links (f->store, HY_RECORD_KIND_COMPANY, &q, &error);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpstr (((HyLink *) links->pdata[0])->id, ==, "c2");
  g_clear_pointer (&links, g_ptr_array_unref);

  g_assert_true (hy_store_link_clear (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPANY, &q, &error), ==, 2);

  /* Errors. */
  g_assert_false (hy_store_link_set (f->store, HY_RECORD_KIND_COMPANY, "c9", 1, NULL,
                                     HY_LINK_HOW_MANUAL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_store_link_set (f->store, HY_RECORD_KIND_POLICY, "p1", 1, NULL,
                                     HY_LINK_HOW_MANUAL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
}

/* A rejected suggestion is a row per record and Halo id: twice is once, other records keep
 * theirs, and what cannot be linked or is not a Halo id is refused. */
static void
test_link_rejections (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) none = NULL;
  const gint64 c1[] = { 3, 9 };
  const gint64 c2[] = { 9 };

  none = hy_store_link_list_rejected (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_true (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c1", 9, &error));
  g_assert_true (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c1", 3, &error));
  g_assert_true (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c1", 9, &error));
  g_assert_true (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c2", 9, &error));
  g_assert_no_error (error);
  assert_rejected (f->store, HY_RECORD_KIND_COMPANY, "c1", c1, G_N_ELEMENTS (c1));
  assert_rejected (f->store, HY_RECORD_KIND_COMPANY, "c2", c2, G_N_ELEMENTS (c2));
  assert_rejected (f->store, HY_RECORD_KIND_USER, "c1", NULL, 0);

  g_assert_false (hy_store_link_reject (f->store, HY_RECORD_KIND_GROUP, "g1", 9, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c1", 0, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (hy_store_link_list_rejected (f->store, HY_RECORD_KIND_POLICY, "p1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  assert_rejected (f->store, HY_RECORD_KIND_COMPANY, "c1", c1, G_N_ELEMENTS (c1));
}

static void
test_mappings (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyGroupMapping) gm = NULL;
  g_autoptr (HyPolicyMapping) pm = NULL;
  g_autoptr (GPtrArray) list = NULL;

  add_group (f->store, "g1", "Servers", NULL);
  add_policy (f->store, "p1", "Disk");

  g_assert_true (hy_store_map_group (f->store, "g1", 12, 0, &error));
  g_assert_true (hy_store_map_group (f->store, "g1", 12, 20, &error));
  g_assert_true (hy_store_map_policy (f->store, "p1", 3, 9, &error));
  g_assert_no_error (error);

  gm = hy_store_get_group_mapping (f->store, "g1", &error);
  g_assert_cmpint (gm->client_id, ==, 12);
  g_assert_cmpint (gm->site_id, ==, 20);
  pm = hy_store_get_policy_mapping (f->store, "p1", &error);
  g_assert_cmpint (pm->ticket_type_id, ==, 3);
  g_assert_cmpint (pm->close_status_id, ==, 9);
  list = hy_store_list_group_mappings (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = hy_store_list_policy_mappings (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (hy_store_unmap_group (f->store, "g1", &error));
  g_assert_true (hy_store_unmap_policy (f->store, "p1", &error));
  g_assert_null (hy_store_get_group_mapping (f->store, "g1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (hy_store_get_policy_mapping (f->store, "p1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (hy_store_map_group (f->store, "g9", 12, 0, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_store_map_policy (f->store, "p1", 0, 0, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
}

/* ---------------------------------------------------------------------------------------------
 * Halo cache, sync state
 * ------------------------------------------------------------------------------------------- */

static void
test_cache (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (HyCacheRecord) got = NULL;
  HyStoreQuery q = HY_STORE_QUERY_INIT;
  HyCacheRecord *r;

  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Site %u", i);

      r = hy_cache_record_new (HY_CACHE_KIND_SITE, i, name);
      r->client_id = i <= 3 ? 12 : 13;
      g_ptr_array_add (records, r);
    }
  g_assert_true (hy_store_cache_replace (f->store, HY_CACHE_KIND_SITE, records, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hy_store_cache_count (f->store, HY_CACHE_KIND_SITE, NULL, &error), ==, 5);
  q.halo_client_id = 12;
  g_assert_cmpint (hy_store_cache_count (f->store, HY_CACHE_KIND_SITE, &q, &error), ==, 3);

  /* Replace drops what Halo no longer has. */
  g_ptr_array_remove_range (records, 0, 4);
  g_assert_true (hy_store_cache_replace (f->store, HY_CACHE_KIND_SITE, records, &error));
  g_assert_cmpint (hy_store_cache_count (f->store, HY_CACHE_KIND_SITE, NULL, &error), ==, 1);

  /* A record of another kind makes the whole replace fail and change nothing. */
  g_ptr_array_add (records, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 1, "Wrong"));
  g_assert_false (hy_store_cache_replace (f->store, HY_CACHE_KIND_SITE, records, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (hy_store_cache_count (f->store, HY_CACHE_KIND_SITE, NULL, &error), ==, 1);

  r = hy_cache_record_new (HY_CACHE_KIND_AGENT, 5, "Jane Tech");
  r->email = g_strdup ("jane@msp.example");
  r->is_api_agent = FALSE;
  g_assert_true (hy_store_cache_upsert (f->store, r, &error));
  hy_cache_record_free (r);
  found = hy_store_cache_find_agents_by_email (f->store, "JANE@msp.example", &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  r = hy_cache_record_new (HY_CACHE_KIND_ASSET, 77, "PC-ACME-01");
  r->client_id = 12;
  r->site_id = 20;
  r->inventory_number = g_strdup ("ASSET-0001");
  r->key_field = g_strdup ("PC-ACME-01");
  g_assert_true (hy_store_cache_upsert (f->store, r, &error));
  hy_cache_record_free (r);
  found = hy_store_cache_find_assets_by_inventory_number (f->store, 12, "ASSET-0001", &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = hy_store_cache_find_assets_by_inventory_number (f->store, 13, "ASSET-0001", &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = hy_store_cache_find_by_name (f->store, HY_CACHE_KIND_ASSET, 0, "pc-acme-01", &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  r = hy_cache_record_new (HY_CACHE_KIND_STATUS, 9, "Closed");
  r->closed = TRUE;
  g_assert_true (hy_store_cache_upsert (f->store, r, &error));
  hy_cache_record_free (r);
  got = hy_store_cache_get (f->store, HY_CACHE_KIND_STATUS, 9, &error);
  g_assert_no_error (error);
  g_assert_true (got->closed);
  g_assert_true (hy_store_cache_delete (f->store, HY_CACHE_KIND_STATUS, 9, &error));
  g_assert_null (hy_store_cache_get (f->store, HY_CACHE_KIND_STATUS, 9, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.search = "acme";
  found = hy_store_cache_list (f->store, HY_CACHE_KIND_ASSET, &q, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((HyCacheRecord *) found->pdata[0])->inventory_number, ==, "ASSET-0001");
}

static void
test_sync_state (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (HyGroupSync) sync = NULL;
  g_autoptr (GHashTable) prints = NULL;
  g_autofree char *print = NULL;

  add_company (f->store, "c1", "Acme");
  add_group (f->store, "g1", "Servers", NULL);
  add_group (f->store, "g2", "Laptops", NULL);
  add_computer (f->store, "pc1", "PC1", "c1", "g1");
  add_computer (f->store, "pc2", "PC2", "c1", "g1");
  g_assert_true (hy_store_map_group (f->store, "g1", 12, 0, &error));

  list = hy_store_list_group_sync (f->store, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 2);
  sync = list->pdata[1];
  g_assert_cmpstr (sync->group_id, ==, "g1");
  g_assert_cmpint (sync->state, ==, HY_SYNC_STATE_UNSYNCED);
  g_assert_cmpuint (sync->devices, ==, 2);
  g_assert_true (sync->mapped);
  sync = NULL;
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (
      hy_store_set_group_sync (f->store, "g1", HY_SYNC_STATE_FAILED, 1, 1, "Halo said no", &error));
  g_assert_no_error (error);
  sync = hy_store_get_group_sync (f->store, "g1", &error);
  g_assert_cmpint (sync->state, ==, HY_SYNC_STATE_FAILED);
  g_assert_cmpstr (sync->reason, ==, "Halo said no");
  g_assert_cmpuint (sync->synced, ==, 1);
  g_assert_cmpint (sync->last_sync, >, 0);
  g_clear_pointer (&sync, hy_group_sync_free);

  list = hy_store_list_group_sync (f->store, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 1);

  g_assert_false (
      hy_store_set_group_sync (f->store, "g9", HY_SYNC_STATE_SYNCED, 0, 0, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (hy_store_get_asset_fingerprint (f->store, "pc1", &print, &error));
  g_assert_null (print);
  g_assert_true (hy_store_set_asset_fingerprint (f->store, "pc1", "abc", &error));
  g_assert_true (hy_store_set_asset_fingerprint (f->store, "pc1", "def", &error));
  g_assert_true (hy_store_get_asset_fingerprint (f->store, "pc1", &print, &error));
  g_assert_cmpstr (print, ==, "def");
  prints = hy_store_get_asset_fingerprints (f->store, "g1", &error);
  g_assert_cmpuint (g_hash_table_size (prints), ==, 1);
  g_assert_true (hy_store_clear_asset_fingerprints (f->store, &error));
  g_clear_pointer (&prints, g_hash_table_unref);
  prints = hy_store_get_asset_fingerprints (f->store, NULL, &error);
  g_assert_cmpuint (g_hash_table_size (prints), ==, 0);
  g_assert_no_error (error);
}

/* ---------------------------------------------------------------------------------------------
 * Outbox
 * ------------------------------------------------------------------------------------------- */

/* Released (not sent: it waits behind an earlier write of its record): pending again with no
 * attempt counted, last_error kept unless a note is given; only an inflight item. @later is
 * inflight, @asset failed once and is due at @now + 60 s. */
static void
check_outbox_release (Fixture *f, gint64 asset, gint64 later, gint64 now)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (HyOutboxItem) item = NULL;

  g_assert_true (hy_store_outbox_release (f->store, later, NULL, now, &error));
  g_assert_no_error (error);
  item = hy_store_outbox_get (f->store, later, &error);
  g_assert_cmpint (item->state, ==, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->attempts, ==, 0);
  g_assert_null (item->last_error);
  g_clear_pointer (&item, hy_outbox_item_free);
  g_assert_false (hy_store_outbox_release (f->store, later, NULL, now, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE);
  g_clear_error (&error);
  claimed = hy_store_outbox_claim (f->store, now + G_USEC_PER_SEC, 0, &error);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_true (hy_store_outbox_release (f->store, later, "Waiting for an earlier write",
                                          now + 30 * G_USEC_PER_SEC, &error));
  item = hy_store_outbox_get (f->store, later, &error);
  g_assert_cmpuint (item->attempts, ==, 0);
  g_assert_cmpstr (item->last_error, ==, "Waiting for an earlier write");
  g_assert_cmpint (item->next_attempt_at, ==, now + 30 * G_USEC_PER_SEC);
  g_clear_pointer (&item, hy_outbox_item_free);
  /* The failed one keeps its attempt when released after its next claim. */
  claimed = hy_store_outbox_claim (f->store, now + 61 * G_USEC_PER_SEC, 0, &error);
  g_assert_cmpuint (claimed->len, ==, 2);
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_true (hy_store_outbox_release (f->store, asset, NULL, now, &error));
  item = hy_store_outbox_get (f->store, asset, &error);
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpstr (item->last_error, ==, "HTTP 500");
  g_clear_pointer (&item, hy_outbox_item_free);
}

static void
test_outbox (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (HyOutboxItem) item = NULL;
  gint64 now = g_get_real_time ();
  gint64 asset, ticket, later;

  asset = hy_store_outbox_enqueue (f->store, "asset.upsert", "computer:pc1", "{}", 0, &error);
  ticket = hy_store_outbox_enqueue (f->store, "ticket.create", "alert:a1", "{\"a\":1}", 10, &error);
  later = hy_store_outbox_enqueue (f->store, "asset.upsert", "computer:pc2", "{}", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (asset, >, 0);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_PENDING, &error), ==, 3);

  /* Priority first, then oldest. */
  claimed = hy_store_outbox_claim (f->store, now + G_USEC_PER_SEC, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 2);
  g_assert_cmpint (((HyOutboxItem *) claimed->pdata[0])->id, ==, ticket);
  g_assert_cmpint (((HyOutboxItem *) claimed->pdata[1])->id, ==, asset);
  g_assert_cmpint (((HyOutboxItem *) claimed->pdata[0])->state, ==, HY_OUTBOX_STATE_INFLIGHT);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_INFLIGHT, &error), ==, 2);
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* Complete, fail with a later attempt. */
  g_assert_true (hy_store_outbox_complete (f->store, ticket, &error));
  g_assert_true (
      hy_store_outbox_fail (f->store, asset, "HTTP 500", now + 60 * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  item = hy_store_outbox_get (f->store, asset, &error);
  g_assert_cmpint (item->state, ==, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpstr (item->last_error, ==, "HTTP 500");
  g_clear_pointer (&item, hy_outbox_item_free);

  /* Not due yet: only the third one is claimed. */
  claimed = hy_store_outbox_claim (f->store, now + G_USEC_PER_SEC, 0, &error);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpint (((HyOutboxItem *) claimed->pdata[0])->id, ==, later);
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_cmpint (hy_store_outbox_next_due (f->store, &error), ==, now + 60 * G_USEC_PER_SEC);

  check_outbox_release (f, asset, later, now);

  /* Illegal transitions. */
  g_assert_false (hy_store_outbox_complete (f->store, ticket, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (hy_store_outbox_retry (f->store, asset, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (hy_store_outbox_complete (f->store, 999, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Crash recovery: inflight back to pending. */
  g_assert_cmpint (hy_store_outbox_recover (f->store, &error), ==, 1);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_INFLIGHT, &error), ==, 0);

  /* Dead letter and retry. */
  g_assert_true (hy_store_outbox_dead_letter (f->store, later, "HTTP 400: bad", &error));
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_DEAD, &error), ==, 1);
  claimed = hy_store_outbox_list (f->store, HY_OUTBOX_STATE_DEAD, 0, 0, &error);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpstr (((HyOutboxItem *) claimed->pdata[0])->last_error, ==, "HTTP 400: bad");
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_true (hy_store_outbox_retry (f->store, later, &error));
  item = hy_store_outbox_get (f->store, later, &error);
  g_assert_cmpint (item->state, ==, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->attempts, ==, 0);
  g_assert_no_error (error);

  g_assert_true (hy_store_outbox_purge_done (f->store, g_get_real_time () + 1, &error));
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_DONE, &error), ==, 0);
}

/* ---------------------------------------------------------------------------------------------
 * Events
 * ------------------------------------------------------------------------------------------- */

static void
test_events (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_event_free);
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GArray) buckets = NULL;
  g_autoptr (HyEvent) last = NULL;
  HyEventsQuery q = HY_EVENTS_QUERY_INIT;
  gint64 now = g_get_real_time ();
  gint64 minute = 60 * G_USEC_PER_SEC;
  gint64 seen = 0;

  for (guint i = 0; i < 250; i++)
    {
      HyEvent *e = hy_event_new ();

      e->time = now - (gint64) (i % 10) * minute;
      e->method = g_strdup (i % 2 ? "GET" : "POST");
      e->path = g_strdup ("/api/Asset");
      e->status = i % 25 == 0 ? 500 : 200;
      e->duration_ms = i;
      e->record = g_strdup_printf ("computer:pc%u", i % 3);
      e->error = i % 25 == 0 ? g_strdup_printf ("boom %u", i) : NULL;
      g_ptr_array_add (batch, e);
    }
  g_assert_true (hy_store_events_append_batch (f->store, batch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hy_store_events_count (f->store, FALSE, &error), ==, 250);
  g_assert_cmpint (hy_store_events_count (f->store, TRUE, &error), ==, 10);

  /* Keyset paging, newest first, covers every event once. */
  q.limit = 100;
  for (guint pages = 0;; pages++)
    {
      page = hy_store_events_list (f->store, &q, &error);
      g_assert_no_error (error);
      if (page->len == 0)
        {
          g_assert_cmpuint (pages, ==, 3);
          g_clear_pointer (&page, g_ptr_array_unref);
          break;
        }
      for (guint i = 1; i < page->len; i++)
        g_assert_cmpint (((HyEvent *) page->pdata[i - 1])->id, >, ((HyEvent *) page->pdata[i])->id);
      seen += page->len;
      q.before_id = ((HyEvent *) page->pdata[page->len - 1])->id;
      g_clear_pointer (&page, g_ptr_array_unref);
    }
  g_assert_cmpint (seen, ==, 250);

  q = (HyEventsQuery) HY_EVENTS_QUERY_INIT;
  q.failed_only = TRUE;
  page = hy_store_events_list (f->store, &q, &error);
  g_assert_cmpuint (page->len, ==, 10);
  g_assert_cmpstr (((HyEvent *) page->pdata[0])->error, ==, "boom 225");
  g_clear_pointer (&page, g_ptr_array_unref);

  q = (HyEventsQuery) HY_EVENTS_QUERY_INIT;
  q.record = "computer:pc1";
  q.limit = 1000;
  page = hy_store_events_list (f->store, &q, &error);
  g_assert_cmpuint (page->len, ==, 83);
  g_clear_pointer (&page, g_ptr_array_unref);

  last = hy_store_events_last_failed (f->store, &error);
  g_assert_cmpstr (last->error, ==, "boom 225");

  buckets = hy_store_events_per_minute (f->store, now, 60, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (buckets->len, ==, 60);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 59).total, ==, 25);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 59).failed, ==, 5);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 54).failed, ==, 5);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 50).total, ==, 25);
  g_assert_cmpuint (g_array_index (buckets, HyEventBucket, 49).total, ==, 0);
  g_assert_cmpint (g_array_index (buckets, HyEventBucket, 59).minute, ==, now / minute * minute);

  g_assert_true (hy_store_events_prune (f->store, 50, &error));
  g_assert_cmpint (hy_store_events_count (f->store, FALSE, &error), ==, 50);
  {
    g_autoptr (HyEvent) one = hy_event_new ();
    gint64 id;

    one->method = g_strdup ("GET");
    one->path = g_strdup ("/api/Agent/me");
    one->host = g_strdup ("acme.halopsa.com");
    one->status = 200;
    id = hy_store_events_append (f->store, one, &error);
    g_assert_cmpint (id, ==, 251);
    g_clear_pointer (&last, hy_event_free);
    last = hy_store_events_get (f->store, id, &error);
    g_assert_cmpstr (last->path, ==, "/api/Agent/me");
    g_assert_cmpstr (last->host, ==, "acme.halopsa.com");
    g_assert_false (hy_event_is_failed (last));
  }
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

  add_company (f->store, "c0", "Seed");

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

/* ---------------------------------------------------------------------------------------------
 * The intake's part
 * ------------------------------------------------------------------------------------------- */

static void
test_intake (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyIntakeInfo) info = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (HyIntakeWaiting) got = NULL;
  g_auto (GStrv) ids = NULL;
  HyCompany c = { "c1", "Acme" };
  HyComputer pc1 = { .id = "pc1", .name = "DC01", .company_id = "c1" };
  HyComputer pc2 = { .id = "pc2", .name = "web", .company_id = "c1" };
  HyComputer pc3 = { .id = "WEB", .name = "Web", .company_id = "c1" };
  HyIntakeWaiting w = { .alert_id = "am:f1",
                        .source = "alertmanager",
                        .computer = "newbox",
                        .policy = "p1",
                        .summary = "Disk",
                        .labels = "{\"a\":\"b\"}",
                        .reason = "no computer",
                        .received = 5 };
  guint open = 9, unrouted = 9;
  gboolean deleted = FALSE;

  /* Settings: none at first; saved; counters kept apart. */
  info = hy_store_intake_get (f->store, &error);
  g_assert_no_error (error);
  g_assert_null (info->computer_label);
  g_assert_cmpuint (info->day_count, ==, 0);
  g_free (info->alertmanager_url);
  info->alertmanager_url = g_strdup ("http://am.example:9093");
  g_assert_true (hy_store_intake_set (f->store, info, &error));
  g_assert_true (hy_store_intake_note_received (f->store, "a1", "One", 1000000, &error));
  g_assert_true (hy_store_intake_note_received (f->store, "a2", "Two", 1000001, &error));
  g_clear_pointer (&info, hy_intake_info_free);
  info = hy_store_intake_get (f->store, &error);
  g_assert_cmpstr (info->alertmanager_url, ==, "http://am.example:9093");
  g_assert_cmpuint (info->day_count, ==, 2);
  g_assert_cmpstr (info->last_alert, ==, "a2");
  g_assert_cmpint (info->last_time, ==, 1000001);
  /* A new day starts the count again. */
  g_assert_true (
      hy_store_intake_note_received (f->store, "a3", "Three", 1000000 + 3 * 86400, &error));
  g_clear_pointer (&info, hy_intake_info_free);
  info = hy_store_intake_get (f->store, &error);
  g_assert_cmpuint (info->day_count, ==, 1);

  /* Matching: the exact id, else the name in any case, else the id in another case; several
   * computers of one name are all returned. */
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc1, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc2, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc3, NULL, &error));
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "dc01", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (ids, ((const char *const[]){ "pc1", NULL }));
  g_clear_pointer (&ids, g_strfreev);
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "PC1", &error);
  g_assert_cmpstrv (ids, ((const char *const[]){ "pc1", NULL }));
  g_clear_pointer (&ids, g_strfreev);
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "WEB", &error);
  g_assert_cmpstrv (ids, ((const char *const[]){ "WEB", NULL }));
  g_clear_pointer (&ids, g_strfreev);
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "wEb", &error);
  g_assert_cmpstrv (ids, ((const char *const[]){ "WEB", "pc2", NULL }));
  g_clear_pointer (&ids, g_strfreev);
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "nothing", &error);
  g_assert_cmpstrv (ids, ((const char *const[]){ NULL }));

  /* Waiting alerts: kept, counted as open and unrouted, listed, deleted. */
  g_assert_true (hy_store_intake_put_waiting (f->store, &w, &error));
  g_assert_true (hy_store_count_alerts (f->store, &open, &unrouted, &error));
  g_assert_cmpuint (open, ==, 1);
  g_assert_cmpuint (unrouted, ==, 1);
  got = hy_store_intake_get_waiting (f->store, "am:f1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->labels, ==, "{\"a\":\"b\"}");
  g_assert_cmpint (got->received, ==, 5);
  list = hy_store_intake_list_unrouted (f->store, 0, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_false (((HyIntakeWaiting *) list->pdata[0])->matched);
  g_assert_true (hy_store_intake_delete_waiting (f->store, "am:f1", &deleted, &error));
  g_assert_true (deleted);
  g_assert_true (hy_store_intake_delete_waiting (f->store, "am:f1", &deleted, &error));
  g_assert_false (deleted);
  g_assert_null (hy_store_intake_get_waiting (f->store, "am:f1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/open/mode", test_open_mode);
  g_test_add_func ("/store/open/default-path", test_open_default_path);
  g_test_add_func ("/store/open/not-halyard", test_open_not_halyard);
  g_test_add_func ("/store/open/too-new", test_open_too_new);
  g_test_add_func ("/store/open/read-only-dir", test_open_read_only_dir);
  g_test_add_func ("/store/migrations", test_migrations);
  g_test_add_func ("/store/migrations/link-rejections", test_migrate_link_rejections);
  g_test_add_func ("/store/migrations/tickets-closed", test_migrate_tickets_closed);
  g_test_add_func ("/store/migrations/ticket-status", test_migrate_ticket_status);
  ADD ("/store/intake", test_intake);
  ADD ("/store/inventory/upsert-fields", test_upsert_fields);
  ADD ("/store/inventory/retired", test_retired);
  ADD ("/store/inventory/upsert", test_upsert_changes);
  ADD ("/store/inventory/invalid", test_upsert_invalid);
  ADD ("/store/inventory/group-parent", test_group_parent_deferred);
  ADD ("/store/inventory/delete", test_delete);
  ADD ("/store/inventory/queries", test_queries);
  ADD ("/store/inventory/alerts", test_alerts);
  ADD ("/store/links", test_links);
  ADD ("/store/links/rejections", test_link_rejections);
  ADD ("/store/mappings", test_mappings);
  ADD ("/store/cache", test_cache);
  ADD ("/store/sync-state", test_sync_state);
  ADD ("/store/outbox", test_outbox);
  ADD ("/store/events", test_events);
  ADD ("/store/profile", test_profile);
  ADD ("/store/transactions", test_transactions);
  ADD ("/store/threads", test_threads);
  ADD ("/store/errors/disk-full-and-read-only", test_disk_full_and_read_only);
#undef ADD

  return g_test_run ();
}
