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

struct _HyStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  GHashTable *statements; /* SQL text → sqlite3_stmt * (prepared once, reset after use) */
  GRecMutex lock;         /* one caller at a time; held through a transaction */
  guint depth;            /* transaction nesting */

  /* Per-kind SQL built once (the statements themselves are cached by text). */
  char *insert_sql[HY_N_RECORD_KINDS];
  char *update_sql[HY_N_RECORD_KINDS];
  char *exists_sql[HY_N_RECORD_KINDS];
  /* Upserts of some fields only: "kind:mask" → the INSERT and UPDATE texts (a GStrv) */
  GHashTable *partial_upserts;

  HyStoreNotify *notify; /* the "changed" signal (hy-store-notify.c) */
};

G_DEFINE_FINAL_TYPE (HyStore, hy_store, G_TYPE_OBJECT)

/* clang-format off */
G_DEFINE_QUARK (hy-store-error-quark, hy_store_error)
/* clang-format on */

/* ---------------------------------------------------------------------------------------------
 * Schema: one migration per step; step N takes user_version N to N + 1. Never edit a released
 * step: append a new one (the tests migrate every earlier version to the latest).
 * ------------------------------------------------------------------------------------------- */

/* After every insert, update and delete of @table, the serial of @kind in store_changes goes up
 * in the same transaction (see hy-store-notify.c). */
#define CHANGE_TRIGGER(table, kind, op)                                              \
  "CREATE TRIGGER \"" table "_" op "_changes\" AFTER " op " ON \"" table "\" BEGIN " \
  "UPDATE store_changes SET serial = serial + 1 WHERE kind = '" kind "'; END;"
#define CHANGE_TRIGGERS(table, kind)     \
  CHANGE_TRIGGER (table, kind, "INSERT") \
  CHANGE_TRIGGER (table, kind, "UPDATE") CHANGE_TRIGGER (table, kind, "DELETE")

static const char *const migrations[] = {
  /* 1: profile, settings, inventory, links, routes */
  "CREATE TABLE profile ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  url TEXT NOT NULL,"
  "  tenant TEXT,"
  "  client_id TEXT NOT NULL,"
  "  scopes TEXT,"
  "  enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)));"
  "CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE companies ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL);"
  "CREATE INDEX companies_by_name ON companies (name_key, id);"
  "CREATE TABLE locations ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  company_id TEXT NOT NULL REFERENCES companies (id),"
  "  name_key TEXT NOT NULL);"
  "CREATE INDEX locations_by_name ON locations (name_key, id);"
  "CREATE INDEX locations_by_company ON locations (company_id, name_key, id);"
  "CREATE TABLE \"groups\" ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  parent_id TEXT REFERENCES \"groups\" (id) DEFERRABLE INITIALLY DEFERRED,"
  "  name_key TEXT NOT NULL);"
  "CREATE INDEX groups_by_name ON \"groups\" (name_key, id);"
  "CREATE INDEX groups_by_parent ON \"groups\" (parent_id);"
  "CREATE TABLE computers ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  company_id TEXT REFERENCES companies (id),"
  "  location_id TEXT REFERENCES locations (id),"
  "  group_id TEXT REFERENCES \"groups\" (id),"
  "  serial TEXT,"
  "  os TEXT,"
  "  ip TEXT,"
  "  mac TEXT,"
  "  last_seen TEXT,"
  "  name_key TEXT NOT NULL);"
  "CREATE INDEX computers_by_name ON computers (name_key, id);"
  "CREATE INDEX computers_by_company ON computers (company_id, name_key, id);"
  "CREATE INDEX computers_by_location ON computers (location_id);"
  "CREATE INDEX computers_by_group ON computers (group_id, name_key, id);"
  "CREATE TABLE users ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  email TEXT,"
  "  name_key TEXT NOT NULL);"
  "CREATE INDEX users_by_name ON users (name_key, id);"
  "CREATE INDEX users_by_email ON users (email COLLATE NOCASE);"
  "CREATE TABLE policies ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL);"
  "CREATE INDEX policies_by_name ON policies (name_key, id);"
  "CREATE TABLE alerts ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  computer_id TEXT NOT NULL REFERENCES computers (id),"
  "  policy_id TEXT NOT NULL REFERENCES policies (id),"
  "  severity TEXT,"
  "  summary TEXT NOT NULL,"
  "  details TEXT,"
  "  raised_at TEXT,"
  "  cleared_at TEXT,"
  "  reason TEXT,"
  "  state TEXT NOT NULL DEFAULT 'queued'"
  "    CHECK (state IN ('queued', 'delivered', 'unrouted', 'dead')),"
  "  ticket_id INTEGER,"
  "  name_key TEXT NOT NULL);"
  "CREATE INDEX alerts_by_name ON alerts (name_key, id);"
  "CREATE INDEX alerts_by_computer ON alerts (computer_id, name_key, id);"
  "CREATE INDEX alerts_by_policy ON alerts (policy_id);"
  "CREATE INDEX alerts_open ON alerts (state) WHERE cleared_at IS NULL;"
  "CREATE TABLE links ("
  "  kind TEXT NOT NULL CHECK (kind IN ('company', 'location', 'computer', 'user')),"
  "  local_id TEXT NOT NULL,"
  "  halo_id INTEGER NOT NULL,"
  "  how TEXT NOT NULL CHECK (how IN ('auto', 'manual')),"
  "  halo_name TEXT,"
  "  PRIMARY KEY (kind, local_id)) WITHOUT ROWID;"
  "CREATE INDEX links_by_halo ON links (kind, halo_id);"
  "CREATE TRIGGER companies_unlink AFTER DELETE ON companies BEGIN"
  "  DELETE FROM links WHERE kind = 'company' AND local_id = old.id; END;"
  "CREATE TRIGGER locations_unlink AFTER DELETE ON locations BEGIN"
  "  DELETE FROM links WHERE kind = 'location' AND local_id = old.id; END;"
  "CREATE TRIGGER computers_unlink AFTER DELETE ON computers BEGIN"
  "  DELETE FROM links WHERE kind = 'computer' AND local_id = old.id; END;"
  "CREATE TRIGGER users_unlink AFTER DELETE ON users BEGIN"
  "  DELETE FROM links WHERE kind = 'user' AND local_id = old.id; END;"
  "CREATE TABLE group_mappings ("
  "  group_id TEXT PRIMARY KEY NOT NULL REFERENCES \"groups\" (id) ON DELETE CASCADE,"
  "  client_id INTEGER NOT NULL,"
  "  site_id INTEGER) WITHOUT ROWID;"
  "CREATE TABLE policy_mappings ("
  "  policy_id TEXT PRIMARY KEY NOT NULL REFERENCES policies (id) ON DELETE CASCADE,"
  "  ticket_type_id INTEGER NOT NULL,"
  "  close_status_id INTEGER) WITHOUT ROWID;",

  /* 2: the Halo cache, sync state, outbox and events */
  "CREATE TABLE halo_records ("
  "  kind TEXT NOT NULL CHECK (kind IN ('client', 'site', 'asset', 'agent', 'ticket_type',"
  "    'status', 'outcome')),"
  "  id INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL,"
  "  inactive INTEGER NOT NULL DEFAULT 0,"
  "  client_id INTEGER,"
  "  site_id INTEGER,"
  "  inventory_number TEXT,"
  "  key_field TEXT,"
  "  serial TEXT,"
  "  email TEXT,"
  "  is_api_agent INTEGER NOT NULL DEFAULT 0,"
  "  closed INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (kind, id));"
  "CREATE INDEX halo_records_by_name ON halo_records (kind, name_key, id);"
  "CREATE INDEX halo_records_by_client ON halo_records (kind, client_id, name_key, id)"
  "  WHERE client_id IS NOT NULL;"
  "CREATE INDEX halo_records_by_inventory_number ON halo_records (kind, inventory_number)"
  "  WHERE inventory_number IS NOT NULL;"
  "CREATE INDEX halo_records_by_email ON halo_records (kind, email COLLATE NOCASE)"
  "  WHERE email IS NOT NULL;"
  "CREATE TABLE group_sync ("
  "  group_id TEXT PRIMARY KEY NOT NULL REFERENCES \"groups\" (id) ON DELETE CASCADE,"
  "  state TEXT NOT NULL CHECK (state IN ('unsynced', 'syncing', 'synced', 'failed')),"
  "  synced INTEGER NOT NULL DEFAULT 0,"
  "  failed INTEGER NOT NULL DEFAULT 0,"
  "  reason TEXT,"
  "  last_sync INTEGER) WITHOUT ROWID;"
  "CREATE TABLE asset_fingerprints ("
  "  computer_id TEXT PRIMARY KEY NOT NULL REFERENCES computers (id) ON DELETE CASCADE,"
  "  fingerprint TEXT NOT NULL,"
  "  updated INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind TEXT NOT NULL,"
  "  record_key TEXT,"
  "  payload TEXT NOT NULL,"
  "  priority INTEGER NOT NULL DEFAULT 0,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'pending'"
  "    CHECK (state IN ('pending', 'inflight', 'dead', 'done')),"
  "  last_error TEXT,"
  "  created INTEGER NOT NULL);"
  "CREATE INDEX outbox_by_state ON outbox (state, priority DESC, id);"
  "CREATE INDEX outbox_due ON outbox (state, next_attempt_at);"
  "CREATE INDEX outbox_by_record ON outbox (record_key);"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  time INTEGER NOT NULL,"
  "  method TEXT NOT NULL,"
  "  path TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  duration_ms INTEGER NOT NULL,"
  "  record TEXT,"
  "  error TEXT,"
  "  request TEXT,"
  "  response TEXT,"
  "  failed INTEGER NOT NULL CHECK (failed IN (0, 1)));"
  "CREATE INDEX events_failed ON events (id) WHERE failed = 1;"
  "CREATE INDEX events_by_record ON events (record, id) WHERE record IS NOT NULL;"
  "CREATE INDEX events_by_time ON events (time);",

  /* 3: the Events chart counts failures per minute from the index alone */
  "DROP INDEX events_by_time;"
  "CREATE INDEX events_by_time ON events (time, failed);",

  /* 4: the running service: a serial per kind of record that every commit touching it bumps
   * (so every process learns what another one changed), the deliverer's lease, the rate
   * budget shared by every process, and the profile's rate limit and refresh interval */
  "CREATE TABLE store_changes ("
  "  kind TEXT PRIMARY KEY NOT NULL,"
  "  serial INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "INSERT INTO store_changes (kind) VALUES ('inventory'), ('alerts'), ('links'), ('mappings'),"
  "  ('cache'), ('group_sync'), ('outbox'), ('events'), ('profile'), ('settings'), "
  "('service');" CHANGE_TRIGGERS ("companies", "inventory") CHANGE_TRIGGERS (
      "locations",
      "inventory") CHANGE_TRIGGERS ("groups", "inventory") CHANGE_TRIGGERS ("computers",
                                                                            "inventory")
      CHANGE_TRIGGERS ("users", "inventory") CHANGE_TRIGGERS ("policies", "inventory")
          CHANGE_TRIGGERS ("alerts", "alerts") CHANGE_TRIGGERS ("links", "links") CHANGE_TRIGGERS (
              "group_mappings",
              "mappings") CHANGE_TRIGGERS ("policy_mappings",
                                           "mappings") CHANGE_TRIGGERS ("halo_records", "cache")
              CHANGE_TRIGGERS ("group_sync",
                               "group_sync") CHANGE_TRIGGERS ("outbox",
                                                              "outbox") CHANGE_TRIGGERS ("events",
                                                                                         "events")
                  CHANGE_TRIGGERS ("profile", "profile") CHANGE_TRIGGERS (
                      "settings",
                      "settings") "CREATE TABLE service_lease ("
                                  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
                                  "  pid INTEGER NOT NULL,"
                                  "  host TEXT NOT NULL,"
                                  "  command TEXT NOT NULL,"
                                  "  since INTEGER NOT NULL,"
                                  "  expires INTEGER NOT NULL);" CHANGE_TRIGGERS (
                                      "service_lease",
                                      "service") "CREATE TABLE service_requests ("
                                                 "  id INTEGER PRIMARY KEY CHECK (id = 1),"
                                                 "  sync_requested INTEGER NOT NULL DEFAULT 0);"
                                                 "INSERT INTO service_requests (id) VALUES "
                                                 "(1);" CHANGE_TRIGGERS (
                                                     "service_requests",
                                                     "service") "CREATE TABLE rate_grants ("
                                                                "  at INTEGER NOT NULL,"
                                                                "  bulk INTEGER NOT NULL CHECK "
                                                                "(bulk IN (0, 1)));"
                                                                "CREATE INDEX rate_grants_by_at ON "
                                                                "rate_grants (at);"
                                                                "ALTER TABLE profile ADD COLUMN "
                                                                "rate_max INTEGER NOT NULL DEFAULT "
                                                                "300 CHECK (rate_max > 0);"
                                                                "ALTER TABLE profile ADD COLUMN "
                                                                "rate_window INTEGER NOT NULL "
                                                                "DEFAULT 300"
                                                                "  CHECK (rate_window > 0);"
                                                                "ALTER TABLE profile ADD COLUMN "
                                                                "refresh_interval INTEGER NOT NULL "
                                                                "DEFAULT 3600"
                                                                "  CHECK (refresh_interval >= 0);",

  /* clang-format off */
  /* 5: the ticket lifecycle: Halo's priorities and teams in the cache, ticket defaults and the
   * flap window per policy, maintenance windows per group, what Halyard did with each alert's
   * ticket (suppressed, closed, reopened, repeats) */
  "CREATE TABLE halo_records_5 ("
  "  kind TEXT NOT NULL CHECK (kind IN ('client', 'site', 'asset', 'agent', 'ticket_type',"
  "    'status', 'outcome', 'priority', 'team')),"
  "  id INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL,"
  "  inactive INTEGER NOT NULL DEFAULT 0,"
  "  client_id INTEGER,"
  "  site_id INTEGER,"
  "  inventory_number TEXT,"
  "  key_field TEXT,"
  "  serial TEXT,"
  "  email TEXT,"
  "  is_api_agent INTEGER NOT NULL DEFAULT 0,"
  "  closed INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (kind, id));"
  "INSERT INTO halo_records_5 SELECT kind, id, name, name_key, inactive, client_id, site_id,"
  "  inventory_number, key_field, serial, email, is_api_agent, closed FROM halo_records;"
  "DROP TABLE halo_records;"
  "ALTER TABLE halo_records_5 RENAME TO halo_records;"
  "CREATE INDEX halo_records_by_name ON halo_records (kind, name_key, id);"
  "CREATE INDEX halo_records_by_client ON halo_records (kind, client_id, name_key, id)"
  "  WHERE client_id IS NOT NULL;"
  "CREATE INDEX halo_records_by_inventory_number ON halo_records (kind, inventory_number)"
  "  WHERE inventory_number IS NOT NULL;"
  "CREATE INDEX halo_records_by_email ON halo_records (kind, email COLLATE NOCASE)"
  "  WHERE email IS NOT NULL;"
  CHANGE_TRIGGERS ("halo_records", "cache")
  "CREATE TABLE policy_defaults ("
  "  policy_id TEXT PRIMARY KEY NOT NULL REFERENCES policies (id) ON DELETE CASCADE,"
  "  priority_id INTEGER,"
  "  severity_priorities TEXT,"
  "  team TEXT,"
  "  agent_id INTEGER,"
  "  category TEXT,"
  "  user_id INTEGER,"
  "  user_client_id INTEGER,"
  "  user_site_id INTEGER,"
  "  flap_minutes INTEGER CHECK (flap_minutes IS NULL OR flap_minutes >= 0)) WITHOUT ROWID;"
  CHANGE_TRIGGERS ("policy_defaults", "mappings")
  "CREATE TABLE maintenance_windows ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  group_id TEXT NOT NULL REFERENCES \"groups\" (id) ON DELETE CASCADE,"
  "  starts_at INTEGER NOT NULL,"
  "  ends_at INTEGER NOT NULL,"
  "  reason TEXT,"
  "  created INTEGER NOT NULL,"
  "  CHECK (ends_at > starts_at));"
  "CREATE INDEX maintenance_by_group ON maintenance_windows (group_id, ends_at);"
  "CREATE INDEX maintenance_by_end ON maintenance_windows (ends_at);"
  CHANGE_TRIGGERS ("maintenance_windows", "mappings")
  "CREATE TABLE alert_lifecycle ("
  "  alert_id TEXT PRIMARY KEY NOT NULL,"
  "  suppressed_until INTEGER,"
  "  closed_at INTEGER,"
  "  closed_ticket_id INTEGER,"
  "  previous_ticket_id INTEGER,"
  "  repeats INTEGER NOT NULL DEFAULT 0,"
  "  last_repeat_note INTEGER) WITHOUT ROWID;"
  "CREATE INDEX alert_lifecycle_suppressed ON alert_lifecycle (suppressed_until)"
  "  WHERE suppressed_until IS NOT NULL;"
  CHANGE_TRIGGERS ("alert_lifecycle", "alerts"),
  /* clang-format on */
  /* 6: only attempts that reached Halo lead to giving up; why an item was given up decides
   * when it is queued again by itself (a mapping or link that changes revives what Halo
   * refused). Items given up before could not tell an outage from a refusal: they are queued
   * again as soon as Halo answers. */
  "ALTER TABLE outbox ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE outbox ADD COLUMN waits INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE outbox ADD COLUMN dead_cause TEXT;"
  "UPDATE outbox SET dead_cause = 'failing', next_attempt_at = 0 WHERE state = 'dead';"
  "CREATE TRIGGER outbox_revive_group_mappings_insert AFTER INSERT ON group_mappings BEGIN"
  "  UPDATE outbox SET state = 'pending', refused = 0, waits = 0, dead_cause = NULL,"
  "    next_attempt_at = 0 WHERE state = 'dead' AND dead_cause IN ('refused', 'unrouted');"
  "  UPDATE alerts SET state = 'queued' WHERE state = 'dead' AND 'alert:' || id IN"
  "    (SELECT record_key FROM outbox WHERE state = 'pending' AND kind = 'ticket.create'); END;"
  "CREATE TRIGGER outbox_revive_group_mappings_update AFTER UPDATE ON group_mappings BEGIN"
  "  UPDATE outbox SET state = 'pending', refused = 0, waits = 0, dead_cause = NULL,"
  "    next_attempt_at = 0 WHERE state = 'dead' AND dead_cause IN ('refused', 'unrouted');"
  "  UPDATE alerts SET state = 'queued' WHERE state = 'dead' AND 'alert:' || id IN"
  "    (SELECT record_key FROM outbox WHERE state = 'pending' AND kind = 'ticket.create'); END;"
  "CREATE TRIGGER outbox_revive_policy_mappings_insert AFTER INSERT ON policy_mappings BEGIN"
  "  UPDATE outbox SET state = 'pending', refused = 0, waits = 0, dead_cause = NULL,"
  "    next_attempt_at = 0 WHERE state = 'dead' AND dead_cause IN ('refused', 'unrouted');"
  "  UPDATE alerts SET state = 'queued' WHERE state = 'dead' AND 'alert:' || id IN"
  "    (SELECT record_key FROM outbox WHERE state = 'pending' AND kind = 'ticket.create'); END;"
  "CREATE TRIGGER outbox_revive_policy_mappings_update AFTER UPDATE ON policy_mappings BEGIN"
  "  UPDATE outbox SET state = 'pending', refused = 0, waits = 0, dead_cause = NULL,"
  "    next_attempt_at = 0 WHERE state = 'dead' AND dead_cause IN ('refused', 'unrouted');"
  "  UPDATE alerts SET state = 'queued' WHERE state = 'dead' AND 'alert:' || id IN"
  "    (SELECT record_key FROM outbox WHERE state = 'pending' AND kind = 'ticket.create'); END;"
  "CREATE TRIGGER outbox_revive_links_insert AFTER INSERT ON links BEGIN"
  "  UPDATE outbox SET state = 'pending', refused = 0, waits = 0, dead_cause = NULL,"
  "    next_attempt_at = 0 WHERE state = 'dead' AND dead_cause IN ('refused', 'unrouted');"
  "  UPDATE alerts SET state = 'queued' WHERE state = 'dead' AND 'alert:' || id IN"
  "    (SELECT record_key FROM outbox WHERE state = 'pending' AND kind = 'ticket.create'); END;"
  "CREATE TRIGGER outbox_revive_links_update AFTER UPDATE ON links BEGIN"
  "  UPDATE outbox SET state = 'pending', refused = 0, waits = 0, dead_cause = NULL,"
  "    next_attempt_at = 0 WHERE state = 'dead' AND dead_cause IN ('refused', 'unrouted');"
  "  UPDATE alerts SET state = 'queued' WHERE state = 'dead' AND 'alert:' || id IN"
  "    (SELECT record_key FROM outbox WHERE state = 'pending' AND kind = 'ticket.create'); END;",

  /* 7: the alert intake: its settings, what it received, and the alerts whose labels match no
   * computer or policy yet (hy-store-intake.c) */
  "CREATE TABLE intake ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  computer_label TEXT,"
  "  policy_label TEXT,"
  "  alertmanager_url TEXT,"
  "  day TEXT,"
  "  day_count INTEGER NOT NULL DEFAULT 0,"
  "  last_alert TEXT,"
  "  last_summary TEXT,"
  "  last_time INTEGER);"
  "CREATE TABLE intake_waiting ("
  "  alert_id TEXT PRIMARY KEY NOT NULL,"
  "  source TEXT NOT NULL,"
  "  computer TEXT,"
  "  policy TEXT,"
  "  summary TEXT NOT NULL,"
  "  details TEXT,"
  "  severity TEXT,"
  "  labels TEXT,"
  "  raised_at TEXT,"
  "  reason TEXT NOT NULL,"
  "  received INTEGER NOT NULL);" CHANGE_TRIGGERS ("intake", "settings")
      CHANGE_TRIGGERS ("intake_waiting", "alerts"),
  /* 8: retired computers (missing from a complete import; never deleted) */
  "ALTER TABLE computers ADD COLUMN retired INTEGER;"
  "CREATE INDEX computers_retired ON computers (retired) WHERE retired IS NOT NULL;",
  /* 9: the host each request went to (a test of a mistyped address must not look like a
   * request to the real Halo) */
  "ALTER TABLE events ADD COLUMN host TEXT;",
};

guint
_hy_store_get_n_migrations (void)
{
  return G_N_ELEMENTS (migrations);
}

guint
hy_store_get_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

static const char *const cache_kind_names[] = { "client",  "site",        "asset",
                                                "agent",   "ticket_type", "status",
                                                "outcome", "priority",    "team" };

/* ---------------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------------- */

static void
set_sqlite_error (HyStore *self, GError **error, int rc)
{
  const char *detail = self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  const char *path = self->path;

  switch (rc & 0xff)
    {
      case SQLITE_READONLY:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_READ_ONLY,
                     _ ("Halyard cannot write to its database “%s”: the file, its folder or the "
                        "disk is read-only. Make them writable, or choose another data directory "
                        "with --data-dir."),
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
                     _ ("Halyard’s database “%s” is busy: another Halyard window or halyard-cli "
                        "is writing to it. Wait for it to finish, then try again."),
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
                        "data directory with --data-dir."),
                     path);
        break;
      case SQLITE_CANTOPEN:
      case SQLITE_PERM:
      case SQLITE_AUTH:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CANNOT_OPEN,
                     _ ("Halyard cannot open its database “%s” (%s). Check that its folder exists "
                        "and is yours, or choose another data directory with --data-dir."),
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

static gboolean
not_found (GError **error, const char *id)
{
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND, _ ("There is no record “%s”."), id);
  return FALSE;
}

const char *
hy_store_kind_label (HyRecordKind kind)
{
  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        return _ ("company");
      case HY_RECORD_KIND_LOCATION:
        return _ ("location");
      case HY_RECORD_KIND_GROUP:
        /* Translators: a group of devices */
        return _ ("group");
      case HY_RECORD_KIND_COMPUTER:
        return _ ("computer");
      case HY_RECORD_KIND_USER:
        /* Translators: a technician */
        return _ ("user");
      case HY_RECORD_KIND_POLICY:
        /* Translators: a monitoring policy */
        return _ ("policy");
      case HY_RECORD_KIND_ALERT:
        return _ ("alert");
      default:
        return "";
    }
}

static gboolean
record_not_found (GError **error, HyRecordKind kind, const char *id)
{
  /* Translators: the first %s is a record kind (company, computer, ...), the second its id */
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND, _ ("There is no %s “%s”."),
               hy_store_kind_label (kind), id);
  return FALSE;
}

/* ---------------------------------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------------------------------- */

typedef sqlite3_stmt HyStmt;

static void
stmt_release (HyStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyStmt, stmt_release)

static HyStmt *
prepare (HyStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

/* SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
static int
step (HyStore *self, HyStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  set_sqlite_error (self, error, rc);
  return -1;
}

static gboolean
step_done (HyStore *self, HyStmt *stmt, GError **error)
{
  int rc = step (self, stmt, error);

  if (rc == SQLITE_ROW)
    return TRUE;
  return rc == SQLITE_DONE;
}

/* Makes a new struct of the current row. */
typedef gpointer (*HyRowReadFunc) (HyStmt *stmt);

/* Steps @stmt through all its rows, adding each one made by @read to @rows. */
static gboolean
append_rows (HyStore *self, HyStmt *stmt, HyRowReadFunc read, GPtrArray *rows, GError **error)
{
  int rc;

  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, read (stmt));
  return rc >= 0;
}

/* The first row of @stmt made by @read. NULL when the step failed (@error set) or when there is
 * no row: then *@out_missing is TRUE, and the caller says what is missing. */
static gpointer
read_row (HyStore *self, HyStmt *stmt, HyRowReadFunc read, gboolean *out_missing, GError **error)
{
  int rc = step (self, stmt, error);

  *out_missing = rc == SQLITE_DONE;
  return rc == SQLITE_ROW ? read (stmt) : NULL;
}

/* Every row of @stmt made by @read, in an array that frees them with @free_func; NULL on
 * error. */
static GPtrArray *
read_rows (HyStore *self,
           HyStmt *stmt,
           HyRowReadFunc read,
           GDestroyNotify free_func,
           GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);

  if (!append_rows (self, stmt, read, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

static gboolean
exec (HyStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

static void
bind_text (HyStmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

static void
bind_named_text (HyStmt *stmt, const char *name, const char *text)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    bind_text (stmt, index, text);
}

static void
bind_named_int (HyStmt *stmt, const char *name, gint64 value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

/* A non-zero id, or NULL. */
static void
bind_id (HyStmt *stmt, int index, gint64 id)
{
  if (id == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, id);
}

static char *
column_dup (HyStmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Case- and normalisation-insensitive key for names: what "search" and "same name" compare. */
static char *
fold (const char *text)
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
  folded = fold (text);
  sqlite3_result_text (context, folded, -1, g_free);
}

/* ---------------------------------------------------------------------------------------------
 * Locking
 * ------------------------------------------------------------------------------------------- */

#define LOCK(self) \
  g_autoptr (GRecMutexLocker) G_PASTE (locker_, __LINE__) = g_rec_mutex_locker_new (&(self)->lock)

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
                      "permissions, or choose another data directory with --data-dir."),
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
                      "permissions, or choose another data directory with --data-dir."),
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return make_private (path, error);
}

static gboolean
query_int (HyStore *self, const char *sql, gint64 *out_value, GError **error)
{
  g_autoptr (HyStmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  *out_value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

static gboolean
check_identity (HyStore *self, guint *out_version, GError **error)
{
  gint64 app_id = 0, version = 0, n_objects = 0;

  if (!query_int (self, "PRAGMA application_id", &app_id, error) ||
      !query_int (self, "PRAGMA user_version", &version, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, error))
    return FALSE;

  if (app_id != HY_STORE_APPLICATION_ID && (app_id != 0 || version != 0 || n_objects != 0))
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_HALYARD,
                   _ ("“%s” is another program’s database, not Halyard’s. Move the file aside, "
                      "or choose another data directory with --data-dir."),
                   self->path);
      return FALSE;
    }

  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_TOO_NEW,
                   _ ("The database “%s” was written by a newer Halyard (schema version %u; "
                      "this version knows up to %u). Update Halyard, or choose another data "
                      "directory with --data-dir."),
                   self->path, (guint) version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  *out_version = version;
  return TRUE;
}

static gboolean
migrate (HyStore *self, guint from, guint to, GError **error)
{
  for (guint v = from; v < to; v++)
    {
      g_autofree char *bump = NULL;

      g_debug ("Migrating %s from schema %u to %u", self->path, v, v + 1);
      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      bump = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %u;",
                              HY_STORE_APPLICATION_ID, v + 1);
      if (!exec (self, migrations[v], error) || !exec (self, bump, error) ||
          !exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          g_prefix_error (error, _ ("Updating the database to schema version %u failed: "), v + 1);
          return FALSE;
        }
    }
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

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc);
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
    g_autoptr (HyStmt) stmt = prepare (self, "PRAGMA journal_mode = WAL", error);
    if (stmt == NULL || step (self, stmt, error) < 0)
      return NULL;
    journal = column_dup (stmt, 0);
  }
  if (g_strcmp0 (journal, "wal") != 0)
    g_warning ("%s: SQLite kept journal mode %s instead of WAL", self->path, journal);

  if (!exec (self,
             "PRAGMA foreign_keys = ON;"
             "PRAGMA synchronous = FULL;"
             "PRAGMA cache_size = -32000;"
             "PRAGMA temp_store = MEMORY;",
             error))
    return NULL;

  if (version < target_version && !migrate (self, version, target_version, error))
    return NULL;

  if (!make_companions_private (self, error))
    return NULL;

  self->notify = _hy_store_notify_new (self, self->db);
  return g_steal_pointer (&self);
}

HyStore *
hy_store_open (const char *path, GError **error)
{
  return open_store (path, G_N_ELEMENTS (migrations), error);
}

HyStore *
_hy_store_open_at_version (const char *path, guint version, GError **error)
{
  g_return_val_if_fail (version <= G_N_ELEMENTS (migrations), NULL);
  return open_store (path, version, error);
}

void
_hy_store_set_sqlite_error (HyStore *self, GError **error, int rc)
{
  set_sqlite_error (self, error, rc);
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

void
_hy_store_set_error (HyStore *self, GError **error, int rc)
{
  set_sqlite_error (self, error, rc);
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
  if (!exec (self, sql, error))
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
  ok = exec (self, sql, error);
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

/* ---------------------------------------------------------------------------------------------
 * Inventory
 * ------------------------------------------------------------------------------------------- */

static const HyFieldInfo *
name_field (HyRecordKind kind)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);

  for (guint i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].column, "name") || g_str_equal (fields[i].column, "summary"))
      return &fields[i];
  g_assert_not_reached ();
}

static gboolean
check_kind (HyRecordKind kind, GError **error)
{
  if (kind < HY_N_RECORD_KINDS)
    return TRUE;
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID, _ ("Unknown kind of record."));
  return FALSE;
}

static gboolean
check_linkable (HyRecordKind kind, GError **error)
{
  if (hy_record_kind_is_linkable (kind))
    return TRUE;
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
               _ ("Only companies, locations, computers and users can be linked to Halo "
                  "records."));
  return FALSE;
}

/* SELECT of every column of @kind's records (fields, alert state, link), as read_record () reads
 * them, from "table" t with its link l. */
static void
append_select (GString *sql, HyRecordKind kind)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);

  g_string_append (sql, "SELECT ");
  for (guint i = 0; i < n_fields; i++)
    g_string_append_printf (sql, "t.\"%s\", ", fields[i].column);
  if (kind == HY_RECORD_KIND_ALERT)
    g_string_append (sql, "t.reason, t.state, t.ticket_id, ");
  if (kind == HY_RECORD_KIND_COMPUTER)
    g_string_append (sql, "t.retired, ");
  if (hy_record_kind_is_linkable (kind))
    g_string_append_printf (sql,
                            "l.how, l.halo_id, l.halo_name FROM \"%s\" t LEFT JOIN links l "
                            "ON l.kind = '%s' AND l.local_id = t.id",
                            hy_record_kind_to_plural (kind), hy_record_kind_to_string (kind));
  else
    g_string_append_printf (sql, "NULL, NULL, NULL FROM \"%s\" t", hy_record_kind_to_plural (kind));
}

static void
read_link (HyStmt *stmt, int column, HyLinkInfo *link)
{
  const char *how = (const char *) sqlite3_column_text (stmt, column);

  if (how == NULL)
    return;
  link->how = g_str_equal (how, "manual") ? HY_LINK_HOW_MANUAL : HY_LINK_HOW_AUTO;
  link->halo_id = sqlite3_column_int64 (stmt, column + 1);
  link->halo_name = column_dup (stmt, column + 2);
}

static gpointer
read_record (HyRecordKind kind, HyStmt *stmt)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  gpointer record = hy_record_new (kind);
  int column = n_fields;

  for (guint i = 0; i < n_fields; i++)
    HY_FIELD_VALUE (record, &fields[i]) = column_dup (stmt, i);

  if (kind == HY_RECORD_KIND_ALERT)
    {
      HyAlert *alert = record;

      alert->reason = column_dup (stmt, column);
      hy_alert_state_from_string ((const char *) sqlite3_column_text (stmt, column + 1),
                                  &alert->state);
      alert->ticket_id = sqlite3_column_int64 (stmt, column + 2);
      column += 3;
    }
  if (kind == HY_RECORD_KIND_COMPUTER)
    ((HyComputer *) record)->retired = sqlite3_column_int64 (stmt, column++);

  if (hy_record_kind_is_linkable (kind))
    read_link (stmt, column, (HyLinkInfo *) hy_record_get_link (kind, record));

  return record;
}

/* WHERE clause of @query for @kind; binds with bind_query (). */
static void
append_where (GString *sql, HyRecordKind kind, const HyStoreQuery *query)
{
  gboolean first = TRUE;

#define AND() (g_string_append (sql, first ? " WHERE " : " AND "), first = FALSE)

  if (query == NULL)
    return;
  if (query->search != NULL && *query->search != '\0')
    {
      AND ();
      if (kind == HY_RECORD_KIND_USER)
        g_string_append (sql, "(instr (t.name_key, :search) > 0 OR "
                              "instr (hy_fold (coalesce (t.email, '')), :search) > 0)");
      else
        g_string_append (sql, "instr (t.name_key, :search) > 0");
    }
  if (query->unlinked_only && hy_record_kind_is_linkable (kind))
    {
      AND ();
      g_string_append (sql, "l.local_id IS NULL");
    }
  if (query->company_id != NULL &&
      (kind == HY_RECORD_KIND_LOCATION || kind == HY_RECORD_KIND_COMPUTER))
    {
      AND ();
      g_string_append (sql, "t.company_id = :company");
    }
  if (query->group_id != NULL && kind == HY_RECORD_KIND_COMPUTER)
    {
      AND ();
      g_string_append (sql, "t.group_id = :group");
    }
  if (query->computer_id != NULL && kind == HY_RECORD_KIND_ALERT)
    {
      AND ();
      g_string_append (sql, "t.computer_id = :computer");
    }
  if (query->open_only && kind == HY_RECORD_KIND_ALERT)
    {
      AND ();
      g_string_append (sql, "t.cleared_at IS NULL");
    }
#undef AND
}

static void
append_order_limit (GString *sql, HyRecordKind kind, const HyStoreQuery *query)
{
  if (query != NULL && query->unlinked_first && hy_record_kind_is_linkable (kind))
    g_string_append (sql, " ORDER BY l.local_id IS NOT NULL, t.name_key, t.id");
  else
    g_string_append (sql, " ORDER BY t.name_key, t.id");
  if (query != NULL && (query->limit > 0 || query->offset > 0))
    g_string_append (sql, " LIMIT :limit OFFSET :offset");
}

/* @folded_search must live until the statement is reset. */
static void
bind_query (HyStmt *stmt, const HyStoreQuery *query, const char *folded_search)
{
  if (query == NULL)
    return;
  bind_named_text (stmt, ":search", folded_search);
  bind_named_text (stmt, ":company", query->company_id);
  bind_named_text (stmt, ":group", query->group_id);
  bind_named_text (stmt, ":computer", query->computer_id);
  bind_named_int (stmt, ":limit", query->limit > 0 ? (gint64) query->limit : -1);
  bind_named_int (stmt, ":offset", query->offset);
}

static gboolean
exists_unlocked (HyStore *self,
                 HyRecordKind kind,
                 const char *id,
                 gboolean *out_exists,
                 GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  if (self->exists_sql[kind] == NULL)
    self->exists_sql[kind] =
        g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE id = ?", hy_record_kind_to_plural (kind));
  stmt = prepare (self, self->exists_sql[kind], error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  rc = step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  *out_exists = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
hy_store_exists (HyStore *self,
                 HyRecordKind kind,
                 const char *id,
                 gboolean *out_exists,
                 GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (out_exists != NULL, FALSE);
  LOCK (self);

  return check_kind (kind, error) && exists_unlocked (self, kind, id, out_exists, error);
}

static gboolean
validate_record (HyStore *self, HyRecordKind kind, gconstpointer record, GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  const char *id = HY_FIELD_VALUE (record, &fields[0]);

  for (guint i = 0; i < n_fields; i++)
    {
      const char *value = HY_FIELD_VALUE (record, &fields[i]);

      if (fields[i].required && (value == NULL || *value == '\0'))
        {
          g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                       /* Translators: %s are a record kind, its id and a field name */
                       _ ("The %s “%s” has no “%s”, which it needs."), hy_store_kind_label (kind),
                       id ? id : "", fields[i].name);
          return FALSE;
        }
      /* A group's parent may come later in the same transaction (deferred key). */
      if (value != NULL && fields[i].type == HY_FIELD_REF && fields[i].ref_kind != kind)
        {
          gboolean exists = FALSE;

          if (!exists_unlocked (self, fields[i].ref_kind, value, &exists, error))
            return FALSE;
          if (!exists)
            {
              g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                           /* Translators: "The computer “pc1” refers to the company “c9”,
                            * which does not exist." */
                           _ ("The %s “%s” refers to the %s “%s”, which does not exist."),
                           hy_store_kind_label (kind), id, hy_store_kind_label (fields[i].ref_kind),
                           value);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* INSERT ... ON CONFLICT DO NOTHING, then an UPDATE that only matches a row that differs: the
 * two tell added, updated and unchanged apart. */
/* The INSERT (every field; absent ones NULL) and the UPDATE (only the fields in @mask, bit i for
 * field i; id and name always) of an upsert of @kind. */
static void
upsert_sql (HyRecordKind kind, guint64 mask, char **out_insert, char **out_update)
{
  GString *insert = g_string_new (NULL);
  GString *update = g_string_new (NULL);
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  int name_index = 0;
  gboolean first = TRUE;

  for (guint i = 0; i < n_fields; i++)
    if (&fields[i] == name_field (kind))
      name_index = i + 1;
  mask |= 1 | (G_GUINT64_CONSTANT (1) << (name_index - 1));

  g_string_append_printf (insert, "INSERT INTO \"%s\" (", hy_record_kind_to_plural (kind));
  g_string_append_printf (update, "UPDATE \"%s\" SET ", hy_record_kind_to_plural (kind));
  for (guint i = 0; i < n_fields; i++)
    {
      g_string_append_printf (insert, "\"%s\", ", fields[i].column);
      if (i > 0 && (mask & (G_GUINT64_CONSTANT (1) << i)))
        g_string_append_printf (update, "\"%s\" = ?%u, ", fields[i].column, i + 1);
    }
  g_string_append (insert, "name_key) VALUES (");
  for (guint i = 0; i < n_fields; i++)
    g_string_append_printf (insert, "?%u, ", i + 1);
  g_string_append_printf (insert, "hy_fold (?%d)) ON CONFLICT (id) DO NOTHING", name_index);
  g_string_append_printf (update, "name_key = hy_fold (?%d) WHERE id = ?1 AND NOT (", name_index);
  for (guint i = 1; i < n_fields; i++)
    {
      if (!(mask & (G_GUINT64_CONSTANT (1) << i)))
        continue;
      g_string_append_printf (update, "%s\"%s\" IS ?%u", first ? "" : " AND ", fields[i].column,
                              i + 1);
      first = FALSE;
    }
  g_string_append (update, ")");

  *out_insert = g_string_free (insert, FALSE);
  *out_update = g_string_free (update, FALSE);
}

static void
build_upsert_sql (HyStore *self, HyRecordKind kind)
{
  upsert_sql (kind, G_MAXUINT64, &self->insert_sql[kind], &self->update_sql[kind]);
}

static gboolean
upsert (HyStore *self,
        HyRecordKind kind,
        gconstpointer record,
        guint64 mask,
        HyStoreChange *out_change,
        GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields;
  HyStoreChange change;
  const char *insert;
  const char *update;

  if (!check_kind (kind, error) || !validate_record (self, kind, record, error))
    return FALSE;

  fields = hy_record_kind_get_fields (kind, &n_fields);
  if (mask == G_MAXUINT64)
    {
      if (self->insert_sql[kind] == NULL)
        build_upsert_sql (self, kind);
      insert = self->insert_sql[kind];
      update = self->update_sql[kind];
    }
  else
    {
      char key[64];
      char **texts;

      g_snprintf (key, sizeof key, "%d:%" G_GUINT64_FORMAT, kind, mask);
      texts = g_hash_table_lookup (self->partial_upserts, key);
      if (texts == NULL)
        {
          texts = g_new0 (char *, 3);
          upsert_sql (kind, mask, &texts[0], &texts[1]);
          g_hash_table_insert (self->partial_upserts, g_strdup (key), texts);
        }
      insert = texts[0];
      update = texts[1];
    }

  {
    g_autoptr (HyStmt) stmt = prepare (self, insert, error);

    if (stmt == NULL)
      return FALSE;
    for (guint i = 0; i < n_fields; i++)
      bind_text (stmt, i + 1, HY_FIELD_VALUE (record, &fields[i]));
    if (!step_done (self, stmt, error))
      return FALSE;
    change = sqlite3_changes (self->db) > 0 ? HY_STORE_CHANGE_ADDED : HY_STORE_CHANGE_UNCHANGED;
  }

  if (change != HY_STORE_CHANGE_ADDED)
    {
      g_autoptr (HyStmt) stmt = prepare (self, update, error);

      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < n_fields; i++)
        bind_text (stmt, i + 1, HY_FIELD_VALUE (record, &fields[i]));
      if (!step_done (self, stmt, error))
        return FALSE;
      if (sqlite3_changes (self->db) > 0)
        change = HY_STORE_CHANGE_UPDATED;
    }

  if (out_change)
    *out_change = change;
  return TRUE;
}

gboolean
hy_store_upsert (HyStore *self,
                 HyRecordKind kind,
                 gconstpointer record,
                 HyStoreChange *out_change,
                 GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  LOCK (self);

  return upsert (self, kind, record, G_MAXUINT64, out_change, error);
}

gboolean
hy_store_upsert_fields (HyStore *self,
                        HyRecordKind kind,
                        gconstpointer record,
                        guint64 field_mask,
                        HyStoreChange *out_change,
                        GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  LOCK (self);

  return upsert (self, kind, record, field_mask, out_change, error);
}

gboolean
hy_store_update_retired (HyStore *self,
                         GHashTable *present,
                         gboolean prune,
                         guint *out_retired,
                         guint *out_returned,
                         GError **error)
{
  g_autoptr (GPtrArray) retire = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) back = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_real_time ();
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (present != NULL, FALSE);
  LOCK (self);

  {
    g_autoptr (HyStmt) stmt = prepare (self, "SELECT id, retired FROM computers", error);

    if (stmt == NULL)
      return FALSE;
    while ((rc = step (self, stmt, error)) == SQLITE_ROW)
      {
        const char *id = (const char *) sqlite3_column_text (stmt, 0);
        gboolean retired = sqlite3_column_type (stmt, 1) != SQLITE_NULL;
        gboolean here = g_hash_table_contains (present, id);

        if (retired && here)
          g_ptr_array_add (back, g_strdup (id));
        else if (!retired && !here && prune)
          g_ptr_array_add (retire, g_strdup (id));
      }
    if (rc < 0)
      return FALSE;
  }

  for (guint i = 0; i < retire->len + back->len; i++)
    {
      gboolean retiring = i < retire->len;
      const char *id = retiring ? retire->pdata[i] : back->pdata[i - retire->len];
      g_autoptr (HyStmt) stmt =
          prepare (self, "UPDATE computers SET retired = ? WHERE id = ?", error);

      if (stmt == NULL)
        return FALSE;
      if (retiring)
        sqlite3_bind_int64 (stmt, 1, now);
      else
        sqlite3_bind_null (stmt, 1);
      bind_text (stmt, 2, id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  if (out_retired)
    *out_retired = retire->len;
  if (out_returned)
    *out_returned = back->len;
  return TRUE;
}

gpointer
hy_store_get (HyStore *self, HyRecordKind kind, const char *id, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  LOCK (self);

  if (!check_kind (kind, error))
    return NULL;
  append_select (sql, kind);
  g_string_append (sql, " WHERE t.id = ?");
  stmt = prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id);
  rc = step (self, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      record_not_found (error, kind, id);
      return NULL;
    }
  return read_record (kind, stmt);
}

gboolean
hy_store_delete (HyStore *self, HyRecordKind kind, const char *id, GError **error)
{
  g_autofree char *sql = NULL;
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  LOCK (self);

  if (!check_kind (kind, error))
    return FALSE;
  sql = g_strdup_printf ("DELETE FROM \"%s\" WHERE id = ?", hy_record_kind_to_plural (kind));
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                   /* Translators: "The company “c1” cannot be deleted while ..." */
                   _ ("The %s “%s” cannot be deleted while other records refer to it."),
                   hy_store_kind_label (kind), id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc);
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    return record_not_found (error, kind, id);
  return TRUE;
}

static GPtrArray *
list_records (HyStore *self,
              HyRecordKind kind,
              GString *sql,
              const HyStoreQuery *query,
              const char *text,
              GError **error)
{
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = prepare (self, sql->str, error);
  g_autoptr (GPtrArray) records = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  if (query != NULL && query->search != NULL && *query->search != '\0')
    folded = fold (query->search);
  bind_query (stmt, query, folded);
  if (text != NULL)
    bind_text (stmt, 1, text);

  /* The free function is set once the array is complete (hy_record_free takes the kind). */
  records = g_ptr_array_new ();
  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (records, read_record (kind, stmt));
  if (rc < 0)
    {
      for (guint i = 0; i < records->len; i++)
        hy_record_free (kind, records->pdata[i]);
      return NULL;
    }

  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_company_free);
        break;
      case HY_RECORD_KIND_LOCATION:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_location_free);
        break;
      case HY_RECORD_KIND_GROUP:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_group_free);
        break;
      case HY_RECORD_KIND_COMPUTER:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_computer_free);
        break;
      case HY_RECORD_KIND_USER:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_user_free);
        break;
      case HY_RECORD_KIND_POLICY:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_policy_free);
        break;
      case HY_RECORD_KIND_ALERT:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_alert_free);
        break;
      default:
        g_assert_not_reached ();
    }
  return g_steal_pointer (&records);
}

GPtrArray *
hy_store_list (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  if (!check_kind (kind, error))
    return NULL;
  append_select (sql, kind);
  append_where (sql, kind, query);
  append_order_limit (sql, kind, query);
  return list_records (self, kind, sql, query, NULL, error);
}

gint64
hy_store_count (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = NULL;
  HyStoreQuery unpaged;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  LOCK (self);

  if (!check_kind (kind, error))
    return -1;
  g_string_append_printf (sql, "SELECT count(*) FROM \"%s\" t", hy_record_kind_to_plural (kind));
  if (query != NULL && query->unlinked_only && hy_record_kind_is_linkable (kind))
    g_string_append_printf (sql, " LEFT JOIN links l ON l.kind = '%s' AND l.local_id = t.id",
                            hy_record_kind_to_string (kind));
  append_where (sql, kind, query);

  stmt = prepare (self, sql->str, error);
  if (stmt == NULL)
    return -1;
  if (query != NULL)
    {
      unpaged = *query;
      unpaged.limit = unpaged.offset = 0;
      if (query->search != NULL && *query->search != '\0')
        folded = fold (query->search);
      bind_query (stmt, &unpaged, folded);
    }
  if (step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

GPtrArray *
hy_store_find_by_name (HyStore *self, HyRecordKind kind, const char *name, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autofree char *key = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  LOCK (self);

  if (!check_kind (kind, error))
    return NULL;
  append_select (sql, kind);
  g_string_append (sql, " WHERE t.name_key = ?1 ORDER BY t.id");
  key = fold (name);
  return list_records (self, kind, sql, NULL, key, error);
}

GPtrArray *
hy_store_find_users_by_email (HyStore *self, const char *email, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);
  LOCK (self);

  append_select (sql, HY_RECORD_KIND_USER);
  g_string_append (sql, " WHERE t.email = ?1 COLLATE NOCASE ORDER BY t.id");
  return list_records (self, HY_RECORD_KIND_USER, sql, NULL, email, error);
}

gboolean
hy_store_set_alert_delivery (HyStore *self,
                             const char *alert_id,
                             HyAlertState state,
                             gint64 ticket_id,
                             const char *reason,
                             GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL, FALSE);
  g_return_val_if_fail (state <= HY_ALERT_STATE_DEAD, FALSE);
  LOCK (self);

  stmt = prepare (self,
                  "UPDATE alerts SET state = ?2, ticket_id = coalesce (?3, ticket_id), "
                  "reason = ?4 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, alert_id);
  bind_text (stmt, 2, hy_alert_state_to_string (state));
  bind_id (stmt, 3, ticket_id);
  bind_text (stmt, 4, reason);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return record_not_found (error, HY_RECORD_KIND_ALERT, alert_id);
  return TRUE;
}

gboolean
hy_store_clear_alert (HyStore *self, const char *alert_id, const char *cleared_at, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL, FALSE);
  LOCK (self);

  if (cleared_at == NULL)
    {
      g_autoptr (GDateTime) dt = g_date_time_new_now_utc ();
      now = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
      cleared_at = now;
    }
  stmt = prepare (self, "UPDATE alerts SET cleared_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, alert_id);
  bind_text (stmt, 2, cleared_at);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return record_not_found (error, HY_RECORD_KIND_ALERT, alert_id);
  return TRUE;
}

gboolean
hy_store_count_alerts (HyStore *self, guint *out_open, guint *out_unrouted, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  LOCK (self);

  stmt = prepare (self,
                  "SELECT (SELECT count(*) FROM alerts WHERE cleared_at IS NULL) + w,"
                  "  (SELECT count(*) FROM alerts WHERE cleared_at IS NULL AND state = 'unrouted')"
                  "  + w FROM (SELECT count(*) AS w FROM intake_waiting)",
                  error);
  if (stmt == NULL || step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  if (out_open)
    *out_open = sqlite3_column_int64 (stmt, 0);
  if (out_unrouted)
    *out_unrouted = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * Links
 * ------------------------------------------------------------------------------------------- */

gboolean
hy_store_link_set (HyStore *self,
                   HyRecordKind kind,
                   const char *local_id,
                   gint64 halo_id,
                   const char *halo_name,
                   HyLinkHow how,
                   GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  gboolean exists = FALSE;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);
  LOCK (self);

  if (!check_linkable (kind, error))
    return FALSE;
  if (halo_id <= 0 || how == HY_LINK_HOW_NONE)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A link needs a Halo record id (a positive number)."));
      return FALSE;
    }
  if (!exists_unlocked (self, kind, local_id, &exists, error))
    return FALSE;
  if (!exists)
    return record_not_found (error, kind, local_id);

  stmt = prepare (self,
                  "INSERT INTO links (kind, local_id, halo_id, how, halo_name) "
                  "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kind, local_id) DO UPDATE SET "
                  "halo_id = excluded.halo_id, how = excluded.how, halo_name = excluded.halo_name",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hy_record_kind_to_string (kind));
  bind_text (stmt, 2, local_id);
  sqlite3_bind_int64 (stmt, 3, halo_id);
  bind_text (stmt, 4, hy_link_how_to_string (how));
  bind_text (stmt, 5, halo_name);
  return step_done (self, stmt, error);
}

gboolean
hy_store_link_clear (HyStore *self, HyRecordKind kind, const char *local_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);
  LOCK (self);

  if (!check_linkable (kind, error))
    return FALSE;
  stmt = prepare (self, "DELETE FROM links WHERE kind = ?1 AND local_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hy_record_kind_to_string (kind));
  bind_text (stmt, 2, local_id);
  return step_done (self, stmt, error);
}

gboolean
hy_store_link_get (HyStore *self,
                   HyRecordKind kind,
                   const char *local_id,
                   HyLinkInfo *out_link,
                   GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);
  g_return_val_if_fail (out_link != NULL, FALSE);
  LOCK (self);

  memset (out_link, 0, sizeof *out_link);
  if (!check_linkable (kind, error))
    return FALSE;
  stmt =
      prepare (self, "SELECT how, halo_id, halo_name FROM links WHERE kind = ?1 AND local_id = ?2",
               error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hy_record_kind_to_string (kind));
  bind_text (stmt, 2, local_id);
  rc = step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    read_link (stmt, 0, out_link);
  return TRUE;
}

GStrv
hy_store_link_find_local (HyStore *self, HyRecordKind kind, gint64 halo_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  if (!check_linkable (kind, error))
    return NULL;
  stmt = prepare (self,
                  "SELECT local_id FROM links WHERE kind = ?1 AND halo_id = ?2 ORDER BY local_id",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, hy_record_kind_to_string (kind));
  sqlite3_bind_int64 (stmt, 2, halo_id);
  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc < 0)
    return NULL;
  return g_strv_builder_end (builder);
}

GPtrArray *
hy_store_list_links (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GPtrArray) links = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  if (!check_linkable (kind, error))
    return NULL;
  g_string_append_printf (sql,
                          "SELECT t.id, t.%s, l.how, l.halo_id, l.halo_name, %s FROM \"%s\" t "
                          "LEFT JOIN links l ON l.kind = '%s' AND l.local_id = t.id",
                          name_field (kind)->column,
                          kind == HY_RECORD_KIND_COMPUTER ? "t.retired" : "NULL",
                          hy_record_kind_to_plural (kind), hy_record_kind_to_string (kind));
  append_where (sql, kind, query);
  append_order_limit (sql, kind, query);
  stmt = prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (query != NULL && query->search != NULL && *query->search != '\0')
    folded = fold (query->search);
  bind_query (stmt, query, folded);

  links = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_link_free);
  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    {
      HyLink *link = g_new0 (HyLink, 1);

      link->kind = kind;
      link->id = column_dup (stmt, 0);
      link->name = column_dup (stmt, 1);
      read_link (stmt, 2, &link->link);
      link->retired = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (links, link);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&links);
}

/* ---------------------------------------------------------------------------------------------
 * Routes
 * ------------------------------------------------------------------------------------------- */

static gboolean
require_record (HyStore *self, HyRecordKind kind, const char *id, GError **error)
{
  gboolean exists = FALSE;

  if (!exists_unlocked (self, kind, id, &exists, error))
    return FALSE;
  if (!exists)
    return record_not_found (error, kind, id);
  return TRUE;
}

static gboolean
delete_by_text (HyStore *self, const char *sql, const char *id, GError **error)
{
  g_autoptr (HyStmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  return step_done (self, stmt, error);
}

gboolean
hy_store_map_group (HyStore *self,
                    const char *group_id,
                    gint64 client_id,
                    gint64 site_id,
                    GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_id != NULL, FALSE);
  LOCK (self);

  if (client_id <= 0)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A group needs a Halo client to be mapped to."));
      return FALSE;
    }
  if (!require_record (self, HY_RECORD_KIND_GROUP, group_id, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO group_mappings (group_id, client_id, site_id) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (group_id) DO UPDATE SET client_id = excluded.client_id, "
                  "site_id = excluded.site_id",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, client_id);
  bind_id (stmt, 3, site_id);
  return step_done (self, stmt, error);
}

gboolean
hy_store_unmap_group (HyStore *self, const char *group_id, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_id != NULL, FALSE);
  LOCK (self);

  return delete_by_text (self, "DELETE FROM group_mappings WHERE group_id = ?1", group_id, error);
}

static gpointer
read_group_mapping (HyStmt *stmt)
{
  HyGroupMapping *mapping = g_new0 (HyGroupMapping, 1);

  mapping->group_id = column_dup (stmt, 0);
  mapping->client_id = sqlite3_column_int64 (stmt, 1);
  mapping->site_id = sqlite3_column_int64 (stmt, 2);
  return mapping;
}

HyGroupMapping *
hy_store_get_group_mapping (HyStore *self, const char *group_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyGroupMapping *mapping;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (group_id != NULL, NULL);
  LOCK (self);

  stmt =
      prepare (self, "SELECT group_id, client_id, site_id FROM group_mappings WHERE group_id = ?1",
               error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, group_id);
  mapping = read_row (self, stmt, read_group_mapping, &missing, error);
  if (missing)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                 _ ("The group “%s” is not mapped to a Halo client."), group_id);
  return mapping;
}

GPtrArray *
hy_store_list_group_mappings (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  stmt = prepare (self, "SELECT group_id, client_id, site_id FROM group_mappings ORDER BY group_id",
                  error);
  if (stmt == NULL)
    return NULL;
  return read_rows (self, stmt, read_group_mapping, (GDestroyNotify) hy_group_mapping_free, error);
}

gboolean
hy_store_map_policy (HyStore *self,
                     const char *policy_id,
                     gint64 ticket_type_id,
                     gint64 close_status_id,
                     GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (policy_id != NULL, FALSE);
  LOCK (self);

  if (ticket_type_id <= 0)
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A policy needs a Halo ticket type to be mapped to."));
      return FALSE;
    }
  if (!require_record (self, HY_RECORD_KIND_POLICY, policy_id, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO policy_mappings (policy_id, ticket_type_id, close_status_id) "
                  "VALUES (?1, ?2, ?3) ON CONFLICT (policy_id) DO UPDATE SET "
                  "ticket_type_id = excluded.ticket_type_id, "
                  "close_status_id = excluded.close_status_id",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, policy_id);
  sqlite3_bind_int64 (stmt, 2, ticket_type_id);
  bind_id (stmt, 3, close_status_id);
  return step_done (self, stmt, error);
}

gboolean
hy_store_unmap_policy (HyStore *self, const char *policy_id, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (policy_id != NULL, FALSE);
  LOCK (self);

  return delete_by_text (self, "DELETE FROM policy_mappings WHERE policy_id = ?1", policy_id,
                         error);
}

static gpointer
read_policy_mapping (HyStmt *stmt)
{
  HyPolicyMapping *mapping = g_new0 (HyPolicyMapping, 1);

  mapping->policy_id = column_dup (stmt, 0);
  mapping->ticket_type_id = sqlite3_column_int64 (stmt, 1);
  mapping->close_status_id = sqlite3_column_int64 (stmt, 2);
  return mapping;
}

HyPolicyMapping *
hy_store_get_policy_mapping (HyStore *self, const char *policy_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyPolicyMapping *mapping;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (policy_id != NULL, NULL);
  LOCK (self);

  stmt = prepare (self,
                  "SELECT policy_id, ticket_type_id, close_status_id FROM policy_mappings "
                  "WHERE policy_id = ?1",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, policy_id);
  mapping = read_row (self, stmt, read_policy_mapping, &missing, error);
  if (missing)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                 _ ("The policy “%s” is not mapped to a Halo ticket type."), policy_id);
  return mapping;
}

GPtrArray *
hy_store_list_policy_mappings (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  stmt = prepare (self,
                  "SELECT policy_id, ticket_type_id, close_status_id FROM policy_mappings "
                  "ORDER BY policy_id",
                  error);
  if (stmt == NULL)
    return NULL;
  return read_rows (self, stmt, read_policy_mapping, (GDestroyNotify) hy_policy_mapping_free,
                    error);
}

/* ---------------------------------------------------------------------------------------------
 * Halo cache
 * ------------------------------------------------------------------------------------------- */

#define CACHE_COLUMNS                                                                          \
  "kind, id, name, inactive, client_id, site_id, inventory_number, key_field, serial, email, " \
  "is_api_agent, closed"

static gboolean
check_cache_kind (HyCacheKind kind, GError **error)
{
  if (kind < HY_N_CACHE_KINDS)
    return TRUE;
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID, _ ("Unknown kind of Halo record."));
  return FALSE;
}

static gpointer
read_cache_record (HyStmt *stmt)
{
  HyCacheRecord *record = g_new0 (HyCacheRecord, 1);
  const char *kind = (const char *) sqlite3_column_text (stmt, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cache_kind_names); i++)
    if (g_strcmp0 (kind, cache_kind_names[i]) == 0)
      record->kind = i;
  record->id = sqlite3_column_int64 (stmt, 1);
  record->name = column_dup (stmt, 2);
  record->inactive = sqlite3_column_int (stmt, 3);
  record->client_id = sqlite3_column_int64 (stmt, 4);
  record->site_id = sqlite3_column_int64 (stmt, 5);
  record->inventory_number = column_dup (stmt, 6);
  record->key_field = column_dup (stmt, 7);
  record->serial = column_dup (stmt, 8);
  record->email = column_dup (stmt, 9);
  record->is_api_agent = sqlite3_column_int (stmt, 10);
  record->closed = sqlite3_column_int (stmt, 11);
  return record;
}

static gboolean
cache_insert (HyStore *self, const HyCacheRecord *record, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  if (!check_cache_kind (record->kind, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO halo_records (" CACHE_COLUMNS ", name_key) VALUES "
                  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, hy_fold (?3)) "
                  "ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, "
                  "name_key = excluded.name_key, inactive = excluded.inactive, "
                  "client_id = excluded.client_id, site_id = excluded.site_id, "
                  "inventory_number = excluded.inventory_number, key_field = excluded.key_field, "
                  "serial = excluded.serial, email = excluded.email, "
                  "is_api_agent = excluded.is_api_agent, closed = excluded.closed",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, cache_kind_names[record->kind]);
  sqlite3_bind_int64 (stmt, 2, record->id);
  bind_text (stmt, 3, record->name ? record->name : "");
  sqlite3_bind_int (stmt, 4, record->inactive ? 1 : 0);
  bind_id (stmt, 5, record->client_id);
  bind_id (stmt, 6, record->site_id);
  bind_text (stmt, 7, record->inventory_number);
  bind_text (stmt, 8, record->key_field);
  bind_text (stmt, 9, record->serial);
  bind_text (stmt, 10, record->email);
  sqlite3_bind_int (stmt, 11, record->is_api_agent ? 1 : 0);
  sqlite3_bind_int (stmt, 12, record->closed ? 1 : 0);
  return step_done (self, stmt, error);
}

gboolean
hy_store_cache_replace (HyStore *self, HyCacheKind kind, GPtrArray *records, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);
  LOCK (self);

  if (!check_cache_kind (kind, error) || !hy_store_begin (self, error))
    return FALSE;

  {
    g_autoptr (HyStmt) stmt = prepare (self, "DELETE FROM halo_records WHERE kind = ?1", error);

    if (stmt == NULL)
      goto fail;
    bind_text (stmt, 1, cache_kind_names[kind]);
    if (!step_done (self, stmt, error))
      goto fail;
  }

  for (guint i = 0; i < records->len; i++)
    {
      const HyCacheRecord *record = records->pdata[i];

      if (record->kind != kind)
        {
          g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                       "Cache record %u is of another kind", i);
          goto fail;
        }
      if (!cache_insert (self, record, error))
        goto fail;
    }
  return hy_store_commit (self, error);

fail:
  hy_store_rollback (self);
  return FALSE;
}

gboolean
hy_store_cache_upsert (HyStore *self, const HyCacheRecord *record, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  LOCK (self);

  return cache_insert (self, record, error);
}

gboolean
hy_store_cache_delete (HyStore *self, HyCacheKind kind, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  LOCK (self);

  if (!check_cache_kind (kind, error))
    return FALSE;
  stmt = prepare (self, "DELETE FROM halo_records WHERE kind = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, cache_kind_names[kind]);
  sqlite3_bind_int64 (stmt, 2, id);
  return step_done (self, stmt, error);
}

HyCacheRecord *
hy_store_cache_get (HyStore *self, HyCacheKind kind, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyCacheRecord *record;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  if (!check_cache_kind (kind, error))
    return NULL;
  stmt = prepare (self, "SELECT " CACHE_COLUMNS " FROM halo_records WHERE kind = ?1 AND id = ?2",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, cache_kind_names[kind]);
  sqlite3_bind_int64 (stmt, 2, id);
  record = read_row (self, stmt, read_cache_record, &missing, error);
  if (missing)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
                   _ ("Halo record %s is not in the local copy; refresh from Halo and try "
                      "again."),
                   id_text);
    }
  return record;
}

static GPtrArray *
cache_rows (HyStore *self, HyStmt *stmt, GError **error)
{
  return read_rows (self, stmt, read_cache_record, (GDestroyNotify) hy_cache_record_free, error);
}

GPtrArray *
hy_store_cache_find_by_name (HyStore *self,
                             HyCacheKind kind,
                             gint64 client_id,
                             const char *name,
                             GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  LOCK (self);

  if (!check_cache_kind (kind, error))
    return NULL;
  stmt = prepare (self,
                  "SELECT " CACHE_COLUMNS " FROM halo_records WHERE kind = ?1 AND name_key = ?2 "
                  "AND (?3 IS NULL OR client_id = ?3) ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;
  key = fold (name);
  bind_text (stmt, 1, cache_kind_names[kind]);
  bind_text (stmt, 2, key);
  bind_id (stmt, 3, client_id);
  return cache_rows (self, stmt, error);
}

GPtrArray *
hy_store_cache_find_agents_by_email (HyStore *self, const char *email, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);
  LOCK (self);

  stmt = prepare (self,
                  "SELECT " CACHE_COLUMNS " FROM halo_records WHERE kind = 'agent' "
                  "AND email = ?1 COLLATE NOCASE ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, email);
  return cache_rows (self, stmt, error);
}

GPtrArray *
hy_store_cache_find_assets_by_inventory_number (HyStore *self,
                                                gint64 client_id,
                                                const char *inventory_number,
                                                GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (inventory_number != NULL, NULL);
  LOCK (self);

  stmt = prepare (self,
                  "SELECT " CACHE_COLUMNS " FROM halo_records WHERE kind = 'asset' "
                  "AND inventory_number = ?1 AND (?2 IS NULL OR client_id = ?2) ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, inventory_number);
  bind_id (stmt, 2, client_id);
  return cache_rows (self, stmt, error);
}

static void
append_cache_where (GString *sql, const HyStoreQuery *query)
{
  g_string_append (sql, " WHERE kind = :kind");
  if (query == NULL)
    return;
  if (query->search != NULL && *query->search != '\0')
    g_string_append (sql, " AND instr (name_key, :search) > 0");
  if (query->halo_client_id != 0)
    g_string_append (sql, " AND client_id = :client");
}

static void
bind_cache_query (HyStmt *stmt, HyCacheKind kind, const HyStoreQuery *query, const char *folded)
{
  bind_named_text (stmt, ":kind", cache_kind_names[kind]);
  if (query == NULL)
    return;
  bind_named_text (stmt, ":search", folded);
  bind_named_int (stmt, ":client", query->halo_client_id);
  bind_named_int (stmt, ":limit", query->limit > 0 ? (gint64) query->limit : -1);
  bind_named_int (stmt, ":offset", query->offset);
}

GPtrArray *
hy_store_cache_list (HyStore *self, HyCacheKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT " CACHE_COLUMNS " FROM halo_records");
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  if (!check_cache_kind (kind, error))
    return NULL;
  append_cache_where (sql, query);
  g_string_append (sql, " ORDER BY name_key, id");
  if (query != NULL && (query->limit > 0 || query->offset > 0))
    g_string_append (sql, " LIMIT :limit OFFSET :offset");
  stmt = prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (query != NULL && query->search != NULL && *query->search != '\0')
    folded = fold (query->search);
  bind_cache_query (stmt, kind, query, folded);
  return cache_rows (self, stmt, error);
}

gint64
hy_store_cache_count (HyStore *self, HyCacheKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT count(*) FROM halo_records");
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  LOCK (self);

  if (!check_cache_kind (kind, error))
    return -1;
  append_cache_where (sql, query);
  stmt = prepare (self, sql->str, error);
  if (stmt == NULL)
    return -1;
  if (query != NULL && query->search != NULL && *query->search != '\0')
    folded = fold (query->search);
  bind_cache_query (stmt, kind, query, folded);
  if (step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* ---------------------------------------------------------------------------------------------
 * Sync state
 * ------------------------------------------------------------------------------------------- */

gboolean
hy_store_set_group_sync (HyStore *self,
                         const char *group_id,
                         HySyncState state,
                         guint synced,
                         guint failed,
                         const char *reason,
                         GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_id != NULL, FALSE);
  g_return_val_if_fail (state <= HY_SYNC_STATE_FAILED, FALSE);
  LOCK (self);

  if (!require_record (self, HY_RECORD_KIND_GROUP, group_id, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO group_sync (group_id, state, synced, failed, reason, last_sync) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?2 IN ('synced', 'failed') THEN ?6 END) "
                  "ON CONFLICT (group_id) DO UPDATE SET state = excluded.state, "
                  "synced = excluded.synced, failed = excluded.failed, reason = excluded.reason, "
                  "last_sync = coalesce (excluded.last_sync, last_sync)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, group_id);
  bind_text (stmt, 2, hy_sync_state_to_string (state));
  sqlite3_bind_int64 (stmt, 3, synced);
  sqlite3_bind_int64 (stmt, 4, failed);
  bind_text (stmt, 5, reason);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  return step_done (self, stmt, error);
}

#define GROUP_SYNC_SELECT                                                                \
  "SELECT g.id, g.name, coalesce (s.state, 'unsynced'), "                                \
  "(SELECT count(*) FROM computers c WHERE c.group_id = g.id), coalesce (s.synced, 0), " \
  "coalesce (s.failed, 0), s.reason, coalesce (s.last_sync, 0), m.group_id IS NOT NULL " \
  "FROM \"groups\" g LEFT JOIN group_sync s ON s.group_id = g.id "                       \
  "LEFT JOIN group_mappings m ON m.group_id = g.id "

static gpointer
read_group_sync (HyStmt *stmt)
{
  HyGroupSync *sync = g_new0 (HyGroupSync, 1);
  const char *state = (const char *) sqlite3_column_text (stmt, 2);

  sync->group_id = column_dup (stmt, 0);
  sync->group_name = column_dup (stmt, 1);
  for (guint i = 0; i <= HY_SYNC_STATE_FAILED; i++)
    if (g_strcmp0 (state, hy_sync_state_to_string (i)) == 0)
      sync->state = i;
  sync->devices = sqlite3_column_int64 (stmt, 3);
  sync->synced = sqlite3_column_int64 (stmt, 4);
  sync->failed = sqlite3_column_int64 (stmt, 5);
  sync->reason = column_dup (stmt, 6);
  sync->last_sync = sqlite3_column_int64 (stmt, 7);
  sync->mapped = sqlite3_column_int (stmt, 8);
  return sync;
}

HyGroupSync *
hy_store_get_group_sync (HyStore *self, const char *group_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyGroupSync *sync;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (group_id != NULL, NULL);
  LOCK (self);

  stmt = prepare (self, GROUP_SYNC_SELECT "WHERE g.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, group_id);
  sync = read_row (self, stmt, read_group_sync, &missing, error);
  if (missing)
    record_not_found (error, HY_RECORD_KIND_GROUP, group_id);
  return sync;
}

GPtrArray *
hy_store_list_group_sync (HyStore *self, gboolean mapped_only, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  stmt = prepare (self,
                  mapped_only ? GROUP_SYNC_SELECT "WHERE m.group_id IS NOT NULL "
                                                  "ORDER BY g.name_key, g.id"
                              : GROUP_SYNC_SELECT "ORDER BY g.name_key, g.id",
                  error);
  if (stmt == NULL)
    return NULL;
  return read_rows (self, stmt, read_group_sync, (GDestroyNotify) hy_group_sync_free, error);
}

gboolean
hy_store_set_asset_fingerprint (HyStore *self,
                                const char *computer_id,
                                const char *fingerprint,
                                GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (computer_id != NULL, FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  LOCK (self);

  if (!require_record (self, HY_RECORD_KIND_COMPUTER, computer_id, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO asset_fingerprints (computer_id, fingerprint, updated) "
                  "VALUES (?1, ?2, ?3) ON CONFLICT (computer_id) DO UPDATE SET "
                  "fingerprint = excluded.fingerprint, updated = excluded.updated",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, computer_id);
  bind_text (stmt, 2, fingerprint);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  return step_done (self, stmt, error);
}

gboolean
hy_store_get_asset_fingerprint (HyStore *self,
                                const char *computer_id,
                                char **out_fingerprint,
                                GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (computer_id != NULL, FALSE);
  g_return_val_if_fail (out_fingerprint != NULL, FALSE);
  LOCK (self);

  *out_fingerprint = NULL;
  stmt = prepare (self, "SELECT fingerprint FROM asset_fingerprints WHERE computer_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, computer_id);
  rc = step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    *out_fingerprint = column_dup (stmt, 0);
  return TRUE;
}

GHashTable *
hy_store_get_asset_fingerprints (HyStore *self, const char *group_id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autoptr (GHashTable) table = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  stmt = prepare (self,
                  group_id ? "SELECT f.computer_id, f.fingerprint FROM asset_fingerprints f "
                             "JOIN computers c ON c.id = f.computer_id WHERE c.group_id = ?1"
                           : "SELECT computer_id, fingerprint FROM asset_fingerprints",
                  error);
  if (stmt == NULL)
    return NULL;
  if (group_id)
    bind_text (stmt, 1, group_id);
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    g_hash_table_insert (table, column_dup (stmt, 0), column_dup (stmt, 1));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&table);
}

gboolean
hy_store_clear_asset_fingerprints (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  LOCK (self);

  return exec (self, "DELETE FROM asset_fingerprints", error);
}

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
  item->kind = column_dup (stmt, 1);
  item->record_key = column_dup (stmt, 2);
  item->payload = column_dup (stmt, 3);
  item->priority = sqlite3_column_int (stmt, 4);
  item->attempts = sqlite3_column_int (stmt, 5);
  item->next_attempt_at = sqlite3_column_int64 (stmt, 6);
  for (guint i = 0; i <= HY_OUTBOX_STATE_DONE; i++)
    if (g_strcmp0 (state, hy_outbox_state_to_string (i)) == 0)
      item->state = i;
  item->last_error = column_dup (stmt, 8);
  item->created = sqlite3_column_int64 (stmt, 9);
  item->refused = sqlite3_column_int (stmt, 10);
  item->waits = sqlite3_column_int (stmt, 11);
  item->dead_cause = column_dup (stmt, 12);
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
  LOCK (self);

  stmt = prepare (self,
                  "INSERT INTO outbox (kind, record_key, payload, priority, next_attempt_at, "
                  "created) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                  error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, kind);
  bind_text (stmt, 2, record_key);
  bind_text (stmt, 3, payload);
  sqlite3_bind_int (stmt, 4, priority);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

GPtrArray *
hy_store_outbox_claim (HyStore *self, gint64 now, guint max, GError **error)
{
  g_autoptr (GPtrArray) items = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  if (!hy_store_begin (self, error))
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_outbox_item_free);
  {
    g_autoptr (HyStmt) stmt = prepare (self,
                                       "SELECT " OUTBOX_COLUMNS " FROM outbox "
                                       "WHERE state = 'pending' AND next_attempt_at <= ?1 "
                                       "ORDER BY priority DESC, id LIMIT ?2",
                                       error);
    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, now);
    sqlite3_bind_int64 (stmt, 2, max > 0 ? (gint64) max : -1);
    if (!append_rows (self, stmt, read_outbox_item, items, error))
      goto fail;
  }

  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = items->pdata[i];
      g_autoptr (HyStmt) stmt =
          prepare (self, "UPDATE outbox SET state = 'inflight' WHERE id = ?1", error);

      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, item->id);
      if (!step_done (self, stmt, error))
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
  g_autoptr (HyStmt) stmt = prepare (self, "SELECT state FROM outbox WHERE id = ?1", error);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = step (self, stmt, error);
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
  g_autoptr (HyStmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_named_int (stmt, ":id", id);
  bind_named_text (stmt, ":text", text);
  bind_named_int (stmt, ":time", time);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return outbox_transition_failed (self, id, error);
  return TRUE;
}

gboolean
hy_store_outbox_complete (HyStore *self, gint64 id, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  LOCK (self);

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
  LOCK (self);

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
  LOCK (self);

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
  LOCK (self);

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
  LOCK (self);

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
  LOCK (self);

  stmt = prepare (self, "PRAGMA wal_checkpoint(TRUNCATE)", error);
  if (stmt == NULL)
    return FALSE;
  rc = step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  /* Another connection reading: not everything could be copied back yet. */
  if (rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0)
    {
      set_sqlite_error (self, error, SQLITE_BUSY);
      return FALSE;
    }
  return TRUE;
}

gint64
hy_store_outbox_wake_waiting (HyStore *self, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), -1);
  LOCK (self);

  if (!exec (self,
             "UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending' AND waits > 0 AND "
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
  LOCK (self);

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
  LOCK (self);

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
  LOCK (self);

  stmt = prepare (self,
                  "UPDATE outbox SET state = 'dead', "
                  "attempts = attempts + (:reached AND state = 'inflight'), "
                  "refused = refused + (:reached AND state = 'inflight'), "
                  "last_error = coalesce (:text, last_error), dead_cause = :cause, "
                  "next_attempt_at = :time WHERE id = :id AND state IN ('inflight', 'pending')",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_named_int (stmt, ":id", id);
  bind_named_int (stmt, ":reached", reached ? 1 : 0);
  bind_named_text (stmt, ":text", error_text);
  bind_named_text (stmt, ":cause", cause);
  bind_named_int (stmt, ":time", revive_after);
  if (!step_done (self, stmt, error))
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
  LOCK (self);

  if (!hy_store_begin (self, error))
    return -1;
  if (halo_answers)
    {
      g_autoptr (HyStmt) stmt =
          prepare (self,
                   "UPDATE outbox SET state = 'pending', refused = 0, waits = 0, "
                   "dead_cause = NULL, next_attempt_at = 0 "
                   "WHERE state = 'dead' AND dead_cause = 'failing' AND next_attempt_at <= ?1",
                   error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, now);
      if (!step_done (self, stmt, error))
        goto fail;
      revived += sqlite3_changes (self->db);
    }
  /* Writes that waited behind a given-up write of their record, once that one is queued again
   * or done. */
  if (!exec (self,
             "UPDATE outbox SET state = 'pending', refused = 0, waits = 0, dead_cause = NULL, "
             "next_attempt_at = 0 WHERE state = 'dead' AND dead_cause = 'blocked' AND "
             "NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.record_key = outbox.record_key "
             "AND o.id < outbox.id AND o.state = 'dead')",
             error))
    goto fail;
  revived += sqlite3_changes (self->db);
  /* Their alerts are queued again too. */
  if (revived > 0 &&
      !exec (self,
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
  LOCK (self);

  if (!exec (self, "UPDATE outbox SET state = 'pending' WHERE state = 'inflight'", error))
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
  LOCK (self);

  stmt = prepare (self, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  item = read_row (self, stmt, read_outbox_item, &missing, error);
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
  LOCK (self);

  stmt = prepare (self,
                  "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = ?1 ORDER BY id "
                  "LIMIT ?2 OFFSET ?3",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, hy_outbox_state_to_string (state));
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  sqlite3_bind_int64 (stmt, 3, offset);
  return read_rows (self, stmt, read_outbox_item, (GDestroyNotify) hy_outbox_item_free, error);
}

gint64
hy_store_outbox_count (HyStore *self, HyOutboxState state, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  g_return_val_if_fail (state <= HY_OUTBOX_STATE_DONE, -1);
  LOCK (self);

  stmt = prepare (self, "SELECT count(*) FROM outbox WHERE state = ?1", error);
  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, hy_outbox_state_to_string (state));
  if (step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

gint64
hy_store_outbox_next_due (HyStore *self, GError **error)
{
  gint64 value = 0;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  LOCK (self);

  if (!query_int (self,
                  "SELECT coalesce (min (next_attempt_at), 0) FROM outbox WHERE state = 'pending'",
                  &value, error))
    return -1;
  return value;
}

gboolean
hy_store_outbox_purge_done (HyStore *self, gint64 before, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  LOCK (self);

  stmt = prepare (self, "DELETE FROM outbox WHERE state = 'done' AND created < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before);
  return step_done (self, stmt, error);
}

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
  event->method = column_dup (stmt, 2);
  event->path = column_dup (stmt, 3);
  event->status = sqlite3_column_int (stmt, 4);
  event->duration_ms = sqlite3_column_int64 (stmt, 5);
  event->record = column_dup (stmt, 6);
  event->error = column_dup (stmt, 7);
  event->request = column_dup (stmt, 8);
  event->response = column_dup (stmt, 9);
  event->host = column_dup (stmt, 10);
  return event;
}

static gint64
event_insert (HyStore *self, const HyEvent *event, GError **error)
{
  g_autoptr (HyStmt) stmt = prepare (self,
                                     "INSERT INTO events (time, method, path, status, "
                                     "duration_ms, record, error, request, response, failed, "
                                     "host) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                                     error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, event->time ? event->time : g_get_real_time ());
  bind_text (stmt, 2, event->method ? event->method : "");
  bind_text (stmt, 3, event->path ? event->path : "");
  sqlite3_bind_int (stmt, 4, event->status);
  sqlite3_bind_int64 (stmt, 5, event->duration_ms);
  bind_text (stmt, 6, event->record);
  bind_text (stmt, 7, event->error);
  bind_text (stmt, 8, event->request);
  bind_text (stmt, 9, event->response);
  sqlite3_bind_int (stmt, 10, hy_event_is_failed (event) ? 1 : 0);
  bind_text (stmt, 11, event->host);
  if (!step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gint64
hy_store_events_append (HyStore *self, const HyEvent *event, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), 0);
  g_return_val_if_fail (event != NULL, 0);
  LOCK (self);

  return event_insert (self, event, error);
}

gboolean
hy_store_events_append_batch (HyStore *self, GPtrArray *events, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (events != NULL, FALSE);
  LOCK (self);

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
  LOCK (self);

  if (query == NULL)
    query = &defaults;
  if (query->before_id > 0)
    g_string_append (sql, " AND id < :before");
  if (query->failed_only)
    g_string_append (sql, " AND failed = 1");
  if (query->record != NULL)
    g_string_append (sql, " AND record = :record");
  g_string_append (sql, " ORDER BY id DESC LIMIT :limit");

  stmt = prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  bind_named_int (stmt, ":before", query->before_id);
  bind_named_text (stmt, ":record", query->record);
  bind_named_int (stmt, ":limit", query->limit > 0 ? query->limit : 100);

  return read_rows (self, stmt, read_event, (GDestroyNotify) hy_event_free, error);
}

HyEvent *
hy_store_events_get (HyStore *self, gint64 id, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyEvent *event;
  gboolean missing;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  stmt = prepare (self, "SELECT " EVENT_COLUMNS " FROM events WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  event = read_row (self, stmt, read_event, &missing, error);
  if (missing)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      not_found (error, id_text);
    }
  return event;
}

gint64
hy_store_events_count (HyStore *self, gboolean failed_only, GError **error)
{
  gint64 value = 0;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  LOCK (self);

  if (!query_int (self,
                  failed_only
                      ? "SELECT count(*) FROM events INDEXED BY events_failed WHERE failed = 1"
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
  LOCK (self);

  stmt = prepare (self,
                  "SELECT " EVENT_COLUMNS " FROM events WHERE failed = 1 ORDER BY id DESC "
                  "LIMIT 1",
                  error);
  if (stmt == NULL)
    return NULL;
  event = read_row (self, stmt, read_event, &missing, error);
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
  LOCK (self);

  if (now == 0)
    now = g_get_real_time ();
  first = (now / minute - (gint64) minutes + 1) * minute;

  buckets = g_array_sized_new (FALSE, TRUE, sizeof (HyEventBucket), minutes);
  for (guint i = 0; i < minutes; i++)
    {
      HyEventBucket bucket = { first + i * minute, 0, 0 };
      g_array_append_val (buckets, bucket);
    }

  stmt = prepare (self,
                  "SELECT (time - ?1) / ?3, count(*), sum (failed) FROM events "
                  "WHERE time >= ?1 AND time < ?2 GROUP BY 1",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, first + (gint64) minutes * minute);
  sqlite3_bind_int64 (stmt, 3, minute);
  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
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
  LOCK (self);

  stmt = prepare (self,
                  "DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC "
                  "LIMIT 1 OFFSET ?1)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, keep);
  return step_done (self, stmt, error);
}

/* ---------------------------------------------------------------------------------------------
 * Profile and settings
 * ------------------------------------------------------------------------------------------- */

static gboolean
no_profile (GError **error)
{
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
               _ ("No Halo connection is set up yet. Connect to Halo first (halyard-cli "
                  "connect, or Setup in the window)."));
  return FALSE;
}

HyProfile *
hy_store_get_profile (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyProfile *profile;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  LOCK (self);

  stmt = prepare (self,
                  "SELECT url, tenant, client_id, scopes, enabled, rate_max, rate_window, "
                  "refresh_interval FROM profile WHERE id = 1",
                  error);
  if (stmt == NULL)
    return NULL;
  rc = step (self, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      no_profile (error);
      return NULL;
    }
  profile = hy_profile_new ();
  profile->url = column_dup (stmt, 0);
  profile->tenant = column_dup (stmt, 1);
  profile->client_id = column_dup (stmt, 2);
  profile->scopes = column_dup (stmt, 3);
  profile->enabled = sqlite3_column_int (stmt, 4);
  profile->rate_max = (guint) sqlite3_column_int64 (stmt, 5);
  profile->rate_window = (guint) sqlite3_column_int64 (stmt, 6);
  profile->refresh_interval = (guint) sqlite3_column_int64 (stmt, 7);
  return profile;
}

gboolean
hy_store_set_profile (HyStore *self, const HyProfile *profile, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  LOCK (self);

  if (profile->url == NULL || *profile->url == '\0' || profile->client_id == NULL ||
      *profile->client_id == '\0')
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A connection needs the Halo URL and the Client ID of the Halo API "
                      "application."));
      return FALSE;
    }
  stmt = prepare (self,
                  "INSERT INTO profile (id, url, tenant, client_id, scopes, enabled, rate_max, "
                  "rate_window, refresh_interval) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                  "ON CONFLICT (id) DO UPDATE SET url = excluded.url, tenant = excluded.tenant, "
                  "client_id = excluded.client_id, scopes = excluded.scopes, "
                  "enabled = excluded.enabled, rate_max = excluded.rate_max, "
                  "rate_window = excluded.rate_window, "
                  "refresh_interval = excluded.refresh_interval",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, profile->url);
  bind_text (stmt, 2, profile->tenant);
  bind_text (stmt, 3, profile->client_id);
  bind_text (stmt, 4, profile->scopes);
  sqlite3_bind_int (stmt, 5, profile->enabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6,
                      profile->rate_max > 0 ? profile->rate_max : HY_PROFILE_DEFAULT_RATE_MAX);
  sqlite3_bind_int64 (stmt, 7,
                      profile->rate_window > 0 ? profile->rate_window
                                               : HY_PROFILE_DEFAULT_RATE_WINDOW);
  sqlite3_bind_int64 (stmt, 8, profile->refresh_interval);
  return step_done (self, stmt, error);
}

gboolean
hy_store_set_enabled (HyStore *self, gboolean enabled, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  LOCK (self);

  stmt = prepare (self, "UPDATE profile SET enabled = ?1 WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return no_profile (error);
  return TRUE;
}

gboolean
hy_store_get_setting (HyStore *self, const char *key, char **out_value, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);
  LOCK (self);

  *out_value = NULL;
  stmt = prepare (self, "SELECT value FROM settings WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  rc = step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    *out_value = column_dup (stmt, 0);
  return TRUE;
}

gboolean
hy_store_set_setting (HyStore *self, const char *key, const char *value, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  LOCK (self);

  stmt = prepare (self,
                  value ? "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                        : "DELETE FROM settings WHERE key = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  if (value)
    bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}
