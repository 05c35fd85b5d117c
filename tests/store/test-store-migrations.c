/* test-store-migrations.c: HyStore: every earlier schema version migrates to the latest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "test-store-fixture.h"

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
  "INSERT INTO alerts (id, computer_id, policy_id, summary, reason, state, name_key, "
  "reason_code) VALUES ('a2', 'pc1', 'p1', 'Disk', 'not mapped', 'unrouted', 'disk', "
  "'policy-not-mapped');"
  "UPDATE intake_waiting SET reason_code = 'computer-label' WHERE alert_id = 'am:f1';"
  "INSERT INTO group_sync (group_id, state, failed, reason, reason_code) VALUES ('g1', "
  "'failed', 1, 'no site', 'no-site');",
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
  "SELECT (SELECT count(*) FROM alerts WHERE reason_code = 'policy-not-mapped') + "
  "(SELECT count(*) FROM intake_waiting WHERE reason_code = 'computer-label') + "
  "(SELECT count(*) FROM group_sync WHERE reason_code = 'no-site') = 3",
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

/* A database written at schema @version, with @sql run on it (rows as Halyard wrote them then),
 * in a new directory; then opened, and so migrated, by the current store. */
static HyStore *
open_migrated (guint version, const char *sql, char **out_dir, char **out_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("v%u.db", version);
  HyStore *store;

  *out_dir = g_dir_make_tmp ("hy-store-XXXXXX", NULL);
  *out_path = g_build_filename (*out_dir, name, NULL);
  store = _hy_store_open_at_version (*out_path, version, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  exec_sql (*out_path, sql);

  store = hy_store_open (*out_path, &error);
  g_assert_no_error (error);
  return store;
}

/* Schema 10: the "linker.rejected:<kind>:<id>" settings keys (a comma-separated list of Halo
 * ids, as Halyard wrote them before) become rows of link_rejections, and the keys go. */
static void
test_migrate_link_rejections (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *other = NULL;
  HyStore *store;
  const gint64 company[] = { 3, 7 };
  const gint64 user[] = { 12 };
  const gint64 location[] = { 5 };

  store = open_migrated (9,
                         "INSERT INTO settings (key, value) VALUES "
                         "('linker.rejected:company:c1', '3,7,3'),"
                         "('linker.rejected:user:u:with:colons', '12'),"
                         "('linker.rejected:location:l1', 'x,0,-4,5,'),"
                         "('linker.rejected:computer:pc1', ''),"
                         "('linker.rejected:group:g1', '4'),"
                         "('linker.other', 'kept');",
                         &dir, &path);
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
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *raised = NULL;
  g_autofree char *other = NULL;
  HyStore *store;

  store =
      open_migrated (11,
                     "INSERT INTO settings (key, value) VALUES "
                     "('sync.resolved:a1', '2026-12-01T08:00:00Z'), ('sync.resolved:am:f2', ''), "
                     "('sync.retired-assets', 'keep')",
                     &dir, &path);
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
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *other = NULL;
  HyAlertLifecycle lifecycle = { 0 };
  gint64 status_id = -1;
  HyStore *store;

  store =
      open_migrated (12,
                     "INSERT INTO alert_lifecycle (alert_id, suppressed_until, previous_ticket_id) "
                     "VALUES ('a1', 500, 1001);"
                     "INSERT INTO settings (key, value) VALUES "
                     "('lifecycle.status:a1', '4'), ('lifecycle.status:am:f2', '22'), "
                     "('lifecycle.status:a3', ''), ('lifecycle.status:a4', 'open'), "
                     "('lifecycle.statuses', 'keep')",
                     &dir, &path);
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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/migrations", test_migrations);
  g_test_add_func ("/store/migrations/link-rejections", test_migrate_link_rejections);
  g_test_add_func ("/store/migrations/tickets-closed", test_migrate_tickets_closed);
  g_test_add_func ("/store/migrations/ticket-status", test_migrate_ticket_status);

  return g_test_run ();
}
