/* test-session.c: HySession against halyard-sim: profile, secret, client, refresh, events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "credentials/hy-credentials.h"
#include "hy-sim.h"
#include "session/hy-session.h"
#include "hy-test-halo.h"

#define SECRET "Session-Test-Secret-31d5a8"

static HySim *sim;

#define result_cb hy_test_result_cb
#define wait_for  hy_test_wait_for

static char *
make_data_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("halyard-session-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (tmp, "data", NULL);
}

static HyProfile *
sim_profile (void)
{
  HyProfile *profile = hy_profile_new ();

  profile->url = g_strdup (hy_sim_get_base_url (sim));
  profile->client_id = g_strdup ("halyard-demo");
  return profile;
}

typedef struct
{
  char *dir;          /* a new data directory */
  HyProfile *profile; /* the simulator's */
  HySession *session; /* opened on dir, with no profile yet */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = make_data_dir ();
  f->profile = sim_profile ();
  f->session = hy_session_open (f->dir, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->profile, hy_profile_free);
  g_clear_pointer (&f->dir, g_free);
}

static guint
state_count (JsonNode *state, const char *member)
{
  return json_array_get_length (
      json_object_get_array_member (json_node_get_object (state), member));
}

static void
count_event_cb (HySession *session, HyEvent *event, gpointer user_data)
{
  guint *count = user_data;

  g_assert_cmpint (event->id, >, 0);
  (*count)++;
}

static void
test_not_connected (Fixture *f, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  HyHaloClient *client;

  g_assert_null (hy_session_get_profile (f->session));
  g_assert_cmpstr (hy_session_get_data_dir (f->session), ==, f->dir);

  hy_session_get_client_async (f->session, NULL, result_cb, &result);
  client = hy_session_get_client_finish (f->session, wait_for (&result), &error);
  g_assert_null (client);
  g_assert_error (error, HY_SESSION_ERROR, HY_SESSION_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  /* A profile without a Client ID is refused, and nothing is saved. */
  profile->url = g_strdup ("https://acme.halopsa.com");
  g_assert_false (hy_session_set_profile (f->session, profile, &error));
  g_assert_error (error, HY_SESSION_ERROR, HY_SESSION_ERROR_INVALID_PROFILE);
  g_assert_null (hy_session_get_profile (f->session));
}

static void
test_refresh (Fixture *f, gconstpointer data)
{
  g_autoptr (HySession) reopened = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) agents = NULL;
  HyEventsQuery query = HY_EVENTS_QUERY_INIT;
  HySessionRefresh refresh;
  guint added = 0;
  gboolean api_agent = FALSE;
  static const char *const members[HY_N_CACHE_KINDS] = {
    "clients",  "sites",    "assets",     "agents", "ticket_types",
    "statuses", "outcomes", "priorities", "teams",
  };

  g_assert_true (hy_session_set_profile (f->session, f->profile, &error));
  g_assert_no_error (error);
  hy_session_set_secret (f->session, SECRET);
  hy_sim_set_credentials (sim, "halyard-demo", SECRET, "demo");
  g_signal_connect (f->session, "event-added", G_CALLBACK (count_event_cb), &added);

  hy_sim_reset_counters (sim);
  hy_session_refresh_async (f->session, NULL, result_cb, &result);
  g_assert_true (hy_session_refresh_finish (f->session, wait_for (&result), &refresh, &error));
  g_assert_no_error (error);

  /* Every kind, all of it (API-only agents included). */
  state = hy_sim_dump_state (sim);
  for (guint kind = 0; kind < HY_N_CACHE_KINDS; kind++)
    {
      g_assert_cmpuint (refresh.counts[kind], ==, state_count (state, members[kind]));
      g_assert_cmpint (hy_store_cache_count (hy_session_get_store (f->session), kind, NULL, NULL),
                       ==, refresh.counts[kind]);
    }
  agents =
      hy_store_cache_list (hy_session_get_store (f->session), HY_CACHE_KIND_AGENT, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < agents->len; i++)
    if (((HyCacheRecord *) agents->pdata[i])->is_api_agent)
      api_agent = TRUE;
  g_assert_true (api_agent);

  /* Inactive clients and disabled agents are cached too, marked so. */
  {
    g_autoptr (GPtrArray) clients = NULL;
    gboolean inactive_client = FALSE, disabled_agent = FALSE;

    clients =
        hy_store_cache_list (hy_session_get_store (f->session), HY_CACHE_KIND_CLIENT, NULL, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < clients->len; i++)
      if (((HyCacheRecord *) clients->pdata[i])->inactive)
        inactive_client = TRUE;
    for (guint i = 0; i < agents->len; i++)
      if (((HyCacheRecord *) agents->pdata[i])->inactive)
        disabled_agent = TRUE;
    g_assert_true (inactive_client);
    g_assert_true (disabled_agent);
  }

  /* Every request is an event in the store, none with the secret. */
  g_assert_cmpuint (refresh.requests, ==, hy_sim_get_request_count (sim));
  g_assert_cmpuint (added, ==, refresh.requests);
  g_assert_cmpint (hy_store_events_count (hy_session_get_store (f->session), FALSE, NULL), ==,
                   refresh.requests);
  query.limit = 1000;
  events = hy_store_events_list (hy_session_get_store (f->session), &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      HyEvent *event = events->pdata[i];

      g_assert_nonnull (event->method);
      g_assert_nonnull (event->path);
      g_assert_null (strstr (event->path, SECRET));
      g_assert_true (event->request == NULL || strstr (event->request, SECRET) == NULL);
      g_assert_true (event->response == NULL || strstr (event->response, SECRET) == NULL);
      g_assert_true (event->error == NULL || strstr (event->error, SECRET) == NULL);
    }

  /* The profile persists; the secret does not. */
  g_clear_object (&f->session);
  reopened = hy_session_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hy_session_get_profile (reopened));
  g_assert_cmpstr (hy_session_get_profile (reopened)->url, ==, f->profile->url);
  g_assert_cmpstr (hy_session_get_profile (reopened)->client_id, ==, "halyard-demo");
  g_assert_false (hy_session_has_secret (reopened));

  hy_sim_set_credentials (sim, "halyard-demo", "demo-secret", "demo");
}

static void
test_refresh_forbidden (Fixture *f, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_session_set_profile (f->session, f->profile, &error));
  hy_session_set_secret (f->session, "demo-secret");

  hy_sim_set_granted_scopes (sim, "read:tickets");
  hy_session_refresh_async (f->session, NULL, result_cb, &result);
  g_assert_false (hy_session_refresh_finish (f->session, wait_for (&result), NULL, &error));
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_FORBIDDEN);
  hy_sim_set_granted_scopes (sim, "all");

  /* The failure is in the events log. */
  g_assert_cmpint (hy_store_events_count (hy_session_get_store (f->session), TRUE, NULL), >=, 1);
}

/* The Enabled switch saves its flag and keeps the client (and its token): flipping it does not
 * sign in again, unlike a new profile. */
static void
test_set_enabled (Fixture *f, gconstpointer data)
{
  g_autoptr (HyProfile) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloClient) client = NULL;

  /* No profile: nothing to switch on */
  g_assert_false (hy_session_set_enabled (f->session, TRUE, &error));
  g_assert_error (error, HY_SESSION_ERROR, HY_SESSION_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  g_assert_true (hy_session_set_profile (f->session, f->profile, &error));
  hy_session_set_secret (f->session, "demo-secret");
  hy_session_get_client_async (f->session, NULL, result_cb, &result);
  client = hy_session_get_client_finish (f->session, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);

  g_assert_true (hy_session_set_enabled (f->session, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (hy_session_peek_client (f->session) == client);
  g_assert_true (hy_session_get_profile (f->session)->enabled);
  saved = hy_store_get_profile (hy_session_get_store (f->session), &error);
  g_assert_no_error (error);
  g_assert_true (saved->enabled);
  g_assert_cmpstr (saved->url, ==, f->profile->url);

  g_assert_true (hy_session_set_enabled (f->session, FALSE, &error));
  g_assert_true (hy_session_peek_client (f->session) == client);
  g_assert_false (hy_session_get_profile (f->session)->enabled);
  g_clear_pointer (&saved, hy_profile_free);
  saved = hy_store_get_profile (hy_session_get_store (f->session), &error);
  g_assert_false (saved->enabled);
}

static void
test_keyring_secret (Fixture *f, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  gboolean removed;

  if (!hy_test_keyring_or_skip ())
    return;

  g_assert_true (hy_session_set_profile (f->session, f->profile, &error));

  /* Nothing in memory, nothing in the keyring. */
  hy_session_get_client_async (f->session, NULL, result_cb, &result);
  client = hy_session_get_client_finish (f->session, wait_for (&result), &error);
  g_assert_null (client);
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Saved from memory, then found in the keyring by a new session. */
  hy_session_set_secret (f->session, "demo-secret");
  hy_session_save_secret_async (f->session, NULL, result_cb, &result);
  g_assert_true (hy_session_save_secret_finish (f->session, wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_clear_object (&f->session);

  f->session = hy_session_open (f->dir, &error);
  g_assert_no_error (error);
  hy_session_get_client_async (f->session, NULL, result_cb, &result);
  client = hy_session_get_client_finish (f->session, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  g_assert_true (hy_session_peek_client (f->session) == client);
  g_clear_object (&result);

  /* Forgetting the client builds a new one next time (a fresh sign-in). */
  hy_session_forget_client (f->session);
  g_assert_null (hy_session_peek_client (f->session));
  g_clear_object (&client);
  hy_session_get_client_async (f->session, NULL, result_cb, &result);
  client = hy_session_get_client_finish (f->session, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (hy_session_peek_client (f->session) == client);
  g_clear_object (&result);

  hy_credentials_clear_async (f->profile->url, f->profile->client_id, NULL, result_cb, &result);
  g_assert_true (hy_credentials_clear_finish (wait_for (&result), &removed, &error));
  g_assert_true (removed);
}

/* ---------------------------------------------------------------------------------------------
 * Connecting: test, then save (what Setup's Save and halyard-cli connect both run)
 * ------------------------------------------------------------------------------------------- */

static HyPreflightResult *
connect_wait (HySession *session,
              const HyProfile *values,
              const char *secret,
              HySessionConnectFlags flags,
              gboolean *out_saved,
              GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_session_connect_async (session, values, secret, flags, NULL, result_cb, &result);
  return hy_session_connect_finish (session, wait_for (&result), out_saved, error);
}

/* The profile saved in the store, read back as another process would. */
static HyProfile *
stored_profile (HySession *session)
{
  g_autoptr (GError) error = NULL;
  HyProfile *profile = hy_store_get_profile (hy_session_get_store (session), &error);

  g_assert_no_error (error);
  return profile;
}

static void
test_connect (Fixture *f, gconstpointer data)
{
  g_autoptr (HyProfile) values = sim_profile ();
  g_autoptr (HyPreflightResult) result = NULL;
  g_autoptr (HyProfile) saved_profile = NULL;
  g_autoptr (GError) error = NULL;
  const HySessionConnectFlags no_keyring = HY_SESSION_CONNECT_NO_KEYRING;
  gboolean saved = TRUE;

  values->tenant = g_strdup ("  ");

  /* A refused secret saves nothing. */
  result = connect_wait (f->session, values, "wrong-secret", no_keyring, &saved, &error);
  g_assert_no_error (error);
  g_assert_false (saved);
  g_assert_false (hy_preflight_result_signs_in (result));
  g_assert_null (hy_session_get_profile (f->session));
  g_assert_false (hy_session_has_secret (f->session));
  g_clear_object (&result);

  /* Signed in: saved, with the rate limit given, and the secret handed to the session. */
  values->rate_max = 60;
  values->rate_window = 30;
  result = connect_wait (f->session, values, "demo-secret",
                         no_keyring | HY_SESSION_CONNECT_SET_RATE_LIMIT, &saved, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_assert_true (hy_preflight_result_signs_in (result));
  g_assert_true (hy_session_has_secret (f->session));
  g_clear_object (&result);
  saved_profile = stored_profile (f->session);
  g_assert_cmpstr (saved_profile->url, ==, values->url);
  g_assert_cmpstr (saved_profile->client_id, ==, "halyard-demo");
  g_assert_null (saved_profile->tenant);
  g_assert_false (saved_profile->enabled);
  g_assert_cmpuint (saved_profile->rate_max, ==, 60);
  g_assert_cmpuint (saved_profile->rate_window, ==, 30);
  g_assert_cmpuint (saved_profile->refresh_interval, ==, HY_PROFILE_DEFAULT_REFRESH_INTERVAL);
  g_clear_pointer (&saved_profile, hy_profile_free);

  /* The same Halo application again: the switch and the rate limit not given stay. */
  g_assert_true (hy_session_set_enabled (f->session, TRUE, &error));
  values->scopes = g_strdup ("all");
  values->rate_max = 1;
  values->rate_window = 1;
  result = connect_wait (f->session, values, "demo-secret", no_keyring, &saved, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_clear_object (&result);
  saved_profile = stored_profile (f->session);
  g_assert_true (saved_profile->enabled);
  g_assert_cmpstr (saved_profile->scopes, ==, "all");
  g_assert_cmpuint (saved_profile->rate_max, ==, 60);
  g_clear_pointer (&saved_profile, hy_profile_free);

  /* A refused secret leaves the saved connection, and the session's secret, as they were. */
  g_clear_pointer (&values->scopes, g_free);
  result = connect_wait (f->session, values, "wrong-secret", no_keyring, &saved, &error);
  g_assert_no_error (error);
  g_assert_false (saved);
  g_clear_object (&result);
  saved_profile = stored_profile (f->session);
  g_assert_true (saved_profile->enabled);
  g_assert_cmpstr (saved_profile->scopes, ==, "all");
  g_clear_pointer (&saved_profile, hy_profile_free);
  g_assert_true (hy_session_has_secret (f->session));

  /* Another Halo application: the switch goes off. */
  hy_sim_set_credentials (sim, "other-app", "other-secret", "demo");
  g_free (values->client_id);
  values->client_id = g_strdup ("other-app");
  values->refresh_interval = 0;
  result = connect_wait (f->session, values, "other-secret",
                         no_keyring | HY_SESSION_CONNECT_SET_REFRESH_INTERVAL, &saved, &error);
  hy_sim_set_credentials (sim, "halyard-demo", "demo-secret", "demo");
  g_assert_no_error (error);
  g_assert_true (saved);
  g_clear_object (&result);
  saved_profile = stored_profile (f->session);
  g_assert_cmpstr (saved_profile->client_id, ==, "other-app");
  g_assert_false (saved_profile->enabled);
  g_assert_cmpuint (saved_profile->refresh_interval, ==, 0);
  g_assert_cmpuint (saved_profile->rate_max, ==, 60);
  g_clear_pointer (&saved_profile, hy_profile_free);

  /* No URL: refused before anything is tried. */
  g_clear_pointer (&values->url, g_free);
  g_assert_null (connect_wait (f->session, values, "demo-secret", no_keyring, &saved, &error));
  g_assert_error (error, HY_SESSION_ERROR, HY_SESSION_ERROR_INVALID_PROFILE);
  g_assert_false (saved);
  g_assert_cmpstr (hy_session_get_profile (f->session)->client_id, ==, "other-app");
}

static char *
keyring_lookup (const char *url, const char *client_id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_credentials_lookup_async (url, client_id, NULL, result_cb, &result);
  return hy_credentials_lookup_finish (wait_for (&result), error);
}

/* With the keyring: the secret goes there once the test signs in, a connect without a secret
 * uses the one there, and the previous application's secret stays there. */
static void
test_connect_keyring (Fixture *f, gconstpointer data)
{
  g_autoptr (HyProfile) values = sim_profile ();
  g_autoptr (HyPreflightResult) result = NULL;
  g_autoptr (GAsyncResult) cleared = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  gboolean saved = FALSE;

  if (g_getenv ("HALYARD_TEST_KEYRING") == NULL)
    {
      g_test_skip ("needs the test session's keyring (build-aux/dev test)");
      return;
    }


  /* No secret given, none in the keyring. */
  g_assert_null (connect_wait (f->session, values, NULL, HY_SESSION_CONNECT_NONE, &saved, &error));
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (saved);
  g_assert_null (hy_session_get_profile (f->session));

  /* A refused secret does not go to the keyring. */
  result =
      connect_wait (f->session, values, "wrong-secret", HY_SESSION_CONNECT_NONE, &saved, &error);
  g_assert_no_error (error);
  g_assert_false (saved);
  g_clear_object (&result);
  g_assert_null (keyring_lookup (values->url, values->client_id, &error));
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  result =
      connect_wait (f->session, values, "demo-secret", HY_SESSION_CONNECT_NONE, &saved, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_clear_object (&result);
  secret = keyring_lookup (values->url, values->client_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "demo-secret");
  g_clear_pointer (&secret, hy_credentials_secret_free);

  /* A new session (another process) connects again with the keyring's secret. */
  g_clear_object (&f->session);
  f->session = hy_session_open (f->dir, &error);
  g_assert_no_error (error);
  result = connect_wait (f->session, values, NULL, HY_SESSION_CONNECT_NONE, &saved, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_assert_true (hy_preflight_result_signs_in (result));
  g_clear_object (&result);

  /* Another application: its secret goes in too. */
  hy_sim_set_credentials (sim, "other-app", "other-secret", "demo");
  g_free (values->client_id);
  values->client_id = g_strdup ("other-app");
  result =
      connect_wait (f->session, values, "other-secret", HY_SESSION_CONNECT_NONE, &saved, &error);
  hy_sim_set_credentials (sim, "halyard-demo", "demo-secret", "demo");
  g_assert_no_error (error);
  g_assert_true (saved);
  g_clear_object (&result);
  secret = keyring_lookup (values->url, "other-app", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "other-secret");
  g_clear_pointer (&secret, hy_credentials_secret_free);
  /* The previous application's stays: another data directory may be connected to it. */
  secret = keyring_lookup (values->url, "halyard-demo", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "demo-secret");

  hy_credentials_clear_async (values->url, "halyard-demo", NULL, result_cb, &cleared);
  g_assert_true (hy_credentials_clear_finish (wait_for (&cleared), NULL, &error));
  g_clear_object (&cleared);
  hy_credentials_clear_async (values->url, "other-app", NULL, result_cb, &cleared);
  g_assert_true (hy_credentials_clear_finish (wait_for (&cleared), NULL, &error));
}

int
main (int argc, char **argv)
{
  HySimGenerateOptions options;
  int status;

  hy_test_init (&argc, &argv);
  hy_sim_generate_options_init (&options);
  /* Enough clients and agents for the generator's inactive clients and disabled agent. */
  options.clients = 40;
  options.assets_per_client = 4;
  options.agents = 8;
  sim = hy_test_sim_start (&options);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/session/not-connected", test_not_connected);
  ADD ("/session/refresh", test_refresh);
  ADD ("/session/refresh-forbidden", test_refresh_forbidden);
  ADD ("/session/keyring-secret", test_keyring_secret);
  ADD ("/session/set-enabled", test_set_enabled);
  ADD ("/session/connect", test_connect);
  ADD ("/session/connect-keyring", test_connect_keyring);
#undef ADD

  status = g_test_run ();

  hy_sim_stop (sim);
  g_object_unref (sim);
  return status;
}
