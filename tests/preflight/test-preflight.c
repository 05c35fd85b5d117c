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

/* One wrong setting of the application or of the request, against the simulator: the statuses
 * of the checks, what the messages and fixes say (or must not say), and the reason code. */
typedef struct
{
  HyPreflightCheckId check;
  gboolean in_fix; /* else the message */
  const char *text;
  gboolean absent; /* the text must not be there */
} Says;

typedef struct
{
  const char *path;
  const char *granted; /* the application's scopes in Halo; NULL: all */
  const char *secret;  /* NULL: the right one */
  const char *tenant;
  const char *scopes; /* what Halyard asks for; NULL: all */
  HyPreflightStatus expected[HY_PREFLIGHT_N_CHECKS];
  Says says[8];             /* up to the first with no text */
  HyPreflightReason reason; /* of the token check; NONE: not looked at */
} SimCase;

/* What a check's message or fix says, or must not say. */
/* clang-format off */
#define MESSAGE(check, text)       { HY_PREFLIGHT_CHECK_##check, FALSE, text, FALSE }
#define FIX(check, text)           { HY_PREFLIGHT_CHECK_##check, TRUE, text, FALSE }
#define MESSAGE_HIDES(check, text) { HY_PREFLIGHT_CHECK_##check, FALSE, text, TRUE }
#define FIX_HIDES(check, text)     { HY_PREFLIGHT_CHECK_##check, TRUE, text, TRUE }
/* clang-format on */

static const SimCase sim_cases[] = {
  /* Asking for specific scopes plus admin: everything is granted. */
  { .path = "/preflight/admin-scopes",
    .scopes = "read:customers edit:assets edit:tickets admin",
    .expected = { P, P, P, P, P, P, P, P, P, P } },
  /* The application lacks a scope on its Permissions tab (the token still echoes "all").
   * Agents need all/admin in the sim: that read fails too; the token's "all" is then no proof
   * of writes. */
  { .path = "/preflight/granted/without-customers",
    .granted = "edit:assets edit:tickets",
    .expected = { P, P, P, F, F, P, F, P, U, U },
    .says = { FIX (READ_CLIENTS, "read:customers"), FIX (READ_CLIENTS, "Clients Access Level"),
              FIX (READ_CLIENTS, "Configuration > Integrations > HaloPSA API > View Applications"),
              FIX (READ_CLIENTS, "Configuration > Teams & Agents > Agents"),
              FIX (READ_AGENTS, "all") } },
  { .path = "/preflight/granted/without-assets",
    .granted = "read:customers edit:tickets",
    .expected = { P, P, P, P, P, F, F, P, F, U },
    .says = { FIX (READ_ASSETS, "read:assets"), FIX (READ_ASSETS, "Assets Access Level"),
              FIX (WRITE_ASSETS, "edit:assets") } },
  { .path = "/preflight/granted/without-tickets",
    .granted = "read:customers edit:assets",
    .expected = { P, P, P, P, P, P, F, F, U, F },
    .says = { FIX (READ_TICKET_TYPES, "read:tickets"),
              FIX (READ_TICKET_TYPES, "Allow use of all Ticket Types"),
              FIX (WRITE_TICKETS, "edit:tickets"), FIX (WRITE_TICKETS, "Tickets Access Level"),
              FIX (WRITE_TICKETS, "Departments & Teams") } },
  /* Reads of customers, assets and tickets work; agents need all/admin; writes are not proven
   * by a token that merely echoes "all". */
  { .path = "/preflight/granted/read-only",
    .granted = "read:customers read:assets read:tickets",
    .expected = { P, P, P, P, P, P, F, P, U, U } },
  /* Halyard asks for fewer scopes: the token grants exactly those, which disproves writes. */
  { .path = "/preflight/requested/without-edit-assets",
    .scopes = "read:customers read:assets edit:tickets",
    .expected = { P, P, P, P, P, P, F, P, F, P },
    .says = { MESSAGE (WRITE_ASSETS, "edit:assets"),
              FIX (WRITE_ASSETS, "Allow use of all Asset Types") } },
  { .path = "/preflight/requested/read-only",
    .scopes = "read:customers read:assets read:tickets",
    .expected = { P, P, P, P, P, P, F, P, F, F } },
  /* The checks that could not run each say which they are, and why. */
  { .path = "/preflight/wrong-secret",
    .secret = "not-the-secret",
    .expected = { P, F, U, U, U, U, U, U, U, U },
    .says = { MESSAGE (TOKEN, "invalid_client"), FIX (TOKEN, "Client ID and Secret (Services)"),
              FIX (TOKEN, "Agent"), MESSAGE_HIDES (TOKEN, "not-the-secret"),
              FIX_HIDES (TOKEN, "not-the-secret"), MESSAGE (READ_SITES, "Reading Halo sites"),
              MESSAGE (READ_SITES, "could not sign in"), MESSAGE (WRITE_TICKETS, "Halo tickets") },
    .reason = HY_PREFLIGHT_REASON_INVALID_CLIENT },
  { .path = "/preflight/wrong-tenant",
    .tenant = "someone-else",
    .expected = { P, F, U, U, U, U, U, U, U, U },
    .says = { MESSAGE (TOKEN, "someone-else"), MESSAGE (TOKEN, "demo"), FIX (TOKEN, "Tenant") } },
  { .path = "/preflight/invalid-scope",
    .scopes = "read:actions",
    .expected = { P, F, U, U, U, U, U, U, U, U },
    .says = { MESSAGE (TOKEN, "invalid_scope"), FIX (TOKEN, "Permissions tab") },
    .reason = HY_PREFLIGHT_REASON_INVALID_SCOPE },
};

static void
test_sim_case (gconstpointer data)
{
  const SimCase *c = data;
  g_autoptr (HyPreflightResult) result =
      run_sim (c->granted ? c->granted : "all", c->secret ? c->secret : "demo-secret", c->tenant,
               c->scopes);
  gboolean failed = FALSE;

  assert_statuses (result, c->expected);
  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    failed |= c->expected[i] == F;
  g_assert_cmpint (hy_preflight_result_get_ok (result), ==, !failed);
  g_assert_cmpint (hy_preflight_result_signs_in (result), ==,
                   c->expected[HY_PREFLIGHT_CHECK_URL] == P &&
                       c->expected[HY_PREFLIGHT_CHECK_TOKEN] == P);
  if (c->expected[HY_PREFLIGHT_CHECK_TOKEN] != P)
    g_assert_cmpint (hy_preflight_result_get_agent_id (result), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (c->says) && c->says[i].text != NULL; i++)
    {
      const Says *says = &c->says[i];
      const HyPreflightCheck *check = hy_preflight_result_lookup (result, says->check);
      const char *where = says->in_fix ? check->fix : check->message;

      if ((strstr (where, says->text) == NULL) != says->absent)
        g_error ("check %s: the %s %s \"%s\": %s", hy_preflight_check_id_to_string (says->check),
                 says->in_fix ? "fix" : "message", says->absent ? "says" : "does not say",
                 says->text, where);
    }
  if (c->reason != HY_PREFLIGHT_REASON_NONE)
    g_assert_cmpint (hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_TOKEN)->reason, ==,
                     c->reason);
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
  for (guint i = 0; i < G_N_ELEMENTS (sim_cases); i++)
    g_test_add_data_func (sim_cases[i].path, &sim_cases[i], test_sim_case);
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
