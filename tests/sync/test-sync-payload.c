/* test-sync-payload.c: payloads, stable keys, fingerprints, read-back matching, lifecycle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sync/hy-sync-lifecycle.h"
#include "sync/hy-sync-payload.h"

static JsonObject *
parse_object (const char *json, JsonParser **out_parser)
{
  g_autoptr (GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  *out_parser = parser;
  return json_node_get_object (json_parser_get_root (parser));
}

static char *
to_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static HySyncAssetSpec
asset_spec (void)
{
  HySyncAssetSpec spec = {
    .computer_id = "pc1",
    .name = "ACME-DC01",
    .serial = "SN123",
    .client_id = 12,
    .site_id = 20,
    .assettype_id = 130,
    .name_field_id = 101,
    .serial_field_id = 117,
  };
  return spec;
}

static void
test_inventory_number (void)
{
  g_autofree char *a = hy_sync_asset_inventory_number ("pc1");
  g_autofree char *b = hy_sync_asset_inventory_number ("weird id/with spaces");
  g_autofree char *c = hy_sync_asset_inventory_number ("weird id/with spaces");
  g_autofree char *d = hy_sync_asset_inventory_number ("weird id/with spaceS");

  g_assert_cmpstr (a, ==, "HY-pc1");
  g_assert_true (g_str_has_prefix (b, "HY-h"));
  g_assert_cmpstr (b, ==, c);
  g_assert_cmpstr (b, !=, d);
}

static void
test_asset_payload (void)
{
  HySyncAssetSpec spec = asset_spec ();
  g_autoptr (JsonNode) create = hy_sync_asset_payload (&spec, 0);
  g_autoptr (JsonNode) update = hy_sync_asset_payload (&spec, 77);
  JsonObject *o = json_node_get_object (create);
  JsonArray *fields;

  g_assert_false (json_object_has_member (o, "id"));
  g_assert_cmpstr (json_object_get_string_member (o, "inventory_number"), ==, "HY-pc1");
  g_assert_cmpint (json_object_get_int_member (o, "client_id"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (o, "site_id"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (o, "assettype_id"), ==, 130);
  /* The name is the key field's value (key_field is derived by Halo, ignored on write). */
  g_assert_false (json_object_has_member (o, "key_field"));
  fields = json_object_get_array_member (o, "fields");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 0),
                                                  "value"),
                   ==, "ACME-DC01");
  g_assert_cmpuint (json_array_get_length (fields), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (fields, 1), "id"), ==,
                   117);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 1),
                                                  "value"),
                   ==, "SN123");

  o = json_node_get_object (update);
  g_assert_cmpint (json_object_get_int_member (o, "id"), ==, 77);
  /* An update never rewrites the asset tag (it may be the customer's own), nor moves the asset
   * to another client. */
  g_assert_false (json_object_has_member (o, "inventory_number"));
  g_assert_false (json_object_has_member (o, "client_id"));

  /* Unknown serial field: no serial sent. */
  spec.serial_field_id = 0;
  spec.name_field_id = 0;
  {
    g_autoptr (JsonNode) n = hy_sync_asset_payload (&spec, 0);
    g_assert_false (json_object_has_member (json_node_get_object (n), "fields"));
  }
}

static void
test_fingerprint (void)
{
  HySyncAssetSpec spec = asset_spec ();
  g_autofree char *a = hy_sync_asset_fingerprint (&spec);
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  b = hy_sync_asset_fingerprint (&spec);
  g_assert_cmpstr (a, ==, b);
  spec.name = "ACME-DC02";
  c = hy_sync_asset_fingerprint (&spec);
  g_assert_cmpstr (a, !=, c);
  spec = asset_spec ();
  spec.site_id = 21;
  d = hy_sync_asset_fingerprint (&spec);
  g_assert_cmpstr (a, !=, d);
  /* Each part on its own: a new OS changes the OS part only. */
  spec = asset_spec ();
  spec.os = "Linux";
  {
    g_autofree char *e = hy_sync_asset_fingerprint (&spec);

    g_assert_cmpstr (a, !=, e);
    g_assert_cmpuint (hy_sync_asset_changed_parts (a, e), ==, HY_SYNC_ASSET_PART_OS);
    g_assert_cmpuint (hy_sync_asset_changed_parts (a, c), ==, HY_SYNC_ASSET_PART_NAME);
    g_assert_cmpuint (hy_sync_asset_changed_parts (a, d), ==, HY_SYNC_ASSET_PART_SITE);
    g_assert_cmpuint (hy_sync_asset_changed_parts (a, a), ==, 0);
  }
  {
    g_auto (GStrv) names =
        hy_sync_asset_part_names (HY_SYNC_ASSET_PART_IP | HY_SYNC_ASSET_PART_NAME);

    g_assert_cmpuint (g_strv_length (names), ==, 2);
    g_assert_cmpstr (names[0], ==, "name");
    g_assert_cmpstr (names[1], ==, "ip");
  }
  /* Never sent, or sent by an earlier version: everything. */
  g_assert_cmpuint (hy_sync_asset_changed_parts (NULL, a), ==, HY_SYNC_ASSET_PARTS_ALL);
  g_assert_cmpuint (hy_sync_asset_changed_parts ("0123456789abcdef", a), ==,
                    HY_SYNC_ASSET_PARTS_ALL);
  /* An unknown value (empty) is no part: it never clears what Halo has. */
  spec = asset_spec ();
  spec.os = "";
  {
    g_autofree char *f = hy_sync_asset_fingerprint (&spec);
    g_autofree char *g = NULL;

    g_assert_null (strstr (f, ";os="));
    spec.os = NULL;
    g = hy_sync_asset_fingerprint (&spec);
    g_assert_cmpstr (f, ==, g);
  }
}

/* An update carries the parts that changed, each written to its own field; nothing else. */
static void
test_asset_update_parts (void)
{
  HySyncAssetSpec spec = asset_spec ();
  g_autoptr (JsonNode) create = NULL;
  g_autoptr (JsonNode) update = NULL;
  JsonArray *fields;
  JsonObject *o;

  spec.os_field_id = 151;
  spec.ip_field_id = 152;
  spec.mac_field_id = 153;
  spec.last_seen_field_id = 154;
  spec.os = "Windows 11 Pro";
  spec.ip = "10.0.0.5";
  spec.mac = "00:11:22:33:44:55";
  spec.last_seen = "2026-11-20T10:00:00Z";

  /* A create: every field it has a value and a field for. */
  create = hy_sync_asset_payload (&spec, 0);
  fields = json_object_get_array_member (json_node_get_object (create), "fields");
  g_assert_cmpuint (json_array_get_length (fields), ==, 6);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (fields, 2), "id"), ==,
                   151);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 5),
                                                  "value"),
                   ==, "2026-11-20T10:00:00Z");

  /* An update of the IP address only: the id and that field. */
  spec.parts = HY_SYNC_ASSET_PART_IP;
  update = hy_sync_asset_payload (&spec, 77);
  o = json_node_get_object (update);
  g_assert_cmpuint (json_object_get_size (o), ==, 2);
  fields = json_object_get_array_member (o, "fields");
  g_assert_cmpuint (json_array_get_length (fields), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (fields, 0), "id"), ==,
                   152);
  g_assert_false (hy_sync_asset_update_is_empty (&spec, 77));

  /* A part with no field to go to: nothing to send. */
  spec.mac_field_id = 0;
  spec.parts = HY_SYNC_ASSET_PART_MAC;
  g_assert_true (hy_sync_asset_update_is_empty (&spec, 77));
  spec.parts = HY_SYNC_ASSET_PART_CLIENT;
  g_assert_true (hy_sync_asset_update_is_empty (&spec, 77));
}

static void
test_asset_match (void)
{
  g_autoptr (JsonParser) p1 = NULL;
  g_autoptr (JsonParser) p2 = NULL;
  g_autoptr (JsonParser) p3 = NULL;
  g_autoptr (JsonParser) p4 = NULL;
  JsonObject *by_inv = parse_object (
      "{\"id\":5,\"client_id\":12,\"inventory_number\":\"HY-pc1\",\"key_field\":\"x\"}", &p1);
  JsonObject *other_client =
      parse_object ("{\"id\":6,\"client_id\":13,\"inventory_number\":\"HY-pc1\"}", &p2);
  JsonObject *by_name =
      parse_object ("{\"id\":7,\"client_id\":12.0,\"key_field\":\"acme-dc01\"}", &p3);
  JsonObject *by_serial = parse_object ("{\"id\":\"8\",\"client_id\":12,\"key_field\":\"other\","
                                        "\"fields\":[{\"id\":117,"
                                        "\"value\":\"SN123\"}]}",
                                        &p4);

  g_assert_cmpint (hy_sync_asset_match (by_inv, "HY-pc1", 12, "ACME-DC01", "SN123"), ==,
                   HY_SYNC_MATCH_INVENTORY_NUMBER);
  /* Halo ignored the client filter: a record of another client never matches. */
  g_assert_cmpint (hy_sync_asset_match (other_client, "HY-pc1", 12, "ACME-DC01", NULL), ==,
                   HY_SYNC_MATCH_NONE);
  g_assert_cmpint (hy_sync_asset_match (by_name, "HY-pc1", 12, "ACME-DC01", NULL), ==,
                   HY_SYNC_MATCH_NAME);
  g_assert_cmpint (hy_sync_asset_match (by_serial, "HY-pc1", 12, "ACME-DC01", "SN123"), ==,
                   HY_SYNC_MATCH_SERIAL);
  g_assert_cmpint (hy_sync_asset_match (by_serial, "HY-pc1", 12, "ACME-DC01", "SN999"), ==,
                   HY_SYNC_MATCH_NONE);
}

static void
test_ticket (void)
{
  HySyncTicketSpec spec = {
    .alert_id = "a1",
    .summary = "Disk full",
    .details = "C: at 95%",
    .severity = "high",
    .computer_name = "ACME-DC01",
    .tickettype_id = 3,
    .client_id = 12,
    .site_id = 20,
    .asset_id = 77,
  };
  g_autoptr (JsonNode) node = hy_sync_ticket_create_payload (&spec);
  JsonObject *o = json_node_get_object (node);
  g_autoptr (JsonParser) p1 = NULL;
  g_autoptr (JsonParser) p2 = NULL;
  g_autoptr (JsonParser) p3 = NULL;
  g_autofree char *json = to_json (node);
  JsonObject *same, *prefix, *by_tp;

  g_assert_cmpstr (json_object_get_string_member (o, "summary"), ==, "Disk full");
  g_assert_cmpint (json_object_get_int_member (o, "tickettype_id"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (o, "client_id"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (o, "site_id"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                                                   json_object_get_array_member (o, "assets"), 0),
                                               "id"),
                   ==, 77);
  g_assert_cmpstr (json_object_get_string_member (o, "third_party_id_string"), ==,
                   "halyard-alert:a1");
  g_assert_nonnull (strstr (json_object_get_string_member (o, "details"), "C: at 95%"));

  /* A record found by the marker in the details (third_party_id_string not echoed). */
  same = parse_object ("{\"id\":1,\"client_id\":12,\"details\":\"x\\n\\nHalyard alert: "
                       "halyard-alert:a1\"}",
                       &p1);
  prefix = parse_object ("{\"id\":2,\"client_id\":12,\"details\":\"Halyard alert: "
                         "halyard-alert:a10\"}",
                         &p2);
  by_tp =
      parse_object ("{\"id\":3,\"client_id\":12,\"third_party_id_string\":\"halyard-alert:a1\"}",
                    &p3);
  g_assert_true (hy_sync_ticket_match (same, "halyard-alert:a1", 12));
  g_assert_false (hy_sync_ticket_match (same, "halyard-alert:a1", 13));
  g_assert_false (hy_sync_ticket_match (prefix, "halyard-alert:a1", 12));
  g_assert_true (hy_sync_ticket_match (by_tp, "halyard-alert:a1", 12));
}

static void
test_ticket_key (void)
{
  g_autofree char *plain = hy_sync_ticket_key ("a1", NULL);
  g_autofree char *first = hy_sync_ticket_key ("a1", "2026-11-22T10:00:00Z");
  g_autofree char *second = hy_sync_ticket_key ("a1", "2026-11-22T12:30:00Z");
  g_autofree char *again = hy_sync_ticket_key ("a1", "2026-11-22T10:00:00Z");

  g_assert_cmpstr (plain, ==, "halyard-alert:a1");
  g_assert_cmpstr (first, ==, "halyard-alert:a1-20261122T100000Z");
  g_assert_cmpstr (first, ==, again);
  g_assert_cmpstr (first, !=, second);
}

static void
test_action (void)
{
  HySyncActionSpec spec = {
    .ticket_id = 9,
    .outcome = "Private Note",
    .outcome_id = 4,
    .note = "Cleared temp files",
    .hours = hy_sync_minutes_to_hours (30),
    .agent_id = 5,
    .datetime = "2026-11-22T10:00:00Z",
  };
  g_autoptr (JsonNode) node = hy_sync_action_payload (&spec);
  JsonObject *o = json_node_get_object (node);
  g_autoptr (JsonParser) p1 = NULL;
  JsonObject *rec;

  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "timetaken"), 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (hy_sync_minutes_to_hours (1), 1.0 / 60.0, 1e-9);
  g_assert_cmpint (json_object_get_int_member (o, "who_agentid"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "Private Note");
  g_assert_true (json_object_get_boolean_member (o, "hiddenfromuser"));

  rec = parse_object ("{\"id\":1,\"ticket_id\":9,\"note\":\"Cleared temp files\","
                      "\"datetime\":\"2026-11-22T10:00:00.0000000\"}",
                      &p1);
  g_assert_true (hy_sync_action_match (rec, 9, "Cleared temp files", "2026-11-22T10:00:00Z"));
  g_assert_false (hy_sync_action_match (rec, 9, "Cleared temp files", "2026-11-22T10:05:00Z"));
  g_assert_false (hy_sync_action_match (rec, 8, "Cleared temp files", "2026-11-22T10:00:00Z"));
}

static void
test_outcome (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *const want[] = { "Private Note", "Internal Note", NULL };
  const char *const none[] = { "Nope", NULL };
  gint64 id = 0;
  g_autofree char *name = NULL;

  g_assert_true (json_parser_load_from_data (parser,
                                             "[{\"id\":1,\"outcome\":\"Email "
                                             "User\"},{\"id\":4,\"buttonname\":\"private note\"}]",
                                             -1, NULL));
  g_assert_true (hy_sync_choose_outcome (json_node_get_array (json_parser_get_root (parser)), want,
                                         &id, &name));
  g_assert_cmpint (id, ==, 4);
  g_assert_cmpstr (name, ==, "private note");
  g_assert_false (hy_sync_choose_outcome (json_node_get_array (json_parser_get_root (parser)), none,
                                          NULL, NULL));
}

static void
test_lifecycle (void)
{
  HySyncAlertFacts fresh = { FALSE, FALSE, FALSE };
  HySyncAlertFacts unrouted = { TRUE, FALSE, FALSE };
  HySyncAlertFacts open = { TRUE, TRUE, FALSE };
  HySyncAlertFacts cleared = { TRUE, TRUE, TRUE };
  HySyncAlertFacts cleared_unrouted = { TRUE, FALSE, TRUE };
  HySyncAlertFacts closed = { TRUE, TRUE, TRUE, TRUE, FALSE };
  HySyncAlertFacts closing = { TRUE, TRUE, TRUE, TRUE, TRUE };

  g_assert_cmpint (hy_sync_alert_on_raise (&fresh, TRUE), ==, HY_SYNC_ALERT_OP_CREATE_TICKET);
  g_assert_cmpint (hy_sync_alert_on_raise (&fresh, FALSE), ==, HY_SYNC_ALERT_OP_UNROUTED);
  g_assert_cmpint (hy_sync_alert_on_raise (&unrouted, TRUE), ==, HY_SYNC_ALERT_OP_CREATE_TICKET);
  g_assert_cmpint (hy_sync_alert_on_raise (&open, TRUE), ==, HY_SYNC_ALERT_OP_REPEAT_NOTE);
  g_assert_cmpint (hy_sync_alert_on_raise (&open, FALSE), ==, HY_SYNC_ALERT_OP_REPEAT_NOTE);
  /* Cleared but left open: a note on the same ticket. Closed: a new occurrence, a new ticket. */
  g_assert_cmpint (hy_sync_alert_on_raise (&cleared, TRUE), ==, HY_SYNC_ALERT_OP_REPEAT_NOTE);
  g_assert_cmpint (hy_sync_alert_on_raise (&closed, TRUE), ==,
                   HY_SYNC_ALERT_OP_NEW_OCCURRENCE | HY_SYNC_ALERT_OP_CREATE_TICKET);
  g_assert_cmpint (hy_sync_alert_on_raise (&closed, FALSE), ==,
                   HY_SYNC_ALERT_OP_NEW_OCCURRENCE | HY_SYNC_ALERT_OP_UNROUTED);
  /* Its close is still on its way: the same ticket gets the note. */
  g_assert_cmpint (hy_sync_alert_on_raise (&closing, TRUE), ==, HY_SYNC_ALERT_OP_REPEAT_NOTE);
  g_assert_cmpint (hy_sync_alert_on_clear (&open, 0), ==, HY_SYNC_ALERT_OP_CLEAR_NOTE);
  g_assert_cmpint (hy_sync_alert_on_clear (&open, 9), ==,
                   HY_SYNC_ALERT_OP_CLEAR_NOTE | HY_SYNC_ALERT_OP_CLOSE_TICKET);
  g_assert_cmpint (hy_sync_alert_on_clear (&cleared, 9), ==, HY_SYNC_ALERT_OP_NONE);
  g_assert_cmpint (hy_sync_alert_on_clear (&unrouted, 9), ==, HY_SYNC_ALERT_OP_NONE);
  g_assert_cmpint (hy_sync_alert_on_route (&unrouted, TRUE), ==, HY_SYNC_ALERT_OP_CREATE_TICKET);
  g_assert_cmpint (hy_sync_alert_on_route (&unrouted, FALSE), ==, HY_SYNC_ALERT_OP_NONE);
  g_assert_cmpint (hy_sync_alert_on_route (&cleared_unrouted, TRUE), ==, HY_SYNC_ALERT_OP_NONE);
  g_assert_cmpint (hy_sync_alert_on_route (&open, TRUE), ==, HY_SYNC_ALERT_OP_NONE);
}

static void
test_backoff (void)
{
  g_assert_cmpuint (hy_sync_backoff_seconds (1, FALSE), ==, 5);
  g_assert_cmpuint (hy_sync_backoff_seconds (2, FALSE), ==, 10);
  g_assert_cmpuint (hy_sync_backoff_seconds (30, FALSE), ==, 600);
  g_assert_cmpuint (hy_sync_backoff_seconds (1, TRUE), >=, 300);
  for (guint i = 1; i < HY_SYNC_MAX_ATTEMPTS; i++)
    g_assert_cmpuint (hy_sync_backoff_seconds (i, FALSE), <=,
                      hy_sync_backoff_seconds (i + 1, FALSE));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/sync/payload/inventory-number", test_inventory_number);
  g_test_add_func ("/sync/payload/asset", test_asset_payload);
  g_test_add_func ("/sync/payload/fingerprint", test_fingerprint);
  g_test_add_func ("/sync/payload/asset-update-parts", test_asset_update_parts);
  g_test_add_func ("/sync/payload/asset-match", test_asset_match);
  g_test_add_func ("/sync/payload/ticket", test_ticket);
  g_test_add_func ("/sync/payload/ticket-key", test_ticket_key);
  g_test_add_func ("/sync/payload/action", test_action);
  g_test_add_func ("/sync/payload/outcome", test_outcome);
  g_test_add_func ("/sync/lifecycle", test_lifecycle);
  g_test_add_func ("/sync/backoff", test_backoff);
  return g_test_run ();
}
