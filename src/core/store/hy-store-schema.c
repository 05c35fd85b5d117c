/* hy-store-schema.c: the store's schema and its migrations
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
  /* 10: the suggestions a technician rejected, as rows instead of the settings keys
   * "linker.rejected:<kind>:<local id>" holding a comma-separated list of Halo ids; the keys
   * are carried over (Halo ids that are not positive whole numbers were ignored, and still are)
   * and deleted. */
  "CREATE TABLE link_rejections ("
  "  kind TEXT NOT NULL CHECK (kind IN ('company', 'location', 'computer', 'user')),"
  "  local_id TEXT NOT NULL,"
  "  halo_id INTEGER NOT NULL CHECK (halo_id > 0),"
  "  PRIMARY KEY (kind, local_id, halo_id)) WITHOUT ROWID;"
  "WITH RECURSIVE"
  "  old (kind, local_id, rest) AS ("
  "    SELECT substr (k, 1, instr (k, ':') - 1), substr (k, instr (k, ':') + 1), value || ','"
  "    FROM (SELECT substr (key, 17) AS k, value FROM settings"
  "          WHERE key GLOB 'linker.rejected:*:*')),"
  "  ids (kind, local_id, item, rest) AS ("
  "    SELECT kind, local_id, NULL, rest FROM old"
  "    UNION ALL"
  "    SELECT kind, local_id, substr (rest, 1, instr (rest, ',') - 1),"
  "      substr (rest, instr (rest, ',') + 1) FROM ids WHERE rest <> '')"
  "INSERT OR IGNORE INTO link_rejections (kind, local_id, halo_id)"
  "  SELECT kind, local_id, CAST (item AS INTEGER) FROM ids"
  "  WHERE kind IN ('company', 'location', 'computer', 'user')"
  "    AND item <> '' AND item NOT GLOB '*[^0-9]*' AND CAST (item AS INTEGER) > 0;"
  "DELETE FROM settings WHERE key GLOB 'linker.rejected:*';" CHANGE_TRIGGERS ("link_rejections",
                                                                              "links"),
  /* 11: the asset types Halyard writes devices as, with their fields as Halo lists them
   * (GET /AssetType/{id}?includedetails=true), and which field each of the computers' fields
   * (os, ip, mac, serial, last_seen) goes to when the technician chose it (hy-store-asset-fields.c) */
  "CREATE TABLE asset_types ("
  "  id INTEGER PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  keyfield_id INTEGER NOT NULL DEFAULT 0,"
  "  read_at INTEGER NOT NULL);"
  "CREATE TABLE asset_type_fields ("
  "  assettype_id INTEGER NOT NULL REFERENCES asset_types (id) ON DELETE CASCADE,"
  "  field_id INTEGER NOT NULL,"
  "  field_name TEXT NOT NULL,"
  "  sequence INTEGER NOT NULL,"
  "  PRIMARY KEY (assettype_id, field_id)) WITHOUT ROWID;"
  "CREATE TABLE asset_field_map ("
  "  assettype_id INTEGER NOT NULL,"
  "  field TEXT NOT NULL,"
  "  halo_field_id INTEGER NOT NULL," /* 0: not sent */
  "  PRIMARY KEY (assettype_id, field)) WITHOUT ROWID;" CHANGE_TRIGGERS ("asset_types", "cache")
      CHANGE_TRIGGERS ("asset_type_fields", "cache")
          CHANGE_TRIGGERS ("asset_field_map", "mappings"),
  /* 12: the occurrence whose ticket Halyard closed, per alert: a table of its own, no longer
   * "sync.resolved:<alert id>" keys in the settings; the keys are carried over and deleted */
  "CREATE TABLE alert_tickets_closed ("
  "  alert_id TEXT PRIMARY KEY NOT NULL,"
  "  raised_at TEXT NOT NULL) WITHOUT ROWID;"
  "INSERT INTO alert_tickets_closed (alert_id, raised_at)"
  "  SELECT substr (key, 15), value FROM settings WHERE substr (key, 1, 14) = 'sync.resolved:';"
  "DELETE FROM settings WHERE substr (key, 1, 14) = 'sync.resolved:';" CHANGE_TRIGGERS (
      "alert_tickets_closed",
      "alerts"),
  /* 13: the status Halyard last set on an alert's ticket (a status other than it on clear was
   * changed by hand): a column of the alert's lifecycle, no longer "lifecycle.status:<alert id>"
   * keys in the settings; the keys holding a status are carried over, and all are deleted */
  "ALTER TABLE alert_lifecycle ADD COLUMN ticket_status_id INTEGER;"
  "INSERT INTO alert_lifecycle (alert_id, ticket_status_id)"
  "  SELECT substr (key, 18), CAST (value AS INTEGER) FROM settings"
  "  WHERE substr (key, 1, 17) = 'lifecycle.status:' AND CAST (value AS INTEGER) > 0"
  "  ON CONFLICT (alert_id) DO UPDATE SET ticket_status_id = excluded.ticket_status_id;"
  "DELETE FROM settings WHERE substr (key, 1, 17) = 'lifecycle.status:';",
  /* 14: what fixes a stored reason (HyReason's nick), next to its text: each front end names
   * its own control or command from it; NULL for a reason stored before (its text stays) */
  "ALTER TABLE alerts ADD COLUMN reason_code TEXT;"
  "ALTER TABLE intake_waiting ADD COLUMN reason_code TEXT;"
  "ALTER TABLE group_sync ADD COLUMN reason_code TEXT;",
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

gboolean
_hy_store_migrate (HyStore *self, guint from, guint to, GError **error)
{
  for (guint v = from; v < to; v++)
    {
      g_autofree char *bump = NULL;

      g_debug ("Migrating %s from schema %u to %u", self->path, v, v + 1);
      if (!_hy_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      bump = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %u;",
                              HY_STORE_APPLICATION_ID, v + 1);
      if (!_hy_store_exec (self, migrations[v], error) || !_hy_store_exec (self, bump, error) ||
          !_hy_store_exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          g_prefix_error (error, _ ("Updating the database to schema version %u failed: "), v + 1);
          return FALSE;
        }
    }
  return TRUE;
}
