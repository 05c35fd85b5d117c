/* hy-sync-payload.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <string.h>

#include "hy-sync-payload.h"

#define INVENTORY_PREFIX  "HY-"
#define TICKET_KEY_PREFIX "halyard-alert:"
/* Keys longer than this, or with characters Halo's search could mangle, are hashed. */
#define MAX_PLAIN_KEY 40

/* ------------------------------------------------------------------------- */
/* JSON helpers                                                              */
/* ------------------------------------------------------------------------- */

gint64
hy_sync_json_int (JsonObject *object, const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return 0;
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return 0;
  switch (json_node_get_value_type (node))
    {
      case G_TYPE_INT64:
        return json_node_get_int (node);
      case G_TYPE_DOUBLE:
        return (gint64) json_node_get_double (node);
      case G_TYPE_BOOLEAN:
        return json_node_get_boolean (node) ? 1 : 0;
      case G_TYPE_STRING:
        return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
      default:
        return 0;
    }
}

const char *
hy_sync_json_string (JsonObject *object, const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
str_empty (const char *s)
{
  return s == NULL || *s == '\0';
}

static gboolean
key_is_plain (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > MAX_PLAIN_KEY)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static char *
stable_key (const char *prefix, const char *id)
{
  g_autofree char *hash = NULL;

  if (key_is_plain (id))
    return g_strconcat (prefix, id, NULL);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);
  hash[32] = '\0';
  return g_strconcat (prefix, "h", hash, NULL);
}

/* ------------------------------------------------------------------------- */
/* Assets                                                                    */
/* ------------------------------------------------------------------------- */

char *
hy_sync_asset_inventory_number (const char *computer_id)
{
  g_return_val_if_fail (computer_id != NULL, NULL);
  return stable_key (INVENTORY_PREFIX, computer_id);
}

/* The parts in the fingerprint's order, with their names in it. */
static const struct
{
  HySyncAssetPart part;
  const char *name;
} asset_parts[] = {
  { HY_SYNC_ASSET_PART_CLIENT, "client" },
  { HY_SYNC_ASSET_PART_SITE, "site" },
  { HY_SYNC_ASSET_PART_NAME, "name" },
  { HY_SYNC_ASSET_PART_SERIAL, "serial" },
  { HY_SYNC_ASSET_PART_OS, "os" },
  { HY_SYNC_ASSET_PART_IP, "ip" },
  { HY_SYNC_ASSET_PART_MAC, "mac" },
  { HY_SYNC_ASSET_PART_LAST_SEEN, "last_seen" },
  { HY_SYNC_ASSET_PART_INACTIVE, "inactive" },
};

#define FINGERPRINT_VERSION "v2"
/* Hex digits of each part's hash: 48 bits, so a change is never taken for none. */
#define PART_HASH_LENGTH 12

/* The field a part is written to and its value; FALSE when the part is not written. */
static gboolean
asset_part (const HySyncAssetSpec *spec, HySyncAssetPart part, gint64 *field_id, const char **value)
{
  *field_id = 0;
  *value = NULL;
  switch (part)
    {
      case HY_SYNC_ASSET_PART_NAME:
        *field_id = spec->name_field_id;
        *value = spec->name != NULL ? spec->name : "";
        return spec->name_field_id > 0;
      case HY_SYNC_ASSET_PART_SERIAL:
        *field_id = spec->serial_field_id;
        *value = spec->serial;
        break;
      case HY_SYNC_ASSET_PART_OS:
        *field_id = spec->os_field_id;
        *value = spec->os;
        break;
      case HY_SYNC_ASSET_PART_IP:
        *field_id = spec->ip_field_id;
        *value = spec->ip;
        break;
      case HY_SYNC_ASSET_PART_MAC:
        *field_id = spec->mac_field_id;
        *value = spec->mac;
        break;
      case HY_SYNC_ASSET_PART_LAST_SEEN:
        *field_id = spec->last_seen_field_id;
        *value = spec->last_seen;
        break;
      default:
        return FALSE;
    }
  /* An empty value is unknown, not "clear the field". */
  return *field_id > 0 && !str_empty (*value);
}

char *
hy_sync_asset_fingerprint (const HySyncAssetSpec *spec)
{
  GString *out = g_string_new (FINGERPRINT_VERSION);

  /* What the technician sees in Halo, part by part: a change to one is a change to send. The
   * asset type only shapes a create, so it is left out (an update never changes it). */
  for (guint i = 0; i < G_N_ELEMENTS (asset_parts); i++)
    {
      HySyncAssetPart part = asset_parts[i].part;
      g_autofree char *canon = NULL;
      g_autofree char *hash = NULL;
      const char *value;
      gint64 field_id;

      if (part == HY_SYNC_ASSET_PART_CLIENT)
        canon = g_strdup_printf ("%" G_GINT64_FORMAT, spec->client_id);
      else if (part == HY_SYNC_ASSET_PART_SITE)
        canon = spec->site_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, spec->site_id) : NULL;
      else if (part == HY_SYNC_ASSET_PART_INACTIVE)
        /* Only a retired computer whose asset is to be set inactive has it: the fingerprints
         * of every other computer stay as they were. */
        canon = spec->send_inactive && spec->retired ? g_strdup ("1") : NULL;
      else
        {
          /* The value alone: the plan is made before Halo's asset types are read (a sync
           * that changes nothing sends nothing), and a field chosen anew forgets every
           * fingerprint (hy_asset_fields_choose ()). */
          asset_part (spec, part, &field_id, &value);
          if (!str_empty (value))
            canon = g_strdup (value);
        }
      if (canon == NULL)
        continue;
      hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canon, -1);
      g_string_append_printf (out, ";%s=%.*s", asset_parts[i].name, PART_HASH_LENGTH, hash);
    }
  return g_string_free (out, FALSE);
}

/* name → hash of a fingerprint's parts; NULL when it is not of this version. */
static GHashTable *
parse_fingerprint (const char *fingerprint)
{
  g_autoptr (GHashTable) parts = NULL;
  g_auto (GStrv) items = NULL;

  if (fingerprint == NULL || !g_str_has_prefix (fingerprint, FINGERPRINT_VERSION) ||
      (fingerprint[strlen (FINGERPRINT_VERSION)] != ';' &&
       fingerprint[strlen (FINGERPRINT_VERSION)] != '\0'))
    return NULL;
  parts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  items = g_strsplit (fingerprint + strlen (FINGERPRINT_VERSION), ";", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *eq = strchr (items[i], '=');

      if (eq != NULL)
        g_hash_table_insert (parts, g_strndup (items[i], eq - items[i]), g_strdup (eq + 1));
    }
  return g_steal_pointer (&parts);
}

GStrv
hy_sync_asset_part_names (guint parts)
{
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (asset_parts); i++)
    if (parts & asset_parts[i].part)
      g_strv_builder_add (names, asset_parts[i].name);
  return g_strv_builder_end (names);
}

guint
hy_sync_asset_changed_parts (const char *stored, const char *current)
{
  g_autoptr (GHashTable) old = parse_fingerprint (stored);
  g_autoptr (GHashTable) now = parse_fingerprint (current);
  guint changed = 0;

  if (old == NULL || now == NULL)
    return HY_SYNC_ASSET_PARTS_ALL;
  for (guint i = 0; i < G_N_ELEMENTS (asset_parts); i++)
    if (g_strcmp0 (g_hash_table_lookup (old, asset_parts[i].name),
                   g_hash_table_lookup (now, asset_parts[i].name)) != 0)
      changed |= asset_parts[i].part;
  return changed;
}

gboolean
hy_sync_asset_type_field (JsonNode *element, gint64 *out_id, const char **out_name)
{
  JsonObject *field;

  if (element == NULL || !JSON_NODE_HOLDS_OBJECT (element))
    return FALSE;
  field = json_node_get_object (element);
  *out_name = hy_sync_json_string (field, "field_name");
  if (*out_name == NULL)
    *out_name = hy_sync_json_string (field, "name");
  *out_id = hy_sync_json_int (field, "field_id");
  if (*out_id <= 0)
    *out_id = hy_sync_json_int (field, "id");
  return *out_name != NULL && *out_id > 0;
}

gint64
hy_sync_asset_type_field_id (JsonObject *type_details, const char *name_like)
{
  JsonArray *fields;
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (name_like != NULL, 0);
  if (type_details == NULL || !json_object_has_member (type_details, "fields") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (type_details, "fields")))
    return 0;
  wanted = g_utf8_casefold (name_like, -1);
  fields = json_object_get_array_member (type_details, "fields");
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      g_autofree char *folded = NULL;
      const char *name;
      gint64 id;

      if (!hy_sync_asset_type_field (json_array_get_element (fields, i), &id, &name))
        continue;
      folded = g_utf8_casefold (name, -1);
      if (strstr (folded, wanted) != NULL)
        return id;
    }
  return 0;
}

static void
add_field (JsonBuilder *b, gint64 id, const char *value)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
}

JsonNode *
hy_sync_asset_payload (const HySyncAssetSpec *spec, gint64 halo_id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  static const HySyncAssetPart field_parts[] = {
    HY_SYNC_ASSET_PART_NAME, HY_SYNC_ASSET_PART_SERIAL, HY_SYNC_ASSET_PART_OS,
    HY_SYNC_ASSET_PART_IP,   HY_SYNC_ASSET_PART_MAC,    HY_SYNC_ASSET_PART_LAST_SEEN,
  };
  /* A create carries everything; an update only the parts that changed. */
  guint parts = halo_id > 0 && spec->parts != 0 ? spec->parts : HY_SYNC_ASSET_PARTS_ALL;
  gboolean has_fields = FALSE;

  json_builder_begin_object (b);
  if (halo_id > 0)
    {
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, halo_id);
    }
  else
    {
      /* The stable key is only written on create: an existing asset found by name keeps the
       * customer's own asset tag. */
      g_autofree char *inv = hy_sync_asset_inventory_number (spec->computer_id);

      json_builder_set_member_name (b, "inventory_number");
      json_builder_add_string_value (b, inv);
      json_builder_set_member_name (b, "assettype_id");
      json_builder_add_int_value (b, spec->assettype_id);
      json_builder_set_member_name (b, "inactive");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "_dontaddnewfields");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "isassetdetails");
      json_builder_add_boolean_value (b, TRUE);
    }
  if (halo_id > 0 && spec->send_inactive && (parts & HY_SYNC_ASSET_PART_INACTIVE))
    {
      json_builder_set_member_name (b, "inactive");
      json_builder_add_boolean_value (b, spec->retired);
    }
  /* The client only on create: a sync never moves an existing asset to another client. The
   * site of an update is sent only when the caller knows the asset is the device's client's. */
  if (halo_id <= 0)
    {
      json_builder_set_member_name (b, "client_id");
      json_builder_add_int_value (b, spec->client_id);
    }
  if (spec->site_id > 0 && (parts & HY_SYNC_ASSET_PART_SITE))
    {
      json_builder_set_member_name (b, "site_id");
      json_builder_add_int_value (b, spec->site_id);
    }
  /* The name, serial and the rest are the asset type's fields (key_field is derived by Halo
   * and ignored on write: HALO-API §11). */
  for (guint i = 0; i < G_N_ELEMENTS (field_parts); i++)
    {
      const char *value;
      gint64 field_id;

      if (!(parts & field_parts[i]) || !asset_part (spec, field_parts[i], &field_id, &value))
        continue;
      if (!has_fields)
        {
          json_builder_set_member_name (b, "fields");
          json_builder_begin_array (b);
          has_fields = TRUE;
        }
      add_field (b, field_id, value);
    }
  if (has_fields)
    json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
hy_sync_asset_update_is_empty (const HySyncAssetSpec *spec, gint64 halo_id)
{
  g_autoptr (JsonNode) payload = hy_sync_asset_payload (spec, halo_id);

  return json_object_get_size (json_node_get_object (payload)) <= 1;
}

static gboolean
record_has_serial (JsonObject *record, const char *serial)
{
  JsonNode *fields;
  static const char *const keys[] = { "serial", "serial_number", "key_field2", "key_field3", NULL };

  for (guint i = 0; keys[i]; i++)
    {
      const char *v = hy_sync_json_string (record, keys[i]);
      if (v != NULL && g_ascii_strcasecmp (v, serial) == 0)
        return TRUE;
    }
  fields = json_object_get_member (record, "fields");
  if (fields != NULL && JSON_NODE_HOLDS_ARRAY (fields))
    {
      JsonArray *arr = json_node_get_array (fields);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *el = json_array_get_element (arr, i);
          const char *v;
          if (!JSON_NODE_HOLDS_OBJECT (el))
            continue;
          v = hy_sync_json_string (json_node_get_object (el), "value");
          if (v != NULL && g_ascii_strcasecmp (v, serial) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

HySyncMatch
hy_sync_asset_match (JsonObject *record,
                     const char *inventory_number,
                     gint64 client_id,
                     const char *name,
                     const char *serial)
{
  const char *v;

  /* Halo ignores filters it does not know: check the client on every returned record. */
  if (record == NULL || hy_sync_json_int (record, "client_id") != client_id)
    return HY_SYNC_MATCH_NONE;
  if (hy_sync_json_int (record, "id") <= 0)
    return HY_SYNC_MATCH_NONE;
  if (hy_sync_json_int (record, "inactive") != 0 || hy_sync_json_int (record, "deleted") != 0)
    return HY_SYNC_MATCH_NONE;
  v = hy_sync_json_string (record, "inventory_number");
  if (!str_empty (inventory_number) && v != NULL && strcmp (v, inventory_number) == 0)
    return HY_SYNC_MATCH_INVENTORY_NUMBER;
  if (!str_empty (name))
    {
      v = hy_sync_json_string (record, "key_field");
      if (v == NULL)
        v = hy_sync_json_string (record, "name");
      if (v != NULL && g_utf8_collate (v, name) == 0)
        return HY_SYNC_MATCH_NAME;
      if (v != NULL)
        {
          g_autofree char *a = g_utf8_casefold (v, -1);
          g_autofree char *c = g_utf8_casefold (name, -1);
          if (strcmp (a, c) == 0)
            return HY_SYNC_MATCH_NAME;
        }
    }
  if (!str_empty (serial) && record_has_serial (record, serial))
    return HY_SYNC_MATCH_SERIAL;
  return HY_SYNC_MATCH_NONE;
}

/* ------------------------------------------------------------------------- */
/* Tickets                                                                   */
/* ------------------------------------------------------------------------- */

char *
hy_sync_ticket_key (const char *alert_id, const char *raised_at)
{
  g_autoptr (GString) occurrence = NULL;

  g_return_val_if_fail (alert_id != NULL, NULL);
  if (str_empty (raised_at))
    return stable_key (TICKET_KEY_PREFIX, alert_id);
  /* "a1" raised at 2026-11-22T10:00:00Z → "a1-20261122T100000Z" */
  occurrence = g_string_new (alert_id);
  g_string_append_c (occurrence, '-');
  for (const char *p = raised_at; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (occurrence, *p);
  return stable_key (TICKET_KEY_PREFIX, occurrence->str);
}

JsonNode *
hy_sync_ticket_create_payload (const HySyncTicketSpec *spec)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *key = hy_sync_ticket_key (spec->alert_id, spec->raised_at);
  g_autoptr (GString) details = g_string_new (NULL);

  if (!str_empty (spec->details))
    g_string_append_printf (details, "%s\n\n", spec->details);
  if (!str_empty (spec->computer_name))
    g_string_append_printf (details, "Device: %s\n", spec->computer_name);
  if (!str_empty (spec->severity))
    g_string_append_printf (details, "Severity: %s\n", spec->severity);
  if (spec->previous_ticket_id > 0)
    g_string_append_printf (details, "Previous ticket: %" G_GINT64_FORMAT "\n",
                            spec->previous_ticket_id);
  /* The marker line lets a lost create be found again by searching the ticket text. */
  g_string_append_printf (details, "Halyard alert: %s", key);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, spec->summary);
  json_builder_set_member_name (b, "details");
  json_builder_add_string_value (b, details->str);
  json_builder_set_member_name (b, "tickettype_id");
  json_builder_add_int_value (b, spec->tickettype_id);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_int_value (b, spec->client_id);
  if (spec->site_id > 0)
    {
      json_builder_set_member_name (b, "site_id");
      json_builder_add_int_value (b, spec->site_id);
    }
  if (spec->asset_id > 0)
    {
      json_builder_set_member_name (b, "assets");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, spec->asset_id);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  if (spec->priority_id > 0)
    {
      json_builder_set_member_name (b, "priority_id");
      json_builder_add_int_value (b, spec->priority_id);
    }
  if (!str_empty (spec->team))
    {
      json_builder_set_member_name (b, "team");
      json_builder_add_string_value (b, spec->team);
    }
  if (spec->agent_id > 0)
    {
      json_builder_set_member_name (b, "agent_id");
      json_builder_add_int_value (b, spec->agent_id);
    }
  if (!str_empty (spec->category))
    {
      json_builder_set_member_name (b, "category_1");
      json_builder_add_string_value (b, spec->category);
    }
  /* Halo needs the user's site with a user. */
  if (spec->user_id > 0 && spec->site_id > 0)
    {
      json_builder_set_member_name (b, "user_id");
      json_builder_add_int_value (b, spec->user_id);
    }
  json_builder_set_member_name (b, "third_party_id_string");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "dont_do_rules");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
hy_sync_ticket_close_payload (gint64 ticket_id, gint64 status_id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, ticket_id);
  json_builder_set_member_name (b, "status_id");
  json_builder_add_int_value (b, status_id);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
hy_sync_ticket_match (JsonObject *record, const char *key, gint64 client_id)
{
  const char *v;
  g_autofree char *marker = NULL;

  if (record == NULL || hy_sync_json_int (record, "id") <= 0)
    return FALSE;
  if (client_id > 0 && hy_sync_json_int (record, "client_id") != client_id)
    return FALSE;
  v = hy_sync_json_string (record, "third_party_id_string");
  if (v != NULL && strcmp (v, key) == 0)
    return TRUE;
  /* The marker is the last line of the details: match the whole line, so that
   * "halyard-alert:a1" does not match "halyard-alert:a10". */
  marker = g_strconcat ("Halyard alert: ", key, NULL);
  v = hy_sync_json_string (record, "details");
  if (v != NULL)
    {
      const char *p = v;
      gsize mlen = strlen (marker);
      while ((p = strstr (p, marker)) != NULL)
        {
          char next = p[mlen];
          if (next == '\0' || next == '\n' || next == '\r' || next == '<')
            return TRUE;
          p += mlen;
        }
    }
  return FALSE;
}

/* ------------------------------------------------------------------------- */
/* Actions                                                                   */
/* ------------------------------------------------------------------------- */

double
hy_sync_minutes_to_hours (guint minutes)
{
  /* Halo keeps timetaken as decimal hours; round to the second. */
  return (double) ((gint64) minutes * 60) / 3600.0;
}

JsonNode *
hy_sync_action_payload (const HySyncActionSpec *spec)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ticket_id");
  json_builder_add_int_value (b, spec->ticket_id);
  if (spec->outcome_id > 0)
    {
      json_builder_set_member_name (b, "outcome_id");
      json_builder_add_int_value (b, spec->outcome_id);
    }
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, spec->outcome);
  json_builder_set_member_name (b, "note");
  json_builder_add_string_value (b, spec->note ? spec->note : "");
  json_builder_set_member_name (b, "hiddenfromuser");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "timetaken");
  json_builder_add_double_value (b, spec->hours);
  if (spec->agent_id > 0)
    {
      /* who_agentid is the spec's member; agent_id is not an Actions member (HALO-API §11) */
      json_builder_set_member_name (b, "who_agentid");
      json_builder_add_int_value (b, spec->agent_id);
    }
  if (!str_empty (spec->datetime))
    {
      json_builder_set_member_name (b, "datetime");
      json_builder_add_string_value (b, spec->datetime);
    }
  if (spec->new_status_id > 0)
    {
      json_builder_set_member_name (b, "new_status");
      json_builder_add_int_value (b, spec->new_status_id);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
same_instant (const char *a, const char *b)
{
  g_autoptr (GDateTime) da = NULL;
  g_autoptr (GDateTime) db = NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  if (a == NULL || b == NULL)
    return TRUE; /* Halo did not echo it: the note alone decides */
  da = g_date_time_new_from_iso8601 (a, utc);
  db = g_date_time_new_from_iso8601 (b, utc);
  if (da == NULL || db == NULL)
    return strncmp (a, b, 19) == 0;
  return ABS (g_date_time_difference (da, db)) < G_TIME_SPAN_SECOND;
}

gboolean
hy_sync_action_match (JsonObject *record, gint64 ticket_id, const char *note, const char *datetime)
{
  const char *v;

  if (record == NULL || hy_sync_json_int (record, "id") <= 0)
    return FALSE;
  if (hy_sync_json_int (record, "ticket_id") != ticket_id)
    return FALSE;
  v = hy_sync_json_string (record, "note");
  if (v == NULL || g_strcmp0 (v, note) != 0)
    return FALSE;
  return same_instant (hy_sync_json_string (record, "datetime"), datetime);
}

gboolean
hy_sync_choose_outcome (JsonArray *outcomes,
                        const char *const *preferred,
                        gint64 *out_id,
                        char **out_name)
{
  if (outcomes == NULL)
    return FALSE;
  for (guint p = 0; preferred[p]; p++)
    for (guint i = 0; i < json_array_get_length (outcomes); i++)
      {
        JsonNode *el = json_array_get_element (outcomes, i);
        JsonObject *o;
        const char *name;
        if (!JSON_NODE_HOLDS_OBJECT (el))
          continue;
        o = json_node_get_object (el);
        name = hy_sync_json_string (o, "outcome");
        if (name == NULL)
          name = hy_sync_json_string (o, "buttonname");
        if (name == NULL)
          name = hy_sync_json_string (o, "name");
        if (name == NULL || g_ascii_strcasecmp (name, preferred[p]) != 0)
          continue;
        if (out_id)
          *out_id = hy_sync_json_int (o, "id");
        if (out_name)
          *out_name = g_strdup (name);
        return TRUE;
      }
  return FALSE;
}

/* ------------------------------------------------------------------------- */
/* Retry policy                                                              */
/* ------------------------------------------------------------------------- */

guint
hy_sync_backoff_seconds (guint attempt, gboolean rate_limited)
{
  guint delay;

  if (attempt == 0)
    return 0;
  /* 5 s, 10 s, 20 s ... capped at 10 minutes; a 429 waits out Halo's rolling 5-minute window. */
  delay = attempt >= 8 ? 600 : MIN (600u, 5u << (attempt - 1));
  if (rate_limited)
    delay = MAX (delay, 300u);
  return delay;
}
