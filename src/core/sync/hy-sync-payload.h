/* hy-sync-payload.h: Halo write payloads, stable keys, fingerprints and read-back matching
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions (no I/O) so that every rule can be tested without a Halo.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What Halyard sends for one computer (HALO-API.md §3.3, §8). */
typedef struct
{
  const char *computer_id; /* local stable id */
  const char *name;
  const char *serial; /* NULL or "" when unknown */
  const char *os;
  const char *ip;
  const char *mac;
  gint64 client_id;
  gint64 site_id; /* 0 = none */
  gint64 assettype_id;
  gint64 name_field_id;   /* the asset type's key field id, 0 = unknown */
  gint64 serial_field_id; /* a "serial" field of the asset type, 0 = unknown */
  /* The asset type's fields for the OS, IP and MAC addresses and last seen time (0: not sent;
   * hy-asset-fields.h says which ones) */
  const char *last_seen;
  gint64 os_field_id;
  gint64 ip_field_id;
  gint64 mac_field_id;
  gint64 last_seen_field_id;
  /* An update carries only these parts (HySyncAssetPart); 0: every part. */
  guint parts;
  /* The profile sets the assets of retired computers inactive (HY_SYNC_SETTING_RETIRED_ASSETS):
   * updates then say "inactive", true for a retired computer, false once it returns. */
  gboolean send_inactive;
  gboolean retired; /* the computer is retired (missing from the last complete import) */
} HySyncAssetSpec;

/* The store setting that decides what happens to the Halo assets of retired computers:
 * "inactive" sets them inactive; unset (or "keep") leaves them as they are. */
#define HY_SYNC_SETTING_RETIRED_ASSETS "retired_assets"

typedef enum
{
  HY_SYNC_MATCH_NONE,
  HY_SYNC_MATCH_INVENTORY_NUMBER,
  HY_SYNC_MATCH_NAME,
  HY_SYNC_MATCH_SERIAL,
} HySyncMatch;

char *hy_sync_asset_inventory_number (const char *computer_id);
/* The id of the asset type's field whose name contains @name_like, case-insensitively ("serial"
 * finds "Serial Number"), from the type's details (GET /AssetType/{id}?includedetails=true:
 * `fields[]` with `field_id`, `field_name`); 0 when it has none. Asset fields Halyard writes (the
 * name is the type's `keyfield_id`) are found this way, per tenant. */
gint64 hy_sync_asset_type_field_id (JsonObject *type_details, const char *name_like);
/* One field of an asset type's `fields` (TypeInfo): its id and name (field_id and field_name; a
 * Field says id and name). FALSE when @element is not a field with both. */
gboolean hy_sync_asset_type_field (JsonNode *element, gint64 *out_id, const char **out_name);

/* The parts of an asset write, each fingerprinted on its own so that an update carries only
 * the parts whose value (or field) changed. */
typedef enum
{
  HY_SYNC_ASSET_PART_SITE = 1 << 0,
  HY_SYNC_ASSET_PART_NAME = 1 << 1,
  HY_SYNC_ASSET_PART_SERIAL = 1 << 2,
  HY_SYNC_ASSET_PART_OS = 1 << 3,
  HY_SYNC_ASSET_PART_IP = 1 << 4,
  HY_SYNC_ASSET_PART_MAC = 1 << 5,
  HY_SYNC_ASSET_PART_LAST_SEEN = 1 << 6,
  HY_SYNC_ASSET_PART_INACTIVE = 1 << 7,
  HY_SYNC_ASSET_PART_CLIENT = 1 << 8, /* never written by an update (an asset keeps its client) */
  HY_SYNC_ASSET_PARTS_ALL = (1 << 9) - 1,
} HySyncAssetPart;

/* What was sent, part by part ("v2;site=…;name=…;os=…", a short hash of each part's field and
 * value): two fingerprints are equal when nothing changed. */
char *hy_sync_asset_fingerprint (const HySyncAssetSpec *spec);
/* The parts of @current that differ from @stored, or that @stored had and @current lacks;
 * every part when @stored is NULL or from an earlier version. */
guint hy_sync_asset_changed_parts (const char *stored, const char *current);
/* The names of @parts ("client", "site", "name", "serial", "os", "ip", "mac", "last_seen",
 * "inactive"), in that order. */
GStrv hy_sync_asset_part_names (guint parts);
/* The write: a create (@halo_id 0) carries everything; an update the parts of spec->parts. */
JsonNode *hy_sync_asset_payload (const HySyncAssetSpec *spec, gint64 halo_id);
/* TRUE when the update of @halo_id would carry nothing but the id (nothing it can write
 * changed). */
gboolean hy_sync_asset_update_is_empty (const HySyncAssetSpec *spec, gint64 halo_id);
HySyncMatch hy_sync_asset_match (JsonObject *record,
                                 const char *inventory_number,
                                 gint64 client_id,
                                 const char *name,
                                 const char *serial);

/* Tickets (HALO-API.md §3.8): the alert's stable key is carried in third_party_id_string and in
 * a marker line of the details, because Halo ignores filters it does not know. */
typedef struct
{
  const char *alert_id;
  const char *raised_at; /* the occurrence: a re-raise after the ticket was closed is another */
  const char *summary;
  const char *details;
  const char *severity;
  const char *computer_name;
  gint64 tickettype_id;
  gint64 client_id;
  gint64 site_id;  /* 0 = none */
  gint64 asset_id; /* 0 = none */
  /* The policy's ticket defaults (0 / NULL: Halo's own) */
  gint64 priority_id;
  const char *team; /* Halo's team name */
  gint64 agent_id;
  const char *category; /* category_1 */
  gint64 user_id;       /* the end user; sent only with a site */
  /* The ticket of the previous occurrence of the alert (a re-raise after the flap window),
   * named in the details; 0 = none */
  gint64 previous_ticket_id;
} HySyncTicketSpec;

/* The stable key of the ticket of one occurrence of an alert (@raised_at may be NULL). */
char *hy_sync_ticket_key (const char *alert_id, const char *raised_at);
JsonNode *hy_sync_ticket_create_payload (const HySyncTicketSpec *spec);
JsonNode *hy_sync_ticket_close_payload (gint64 ticket_id, gint64 status_id);
gboolean hy_sync_ticket_match (JsonObject *record, const char *key, gint64 client_id);

/* Actions (HALO-API.md §3.9): time in hours; matched on read-back by ticket, note and time. */
typedef struct
{
  gint64 ticket_id;
  const char *outcome;
  gint64 outcome_id; /* 0 = send the name only */
  const char *note;
  double hours;
  gint64 agent_id; /* 0 = the application's agent */
  const char *datetime;
  gint64 new_status_id; /* 0 = none */
} HySyncActionSpec;

double hy_sync_minutes_to_hours (guint minutes);
JsonNode *hy_sync_action_payload (const HySyncActionSpec *spec);
gboolean
hy_sync_action_match (JsonObject *record, gint64 ticket_id, const char *note, const char *datetime);

/* Chooses an action outcome from Halo's outcome list (bare array of {id, outcome|buttonname|name}),
 * preferring the names given, in order, case-insensitively. */
gboolean hy_sync_choose_outcome (JsonArray *outcomes,
                                 const char *const *preferred,
                                 gint64 *out_id,
                                 char **out_name);

/* Reading JSON numbers that Halo sometimes sends as doubles or strings. */
gint64 hy_sync_json_int (JsonObject *object, const char *member);
const char *hy_sync_json_string (JsonObject *object, const char *member);

/* Outbox retry policy: the delay before attempt @attempt (1-based), in seconds, and the bound. */
#define HY_SYNC_MAX_ATTEMPTS 8
guint hy_sync_backoff_seconds (guint attempt, gboolean rate_limited);

G_END_DECLS
