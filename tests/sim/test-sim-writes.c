/* test-sim-writes.c: halyard-sim through real HTTP: creates and updates, tickets and their
 * details, actions, asset fields
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-sim-fixture.h"

static void
test_post_create_update (Fixture *f, gconstpointer data)
{
  g_auto (Response) unknown = { 0 };
  g_auto (Response) site = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) updated_node = NULL;
  g_autoptr (JsonObject) stored = NULL;
  g_autofree char *update = NULL;
  g_autofree char *site_body = NULL;
  gint64 id;
  guint clients = state_count (f, "clients");

  node = post_json (f, "/api/Client", "[{\"name\":\"Zebra Zahnarzt GmbH\"}]", 201);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  id = json_object_get_int_member (json_node_get_object (node), "id");
  g_assert_cmpint (id, >, 0);
  g_assert_cmpuint (state_count (f, "clients"), ==, clients + 1);

  update =
      g_strdup_printf ("[{\"id\":%" G_GINT64_FORMAT ",\"website\":\"https://zebra.example\"}]", id);
  updated_node = post_json (f, "/api/Client", update, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (updated_node), "id"), ==, id);
  stored = state_find (f, "clients", id);
  g_assert_cmpstr (json_object_get_string_member (stored, "name"), ==, "Zebra Zahnarzt GmbH");
  g_assert_cmpstr (json_object_get_string_member (stored, "website"), ==, "https://zebra.example");
  g_assert_cmpuint (state_count (f, "clients"), ==, clients + 1);

  /* An id that does not exist: a 400 that says so, and nothing changes. */
  g_assert_cmpuint (api_post (f, "/api/Client", "[{\"id\":987654,\"name\":\"Ghost\"}]", &unknown),
                    ==, 400);
  g_assert_nonnull (strstr (unknown.body, "not found"));
  g_assert_cmpuint (state_count (f, "clients"), ==, clients + 1);

  g_assert_cmpuint (get_status (f, "/api/client/12"), ==, 200);
  g_assert_cmpuint (get_status (f, "/api/Client/987654"), ==, 404);

  /* DELETE: gone from reads; an unknown id is a 404; it needs the edit scope. */
  {
    g_auto (Response) deleted = { 0 };
    g_auto (Response) again = { 0 };
    g_auto (Response) forbidden = { 0 };
    g_autofree char *read_only = token_for_scope (f, "read:customers");

    send_full (f, "DELETE", "/api/Client/13", read_only, NULL, NULL, &forbidden);
    g_assert_cmpuint (forbidden.status, ==, 403);
    send_full (f, "DELETE", "/api/Client/13", f->token, NULL, NULL, &deleted);
    g_assert_cmpuint (deleted.status, ==, 200);
    g_assert_null (state_find (f, "clients", 13));
    g_assert_cmpuint (get_status (f, "/api/Client/13"), ==, 404);
    send_full (f, "DELETE", "/api/Client/13", f->token, NULL, NULL, &again);
    g_assert_cmpuint (again.status, ==, 404);
    g_assert_cmpuint (state_count (f, "clients"), ==, clients);
  }

  /* Halo takes arrays only. */
  g_assert_cmpuint (post_status (f, "/api/Client", "{\"name\":\"Not an array\"}"), ==, 400);

  /* A site needs a real client; the answer names the client. */
  site_body = g_strdup_printf ("[{\"name\":\"Lyon\",\"client_id\":%" G_GINT64_FORMAT "}]", id);
  g_assert_cmpuint (api_post (f, "/api/Site", site_body, &site), ==, 201);
  g_assert_nonnull (strstr (site.body, "Zebra Zahnarzt GmbH"));

  /* The stored 12.0 does not stop an update that leaves client_id alone; a sent 12.0 does. */
  {
    g_auto (Response) user = { 0 };
    g_autoptr (JsonNode) site_node = parse (site.body);
    gint64 site_id = json_object_get_int_member (json_node_get_object (site_node), "id");
    g_autofree char *rename =
        g_strdup_printf ("[{\"id\":%" G_GINT64_FORMAT ",\"name\":\"Lyon Part-Dieu\"}]", site_id);
    g_autofree char *bad =
        g_strdup_printf ("[{\"id\":%" G_GINT64_FORMAT ",\"client_id\":%" G_GINT64_FORMAT ".0}]",
                         site_id, id);
    g_autofree char *new_user =
        g_strdup_printf ("[{\"name\":\"Zoë Zimmer\",\"site_id\":%" G_GINT64_FORMAT
                         ",\"emailaddress\":\"zoe@zebra.example\"}]",
                         site_id);

    g_assert_cmpuint (post_status (f, "/api/Site", rename), ==, 201);
    g_assert_cmpuint (post_status (f, "/api/Site", bad), ==, 400);
    g_assert_cmpuint (api_post (f, "/api/Users", new_user, &user), ==, 201);
    g_assert_nonnull (strstr (user.body, "\"client_name\":\"Zebra Zahnarzt GmbH\""));
  }
}

static void
test_post_multi_returns_last (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) node = NULL;
  guint assets = state_count (f, "assets");

  node =
      post_json (f, "/api/Asset",
                 "[{\"assettype_id\":130,\"site_id\":20,\"inventory_number\":\"NEW-1\","
                 "\"fields\":[{\"id\":101,\"value\":\"NEW-PC-1\"},{\"id\":117,\"value\":\"S1\"}]},"
                 "{\"assettype_id\":131,\"client_id\":13,\"inventory_number\":\"NEW-2\"},"
                 "{\"assettype_id\":132,\"site_id\":20,\"inventory_number\":\"NEW-3\","
                 "\"fields\":[{\"id\":101,\"value\":\"NEW-SRV-3\"}]}]",
                 201);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "inventory_number"),
                   ==, "NEW-3");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "key_field"), ==,
                   "NEW-SRV-3");
  g_assert_cmpuint (state_count (f, "assets"), ==, assets + 3);

  /* ?returnall=true: every saved record, as an array. */
  {
    g_autoptr (JsonNode) all_node = NULL;

    all_node = post_json (f, "/api/Client?returnall=true",
                          "[{\"name\":\"First Ltd\"},{\"name\":\"Second Ltd\"}]", 201);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (all_node));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (all_node)), ==, 2);
  }

  /* A Halo that ignores ?returnall (the API and the faults document): the last record only. */
  {
    g_auto (Response) faults = { 0 };
    g_autoptr (JsonNode) ignored_node = NULL;
    g_autoptr (JsonNode) honoured_node = NULL;

    hy_sim_set_ignore_returnall (f->sim, TRUE);
    ignored_node = post_json (f, "/api/Client?returnall=true",
                              "[{\"name\":\"Third Ltd\"},{\"name\":\"Fourth Ltd\"}]", 201);
    g_assert_true (JSON_NODE_HOLDS_OBJECT (ignored_node));
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (ignored_node), "name"),
                     ==, "Fourth Ltd");

    send_full (f, "POST", "/_sim/faults", NULL, "application/json", "{\"ignore_returnall\":false}",
               &faults);
    g_assert_cmpuint (faults.status, ==, 204);
    honoured_node = post_json (f, "/api/Client?returnall=true",
                               "[{\"name\":\"Fifth Ltd\"},{\"name\":\"Sixth Ltd\"}]", 201);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (honoured_node));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (honoured_node)), ==, 2);
  }

  /* All or nothing: one bad item and none is saved. */
  {
    g_auto (Response) bad = { 0 };

    g_assert_cmpuint (api_post (f, "/api/Asset",
                                "[{\"assettype_id\":130,\"site_id\":20},"
                                "{\"assettype_id\":999,\"site_id\":20}]",
                                &bad),
                      ==, 400);
    g_assert_cmpuint (state_count (f, "assets"), ==, assets + 3);
    {
      g_autoptr (JsonNode) error = parse (bad.body);

      g_assert_true (json_object_has_member (json_node_get_object (error), "errorMessage"));
    }
  }
}

/* search looks at the summary; search_details is a text the details contain (a string
 * filter, not a flag: "true" is searched for as a text). Lists carry no details. */
static void
check_ticket_search (Fixture *f)
{
  g_autoptr (JsonArray) details_list = NULL;
  gint64 total;

  total = list_total (f, "/api/Tickets?search=95%25", "tickets");
  g_assert_cmpint (total, ==, 0);
  details_list =
      get_list (f, "/api/Tickets?search_details=95%25&includedetails=true", "tickets", &total);
  g_assert_cmpint (total, ==, 1);
  g_assert_false (
      json_object_has_member (json_array_get_object_element (details_list, 0), "details"));
  total = list_total (f, "/api/Tickets?search=95%25&search_details=true", "tickets");
  g_assert_cmpint (total, ==, 0);
}

/* asset_id: the tickets that name the asset. */
static void
check_ticket_asset_filter (Fixture *f)
{
  gint64 total;

  total = list_total (f, "/api/Tickets?asset_id=77", "tickets");
  g_assert_cmpint (total, ==, 1);
  total = list_total (f, "/api/Tickets?asset_id=78", "tickets");
  g_assert_cmpint (total, ==, 0);
}

static void
test_ticket_validation (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) cab_node = NULL;
  g_autoptr (JsonNode) good_node = NULL;
  guint tickets = state_count (f, "tickets");
  gint64 total;

  g_assert_cmpuint (post_status (f, "/api/Tickets", "[{\"summary\":\"x\",\"client_id\":12}]"), ==,
                    400);
  g_assert_cmpuint (post_status (f, "/api/Tickets",
                                 "[{\"summary\":\"x\",\"tickettype_id\":1,\"client_id\":999}]"),
                    ==, 400);
  cab_node = post_json (f, "/api/Tickets",
                        "[{\"summary\":\"x\",\"tickettype_id\":3,\"client_id\":12}]", 400);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (cab_node), "Message"), ==,
                   "CODE:APP03/2 Please select the CAB members to approve");
  g_assert_true (json_object_has_member (json_node_get_object (cab_node), "ClassName"));

  /* Halo refuses "12.0" where an int is expected. */
  g_assert_cmpuint (post_status (f, "/api/Tickets",
                                 "[{\"summary\":\"x\",\"tickettype_id\":1,\"client_id\":12.0}]"),
                    ==, 400);
  g_assert_cmpuint (state_count (f, "tickets"), ==, tickets);

  good_node = post_json (f, "/api/Tickets",
                         "[{\"summary\":\"Disk full\",\"details\":\"C: at 95%\","
                         "\"tickettype_id\":1,\"client_id\":12,\"assets\":[{\"id\":77}],"
                         "\"third_party_id\":42}]",
                         201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (good_node), "site_id"), ==,
                   20);
  g_assert_false (
      json_object_get_boolean_member (json_node_get_object (good_node), "hasbeenclosed"));
  g_assert_true (json_object_has_member (json_node_get_object (good_node), "dateoccurred"));
  g_assert_cmpuint (post_status (f, "/api/Tickets",
                                 "[{\"summary\":\"y\",\"tickettype_id\":\"4\","
                                 "\"client_id\":\"13\"}]"),
                    ==, 201);
  g_assert_cmpuint (state_count (f, "tickets"), ==, tickets + 2);

  total = list_total (f, "/api/Tickets?open_only=true&client_id=12", "tickets");
  g_assert_cmpint (total, ==, 1);

  check_ticket_search (f);
  check_ticket_asset_filter (f);
}

static void
test_actions (Fixture *f, gconstpointer data)
{
  g_auto (Response) ticket = { 0 };
  g_auto (Response) no_outcome = { 0 };
  g_auto (Response) by_agent = { 0 };
  g_autoptr (JsonNode) ticket_node = NULL;
  g_autoptr (JsonNode) name_node = NULL;
  g_autoptr (JsonNode) agent_node = NULL;
  g_autoptr (JsonNode) harsh_node = NULL;
  g_autoptr (JsonObject) stored = NULL;
  g_autofree char *body = NULL;
  JsonObject *action;
  gint64 ticket_id;
  gint64 total;

  api_post (f, "/api/Tickets", "[{\"summary\":\"Printer\",\"tickettype_id\":1,\"client_id\":12}]",
            &ticket);
  ticket_node = parse (ticket.body);
  ticket_id = json_object_get_int_member (json_node_get_object (ticket_node), "id");

  body = g_strdup_printf ("[{\"ticket_id\":%" G_GINT64_FORMAT ",\"note\":\"x\"}]", ticket_id);
  g_assert_cmpuint (api_post (f, "/api/Actions", body, &no_outcome), ==, 400);
  g_assert_cmpstr (no_outcome.body, ==, "An Outcome must be entered for this Action");
  g_assert_true (g_str_has_prefix (no_outcome.content_type, "text/plain"));
  g_assert_cmpuint (post_status (f, "/api/Actions", "[{\"outcome\":\"Private Note\"}]"), ==, 400);
  g_assert_cmpuint (state_count (f, "actions"), ==, 0);

  g_free (body);
  body = g_strdup_printf ("[{\"ticket_id\":%" G_GINT64_FORMAT ",\"outcome\":\"private note\","
                          "\"note\":\"Cleared temp files\",\"timetaken\":0.5,"
                          "\"who_agentid\":99999,\"new_status\":9}]",
                          ticket_id);
  name_node = post_json (f, "/api/Actions", body, 201);
  action = json_node_get_object (name_node);
  g_assert_cmpstr (json_object_get_string_member (action, "outcome"), ==, "Private Note");
  g_assert_true (json_object_get_boolean_member (action, "hiddenfromuser"));
  g_assert_cmpfloat (json_object_get_double_member (action, "timetaken"), ==, 0.5);
  /* Not a real agent: the application's login agent. */
  g_assert_cmpint (json_object_get_int_member (action, "who_agentid"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (action, "who"), ==, "Halyard Integration");

  stored = state_find (f, "tickets", ticket_id);
  g_assert_cmpint (json_object_get_int_member (stored, "status_id"), ==, 9);
  g_assert_true (json_object_get_boolean_member (stored, "hasbeenclosed"));

  /* agent_id is not an Actions member; who_agentid is not honoured (HALO-API §11 [?]): the
   * login agent is recorded, unless the simulator is lenient. */
  g_free (body);
  body = g_strdup_printf ("[{\"ticket_id\":%" G_GINT64_FORMAT ",\"outcome_id\":2,"
                          "\"agent_id\":4,\"who_agentid\":4,\"note\":\"Called back\"}]",
                          ticket_id);
  harsh_node = post_json (f, "/api/Actions", body, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (harsh_node), "who_agentid"),
                   ==, 2);
  g_assert_false (json_object_has_member (json_node_get_object (harsh_node), "agent_id"));
  hy_sim_set_lenient (f->sim, HY_SIM_LENIENT_WHO_AGENTID);
  g_assert_cmpuint (api_post (f, "/api/Actions", body, &by_agent), ==, 201);
  hy_sim_set_lenient (f->sim, HY_SIM_LENIENT_NONE);
  agent_node = parse (by_agent.body);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (agent_node), "who_agentid"),
                   ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (agent_node), "who"), ==,
                   "Jürgen Weiß");

  g_free (body);
  body = g_strdup_printf ("/api/Actions?ticket_id=%" G_GINT64_FORMAT, ticket_id);
  total = list_total (f, body, "actions");
  g_assert_cmpint (total, ==, 3);
}

/* The details and assets of a ticket come only with GET /Tickets/{id}?includedetails=true:
 * never in lists, whatever the query says (HALO-API §11). */
static void
test_ticket_details (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) plain_node = NULL;
  g_autoptr (JsonNode) full_node = NULL;
  g_autoptr (JsonArray) list = NULL;
  g_autofree char *path = NULL;
  gint64 id;
  gint64 total;

  node = post_json (f, "/api/Tickets",
                    "[{\"summary\":\"Disk full\",\"details\":\"C: at 95%\","
                    "\"tickettype_id\":1,\"client_id\":12,\"assets\":[{\"id\":77}]}]",
                    201);
  id = json_object_get_int_member (json_node_get_object (node), "id");

  path = g_strdup_printf ("/api/Tickets/%" G_GINT64_FORMAT, id);
  plain_node = get_json (f, path);
  g_assert_false (json_object_has_member (json_node_get_object (plain_node), "details"));
  g_assert_false (json_object_has_member (json_node_get_object (plain_node), "assets"));

  g_free (path);
  path = g_strdup_printf ("/api/Tickets/%" G_GINT64_FORMAT "?includedetails=true", id);
  full_node = get_json (f, path);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (full_node), "details"), ==,
                   "C: at 95%");
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (full_node), "assets")),
                    ==, 1);

  list = get_list (f, "/api/Tickets?includedetails=true&client_id=12", "tickets", &total);
  g_assert_cmpint (total, >=, 1);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      g_assert_false (json_object_has_member (json_array_get_object_element (list, i), "details"));
      g_assert_false (json_object_has_member (json_array_get_object_element (list, i), "assets"));
    }
}

/* Assets as Halo keeps them: key_field derived from the type's key field and ignored when sent,
 * no serial member, the type's fields only with the single type's details, and an asset sent
 * without a site filed under an "Unknown" client whatever client_id says. */
static void
test_asset_fields (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) siteless_node = NULL;
  g_autoptr (JsonNode) type_node = NULL;
  g_autoptr (JsonArray) type_list = NULL;
  JsonObject *asset;
  JsonObject *unknown;

  node = post_json (f, "/api/Asset",
                    "[{\"assettype_id\":130,\"client_id\":12,\"site_id\":20,"
                    "\"key_field\":\"ignored\",\"serial_number\":\"X\","
                    "\"fields\":[{\"id\":101,\"value\":\"PC-NEW\"},"
                    "{\"id\":117,\"value\":\"SN-NEW\"}]}]",
                    201);
  asset = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (asset, "key_field"), ==, "PC-NEW");
  g_assert_cmpint (json_object_get_int_member (asset, "client_id"), ==, 12);

  siteless_node = post_json (f, "/api/Asset",
                             "[{\"assettype_id\":130,\"client_id\":12,"
                             "\"fields\":[{\"id\":101,\"value\":\"PC-LOST\"}]}]",
                             201);
  asset = json_node_get_object (siteless_node);
  unknown = state_find (f, "clients", json_object_get_int_member (asset, "client_id"));
  g_assert_cmpstr (json_object_get_string_member (unknown, "name"), ==, "Unknown");
  json_object_unref (unknown);

  type_list = get_bare_list (f, "/api/AssetType");
  g_assert_false (json_object_has_member (json_array_get_object_element (type_list, 0), "fields"));
  type_node = get_json (f, "/api/AssetType/130?includedetails=true");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (type_node), "keyfield_id"), ==,
                   101);
  g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (
                           json_object_get_array_member (json_node_get_object (type_node),
                                                         "fields"),
                           1),
                       "field_name"),
                   ==, "Serial Number");
}

int
main (int argc, char *argv[])
{
  hy_test_init (&argc, &argv);

  SIM_TEST_ADD ("/sim/writes/create-update", test_post_create_update);
  SIM_TEST_ADD ("/sim/writes/multi-returns-last", test_post_multi_returns_last);
  SIM_TEST_ADD ("/sim/writes/tickets", test_ticket_validation);
  SIM_TEST_ADD ("/sim/tickets/details", test_ticket_details);
  SIM_TEST_ADD ("/sim/assets/fields", test_asset_fields);
  SIM_TEST_ADD ("/sim/writes/actions", test_actions);

  return g_test_run ();
}
