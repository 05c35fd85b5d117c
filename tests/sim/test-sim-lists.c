/* test-sim-lists.c: halyard-sim through real HTTP: list shapes, paging, filters, paths, and only
 * Halo's members
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-sim-fixture.h"

static void
test_list_shapes (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *path;
    const char *key; /* NULL = bare array */
  } cases[] = {
    { "/api/Client", "clients" },  { "/api/Site", "sites" },      { "/api/Asset", "assets" },
    { "/api/Tickets", "tickets" }, { "/api/Actions", "actions" }, { "/api/Users", "users" },
    { "/api/Agent", NULL },        { "/api/Team", NULL },         { "/api/TicketType", NULL },
    { "/api/AssetType", NULL },    { "/api/Status", NULL },       { "/api/Outcome", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Response) response = { 0 };
      g_autoptr (JsonArray) array = NULL;

      g_assert_cmpuint (api_get (f, cases[i].path, &response), ==, 200);
      if (cases[i].key != NULL)
        array = wrapped_list (response.body, cases[i].key, NULL);
      else
        array = bare_list (response.body);
      g_assert_nonnull (array);
    }
}

static void
test_paging (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonArray) a1 = NULL;
  g_autoptr (JsonArray) a2 = NULL;
  g_autoptr (JsonArray) a3 = NULL;
  g_autoptr (JsonArray) ac = NULL;
  g_autoptr (JsonArray) an = NULL;
  g_autoptr (JsonArray) aa = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  gint64 total;

  /* 20 clients × 10 assets: page_size=500 is capped at 100. */
  a1 = get_list (f, "/api/Asset?pageinate=true&page_size=500&page_no=1", "assets", &total);
  g_assert_cmpint (total, ==, 200);
  g_assert_cmpuint (json_array_get_length (a1), ==, 100);

  a2 = get_list (f, "/api/Asset?pageinate=true&page_size=500&page_no=2", "assets", &total);
  g_assert_cmpint (total, ==, 200);
  g_assert_cmpuint (json_array_get_length (a2), ==, 100);

  for (guint i = 0; i < 100; i++)
    {
      g_hash_table_add (seen, GINT_TO_POINTER (
                                  json_object_get_int_member (json_array_get_object_element (a1, i),
                                                              "id")));
      g_hash_table_add (seen, GINT_TO_POINTER (
                                  json_object_get_int_member (json_array_get_object_element (a2, i),
                                                              "id")));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 200);

  a3 = get_list (f, "/api/Asset?pageinate=true&page_size=500&page_no=3", "assets", &total);
  g_assert_cmpuint (json_array_get_length (a3), ==, 0);
  g_assert_cmpint (total, ==, 200);

  hy_sim_set_page_cap (f->sim, 30);
  ac = get_list (f, "/api/Asset?pageinate=true&page_size=50&page_no=1", "assets", &total);
  g_assert_cmpuint (json_array_get_length (ac), ==, 30);

  an = get_list (f, "/api/Asset?count=7", "assets", &total);
  g_assert_cmpuint (json_array_get_length (an), ==, 7);
  g_assert_cmpint (total, ==, 200);

  /* Lists leave asset fields out unless asked for. */
  g_assert_false (json_object_has_member (json_array_get_object_element (an, 0), "fields"));
  aa = get_list (f, "/api/Asset?client_id=12&includeassetfields=true", "assets", &total);
  g_assert_cmpint (total, ==, 10);
  g_assert_true (json_object_has_member (json_array_get_object_element (aa, 0), "fields"));
}

static void
test_filters (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonArray) site_list = NULL;
  g_autoptr (JsonArray) agent_list = NULL;
  g_autoptr (JsonArray) api_agent_list = NULL;
  gint64 total;
  gint64 total_plain;
  gint64 total_inactive;

  site_list = get_list (f, "/api/Site?client_id=12", "sites", &total);
  g_assert_cmpint (total, ==, 2);
  /* Halo types Site.client_id as a double: 12.0 on the wire. */
  g_assert_true (json_node_get_value_type (
                     json_object_get_member (json_array_get_object_element (site_list, 0),
                                             "client_id")) == G_TYPE_DOUBLE);
  for (guint i = 0; i < json_array_get_length (site_list); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (site_list, i),
                                                 "client_id"),
                     ==, 12);

  /* search is case-insensitive: "acme" finds "Acme Ltd" and "ACME Limited". */
  total = list_total (f, "/api/Client?search=acme", "clients");
  g_assert_cmpint (total, >=, 2);

  /* A filter Halo lacks is ignored: the whole list comes back. */
  total = list_total (f, "/api/Client?third_party_id=999999", "clients");
  total_plain = list_total (f, "/api/Client", "clients");
  g_assert_cmpint (total, ==, total_plain);
  g_assert_cmpint (total, >, 1);

  /* Inactive clients only with includeinactive=true. */
  total_inactive = list_total (f, "/api/Client?includeinactive=true", "clients");
  g_assert_cmpint (total_inactive, ==, 20);
  g_assert_cmpint (total_plain, <, total_inactive);

  /* The API-only agent only with includeapiagents=true. */
  agent_list = get_bare_list (f, "/api/Agent");
  for (guint i = 0; i < json_array_get_length (agent_list); i++)
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (agent_list, i),
                                                    "isapiagent"));
  api_agent_list = get_bare_list (f, "/api/Agent?includeapiagents=true");
  g_assert_cmpuint (json_array_get_length (api_agent_list), ==,
                    json_array_get_length (agent_list) + 1);

  /* /api/Agent/me: the application's login agent, the API-only one. */
  {
    g_autoptr (JsonNode) me_node = NULL;
    g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);

    me_node = get_json (f, "/api/Agent/me");
    g_assert_true (json_object_get_boolean_member (json_node_get_object (me_node), "isapiagent"));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (me_node), "id"), ==,
                     json_object_get_int_member (json_node_get_object (state), "app_agent_id"));
  }

  /* Tickets: third_party_id is not a filter Halo has; everything comes back. */
  {
    g_assert_cmpuint (post_status (f, "/api/Tickets",
                                   "[{\"summary\":\"A\",\"tickettype_id\":1,\"client_id\":12,"
                                   "\"third_party_id\":1},{\"summary\":\"B\",\"tickettype_id\":1,"
                                   "\"client_id\":12,\"third_party_id\":2}]"),
                      ==, 201);
    total = list_total (f, "/api/Tickets?third_party_id=1", "tickets");
    g_assert_cmpint (total, ==, 2);
  }

  total = list_total (f, "/api/Asset?inventory_number=ws-00001", "assets");
  g_assert_cmpint (total, <=, 1);
}

static void
test_case_insensitive_paths (Fixture *f, gconstpointer data)
{
  static const char *const paths[] = {
    "/api/client",   "/API/CLIENT",   "/Api/Client/",    "/api/CLIENT/12",
    "/api/agent/me", "/api/Agent/Me", "/api/tickettype", "/API/AssetType?PageInate=true",
  };
  g_auto (Response) token = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto (Response) response = { 0 };

      if (api_get (f, paths[i], &response) != 200)
        g_error ("%s: %u", paths[i], response.status);
    }

  send_full (f, "POST", "/Auth/Token?tenant=demo", NULL, "application/x-www-form-urlencoded",
             "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret",
             &token);
  g_assert_cmpuint (token.status, ==, 200);
}

/* ------------------------------------------------------------------------------------------ */
/* Only Halo's members                                                                        */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  JsonObject *spec; /* tests/data/halo-members.json */
  guint checked;
} Members;

static void
check_members (Members *m, const char *entity, JsonObject *record, const char *where)
{
  JsonArray *allowed =
      json_object_get_array_member (json_object_get_object_member (m->spec, entity), "members");
  g_autoptr (GList) names = json_object_get_members (record);

  for (GList *l = names; l != NULL; l = l->next)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (allowed) && !found; i++)
        found = g_strcmp0 (json_array_get_string_element (allowed, i), l->data) == 0;
      if (!found)
        g_error ("%s: a %s record carries \"%s\", which Halo's spec does not name "
                 "(tests/data/halo-members.json)",
                 where, entity, (const char *) l->data);
    }
  m->checked++;

  /* The nested records Halyard reads */
  if (g_strcmp0 (entity, "Asset") == 0 || g_strcmp0 (entity, "AssetType") == 0)
    {
      JsonNode *fields = json_object_get_member (record, "fields");

      for (guint i = 0; fields != NULL && JSON_NODE_HOLDS_ARRAY (fields) &&
                        i < json_array_get_length (json_node_get_array (fields));
           i++)
        check_members (m, g_strcmp0 (entity, "Asset") == 0 ? "AssetField" : "AssetTypeField",
                       json_array_get_object_element (json_node_get_array (fields), i), where);
    }
}

/* Every record of a GET (a list, wrapped or bare, or one record) */
static void
check_get (Fixture *f, Members *m, const char *entity, const char *path)
{
  g_autoptr (JsonNode) node = NULL;

  node = get_json (f, path);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        g_error ("%s: no records to check", path);
      for (guint i = 0; i < json_array_get_length (array); i++)
        check_members (m, entity, json_array_get_object_element (array, i), path);
    }
  else if (json_object_has_member (json_node_get_object (node), "record_count"))
    {
      JsonObject *wrapper = json_node_get_object (node);
      g_autoptr (GList) names = json_object_get_members (wrapper);

      check_members (m, "list", wrapper, path);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (wrapper, l->data);

          if (!JSON_NODE_HOLDS_ARRAY (member))
            continue;
          for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
            check_members (m, entity,
                           json_array_get_object_element (json_node_get_array (member), i), path);
        }
    }
  else
    check_members (m, entity, json_node_get_object (node), path);
}

static gint64
check_post (Fixture *f, Members *m, const char *entity, const char *path, const char *body)
{
  g_autoptr (JsonNode) node = NULL;

  node = post_json (f, path, body, 201);
  check_members (m, entity, json_node_get_object (node), path);
  return json_object_get_int_member (json_node_get_object (node), "id");
}

/* Every endpoint Halyard uses, as Halyard calls it: the records carry only the members Halo's
 * spec names, for the generated records and for the demo's. */
static void
test_members (Fixture *f, gconstpointer data)
{
  g_autofree char *members_path =
      g_test_build_filename (G_TEST_DIST, "data", "halo-members.json", NULL);
  g_autofree char *demo_path =
      g_build_filename (g_getenv ("HALYARD_SOURCE_ROOT"), "data", "demo", "halo.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  Members m = { 0 };

  g_assert_true (json_parser_load_from_file (parser, members_path, &error));
  g_assert_no_error (error);
  m.spec = json_node_get_object (json_parser_get_root (parser));

  for (guint pass = 0; pass < 2; pass++)
    {
      g_auto (Response) token = { 0 };
      g_autoptr (JsonNode) token_node = NULL;
      g_autofree char *body = NULL;
      g_autofree char *path = NULL;
      gint64 asset_id, ticket_id;

      if (pass == 1)
        {
          /* The demo's Halo */
          g_assert_true (hy_sim_load_seed_file (f->sim, demo_path, &error));
          g_assert_no_error (error);
        }

      send_full (f, "POST", "/auth/token?tenant=demo", NULL, "application/x-www-form-urlencoded",
                 "grant_type=client_credentials&client_id=halyard-demo&"
                 "client_secret=demo-secret&scope=all",
                 &token);
      g_assert_cmpuint (token.status, ==, 200);
      token_node = parse (token.body);
      check_members (&m, "token", json_node_get_object (token_node), "/auth/token");
      check_get (f, &m, "authinfo", "/api/authinfo");

      check_get (f, &m, "Client", "/api/Client?pageinate=true&page_size=100&page_no=1");
      check_get (f, &m, "Site", "/api/Site?pageinate=true&page_size=100&page_no=1");
      check_get (f, &m, "Asset",
                 "/api/Asset?includeassetfields=true&pageinate=true&page_size=100&page_no=1");
      check_get (f, &m, "Users", "/api/Users?pageinate=true&page_size=100&page_no=1");
      check_get (f, &m, "AssetType", "/api/AssetType");
      check_get (f, &m, "AssetType", "/api/AssetType/130?includedetails=true");
      check_get (f, &m, "Agent", "/api/Agent?includeapiagents=true&includedisabled=true");
      check_get (f, &m, "Agent", "/api/Agent/me");
      check_get (f, &m, "Team", "/api/Team?includedisabled=true");
      check_get (f, &m, "TicketType", "/api/TicketType");
      check_get (f, &m, "Status", "/api/Status");
      check_get (f, &m, "Outcome", "/api/Outcome");
      check_get (f, &m, "Priority", "/api/Priority");

      /* Halyard's writes, and what it reads back */
      asset_id = check_post (
          f, &m, "Asset", "/api/Asset",
          "[{\"inventory_number\":\"HY-members\",\"assettype_id\":130,\"inactive\":false,"
          "\"_dontaddnewfields\":true,\"isassetdetails\":true,\"client_id\":12,\"site_id\":20,"
          "\"fields\":[{\"id\":101,\"value\":\"PC-MEMBERS\"},{\"id\":117,\"value\":\"SN-M\"}]}]");
      path = g_strdup_printf ("/api/Asset/%" G_GINT64_FORMAT, asset_id);
      check_get (f, &m, "Asset", path);
      body = g_strdup_printf ("[{\"summary\":\"Disk full\",\"details\":\"C: at 95%%\\n\\nHalyard "
                              "alert: hy-a1\",\"tickettype_id\":1,\"client_id\":12,\"site_id\":20,"
                              "\"assets\":[{\"id\":%" G_GINT64_FORMAT "}]}]",
                              asset_id);
      ticket_id = check_post (f, &m, "Tickets", "/api/Tickets", body);
      check_get (f, &m, "Tickets", "/api/Tickets?client_id=12&search_details=hy-a1");
      g_free (path);
      path = g_strdup_printf ("/api/Tickets/%" G_GINT64_FORMAT "?includedetails=true", ticket_id);
      check_get (f, &m, "Tickets", path);
      g_free (body);
      body = g_strdup_printf ("[{\"ticket_id\":%" G_GINT64_FORMAT ",\"outcome\":\"Private Note\","
                              "\"note\":\"Checked\",\"hiddenfromuser\":true,\"timetaken\":0.25,"
                              "\"who_agentid\":3,\"datetime\":\"2026-11-22T10:00:00Z\"}]",
                              ticket_id);
      check_post (f, &m, "Actions", "/api/Actions", body);
      g_free (path);
      path = g_strdup_printf ("/api/Actions?ticket_id=%" G_GINT64_FORMAT, ticket_id);
      check_get (f, &m, "Actions", path);
      g_free (body);
      body = g_strdup_printf ("[{\"id\":%" G_GINT64_FORMAT ",\"status_id\":9}]", ticket_id);
      check_post (f, &m, "Tickets", "/api/Tickets", body);
    }
  g_test_message ("%u records checked", m.checked);
  g_assert_cmpuint (m.checked, >, 100);
}

int
main (int argc, char *argv[])
{
  hy_test_init (&argc, &argv);

  SIM_TEST_ADD ("/sim/lists/shapes", test_list_shapes);
  SIM_TEST_ADD ("/sim/lists/paging", test_paging);
  SIM_TEST_ADD ("/sim/lists/filters", test_filters);
  SIM_TEST_ADD ("/sim/paths/case-insensitive", test_case_insensitive_paths);
  SIM_TEST_ADD ("/sim/members", test_members);

  return g_test_run ();
}
