/* test-preflight.c: the pre-flight checks against halyard-sim, one fault at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-preflight"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "hy-sim.h"
#include "preflight/hy-preflight.h"
#include "hy-test-halo.h"

static HySim *sim;

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

#define result_cb hy_test_result_cb

static HyPreflightResult *
run (HyHaloClient *client)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  HyPreflightResult *preflight;

  hy_preflight_run_async (client, NULL, result_cb, &result);
  hy_test_wait_for (&result);
  preflight = hy_preflight_run_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (preflight);

  return preflight;
}

static HyHaloClient *
sim_client (const char *secret, const char *tenant, const char *scopes)
{
  g_autoptr (GError) error = NULL;
  HyHaloClient *client;

  client = hy_halo_client_new (hy_sim_get_base_url (sim), tenant, "halyard-demo", secret, scopes,
                               &error);
  g_assert_no_error (error);
  /* Fail fast on faults: no long retries in tests. */
  hy_halo_client_set_retry_policy (client, 0, 10, 10);
  hy_halo_client_set_rate_limit_waits (client, 0);

  return client;
}

static HyPreflightResult *
run_sim (const char *granted, const char *secret, const char *tenant, const char *scopes)
{
  g_autoptr (HyHaloClient) client = NULL;
  HyPreflightResult *result;

  hy_sim_set_granted_scopes (sim, granted);
  hy_sim_reset_counters (sim);
  client = sim_client (secret, tenant, scopes);
  result = run (client);
  hy_sim_set_granted_scopes (sim, "all");

  /* The pre-flight never writes to Halo. */
  g_assert_cmpuint (hy_sim_count_requests (sim, "POST", "/api"), ==, 0);

  return result;
}

/* Every failed check carries a fix; passed ones none; every check a message. */
static void
assert_well_formed (HyPreflightResult *result)
{
  g_assert_cmpuint (hy_preflight_result_get_n_checks (result), ==, HY_PREFLIGHT_N_CHECKS);
  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    {
      const HyPreflightCheck *check = hy_preflight_result_get_check (result, i);

      g_assert_cmpint (check->id, ==, i);
      g_assert_nonnull (check->message);
      g_assert_cmpstr (check->message, !=, "");
      g_assert_null (strstr (check->message, "demo-secret"));
      if (check->status == HY_PREFLIGHT_PASSED)
        g_assert_null (check->fix);
      else
        {
          g_assert_nonnull (check->fix);
          g_assert_null (strstr (check->fix, "demo-secret"));
        }
    }
}

static void
assert_statuses (HyPreflightResult *result, const HyPreflightStatus expected[HY_PREFLIGHT_N_CHECKS])
{
  assert_well_formed (result);
  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    {
      const HyPreflightCheck *check = hy_preflight_result_get_check (result, i);

      if (check->status != expected[i])
        g_error ("check %s is %s (%s), expected %s", hy_preflight_check_id_to_string (i),
                 hy_preflight_status_to_string (check->status), check->message,
                 hy_preflight_status_to_string (expected[i]));
    }
}

#define P HY_PREFLIGHT_PASSED
#define F HY_PREFLIGHT_FAILED
#define U HY_PREFLIGHT_UNPROVEN

/* ------------------------------------------------------------------------- */
/* Tests                                                                     */
/* ------------------------------------------------------------------------- */

static void
test_all_passing (void)
{
  static const HyPreflightStatus expected[] = { P, P, P, P, P, P, P, P, P, P };
  g_autoptr (HyPreflightResult) result = run_sim ("all", "demo-secret", NULL, NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object, *agent;
  JsonArray *checks;

  assert_statuses (result, expected);
  g_assert_true (hy_preflight_result_get_ok (result));
  g_assert_true (hy_preflight_result_signs_in (result));
  g_assert_cmpint (hy_preflight_result_get_agent_id (result), >, 0);
  g_assert_nonnull (hy_preflight_result_get_agent_name (result));
  g_assert_cmpstr (hy_preflight_result_get_granted_scopes (result), ==, "all");
  /* The sim's application logs in as its API-only agent. */
  g_assert_nonnull (
      strstr (hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_AGENT)->message, "API-only"));

  /* A handful of requests: no paging through whole lists. */
  g_assert_cmpuint (hy_sim_get_request_count (sim), <=, 10);

  /* The CLI document. */
  node = hy_preflight_result_to_json (result);
  object = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (object, "ok"));
  agent = json_object_get_object_member (object, "agent");
  g_assert_cmpint (json_object_get_int_member (agent, "id"), ==,
                   hy_preflight_result_get_agent_id (result));
  g_assert_cmpstr (json_object_get_string_member (agent, "name"), ==,
                   hy_preflight_result_get_agent_name (result));
  checks = json_object_get_array_member (object, "checks");
  g_assert_cmpuint (json_array_get_length (checks), ==, HY_PREFLIGHT_N_CHECKS);
  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      g_assert_cmpstr (json_object_get_string_member (check, "id"), ==,
                       hy_preflight_check_id_to_string (i));
      g_assert_cmpstr (json_object_get_string_member (check, "status"), ==, "passed");
      g_assert_true (json_object_get_null_member (check, "fix"));
    }
}

static void
test_admin_scopes (void)
{
  static const HyPreflightStatus expected[] = { P, P, P, P, P, P, P, P, P, P };
  g_autoptr (HyPreflightResult) result = NULL;

  /* Asking for specific scopes plus admin: everything is granted. */
  result = run_sim ("all", "demo-secret", NULL, "read:customers edit:assets edit:tickets admin");
  assert_statuses (result, expected);
}

/* The application lacks a scope on its Permissions tab (the token still echoes "all"). */
static void
test_granted_without_customers (void)
{
  /* Agents need all/admin in the sim: that read fails too; the token's "all" is then no proof
   * of writes. */
  static const HyPreflightStatus expected[] = { P, P, P, F, F, P, F, P, U, U };
  g_autoptr (HyPreflightResult) result = NULL;
  const HyPreflightCheck *check;

  result = run_sim ("edit:assets edit:tickets", "demo-secret", NULL, NULL);
  assert_statuses (result, expected);
  g_assert_false (hy_preflight_result_get_ok (result));

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_READ_CLIENTS);
  g_assert_nonnull (strstr (check->fix, "read:customers"));
  g_assert_nonnull (strstr (check->fix, "Clients Access Level"));
  g_assert_nonnull (strstr (check->fix, "Configuration > Integrations > HaloPSA API > View "
                                        "Applications"));
  g_assert_nonnull (strstr (check->fix, "Configuration > Teams & Agents > Agents"));
  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_READ_AGENTS);
  g_assert_nonnull (strstr (check->fix, "all"));
}

static void
test_granted_without_assets (void)
{
  static const HyPreflightStatus expected[] = { P, P, P, P, P, F, F, P, F, U };
  g_autoptr (HyPreflightResult) result = NULL;
  const HyPreflightCheck *check;

  result = run_sim ("read:customers edit:tickets", "demo-secret", NULL, NULL);
  assert_statuses (result, expected);

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_READ_ASSETS);
  g_assert_nonnull (strstr (check->fix, "read:assets"));
  g_assert_nonnull (strstr (check->fix, "Assets Access Level"));
  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_WRITE_ASSETS);
  g_assert_nonnull (strstr (check->fix, "edit:assets"));
}

static void
test_granted_without_tickets (void)
{
  static const HyPreflightStatus expected[] = { P, P, P, P, P, P, F, F, U, F };
  g_autoptr (HyPreflightResult) result = NULL;
  const HyPreflightCheck *check;

  result = run_sim ("read:customers edit:assets", "demo-secret", NULL, NULL);
  assert_statuses (result, expected);

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_READ_TICKET_TYPES);
  g_assert_nonnull (strstr (check->fix, "read:tickets"));
  g_assert_nonnull (strstr (check->fix, "Allow use of all Ticket Types"));
  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_WRITE_TICKETS);
  g_assert_nonnull (strstr (check->fix, "edit:tickets"));
  g_assert_nonnull (strstr (check->fix, "Tickets Access Level"));
  g_assert_nonnull (strstr (check->fix, "Departments & Teams"));
}

static void
test_granted_read_only (void)
{
  /* Reads of customers, assets and tickets work; agents need all/admin; writes are not
   * proven by a token that merely echoes "all". */
  static const HyPreflightStatus expected[] = { P, P, P, P, P, P, F, P, U, U };
  g_autoptr (HyPreflightResult) result = NULL;

  result = run_sim ("read:customers read:assets read:tickets", "demo-secret", NULL, NULL);
  assert_statuses (result, expected);
}

/* Halyard asks for fewer scopes: the token grants exactly those, which disproves writes. */
static void
test_requested_without_edit_assets (void)
{
  static const HyPreflightStatus expected[] = { P, P, P, P, P, P, F, P, F, P };
  g_autoptr (HyPreflightResult) result = NULL;
  const HyPreflightCheck *check;

  result = run_sim ("all", "demo-secret", NULL, "read:customers read:assets edit:tickets");
  assert_statuses (result, expected);

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_WRITE_ASSETS);
  g_assert_nonnull (strstr (check->message, "edit:assets"));
  g_assert_nonnull (strstr (check->fix, "Allow use of all Asset Types"));
}

static void
test_requested_read_only (void)
{
  static const HyPreflightStatus expected[] = { P, P, P, P, P, P, F, P, F, F };
  g_autoptr (HyPreflightResult) result = NULL;

  result = run_sim ("all", "demo-secret", NULL, "read:customers read:assets read:tickets");
  assert_statuses (result, expected);
}

static void
test_wrong_secret (void)
{
  static const HyPreflightStatus expected[] = { P, F, U, U, U, U, U, U, U, U };
  g_autoptr (HyPreflightResult) result = NULL;
  const HyPreflightCheck *check;

  result = run_sim ("all", "not-the-secret", NULL, NULL);
  assert_statuses (result, expected);
  g_assert_false (hy_preflight_result_get_ok (result));
  g_assert_cmpint (hy_preflight_result_get_agent_id (result), ==, 0);

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_TOKEN);
  g_assert_nonnull (strstr (check->message, "invalid_client"));
  g_assert_cmpint (check->reason, ==, HY_PREFLIGHT_REASON_INVALID_CLIENT);
  g_assert_nonnull (strstr (check->fix, "Client ID and Secret (Services)"));
  g_assert_nonnull (strstr (check->fix, "Agent"));
  g_assert_null (strstr (check->message, "not-the-secret"));
  g_assert_null (strstr (check->fix, "not-the-secret"));

  /* The checks that could not run each say which they are, and why. */
  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_READ_SITES);
  g_assert_nonnull (strstr (check->message, "Reading Halo sites"));
  g_assert_nonnull (strstr (check->message, "could not sign in"));
  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_WRITE_TICKETS);
  g_assert_nonnull (strstr (check->message, "Halo tickets"));
  g_assert_false (hy_preflight_result_signs_in (result));
}

static void
test_wrong_tenant (void)
{
  static const HyPreflightStatus expected[] = { P, F, U, U, U, U, U, U, U, U };
  g_autoptr (HyPreflightResult) result = NULL;
  const HyPreflightCheck *check;

  result = run_sim ("all", "demo-secret", "someone-else", NULL);
  assert_statuses (result, expected);

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_TOKEN);
  g_assert_nonnull (strstr (check->message, "someone-else"));
  g_assert_nonnull (strstr (check->message, "demo"));
  g_assert_nonnull (strstr (check->fix, "Tenant"));
}

static void
test_invalid_scope (void)
{
  static const HyPreflightStatus expected[] = { P, F, U, U, U, U, U, U, U, U };
  g_autoptr (HyPreflightResult) result = NULL;
  const HyPreflightCheck *check;

  result = run_sim ("all", "demo-secret", NULL, "read:actions");
  assert_statuses (result, expected);

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_TOKEN);
  g_assert_nonnull (strstr (check->message, "invalid_scope"));
  g_assert_nonnull (strstr (check->fix, "Permissions tab"));
  g_assert_cmpint (check->reason, ==, HY_PREFLIGHT_REASON_INVALID_SCOPE);
}

static void
test_nothing_listening (void)
{
  static const HyPreflightStatus expected[] = { F, U, U, U, U, U, U, U, U, U };
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GInetAddress) loopback = NULL;
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HyPreflightResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  /* A port that was free a moment ago and now has nobody listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  client = hy_halo_client_new (url, NULL, "halyard-demo", "demo-secret", NULL, &error);
  g_assert_no_error (error);
  hy_halo_client_set_retry_policy (client, 0, 10, 10);

  result = run (client);
  assert_statuses (result, expected);
  g_assert_nonnull (
      strstr (hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_URL)->message, url));
  g_assert_cmpint (hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_URL)->reason, ==,
                   HY_PREFLIGHT_REASON_UNREACHABLE);
}

static void
html_handler (SoupServer *server,
              SoupServerMessage *msg,
              const char *path,
              GHashTable *query,
              gpointer user_data)
{
  static const char page[] = "<!DOCTYPE html><html><head><title>Welcome</title></head>"
                             "<body><h1>It works!</h1></body></html>";

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
}

static void
test_not_a_halo (void)
{
  static const HyPreflightStatus expected[] = { F, U, U, U, U, U, U, U, U, U };
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HyPreflightResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  GSList *uris;
  const HyPreflightCheck *check;

  soup_server_add_handler (server, NULL, html_handler, NULL, NULL);
  soup_server_listen (server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  client = hy_halo_client_new (url, NULL, "halyard-demo", "demo-secret", NULL, &error);
  g_assert_no_error (error);
  hy_halo_client_set_retry_policy (client, 0, 10, 10);

  result = run (client);
  assert_statuses (result, expected);
  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_URL);
  g_assert_nonnull (strstr (check->message, "not like a Halo"));
  g_assert_nonnull (strstr (check->fix, "API Details"));
  g_assert_cmpint (check->reason, ==, HY_PREFLIGHT_REASON_NOT_HALO);
}

/* A minimal Halo of the test's own: signs in without saying which scopes it granted, and
 * answers Agent/me with a human agent, or with 404 (no "Agent to log in as"). */
typedef struct
{
  char *base_url;
  gboolean no_agent;
} FakeHalo;

static void
fake_halo_handler (SoupServer *server,
                   SoupServerMessage *msg,
                   const char *path,
                   GHashTable *query,
                   gpointer user_data)
{
  FakeHalo *fake = user_data;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *body = NULL;
  guint status = 200;
  gsize len;

  if (g_str_equal (lower, "/api/authinfo"))
    body = g_strdup_printf ("{\"auth_url\":\"%s/auth\",\"tenant_id\":\"fake\"}", fake->base_url);
  else if (g_str_equal (lower, "/auth/token"))
    body = g_strdup ("{\"access_token\":\"fake-token\",\"token_type\":\"Bearer\","
                     "\"expires_in\":3600}");
  else if (g_str_equal (lower, "/api/agent/me"))
    {
      if (fake->no_agent)
        {
          status = 404;
          body = g_strdup ("{\"Message\":\"No agent.\"}");
        }
      else
        body = g_strdup ("{\"id\":7,\"name\":\"Jane Human\",\"isapiagent\":false}");
    }
  else if (g_str_equal (lower, "/api/client"))
    body = g_strdup ("{\"record_count\":0,\"clients\":[]}");
  else if (g_str_equal (lower, "/api/site"))
    body = g_strdup ("{\"record_count\":0,\"sites\":[]}");
  else if (g_str_equal (lower, "/api/asset"))
    body = g_strdup ("{\"record_count\":0,\"assets\":[]}");
  else if (g_str_equal (lower, "/api/agent") || g_str_equal (lower, "/api/tickettype"))
    body = g_strdup ("[]");
  else
    {
      status = 404;
      body = g_strdup ("{\"Message\":\"Not found\"}");
    }

  soup_server_message_set_status (msg, status, NULL);
  /* the length first: the order arguments are evaluated in is unspecified (clang steals the
   * pointer before strlen () reads it) */
  len = strlen (body);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), len);
}

static HyPreflightResult *
run_fake_halo (gboolean no_agent)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GError) error = NULL;
  FakeHalo fake = { NULL, no_agent };
  HyPreflightResult *result;
  GSList *uris;

  soup_server_add_handler (server, NULL, fake_halo_handler, &fake, NULL);
  soup_server_listen (server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  fake.base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  client = hy_halo_client_new (fake.base_url, NULL, "fake-id", "fake-secret", NULL, &error);
  g_assert_no_error (error);
  hy_halo_client_set_retry_policy (client, 0, 10, 10);

  result = run (client);
  g_free (fake.base_url);
  return result;
}

static void
test_no_scope_in_token (void)
{
  static const HyPreflightStatus expected[] = { P, P, P, P, P, P, P, P, U, U };
  g_autoptr (HyPreflightResult) result = run_fake_halo (FALSE);
  const HyPreflightCheck *check;

  assert_statuses (result, expected);
  /* Unproven is not a failure. */
  g_assert_true (hy_preflight_result_get_ok (result));
  g_assert_null (hy_preflight_result_get_granted_scopes (result));
  g_assert_cmpint (hy_preflight_result_get_agent_id (result), ==, 7);
  g_assert_cmpstr (hy_preflight_result_get_agent_name (result), ==, "Jane Human");

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_AGENT);
  g_assert_nonnull (strstr (check->message, "not an API-only agent"));
  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_WRITE_ASSETS);
  g_assert_nonnull (strstr (check->message, "not yet proven"));
  g_assert_nonnull (strstr (check->fix, "edit:assets"));
  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_WRITE_TICKETS);
  g_assert_nonnull (strstr (check->fix, "edit:tickets"));
}

static void
test_no_agent_to_log_in_as (void)
{
  static const HyPreflightStatus expected[] = { P, P, F, P, P, P, P, P, U, U };
  g_autoptr (HyPreflightResult) result = run_fake_halo (TRUE);
  const HyPreflightCheck *check;

  assert_statuses (result, expected);
  g_assert_false (hy_preflight_result_get_ok (result));
  g_assert_cmpint (hy_preflight_result_get_agent_id (result), ==, 0);

  check = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_AGENT);
  g_assert_nonnull (strstr (check->fix, "Agent to log in as"));
  g_assert_nonnull (strstr (check->fix, "None"));
  g_assert_nonnull (strstr (check->fix, "Is an API-only Agent"));
  g_assert_nonnull (strstr (check->fix, "licence"));
}

/* A second run on a client that already signed in: observed clients still prove writes from
 * the scopes they remember; others cannot, and say so. */
static void
test_second_run (void)
{
  static const HyPreflightStatus all_passed[] = { P, P, P, P, P, P, P, P, P, P };
  static const HyPreflightStatus unproven_writes[] = { P, P, P, P, P, P, P, P, U, U };
  g_autoptr (HyHaloClient) observed = sim_client ("demo-secret", NULL, NULL);
  g_autoptr (HyHaloClient) plain = sim_client ("demo-secret", NULL, NULL);
  g_autoptr (HyPreflightResult) result = NULL;

  g_autofree char *first_url_check = NULL;

  hy_preflight_observe_client (observed);
  hy_preflight_observe_client (observed);
  result = run (observed);
  assert_statuses (result, all_passed);
  first_url_check = g_strdup (hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_URL)->message);
  g_clear_object (&result);
  result = run (observed);
  assert_statuses (result, all_passed);
  /* The first check reads the same whether or not the run asked /api/authinfo again. */
  g_assert_cmpstr (hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_URL)->message, ==,
                   first_url_check);
  g_assert_cmpstr (hy_preflight_result_get_granted_scopes (result), ==, "all");
  g_clear_object (&result);

  result = run (plain);
  assert_statuses (result, all_passed);
  g_clear_object (&result);
  result = run (plain);
  assert_statuses (result, unproven_writes);
  g_assert_true (hy_preflight_result_get_ok (result));
}

static void
test_cancelled (void)
{
  g_autoptr (HyHaloClient) client = sim_client ("demo-secret", NULL, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyPreflightResult) preflight = NULL;

  g_cancellable_cancel (cancellable);
  hy_preflight_run_async (client, cancellable, result_cb, &result);
  hy_test_wait_for (&result);
  preflight = hy_preflight_run_finish (result, &error);
  g_assert_null (preflight);
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  HySimGenerateOptions options;
  int status;

  hy_test_init (&argc, &argv);
  hy_sim_generate_options_init (&options);
  options.clients = 3;
  sim = hy_test_sim_start (&options);

  g_test_add_func ("/preflight/all-passing", test_all_passing);
  g_test_add_func ("/preflight/admin-scopes", test_admin_scopes);
  g_test_add_func ("/preflight/granted/without-customers", test_granted_without_customers);
  g_test_add_func ("/preflight/granted/without-assets", test_granted_without_assets);
  g_test_add_func ("/preflight/granted/without-tickets", test_granted_without_tickets);
  g_test_add_func ("/preflight/granted/read-only", test_granted_read_only);
  g_test_add_func ("/preflight/requested/without-edit-assets", test_requested_without_edit_assets);
  g_test_add_func ("/preflight/requested/read-only", test_requested_read_only);
  g_test_add_func ("/preflight/wrong-secret", test_wrong_secret);
  g_test_add_func ("/preflight/wrong-tenant", test_wrong_tenant);
  g_test_add_func ("/preflight/invalid-scope", test_invalid_scope);
  g_test_add_func ("/preflight/nothing-listening", test_nothing_listening);
  g_test_add_func ("/preflight/not-a-halo", test_not_a_halo);
  g_test_add_func ("/preflight/no-scope-in-token", test_no_scope_in_token);
  g_test_add_func ("/preflight/no-agent-to-log-in-as", test_no_agent_to_log_in_as);
  g_test_add_func ("/preflight/second-run", test_second_run);
  g_test_add_func ("/preflight/cancelled", test_cancelled);

  status = g_test_run ();

  hy_sim_stop (sim);
  g_object_unref (sim);
  return status;
}
