/* test-sim-auth.c: halyard-sim through real HTTP: sign-in, the tenant, scopes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-sim-fixture.h"

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
  static const struct
  {
    gboolean require_tenant;
    const char *query;
    const char *form;
    guint status;
    const char *body; /* NULL: not looked at */
  } cases[] = {
    /* A wrong secret, client id, scope, tenant or grant. */
    { FALSE, "?tenant=demo",
      "grant_type=client_credentials&client_id=halyard-demo&client_secret=nope&scope=all", 401,
      "{\"error\":\"invalid_client\"}" },
    { FALSE, "?tenant=demo",
      "grant_type=client_credentials&client_id=other&client_secret=demo-secret&scope=all", 401,
      "{\"error\":\"invalid_client\"}" },
    { FALSE, "?tenant=demo",
      "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret"
      "&scope=read%3Aactions",
      400, "{\"error\":\"invalid_scope\"}" },
    { FALSE, "?tenant=other",
      "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret&scope=all",
      401, "{\"error\":\"invalid_client\"}" },
    { FALSE, "?tenant=demo",
      "grant_type=password&client_id=halyard-demo&client_secret=demo-secret&scope=all", 400, NULL },
    /* Self-hosted Halo: no tenant at all is fine, until the tenant is required. */
    { FALSE, "",
      "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret&scope=all",
      200, NULL },
    { TRUE, "",
      "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret&scope=all",
      401, "{\"error\":\"invalid_client\"}" },
    /* One PHP client sends the tenant in the form body. */
    { TRUE, "",
      "grant_type=client_credentials&client_id=halyard-demo&client_secret=demo-secret&scope=all"
      "&tenant=demo",
      200, NULL },
  };
  guint status;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;

      hy_sim_set_require_tenant (f->sim, cases[i].require_tenant);
      body = get_token (f, cases[i].query, cases[i].form, &status);
      if (status != cases[i].status)
        g_error ("%s with %s: %u, expected %u", cases[i].query, cases[i].form, status,
                 cases[i].status);
      if (cases[i].body != NULL)
        g_assert_cmpstr (body, ==, cases[i].body);
    }

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
  g_assert_cmpuint (get_status (f, "/api/Client"), ==, 200);
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

    hy_sim_set_granted_scopes (f->sim, "read:tickets");
    g_assert_cmpuint (api_get (f, "/api/Client", &customers), ==, 403);
    g_assert_nonnull (strstr (customers.body, "read:customers"));
    g_assert_cmpuint (get_status (f, "/api/Tickets"), ==, 200);
  }
}

int
main (int argc, char *argv[])
{
  hy_test_init (&argc, &argv);

  SIM_TEST_ADD ("/sim/auth/token-ok", test_token_ok);
  SIM_TEST_ADD ("/sim/auth/token-errors", test_token_errors);
  SIM_TEST_ADD ("/sim/auth/authinfo", test_authinfo);
  SIM_TEST_ADD ("/sim/auth/unauthorized", test_unauthorized);
  SIM_TEST_ADD ("/sim/auth/forbidden", test_forbidden);

  return g_test_run ();
}
