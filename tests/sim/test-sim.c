/* test-sim.c — halyard-sim through real HTTP: auth, scopes, lists, writes, faults, the binary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

#include "hy-sim.h"
#include "hy-test-halo.h"

typedef struct
{
  HyClock *clock; /* the simulator's: the test moves it instead of sleeping */
  HySim *sim;
  SoupSession *session;
  char *token;
} Fixture;

typedef struct
{
  guint status;
  char *body;
  char *content_type;
  char *retry_after;
  char *www_authenticate;
  GError *error;
} Response;

static void
response_clear (Response *response)
{
  g_clear_pointer (&response->body, g_free);
  g_clear_pointer (&response->content_type, g_free);
  g_clear_pointer (&response->retry_after, g_free);
  g_clear_pointer (&response->www_authenticate, g_free);
  g_clear_error (&response->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
send_full (Fixture *f,
           const char *method,
           const char *path,
           const char *token,
           const char *content_type,
           const char *body,
           Response *response)
{
  g_autofree char *url = g_strconcat (hy_sim_get_base_url (f->sim), path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) bytes = NULL;
  SoupMessageHeaders *headers;
  const char *value;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
    }

  if (body != NULL)
    {
      g_autoptr (GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, request);
    }

  bytes = soup_session_send_and_read (f->session, msg, NULL, &response->error);
  if (bytes == NULL)
    return;

  headers = soup_message_get_response_headers (msg);
  response->status = soup_message_get_status (msg);
  response->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  value = soup_message_headers_get_content_type (headers, NULL);
  response->content_type = g_strdup (value);
  response->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  response->www_authenticate =
      g_strdup (soup_message_headers_get_one (headers, "WWW-Authenticate"));
}

static guint
api_get (Fixture *f, const char *path, Response *response)
{
  send_full (f, "GET", path, f->token, NULL, NULL, response);
  g_assert_no_error (response->error);
  return response->status;
}

static guint
api_post (Fixture *f, const char *path, const char *json, Response *response)
{
  send_full (f, "POST", path, f->token, "application/json", json, response);
  g_assert_no_error (response->error);
  return response->status;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
get_token (Fixture *f, const char *query, const char *form, guint *status)
{
  g_auto (Response) response = { 0 };
  g_autofree char *path = g_strconcat ("/auth/token", query, NULL);
  g_autoptr (JsonNode) node = NULL;

  send_full (f, "POST", path, NULL, "application/x-www-form-urlencoded", form, &response);
  g_assert_no_error (response.error);
  *status = response.status;
  if (response.status != 200)
    return g_steal_pointer (&response.body);

  node = parse (response.body);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "access_token"));
}

static char *
token_for_scope (Fixture *f, const char *scope)
{
  g_autofree char *form = g_strdup_printf ("grant_type=client_credentials&client_id=halyard-demo&"
                                           "client_secret=demo-secret&scope=%s",
                                           scope);
  guint status;
  char *token = get_token (f, "?tenant=demo", form, &status);

  g_assert_cmpuint (status, ==, 200);
  return token;
}

static guint
state_count (Fixture *f, const char *key)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);

  return json_array_get_length (json_object_get_array_member (json_node_get_object (state), key));
}

static JsonObject *
state_find (Fixture *f, const char *key, gint64 id)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonArray *array = json_object_get_array_member (json_node_get_object (state), key);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);

      if (json_object_get_int_member (row, "id") == id)
        return json_object_ref (row);
    }

  return NULL;
}

static JsonArray *
wrapped_list (const char *body, const char *key, gint64 *record_count)
{
  g_autoptr (JsonNode) node = parse (body);
  JsonObject *object;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_true (json_object_has_member (object, "record_count"));
  if (record_count != NULL)
    *record_count = json_object_get_int_member (object, "record_count");

  return json_array_ref (json_object_get_array_member (object, key));
}

static JsonArray *
bare_list (const char *body)
{
  g_autoptr (JsonNode) node = parse (body);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

/* Loopback needs no proxy, and the system's proxy settings need GSettings schemas. */
static SoupSession *
new_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("proxy-resolver", direct, "timeout", 10, NULL);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HySimGenerateOptions options;

  hy_sim_generate_options_init (&options);
  f->clock = hy_clock_new_manual ();
  f->sim = hy_sim_new ();
  hy_sim_set_clock (f->sim, hy_test_clock_monotonic, f->clock);
  hy_sim_generate (f->sim, &options);
  g_assert_true (hy_sim_start (f->sim, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hy_sim_get_base_url (f->sim), "http://127.0.0.1:"));

  f->session = new_session ();
  f->token = token_for_scope (f, "all");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  hy_sim_stop (f->sim);
  g_assert_finalize_object (f->sim);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->token, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Authentication                                                                             */
/* ------------------------------------------------------------------------------------------ */

static void
test_token_ok (Fixture *f, gconstpointer data)
{
  g_auto (Response) response = { 0 };
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;

  send_full (f, "POST", "/auth/token?tenant=demo", NULL, "application/x-www-form-urlencoded",
             "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret"
             "&scope=read%3Acustomers+edit%3Atickets",
             &response);
  g_assert_no_error (response.error);
  g_assert_cmpuint (response.status, ==, 200);
  node = parse (response.body);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 3600);
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==,
                   "read:customers edit:tickets");
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "access_token")), >, 16);
  g_assert_true (json_object_has_member (object, "refresh_token"));
  g_assert_nonnull (strchr (json_object_get_string_member (object, "id_token"), '.'));
}

static void
test_token_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *wrong_secret = NULL;
  g_autofree char *wrong_id = NULL;
  g_autofree char *bad_scope = NULL;
  g_autofree char *wrong_tenant = NULL;
  g_autofree char *no_tenant = NULL;
  g_autofree char *required = NULL;
  g_autofree char *body_tenant = NULL;
  g_autofree char *bad_grant = NULL;
  guint status;

  wrong_secret = get_token (f, "?tenant=demo",
                            "grant_type=client_credentials&client_id=halyard-demo"
                            "&client_secret=nope&scope=all",
                            &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (wrong_secret, ==, "{\"error\":\"invalid_client\"}");

  wrong_id = get_token (f, "?tenant=demo",
                        "grant_type=client_credentials&client_id=other"
                        "&client_secret=demo-secret&scope=all",
                        &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (wrong_id, ==, "{\"error\":\"invalid_client\"}");

  bad_scope = get_token (f, "?tenant=demo",
                         "grant_type=client_credentials&client_id=halyard-demo"
                         "&client_secret=demo-secret&scope=read%3Aactions",
                         &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (bad_scope, ==, "{\"error\":\"invalid_scope\"}");

  wrong_tenant = get_token (f, "?tenant=other",
                            "grant_type=client_credentials&client_id=halyard-demo"
                            "&client_secret=demo-secret&scope=all",
                            &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (wrong_tenant, ==, "{\"error\":\"invalid_client\"}");

  bad_grant = get_token (f, "?tenant=demo",
                         "grant_type=password&client_id=halyard-demo"
                         "&client_secret=demo-secret&scope=all",
                         &status);
  g_assert_cmpuint (status, ==, 400);

  /* Self-hosted Halo: no tenant at all is fine, until the tenant is required. */
  no_tenant = get_token (f, "",
                         "grant_type=client_credentials&client_id=halyard-demo"
                         "&client_secret=demo-secret&scope=all",
                         &status);
  g_assert_cmpuint (status, ==, 200);

  hy_sim_set_require_tenant (f->sim, TRUE);
  required = get_token (f, "",
                        "grant_type=client_credentials&client_id=halyard-demo"
                        "&client_secret=demo-secret&scope=all",
                        &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (required, ==, "{\"error\":\"invalid_client\"}");

  /* One PHP client sends the tenant in the form body. */
  body_tenant = get_token (f, "",
                           "grant_type=client_credentials&client_id=halyard-demo"
                           "&client_secret=demo-secret&scope=all&tenant=demo",
                           &status);
  g_assert_cmpuint (status, ==, 200);

  /* Other credentials. */
  hy_sim_set_require_tenant (f->sim, FALSE);
  hy_sim_set_credentials (f->sim, "id-2", "secret-2", "acme");
  g_free (get_token (f, "?tenant=acme",
                     "grant_type=client_credentials&client_id=id-2&client_secret=secret-2",
                     &status));
  g_assert_cmpuint (status, ==, 200);
}

static void
test_authinfo (Fixture *f, gconstpointer data)
{
  g_auto (Response) response = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *expected = g_strdup_printf ("%s/auth", hy_sim_get_base_url (f->sim));

  send_full (f, "GET", "/api/authinfo", NULL, NULL, NULL, &response);
  g_assert_no_error (response.error);
  g_assert_cmpuint (response.status, ==, 200);
  node = parse (response.body);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "auth_url"), ==,
                   expected);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "tenant_id"), ==,
                   "demo");
}

static void
test_unauthorized (Fixture *f, gconstpointer data)
{
  g_auto (Response) none = { 0 };
  g_auto (Response) garbage = { 0 };
  g_auto (Response) expired = { 0 };
  g_auto (Response) revoked = { 0 };
  g_auto (Response) fresh = { 0 };
  g_autofree char *short_lived = NULL;

  send_full (f, "GET", "/api/Client", NULL, NULL, NULL, &none);
  g_assert_cmpuint (none.status, ==, 401);
  g_assert_cmpstr (none.www_authenticate, ==, "Bearer");

  send_full (f, "GET", "/api/Client", "not-a-token", NULL, NULL, &garbage);
  g_assert_cmpuint (garbage.status, ==, 401);

  hy_sim_set_token_lifetime (f->sim, 0);
  short_lived = token_for_scope (f, "all");
  send_full (f, "GET", "/api/Client", short_lived, NULL, NULL, &expired);
  g_assert_cmpuint (expired.status, ==, 401);
  hy_sim_set_token_lifetime (f->sim, 3600);

  hy_sim_revoke_tokens (f->sim);
  send_full (f, "GET", "/api/Client", f->token, NULL, NULL, &revoked);
  g_assert_cmpuint (revoked.status, ==, 401);

  g_free (f->token);
  f->token = token_for_scope (f, "all");
  g_assert_cmpuint (api_get (f, "/api/Client", &fresh), ==, 200);
}

static void
test_forbidden (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *scope;
    const char *method;
    const char *path;
    guint status;
  } cases[] = {
    { "read:customers", "GET", "/api/Client", 200 },
    { "read:customers", "GET", "/api/Site", 200 },
    { "read:customers", "GET", "/api/Users", 200 },
    { "read:customers", "POST", "/api/Client", 403 },
    { "read:customers", "GET", "/api/Asset", 403 },
    { "read:customers", "GET", "/api/Tickets", 403 },
    { "read:customers", "GET", "/api/Agent", 403 },
    { "read:customers", "GET", "/api/Team", 403 },
    { "read:customers", "GET", "/api/Agent/me", 200 },
    { "edit:customers", "POST", "/api/Client", 201 },
    { "read:assets", "GET", "/api/AssetType", 200 },
    { "read:assets", "POST", "/api/Asset", 403 },
    { "edit:assets", "GET", "/api/Asset", 200 },
    { "edit:tickets", "GET", "/api/Outcome", 200 },
    { "edit:tickets", "GET", "/api/Status", 200 },
    { "edit:tickets", "GET", "/api/TicketType", 200 },
    { "edit:tickets", "GET", "/api/Actions", 200 },
    { "edit:tickets", "GET", "/api/Client", 403 },
    { "admin", "GET", "/api/Team", 200 },
    { "all", "GET", "/api/Agent", 200 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Response) response = { 0 };
      g_autofree char *token = token_for_scope (f, cases[i].scope);

      send_full (f, cases[i].method, cases[i].path, token, "application/json",
                 g_strcmp0 (cases[i].method, "POST") == 0 ? "[{\"name\":\"Scoped Ltd\"}]" : NULL,
                 &response);
      g_assert_no_error (response.error);
      if (response.status != cases[i].status)
        g_error ("%s %s with %s: %u, expected %u", cases[i].method, cases[i].path, cases[i].scope,
                 response.status, cases[i].status);
      if (response.status == 403)
        {
          g_autoptr (JsonNode) node = parse (response.body);

          g_assert_true (json_object_has_member (json_node_get_object (node), "ClassName"));
        }
    }

  /* The application's granted scopes cut even an "all" token down. */
  {
    g_auto (Response) customers = { 0 };
    g_auto (Response) tickets = { 0 };

    hy_sim_set_granted_scopes (f->sim, "read:tickets");
    g_assert_cmpuint (api_get (f, "/api/Client", &customers), ==, 403);
    g_assert_nonnull (strstr (customers.body, "read:customers"));
    g_assert_cmpuint (api_get (f, "/api/Tickets", &tickets), ==, 200);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Lists                                                                                      */
/* ------------------------------------------------------------------------------------------ */

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
  g_auto (Response) page1 = { 0 };
  g_auto (Response) page2 = { 0 };
  g_auto (Response) page3 = { 0 };
  g_auto (Response) capped = { 0 };
  g_auto (Response) counted = { 0 };
  g_auto (Response) all = { 0 };
  g_autoptr (JsonArray) a1 = NULL;
  g_autoptr (JsonArray) a2 = NULL;
  g_autoptr (JsonArray) a3 = NULL;
  g_autoptr (JsonArray) ac = NULL;
  g_autoptr (JsonArray) an = NULL;
  g_autoptr (JsonArray) aa = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  gint64 total;

  /* 20 clients × 10 assets: page_size=500 is capped at 100. */
  api_get (f, "/api/Asset?pageinate=true&page_size=500&page_no=1", &page1);
  a1 = wrapped_list (page1.body, "assets", &total);
  g_assert_cmpint (total, ==, 200);
  g_assert_cmpuint (json_array_get_length (a1), ==, 100);

  api_get (f, "/api/Asset?pageinate=true&page_size=500&page_no=2", &page2);
  a2 = wrapped_list (page2.body, "assets", &total);
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

  api_get (f, "/api/Asset?pageinate=true&page_size=500&page_no=3", &page3);
  a3 = wrapped_list (page3.body, "assets", &total);
  g_assert_cmpuint (json_array_get_length (a3), ==, 0);
  g_assert_cmpint (total, ==, 200);

  hy_sim_set_page_cap (f->sim, 30);
  api_get (f, "/api/Asset?pageinate=true&page_size=50&page_no=1", &capped);
  ac = wrapped_list (capped.body, "assets", &total);
  g_assert_cmpuint (json_array_get_length (ac), ==, 30);

  api_get (f, "/api/Asset?count=7", &counted);
  an = wrapped_list (counted.body, "assets", &total);
  g_assert_cmpuint (json_array_get_length (an), ==, 7);
  g_assert_cmpint (total, ==, 200);

  /* Lists leave asset fields out unless asked for. */
  g_assert_false (json_object_has_member (json_array_get_object_element (an, 0), "fields"));
  api_get (f, "/api/Asset?client_id=12&includeassetfields=true", &all);
  aa = wrapped_list (all.body, "assets", &total);
  g_assert_cmpint (total, ==, 10);
  g_assert_true (json_object_has_member (json_array_get_object_element (aa, 0), "fields"));
}

static void
test_filters (Fixture *f, gconstpointer data)
{
  g_auto (Response) sites = { 0 };
  g_auto (Response) search = { 0 };
  g_auto (Response) ignored = { 0 };
  g_auto (Response) plain = { 0 };
  g_auto (Response) agents = { 0 };
  g_auto (Response) api_agents = { 0 };
  g_auto (Response) inactive = { 0 };
  g_auto (Response) tag = { 0 };
  g_autoptr (JsonArray) site_list = NULL;
  g_autoptr (JsonArray) search_list = NULL;
  g_autoptr (JsonArray) ignored_list = NULL;
  g_autoptr (JsonArray) plain_list = NULL;
  g_autoptr (JsonArray) agent_list = NULL;
  g_autoptr (JsonArray) api_agent_list = NULL;
  g_autoptr (JsonArray) inactive_list = NULL;
  g_autoptr (JsonArray) tag_list = NULL;
  gint64 total;
  gint64 total_plain;
  gint64 total_inactive;

  api_get (f, "/api/Site?client_id=12", &sites);
  site_list = wrapped_list (sites.body, "sites", &total);
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
  api_get (f, "/api/Client?search=acme", &search);
  search_list = wrapped_list (search.body, "clients", &total);
  g_assert_cmpint (total, >=, 2);

  /* A filter Halo lacks is ignored: the whole list comes back. */
  api_get (f, "/api/Client?third_party_id=999999", &ignored);
  ignored_list = wrapped_list (ignored.body, "clients", &total);
  api_get (f, "/api/Client", &plain);
  plain_list = wrapped_list (plain.body, "clients", &total_plain);
  g_assert_cmpint (total, ==, total_plain);
  g_assert_cmpint (total, >, 1);

  /* Inactive clients only with includeinactive=true. */
  api_get (f, "/api/Client?includeinactive=true", &inactive);
  inactive_list = wrapped_list (inactive.body, "clients", &total_inactive);
  g_assert_cmpint (total_inactive, ==, 20);
  g_assert_cmpint (total_plain, <, total_inactive);

  /* The API-only agent only with includeapiagents=true. */
  api_get (f, "/api/Agent", &agents);
  agent_list = bare_list (agents.body);
  for (guint i = 0; i < json_array_get_length (agent_list); i++)
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (agent_list, i),
                                                    "isapiagent"));
  api_get (f, "/api/Agent?includeapiagents=true", &api_agents);
  api_agent_list = bare_list (api_agents.body);
  g_assert_cmpuint (json_array_get_length (api_agent_list), ==,
                    json_array_get_length (agent_list) + 1);

  /* /api/Agent/me: the application's login agent, the API-only one. */
  {
    g_auto (Response) me = { 0 };
    g_autoptr (JsonNode) me_node = NULL;
    g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);

    g_assert_cmpuint (api_get (f, "/api/Agent/me", &me), ==, 200);
    me_node = parse (me.body);
    g_assert_true (json_object_get_boolean_member (json_node_get_object (me_node), "isapiagent"));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (me_node), "id"), ==,
                     json_object_get_int_member (json_node_get_object (state), "app_agent_id"));
  }

  /* Tickets: third_party_id is not a filter Halo has; everything comes back. */
  {
    g_auto (Response) created = { 0 };
    g_auto (Response) all_tickets = { 0 };
    g_autoptr (JsonArray) ticket_list = NULL;

    g_assert_cmpuint (api_post (f, "/api/Tickets",
                                "[{\"summary\":\"A\",\"tickettype_id\":1,\"client_id\":12,"
                                "\"third_party_id\":1},{\"summary\":\"B\",\"tickettype_id\":1,"
                                "\"client_id\":12,\"third_party_id\":2}]",
                                &created),
                      ==, 201);
    api_get (f, "/api/Tickets?third_party_id=1", &all_tickets);
    ticket_list = wrapped_list (all_tickets.body, "tickets", &total);
    g_assert_cmpint (total, ==, 2);
  }

  api_get (f, "/api/Asset?inventory_number=ws-00001", &tag);
  tag_list = wrapped_list (tag.body, "assets", &total);
  g_assert_cmpint (total, <=, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Writes                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void
test_post_create_update (Fixture *f, gconstpointer data)
{
  g_auto (Response) created = { 0 };
  g_auto (Response) updated = { 0 };
  g_auto (Response) unknown = { 0 };
  g_auto (Response) single = { 0 };
  g_auto (Response) missing = { 0 };
  g_auto (Response) object_body = { 0 };
  g_auto (Response) site = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) updated_node = NULL;
  g_autoptr (JsonObject) stored = NULL;
  g_autofree char *update = NULL;
  g_autofree char *site_body = NULL;
  gint64 id;
  guint clients = state_count (f, "clients");

  g_assert_cmpuint (api_post (f, "/api/Client", "[{\"name\":\"Zebra Zahnarzt GmbH\"}]", &created),
                    ==, 201);
  node = parse (created.body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  id = json_object_get_int_member (json_node_get_object (node), "id");
  g_assert_cmpint (id, >, 0);
  g_assert_cmpuint (state_count (f, "clients"), ==, clients + 1);

  update =
      g_strdup_printf ("[{\"id\":%" G_GINT64_FORMAT ",\"website\":\"https://zebra.example\"}]", id);
  g_assert_cmpuint (api_post (f, "/api/Client", update, &updated), ==, 201);
  updated_node = parse (updated.body);
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

  g_assert_cmpuint (api_get (f, "/api/client/12", &single), ==, 200);
  g_assert_cmpuint (api_get (f, "/api/Client/987654", &missing), ==, 404);

  /* DELETE: gone from reads; an unknown id is a 404; it needs the edit scope. */
  {
    g_auto (Response) deleted = { 0 };
    g_auto (Response) again = { 0 };
    g_auto (Response) read = { 0 };
    g_auto (Response) forbidden = { 0 };
    g_autofree char *read_only = token_for_scope (f, "read:customers");

    send_full (f, "DELETE", "/api/Client/13", read_only, NULL, NULL, &forbidden);
    g_assert_cmpuint (forbidden.status, ==, 403);
    send_full (f, "DELETE", "/api/Client/13", f->token, NULL, NULL, &deleted);
    g_assert_cmpuint (deleted.status, ==, 200);
    g_assert_null (state_find (f, "clients", 13));
    g_assert_cmpuint (api_get (f, "/api/Client/13", &read), ==, 404);
    send_full (f, "DELETE", "/api/Client/13", f->token, NULL, NULL, &again);
    g_assert_cmpuint (again.status, ==, 404);
    g_assert_cmpuint (state_count (f, "clients"), ==, clients);
  }

  /* Halo takes arrays only. */
  g_assert_cmpuint (api_post (f, "/api/Client", "{\"name\":\"Not an array\"}", &object_body), ==,
                    400);

  /* A site needs a real client; the answer names the client. */
  site_body = g_strdup_printf ("[{\"name\":\"Lyon\",\"client_id\":%" G_GINT64_FORMAT "}]", id);
  g_assert_cmpuint (api_post (f, "/api/Site", site_body, &site), ==, 201);
  g_assert_nonnull (strstr (site.body, "Zebra Zahnarzt GmbH"));

  /* The stored 12.0 does not stop an update that leaves client_id alone; a sent 12.0 does. */
  {
    g_auto (Response) renamed = { 0 };
    g_auto (Response) decimal = { 0 };
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

    g_assert_cmpuint (api_post (f, "/api/Site", rename, &renamed), ==, 201);
    g_assert_cmpuint (api_post (f, "/api/Site", bad, &decimal), ==, 400);
    g_assert_cmpuint (api_post (f, "/api/Users", new_user, &user), ==, 201);
    g_assert_nonnull (strstr (user.body, "\"client_name\":\"Zebra Zahnarzt GmbH\""));
  }
}

static void
test_post_multi_returns_last (Fixture *f, gconstpointer data)
{
  g_auto (Response) response = { 0 };
  g_autoptr (JsonNode) node = NULL;
  guint assets = state_count (f, "assets");

  g_assert_cmpuint (
      api_post (f, "/api/Asset",
                "[{\"assettype_id\":130,\"site_id\":20,\"inventory_number\":\"NEW-1\","
                "\"fields\":[{\"id\":101,\"value\":\"NEW-PC-1\"},{\"id\":117,\"value\":\"S1\"}]},"
                "{\"assettype_id\":131,\"client_id\":13,\"inventory_number\":\"NEW-2\"},"
                "{\"assettype_id\":132,\"site_id\":20,\"inventory_number\":\"NEW-3\","
                "\"fields\":[{\"id\":101,\"value\":\"NEW-SRV-3\"}]}]",
                &response),
      ==, 201);
  node = parse (response.body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "inventory_number"),
                   ==, "NEW-3");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "key_field"), ==,
                   "NEW-SRV-3");
  g_assert_cmpuint (state_count (f, "assets"), ==, assets + 3);

  /* ?returnall=true: every saved record, as an array. */
  {
    g_auto (Response) all = { 0 };
    g_autoptr (JsonNode) all_node = NULL;

    g_assert_cmpuint (api_post (f, "/api/Client?returnall=true",
                                "[{\"name\":\"First Ltd\"},{\"name\":\"Second Ltd\"}]", &all),
                      ==, 201);
    all_node = parse (all.body);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (all_node));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (all_node)), ==, 2);
  }

  /* A Halo that ignores ?returnall (the API and the faults document): the last record only. */
  {
    g_auto (Response) ignored = { 0 };
    g_auto (Response) faults = { 0 };
    g_auto (Response) honoured = { 0 };
    g_autoptr (JsonNode) ignored_node = NULL;
    g_autoptr (JsonNode) honoured_node = NULL;

    hy_sim_set_ignore_returnall (f->sim, TRUE);
    g_assert_cmpuint (api_post (f, "/api/Client?returnall=true",
                                "[{\"name\":\"Third Ltd\"},{\"name\":\"Fourth Ltd\"}]", &ignored),
                      ==, 201);
    ignored_node = parse (ignored.body);
    g_assert_true (JSON_NODE_HOLDS_OBJECT (ignored_node));
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (ignored_node), "name"),
                     ==, "Fourth Ltd");

    send_full (f, "POST", "/_sim/faults", NULL, "application/json", "{\"ignore_returnall\":false}",
               &faults);
    g_assert_cmpuint (faults.status, ==, 204);
    g_assert_cmpuint (api_post (f, "/api/Client?returnall=true",
                                "[{\"name\":\"Fifth Ltd\"},{\"name\":\"Sixth Ltd\"}]", &honoured),
                      ==, 201);
    honoured_node = parse (honoured.body);
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
  g_auto (Response) summary = { 0 };
  g_auto (Response) details = { 0 };
  g_auto (Response) flag = { 0 };
  g_autoptr (JsonArray) summary_list = NULL;
  g_autoptr (JsonArray) details_list = NULL;
  g_autoptr (JsonArray) flag_list = NULL;
  gint64 total;

  api_get (f, "/api/Tickets?search=95%25", &summary);
  summary_list = wrapped_list (summary.body, "tickets", &total);
  g_assert_cmpint (total, ==, 0);
  api_get (f, "/api/Tickets?search_details=95%25&includedetails=true", &details);
  details_list = wrapped_list (details.body, "tickets", &total);
  g_assert_cmpint (total, ==, 1);
  g_assert_false (
      json_object_has_member (json_array_get_object_element (details_list, 0), "details"));
  api_get (f, "/api/Tickets?search=95%25&search_details=true", &flag);
  flag_list = wrapped_list (flag.body, "tickets", &total);
  g_assert_cmpint (total, ==, 0);
}

/* asset_id: the tickets that name the asset. */
static void
check_ticket_asset_filter (Fixture *f)
{
  g_auto (Response) by_asset = { 0 };
  g_auto (Response) other_asset = { 0 };
  g_autoptr (JsonArray) by_asset_list = NULL;
  g_autoptr (JsonArray) other_list = NULL;
  gint64 total;

  api_get (f, "/api/Tickets?asset_id=77", &by_asset);
  by_asset_list = wrapped_list (by_asset.body, "tickets", &total);
  g_assert_cmpint (total, ==, 1);
  api_get (f, "/api/Tickets?asset_id=78", &other_asset);
  other_list = wrapped_list (other_asset.body, "tickets", &total);
  g_assert_cmpint (total, ==, 0);
}

static void
test_ticket_validation (Fixture *f, gconstpointer data)
{
  g_auto (Response) no_type = { 0 };
  g_auto (Response) bad_client = { 0 };
  g_auto (Response) cab = { 0 };
  g_auto (Response) decimal = { 0 };
  g_auto (Response) good = { 0 };
  g_auto (Response) string_id = { 0 };
  g_auto (Response) open = { 0 };
  g_autoptr (JsonNode) cab_node = NULL;
  g_autoptr (JsonNode) good_node = NULL;
  g_autoptr (JsonArray) open_list = NULL;
  guint tickets = state_count (f, "tickets");
  gint64 total;

  g_assert_cmpuint (api_post (f, "/api/Tickets", "[{\"summary\":\"x\",\"client_id\":12}]",
                              &no_type),
                    ==, 400);
  g_assert_cmpuint (api_post (f, "/api/Tickets",
                              "[{\"summary\":\"x\",\"tickettype_id\":1,\"client_id\":999}]",
                              &bad_client),
                    ==, 400);
  g_assert_cmpuint (api_post (f, "/api/Tickets",
                              "[{\"summary\":\"x\",\"tickettype_id\":3,\"client_id\":12}]", &cab),
                    ==, 400);
  cab_node = parse (cab.body);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (cab_node), "Message"), ==,
                   "CODE:APP03/2 Please select the CAB members to approve");
  g_assert_true (json_object_has_member (json_node_get_object (cab_node), "ClassName"));

  /* Halo refuses "12.0" where an int is expected. */
  g_assert_cmpuint (api_post (f, "/api/Tickets",
                              "[{\"summary\":\"x\",\"tickettype_id\":1,\"client_id\":12.0}]",
                              &decimal),
                    ==, 400);
  g_assert_cmpuint (state_count (f, "tickets"), ==, tickets);

  g_assert_cmpuint (api_post (f, "/api/Tickets",
                              "[{\"summary\":\"Disk full\",\"details\":\"C: at 95%\","
                              "\"tickettype_id\":1,\"client_id\":12,\"assets\":[{\"id\":77}],"
                              "\"third_party_id\":42}]",
                              &good),
                    ==, 201);
  good_node = parse (good.body);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (good_node), "site_id"), ==,
                   20);
  g_assert_false (
      json_object_get_boolean_member (json_node_get_object (good_node), "hasbeenclosed"));
  g_assert_true (json_object_has_member (json_node_get_object (good_node), "dateoccurred"));
  g_assert_cmpuint (api_post (f, "/api/Tickets",
                              "[{\"summary\":\"y\",\"tickettype_id\":\"4\",\"client_id\":\"13\"}]",
                              &string_id),
                    ==, 201);
  g_assert_cmpuint (state_count (f, "tickets"), ==, tickets + 2);

  api_get (f, "/api/Tickets?open_only=true&client_id=12", &open);
  open_list = wrapped_list (open.body, "tickets", &total);
  g_assert_cmpint (total, ==, 1);

  check_ticket_search (f);
  check_ticket_asset_filter (f);
}

static void
test_actions (Fixture *f, gconstpointer data)
{
  g_auto (Response) ticket = { 0 };
  g_auto (Response) no_outcome = { 0 };
  g_auto (Response) no_ticket = { 0 };
  g_auto (Response) by_name = { 0 };
  g_auto (Response) by_agent = { 0 };
  g_auto (Response) harsh = { 0 };
  g_auto (Response) listed = { 0 };
  g_autoptr (JsonNode) ticket_node = NULL;
  g_autoptr (JsonNode) name_node = NULL;
  g_autoptr (JsonNode) agent_node = NULL;
  g_autoptr (JsonNode) harsh_node = NULL;
  g_autoptr (JsonObject) stored = NULL;
  g_autoptr (JsonArray) action_list = NULL;
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
  g_assert_cmpuint (api_post (f, "/api/Actions", "[{\"outcome\":\"Private Note\"}]", &no_ticket),
                    ==, 400);
  g_assert_cmpuint (state_count (f, "actions"), ==, 0);

  g_free (body);
  body = g_strdup_printf ("[{\"ticket_id\":%" G_GINT64_FORMAT ",\"outcome\":\"private note\","
                          "\"note\":\"Cleared temp files\",\"timetaken\":0.5,"
                          "\"who_agentid\":99999,\"new_status\":9}]",
                          ticket_id);
  g_assert_cmpuint (api_post (f, "/api/Actions", body, &by_name), ==, 201);
  name_node = parse (by_name.body);
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
  g_assert_cmpuint (api_post (f, "/api/Actions", body, &harsh), ==, 201);
  harsh_node = parse (harsh.body);
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
  api_get (f, body, &listed);
  action_list = wrapped_list (listed.body, "actions", &total);
  g_assert_cmpint (total, ==, 3);
}

/* ------------------------------------------------------------------------------------------ */
/* Faults                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void
test_rate_limit (Fixture *f, gconstpointer data)
{
  g_auto (Response) limited = { 0 };
  g_auto (Response) with_header = { 0 };
  g_auto (Response) token = { 0 };
  g_auto (Response) later = { 0 };

  hy_sim_set_rate_limit (f->sim, 3, 60000, FALSE);
  for (guint i = 0; i < 3; i++)
    {
      g_auto (Response) ok = { 0 };

      g_assert_cmpuint (api_get (f, "/api/Status", &ok), ==, 200);
    }

  g_assert_cmpuint (api_get (f, "/api/Status", &limited), ==, 429);
  g_assert_cmpstr (limited.body, ==, "Rate Limit Reached - 3 Requests per rolling 1 minute window");
  g_assert_null (limited.retry_after);

  /* The token endpoint counts too. */
  send_full (f, "POST", "/auth/token", NULL, "application/x-www-form-urlencoded",
             "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret",
             &token);
  g_assert_cmpuint (token.status, ==, 429);

  hy_sim_set_rate_limit (f->sim, 1, 300000, TRUE);
  {
    g_auto (Response) first = { 0 };

    g_assert_cmpuint (api_get (f, "/api/Status", &first), ==, 200);
  }
  g_assert_cmpuint (api_get (f, "/api/Status", &with_header), ==, 429);
  g_assert_cmpstr (with_header.body, ==,
                   "Rate Limit Reached - 1 Requests per rolling 5 minute window");
  g_assert_nonnull (with_header.retry_after);
  g_assert_cmpint (g_ascii_strtoll (with_header.retry_after, NULL, 10), >=, 299);

  /* A rolling window: once it has passed, requests go through again. */
  hy_sim_set_rate_limit (f->sim, 2, 800, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      g_auto (Response) ok = { 0 };

      g_assert_cmpuint (api_get (f, "/api/Status", &ok), ==, 200);
    }
  {
    g_auto (Response) over = { 0 };

    g_assert_cmpuint (api_get (f, "/api/Status", &over), ==, 429);
  }
  hy_clock_advance (f->clock, 900 * 1000);
  g_assert_cmpuint (api_get (f, "/api/Status", &later), ==, 200);

  hy_sim_set_rate_limit (f->sim, 0, 0, FALSE);
}

static void
test_fail_next_and_server_errors (Fixture *f, gconstpointer data)
{
  g_auto (Response) third = { 0 };
  g_auto (Response) html = { 0 };

  hy_sim_fail_next (f->sim, 2, 503);
  for (guint i = 0; i < 2; i++)
    {
      g_auto (Response) failed = { 0 };

      g_assert_cmpuint (api_get (f, "/api/Client", &failed), ==, 503);
    }
  g_assert_cmpuint (api_get (f, "/api/Client", &third), ==, 200);

  hy_sim_fail_next (f->sim, 1, 429);
  {
    g_auto (Response) limited = { 0 };

    g_assert_cmpuint (api_get (f, "/api/Client", &limited), ==, 429);
    g_assert_cmpstr (limited.body, ==,
                     "Rate Limit Reached - 300 Requests per rolling 5 minute window");
    g_assert_null (limited.retry_after);
  }

  hy_sim_fail_next (f->sim, 1, 502);
  g_assert_cmpuint (api_get (f, "/api/Client", &html), ==, 502);
  g_assert_true (g_str_has_prefix (html.content_type, "text/html"));

  hy_sim_set_server_errors (f->sim, 1.0, 7);
  for (guint i = 0; i < 6; i++)
    {
      g_auto (Response) failed = { 0 };
      guint status = api_get (f, "/api/Client", &failed);

      g_assert_true (status == 500 || status == 502);
    }

  hy_sim_set_server_errors (f->sim, 0.0, 7);
  hy_sim_set_down (f->sim, TRUE);
  {
    g_auto (Response) down = { 0 };

    g_assert_cmpuint (api_get (f, "/api/Client", &down), ==, 503);
  }
  hy_sim_set_down (f->sim, FALSE);
  {
    g_auto (Response) up = { 0 };

    g_assert_cmpuint (api_get (f, "/api/Client", &up), ==, 200);
  }
}

static void
test_drop_after_commit (Fixture *f, gconstpointer data)
{
  g_auto (Response) dropped = { 0 };
  g_auto (Response) normal = { 0 };
  g_autoptr (JsonNode) state = NULL;
  JsonArray *tickets;
  guint before = state_count (f, "tickets");
  gboolean found = FALSE;

  hy_sim_drop_after_commit (f->sim, 1);
  send_full (f, "POST", "/api/Tickets", f->token, "application/json",
             "[{\"summary\":\"Lost reply\",\"tickettype_id\":4,\"client_id\":12}]", &dropped);
  g_assert_nonnull (dropped.error);
  g_assert_cmpuint (dropped.status, ==, 0);

  /* The write happened, exactly once. */
  state = hy_sim_dump_state (f->sim);
  tickets = json_object_get_array_member (json_node_get_object (state), "tickets");
  g_assert_cmpuint (json_array_get_length (tickets), ==, before + 1);
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (tickets, i),
                                                       "summary"),
                        "Lost reply") == 0;
  g_assert_true (found);

  g_assert_cmpuint (api_post (f, "/api/Tickets",
                              "[{\"summary\":\"Heard\",\"tickettype_id\":4,\"client_id\":12}]",
                              &normal),
                    ==, 201);
  g_assert_cmpuint (state_count (f, "tickets"), ==, before + 2);
}

static void
test_latency (Fixture *f, gconstpointer data)
{
  g_auto (Response) response = { 0 };
  gint64 start;

  hy_sim_set_latency (f->sim, 150);
  start = g_get_monotonic_time ();
  g_assert_cmpuint (api_get (f, "/api/Status", &response), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  hy_sim_set_latency (f->sim, 0);
}

static void
test_sim_endpoints (Fixture *f, gconstpointer data)
{
  g_auto (Response) state = { 0 };
  g_auto (Response) faults = { 0 };
  g_auto (Response) failed = { 0 };
  g_auto (Response) scoped = { 0 };
  g_auto (Response) bad = { 0 };
  g_auto (Response) seeded = { 0 };
  g_auto (Response) bad_seed = { 0 };
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;
  static const char *const keys[] = { "clients",  "sites",    "assets",      "agents",
                                      "tickets",  "actions",  "users",       "ticket_types",
                                      "statuses", "outcomes", "asset_types", "teams" };

  send_full (f, "GET", "/_sim/state", NULL, NULL, NULL, &state);
  g_assert_cmpuint (state.status, ==, 200);
  node = parse (state.body);
  object = json_node_get_object (node);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_get_array_member (object, keys[i]) != NULL);
  g_assert_cmpint (json_object_get_int_member (object, "requests"), >=, 1);

  send_full (f, "POST", "/_sim/faults", NULL, "application/json",
             "{\"fail_next\":{\"count\":1,\"status\":500},\"page_cap\":100}", &faults);
  g_assert_cmpuint (faults.status, ==, 204);
  g_assert_cmpuint (api_get (f, "/api/Client", &failed), ==, 500);

  send_full (f, "POST", "/_sim/faults", NULL, "application/json",
             "{\"granted_scopes\":\"read:tickets\"}", &faults);
  g_assert_cmpuint (api_get (f, "/api/Client", &scoped), ==, 403);

  send_full (f, "POST", "/_sim/faults", NULL, "application/json", "{not json", &bad);
  g_assert_cmpuint (bad.status, ==, 400);

  /* A seed through HTTP, for a separate sim process. */
  send_full (f, "POST", "/_sim/seed", NULL, "application/json",
             "{\"clients\":[{\"id\":5,\"name\":\"Only Client\"}]}", &seeded);
  g_assert_cmpuint (seeded.status, ==, 204);
  g_assert_cmpuint (state_count (f, "clients"), ==, 1);
  g_assert_cmpuint (state_count (f, "statuses"), >, 0);
  send_full (f, "POST", "/_sim/seed", NULL, "application/json",
             "{\"clients\":[{\"id\":5,\"name\":\"A\"},{\"id\":5,\"name\":\"B\"}]}", &bad_seed);
  g_assert_cmpuint (bad_seed.status, ==, 400);
  g_assert_cmpuint (state_count (f, "clients"), ==, 1);
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

static void
test_request_counts (Fixture *f, gconstpointer data)
{
  g_auto (Response) a = { 0 };
  g_auto (Response) b = { 0 };
  g_auto (Response) c = { 0 };
  g_auto (Response) state = { 0 };

  hy_sim_reset_counters (f->sim);
  api_get (f, "/api/Client", &a);
  api_get (f, "/API/client?search=x", &b);
  api_post (f, "/api/Client", "[{\"name\":\"Counted Ltd\"}]", &c);
  send_full (f, "GET", "/_sim/state", NULL, NULL, NULL, &state);

  g_assert_cmpuint (hy_sim_get_request_count (f->sim), ==, 3);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/client"), ==, 2);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "post", "/API/Client"), ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, NULL, "/api/"), ==, 3);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/asset"), ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Generator and seeds (no server needed)                                                     */
/* ------------------------------------------------------------------------------------------ */

static char *
generated_state (guint32 seed, guint clients)
{
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (JsonNode) state = NULL;
  HySimGenerateOptions options;

  hy_sim_generate_options_init (&options);
  options.seed = seed;
  options.clients = clients;
  hy_sim_generate (sim, &options);
  state = hy_sim_dump_state (sim);

  return json_to_string (state, FALSE);
}

/* The generated clients repeat a name and include look-alikes (Acme Ltd, ACME Limited) and
 * accents; their sites are head offices, main sites and branches in cities */
static void
check_generated_names (JsonArray *clients, JsonArray *sites)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean duplicate = FALSE;
  gboolean acme = FALSE;
  gboolean acme_upper = FALSE;
  gboolean accents = FALSE;
  gboolean head_office = FALSE;
  gboolean main_site = FALSE;
  gboolean city = FALSE;

  for (guint i = 0; i < json_array_get_length (clients); i++)
    {
      const char *name =
          json_object_get_string_member (json_array_get_object_element (clients, i), "name");

      duplicate |= g_hash_table_contains (names, name);
      g_hash_table_add (names, (gpointer) name);
      acme |= g_strcmp0 (name, "Acme Ltd") == 0;
      acme_upper |= g_strcmp0 (name, "ACME Limited") == 0;
      accents |= g_strcmp0 (name, "Société Générale Démo") == 0;
    }
  g_assert_true (duplicate);
  g_assert_true (acme);
  g_assert_true (acme_upper);
  g_assert_true (accents);

  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      const char *name =
          json_object_get_string_member (json_array_get_object_element (sites, i), "name");

      head_office |= g_strcmp0 (name, "Head Office") == 0;
      main_site |= g_strcmp0 (name, "Main") == 0;
      city |= g_strcmp0 (name, "Head Office") != 0 && g_strcmp0 (name, "Main") != 0;
    }
  g_assert_true (head_office && main_site && city);
}

/* Every generated asset has its key members and a Serial Number field */
static void
check_generated_assets (JsonArray *assets)
{
  for (guint i = 0; i < json_array_get_length (assets); i++)
    {
      JsonObject *asset = json_array_get_object_element (assets, i);
      JsonArray *fields = json_object_get_array_member (asset, "fields");
      gboolean serial = FALSE;

      g_assert_cmpstr (json_object_get_string_member (asset, "inventory_number"), !=, "");
      g_assert_cmpstr (json_object_get_string_member (asset, "key_field"), !=, "");
      g_assert_cmpint (json_object_get_int_member (asset, "client_id"), >, 0);
      g_assert_cmpint (json_object_get_int_member (asset, "site_id"), >, 0);
      g_assert_cmpint (json_object_get_int_member (asset, "assettype_id"), >, 0);
      for (guint j = 0; j < json_array_get_length (fields); j++)
        serial |=
            g_strcmp0 (json_object_get_string_member (json_array_get_object_element (fields, j),
                                                      "name"),
                       "Serial Number") == 0;
      g_assert_true (serial);
    }
}

static void
test_generator (void)
{
  g_autofree char *a = generated_state (42, 30);
  g_autofree char *b = generated_state (42, 30);
  g_autofree char *c = generated_state (43, 30);
  g_autoptr (JsonNode) node = parse (a);
  JsonObject *state = json_node_get_object (node);
  JsonArray *clients = json_object_get_array_member (state, "clients");
  JsonArray *sites = json_object_get_array_member (state, "sites");
  JsonArray *assets = json_object_get_array_member (state, "assets");
  JsonArray *agents = json_object_get_array_member (state, "agents");
  JsonArray *types = json_object_get_array_member (state, "ticket_types");
  JsonArray *statuses = json_object_get_array_member (state, "statuses");
  JsonArray *outcomes = json_object_get_array_member (state, "outcomes");
  gboolean closed = FALSE;
  gboolean private_note = FALSE;
  gboolean change_request = FALSE;
  guint api_agents = 0;

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);

  g_assert_cmpuint (json_array_get_length (clients), ==, 30);
  g_assert_cmpuint (json_array_get_length (sites), ==, 60);
  g_assert_cmpuint (json_array_get_length (assets), ==, 300);
  g_assert_cmpuint (json_array_get_length (agents), ==, 5);

  check_generated_names (clients, sites);
  check_generated_assets (assets);

  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      JsonObject *agent = json_array_get_object_element (agents, i);

      g_assert_nonnull (strchr (json_object_get_string_member (agent, "email"), '@'));
      api_agents += json_object_get_boolean_member (agent, "isapiagent");
    }
  g_assert_cmpuint (api_agents, ==, 1);

  /* Halo's system status Closed (statuses carry no "closed" member) */
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    closed |= json_object_get_int_member (json_array_get_object_element (statuses, i), "id") == 9 &&
              !json_object_has_member (json_array_get_object_element (statuses, i), "closed");
  for (guint i = 0; i < json_array_get_length (outcomes); i++)
    private_note |=
        g_strcmp0 (json_object_get_string_member (json_array_get_object_element (outcomes, i),
                                                  "outcome"),
                   "Private Note") == 0;
  for (guint i = 0; i < json_array_get_length (types); i++)
    change_request |=
        g_strcmp0 (json_object_get_string_member (json_array_get_object_element (types, i), "name"),
                   "Change Request") == 0;
  g_assert_true (closed && private_note && change_request);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "asset_types")), >,
                    0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "teams")), >, 0);
}

static void
test_seed_file (void)
{
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "seed.json", NULL);
  g_autofree char *dumped = NULL;
  g_autofree char *redumped = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HySim) copy = hy_sim_new ();
  g_autoptr (JsonNode) copy_state = NULL;

  g_assert_true (g_file_set_contents (
      path,
      "{\"clients\":[{\"id\":7,\"name\":\"Seeded GmbH\"}],"
      "\"sites\":[{\"id\":70,\"name\":\"Main\",\"client_id\":7}],"
      "\"agents\":[{\"id\":3,\"name\":\"Ann Agent\",\"email\":\"ann@msp.example\"},"
      "{\"id\":4,\"name\":\"API\",\"email\":\"api@msp.example\",\"isapiagent\":true}]}",
      -1, &error));
  g_assert_no_error (error);
  g_assert_true (hy_sim_load_seed_file (sim, path, &error));
  g_assert_no_error (error);

  state = hy_sim_dump_state (sim);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (state), "clients")),
                    ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (state), "app_agent_id"), ==,
                   4);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (state),
                                                      "ticket_types")),
                    >, 0);

  /* /_sim/state loads back as a seed, identically. */
  dumped = json_to_string (state, FALSE);
  g_assert_true (hy_sim_load_seed_json (copy, dumped, -1, &error));
  g_assert_no_error (error);
  copy_state = hy_sim_dump_state (copy);
  redumped = json_to_string (copy_state, FALSE);
  g_assert_cmpstr (dumped, ==, redumped);

  /* Bad seeds are refused and change nothing. */
  g_assert_false (hy_sim_load_seed_json (sim, "[1,2]", -1, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED);
  g_clear_error (&error);
  g_assert_false (hy_sim_load_seed_json (sim, "{\"clients\":[{\"name\":\"No id\"}]}", -1, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED);
  g_clear_error (&error);
  g_assert_false (hy_sim_load_seed_json (sim, "{\"clients\":", -1, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED);
  g_clear_error (&error);
  g_assert_false (hy_sim_load_seed_file (sim, "/nonexistent/seed.json", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (sim);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (state), "clients")),
                    ==, 1);
}

typedef struct
{
  const char *base_url;
  const char *token;
  guint ok;
  guint created;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", worker->token);

  for (guint i = 0; i < 40; i++)
    {
      gboolean write = i % 4 == 0;
      g_autofree char *url =
          g_strdup_printf ("%s%s", worker->base_url,
                           write ? "/api/Client"
                                 : "/api/Asset?pageinate=true&page_size=100&page_no=1");
      g_autoptr (SoupMessage) msg = soup_message_new (write ? "POST" : "GET", url);
      g_autoptr (GBytes) body = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
      if (write)
        {
          static const char json[] = "[{\"name\":\"Parallel Ltd\"}]";
          g_autoptr (GBytes) request = g_bytes_new_static (json, sizeof json - 1);

          soup_message_set_request_body_from_bytes (msg, "application/json", request);
        }

      body = soup_session_send_and_read (session, msg, NULL, NULL);
      if (body != NULL && soup_message_get_status (msg) == (write ? 201 : 200))
        {
          worker->ok++;
          worker->created += write;
        }
    }

  return NULL;
}

/* Four clients at once while faults change under them: no deadlock, every write counted. */
static void
test_concurrency (Fixture *f, gconstpointer data)
{
  Worker workers[4] = { { 0 } };
  GThread *threads[4];
  guint clients = state_count (f, "clients");
  guint created = 0;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      workers[i].base_url = hy_sim_get_base_url (f->sim);
      workers[i].token = f->token;
      threads[i] = g_thread_new ("sim-client", worker_thread, &workers[i]);
    }

  for (guint i = 0; i < 20; i++)
    {
      g_auto (Response) state = { 0 };

      hy_sim_set_page_cap (f->sim, i % 2 == 0 ? 50 : 100);
      hy_sim_set_latency (f->sim, i % 3);
      send_full (f, "GET", "/_sim/state", NULL, NULL, NULL, &state);
      g_assert_cmpuint (state.status, ==, 200);
    }

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (workers[i].ok, ==, 40);
      created += workers[i].created;
    }

  g_assert_cmpuint (created, ==, 40);
  g_assert_cmpuint (state_count (f, "clients"), ==, clients + created);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/client"), ==, 40);
}

/* The details and assets of a ticket come only with GET /Tickets/{id}?includedetails=true:
 * never in lists, whatever the query says (HALO-API §11). */
static void
test_ticket_details (Fixture *f, gconstpointer data)
{
  g_auto (Response) created = { 0 };
  g_auto (Response) plain = { 0 };
  g_auto (Response) full = { 0 };
  g_auto (Response) listed = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) plain_node = NULL;
  g_autoptr (JsonNode) full_node = NULL;
  g_autoptr (JsonArray) list = NULL;
  g_autofree char *path = NULL;
  gint64 id;
  gint64 total;

  g_assert_cmpuint (api_post (f, "/api/Tickets",
                              "[{\"summary\":\"Disk full\",\"details\":\"C: at 95%\","
                              "\"tickettype_id\":1,\"client_id\":12,\"assets\":[{\"id\":77}]}]",
                              &created),
                    ==, 201);
  node = parse (created.body);
  id = json_object_get_int_member (json_node_get_object (node), "id");

  path = g_strdup_printf ("/api/Tickets/%" G_GINT64_FORMAT, id);
  g_assert_cmpuint (api_get (f, path, &plain), ==, 200);
  plain_node = parse (plain.body);
  g_assert_false (json_object_has_member (json_node_get_object (plain_node), "details"));
  g_assert_false (json_object_has_member (json_node_get_object (plain_node), "assets"));

  g_free (path);
  path = g_strdup_printf ("/api/Tickets/%" G_GINT64_FORMAT "?includedetails=true", id);
  g_assert_cmpuint (api_get (f, path, &full), ==, 200);
  full_node = parse (full.body);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (full_node), "details"), ==,
                   "C: at 95%");
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (full_node), "assets")),
                    ==, 1);

  g_assert_cmpuint (api_get (f, "/api/Tickets?includedetails=true&client_id=12", &listed), ==, 200);
  list = wrapped_list (listed.body, "tickets", &total);
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
  g_auto (Response) created = { 0 };
  g_auto (Response) siteless = { 0 };
  g_auto (Response) type = { 0 };
  g_auto (Response) types = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) siteless_node = NULL;
  g_autoptr (JsonNode) type_node = NULL;
  g_autoptr (JsonArray) type_list = NULL;
  JsonObject *asset;
  JsonObject *unknown;

  g_assert_cmpuint (api_post (f, "/api/Asset",
                              "[{\"assettype_id\":130,\"client_id\":12,\"site_id\":20,"
                              "\"key_field\":\"ignored\",\"serial_number\":\"X\","
                              "\"fields\":[{\"id\":101,\"value\":\"PC-NEW\"},"
                              "{\"id\":117,\"value\":\"SN-NEW\"}]}]",
                              &created),
                    ==, 201);
  node = parse (created.body);
  asset = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (asset, "key_field"), ==, "PC-NEW");
  g_assert_cmpint (json_object_get_int_member (asset, "client_id"), ==, 12);

  g_assert_cmpuint (api_post (f, "/api/Asset",
                              "[{\"assettype_id\":130,\"client_id\":12,"
                              "\"fields\":[{\"id\":101,\"value\":\"PC-LOST\"}]}]",
                              &siteless),
                    ==, 201);
  siteless_node = parse (siteless.body);
  asset = json_node_get_object (siteless_node);
  unknown = state_find (f, "clients", json_object_get_int_member (asset, "client_id"));
  g_assert_cmpstr (json_object_get_string_member (unknown, "name"), ==, "Unknown");
  json_object_unref (unknown);

  api_get (f, "/api/AssetType", &types);
  type_list = bare_list (types.body);
  g_assert_false (json_object_has_member (json_array_get_object_element (type_list, 0), "fields"));
  g_assert_cmpuint (api_get (f, "/api/AssetType/130?includedetails=true", &type), ==, 200);
  type_node = parse (type.body);
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
  g_auto (Response) response = { 0 };
  g_autoptr (JsonNode) node = NULL;

  g_assert_cmpuint (api_get (f, path, &response), ==, 200);
  node = parse (response.body);
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
  g_auto (Response) response = { 0 };
  g_autoptr (JsonNode) node = NULL;

  g_assert_cmpuint (api_post (f, path, body, &response), ==, 201);
  node = parse (response.body);
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

static void
wait_for_requests (HySim *sim, guint count)
{
  while (hy_sim_get_request_count (sim) < count)
    g_main_context_iteration (NULL, FALSE);
}

/* A client that hangs up while its answer is held back by the latency: the held answer is
 * dropped with the connection (unpausing it would trip libsoup's io_data assertion). */
static void
test_latency_hang_up (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strdup_printf ("%s/api/authinfo", hy_sim_get_base_url (f->sim));
  guint before = hy_sim_get_request_count (f->sim);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr (SoupSession) session = new_session ();
      g_auto (Response) later = { 0 };

      hy_sim_set_latency (f->sim, 5);
      soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, cancellable, NULL, NULL);
      wait_for_requests (f->sim, ++before);
      g_cancellable_cancel (cancellable);
      g_clear_object (&session);

      /* An answer held longer comes after the hung-up one's time: when it arrives, the
       * simulator has been through the moment it would have answered the first. */
      hy_sim_set_latency (f->sim, 10);
      send_full (f, "GET", "/api/authinfo", NULL, NULL, NULL, &later);
      g_assert_no_error (later.error);
      g_assert_cmpuint (later.status, ==, 200);
      before++;
    }
}

/* Stopping while answers are held back, at every moment of their wait: none is sent on a
 * connection the stop has closed. */
static void
test_latency_stop (void)
{
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr (HySim) sim = hy_sim_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (SoupSession) session = new_session ();
      g_autofree char *url = NULL;

      g_assert_true (hy_sim_start (sim, 0, &error));
      g_assert_no_error (error);
      hy_sim_set_latency (sim, 1 + i % 3);
      url = g_strdup_printf ("%s/api/authinfo", hy_sim_get_base_url (sim));
      for (guint j = 0; j < 6; j++)
        {
          g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

          soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
        }
      wait_for_requests (sim, 1 + i % 6);
      hy_sim_stop (sim);
      g_clear_object (&session);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

static gboolean
request_seen (gpointer sim)
{
  return hy_sim_get_request_count (sim) > 0;
}

/* Start, a port already taken, stop with an answer still delayed, start again. */
static void
test_lifecycle (void)
{
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (HySim) other = hy_sim_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  g_assert_null (hy_sim_get_base_url (sim));
  g_assert_true (hy_sim_start (sim, 0, &error));
  g_assert_no_error (error);
  port = hy_sim_get_port (sim);
  g_assert_cmpuint (port, >, 0);

  g_assert_false (hy_sim_start (sim, 0, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_RUNNING);
  g_clear_error (&error);

  g_assert_false (hy_sim_start (other, port, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_LISTEN);
  g_clear_error (&error);

  /* A delayed answer in flight does not hold up stop. */
  hy_sim_set_latency (sim, 2000);
  url = g_strdup_printf ("%s/api/authinfo", hy_sim_get_base_url (sim));
  msg = soup_message_new ("GET", url);
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  /* The simulator counts in its own thread: looked at every 10 ms. */
  hy_test_wait_until_polled (request_seen, sim, 10, "the request reaching the simulator");
  g_assert_cmpuint (hy_sim_get_request_count (sim), ==, 1);
  hy_sim_stop (sim);
  hy_sim_stop (sim);

  hy_sim_set_latency (sim, 0);
  g_assert_true (hy_sim_start (sim, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hy_sim_get_base_url (sim), "http://127.0.0.1:"));
  hy_sim_stop (sim);
}

/* ------------------------------------------------------------------------------------------ */
/* The binary                                                                                 */
/* ------------------------------------------------------------------------------------------ */

static void
test_binary (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  const char *prefix = "halyard-sim listening on http://127.0.0.1:";

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, HY_SIM_BINARY, "--port", "0",
                              "--clients", "3", "--assets-per-client", "2", "--seed", "9", NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  g_assert_cmpint (g_ascii_strtoll (line + strlen (prefix), NULL, 10), >, 0);

  url = g_strdup_printf ("%s/_sim/state", line + strlen ("halyard-sim listening on "));
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    g_autoptr (JsonNode) node = parse (text);

    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (json_node_get_object (node), "assets")),
                      ==, 6);
  }

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_binary_bad_arguments (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, HY_SIM_BINARY, "--seed-file", "/nonexistent/seed.json", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);
}

int
main (int argc, char *argv[])
{
  /* GSocketClient asks the default proxy resolver even for loopback; the GNOME one needs
   * GSettings schemas that an isolated test does not have. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sim/auth/token-ok", test_token_ok);
  ADD ("/sim/auth/token-errors", test_token_errors);
  ADD ("/sim/auth/authinfo", test_authinfo);
  ADD ("/sim/auth/unauthorized", test_unauthorized);
  ADD ("/sim/auth/forbidden", test_forbidden);
  ADD ("/sim/lists/shapes", test_list_shapes);
  ADD ("/sim/lists/paging", test_paging);
  ADD ("/sim/lists/filters", test_filters);
  ADD ("/sim/writes/create-update", test_post_create_update);
  ADD ("/sim/writes/multi-returns-last", test_post_multi_returns_last);
  ADD ("/sim/writes/tickets", test_ticket_validation);
  ADD ("/sim/tickets/details", test_ticket_details);
  ADD ("/sim/assets/fields", test_asset_fields);
  ADD ("/sim/members", test_members);
  ADD ("/sim/writes/actions", test_actions);
  ADD ("/sim/faults/rate-limit", test_rate_limit);
  ADD ("/sim/faults/fail-next", test_fail_next_and_server_errors);
  ADD ("/sim/faults/drop-after-commit", test_drop_after_commit);
  ADD ("/sim/faults/latency", test_latency);
  ADD ("/sim/faults/latency-hang-up", test_latency_hang_up);
  ADD ("/sim/control/endpoints", test_sim_endpoints);
  ADD ("/sim/paths/case-insensitive", test_case_insensitive_paths);
  ADD ("/sim/control/request-counts", test_request_counts);
  ADD ("/sim/concurrency", test_concurrency);
#undef ADD
  g_test_add_func ("/sim/seed/generator", test_generator);
  g_test_add_func ("/sim/seed/file", test_seed_file);
  g_test_add_func ("/sim/lifecycle", test_lifecycle);
  g_test_add_func ("/sim/latency-stop", test_latency_stop);
  g_test_add_func ("/sim/binary/ready-line", test_binary);
  g_test_add_func ("/sim/binary/bad-arguments", test_binary_bad_arguments);

  return g_test_run ();
}
