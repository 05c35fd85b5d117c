/* test-setup-page.c — the Setup view against halyard-sim: bad input flagged on its row and
 * nothing saved, a save that signs in and stores the secret, the connection test with a row
 * per check, a refused secret that leaves the previous profile intact, and the Enabled switch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "hy-test-halo.h"
#include "hy-test-session.h"
#include "hy-test-views.h"
#include "hy-window-test.h"

#include "credentials/hy-credentials.h"
#include "hy-setup-page.h"
#include "hy-sim.h"
#include "session/hy-session.h"
#include "sync/hy-sync-engine.h"

typedef struct
{
  HySim *sim;
  char *data_dir;
  HySession *session;
  GtkWindow *window;
  AdwToastOverlay *overlay;
  HySetupPage *page;
  guint tested;
  gboolean tested_ok;
  guint saved;
} Fixture;

/* Until the connection test after @before has ended (the page's "tested" signal counts). */
static void
wait_tested (Fixture *f, guint before)
{
  hy_test_wait_count_above (&f->tested, before, "the connection test");
}

/* The error row that follows @row in its list (hidden when there is no error). */
static AdwActionRow *
error_row_after (GtkWidget *row)
{
  GtkWidget *next = gtk_widget_get_next_sibling (row);

  g_assert_true (ADW_IS_ACTION_ROW (next));
  g_assert_true (gtk_widget_has_css_class (next, "error"));
  return ADW_ACTION_ROW (next);
}

static GtkWidget *
entry (Fixture *f, const char *title)
{
  GtkWidget *row = find_widget (GTK_WIDGET (f->page), ADW_TYPE_ENTRY_ROW, title);

  g_assert_nonnull (row);
  return row;
}

static void
fill (Fixture *f, const char *url, const char *client_id, const char *secret)
{
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Halo URL or Tenant Name")), url);
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Client ID")), client_id);
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Client Secret")), secret);
}

static void
tested_cb (HySetupPage *page, gboolean ok, Fixture *f)
{
  f->tested++;
  f->tested_ok = ok;
}

static void
saved_cb (HySetupPage *page, Fixture *f)
{
  f->saved++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->sim = hy_test_sim_start (NULL);
  f->session = hy_test_session_new_tmp ("halyard-setup-XXXXXX", &f->data_dir);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 900);
  f->overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  f->page = HY_SETUP_PAGE (hy_setup_page_new ());
  adw_toast_overlay_set_child (f->overlay, GTK_WIDGET (f->page));
  gtk_window_set_child (f->window, GTK_WIDGET (f->overlay));
  g_signal_connect (f->page, "tested", G_CALLBACK (tested_cb), f);
  g_signal_connect (f->page, "saved", G_CALLBACK (saved_cb), f);
  hy_setup_page_set_session (f->page, f->session);
  gtk_window_present (f->window);
  iterate_main_loop ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  iterate_main_loop ();
  hy_test_session_remove_tmp (&f->session, &f->data_dir);
  hy_sim_stop (f->sim);
  g_clear_object (&f->sim);
}

/* Saves the simulator's credentials and waits for the connection test that follows. */
static void
save_good_profile (Fixture *f)
{
  guint tested = f->tested;
  g_autofree char *typed = g_strconcat (hy_sim_get_base_url (f->sim), "/api/", NULL);

  /* As copied from a browser: the row shows the normalised URL once saved. */
  fill (f, typed, "halyard-demo", "demo-secret");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Tenant (optional)")), "demo");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.save", NULL));
  wait_tested (f, tested);
}

static void
test_setup_bad_input (Fixture *f, gconstpointer data)
{
  GtkWidget *url = entry (f, "Halo URL or Tenant Name");
  GtkWidget *client_id = entry (f, "Client ID");
  GtkWidget *secret = entry (f, "Client Secret");
  GtkWidget *scopes = entry (f, "Scopes (optional)");
  guint requests = hy_sim_get_request_count (f->sim);

  /* Nothing typed yet: nothing to test. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.test", NULL) &&
                  f->tested > 0);

  fill (f, "http://halo.example.com", "  ", "");
  gtk_editable_set_text (GTK_EDITABLE (scopes), "read:tickets bogus");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.save", NULL));
  iterate_main_loop ();

  /* Each bad row says why and what to do, on the row itself. */
  g_assert_true (gtk_widget_has_css_class (url, "error"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_row_after (url))));
  g_assert_nonnull (
      strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (error_row_after (url))),
              "https://"));
  g_assert_true (gtk_widget_has_css_class (client_id, "error"));
  g_assert_cmpstr (adw_preferences_row_get_title (
                       ADW_PREFERENCES_ROW (error_row_after (client_id))),
                   ==, "Enter the Client ID");
  g_assert_nonnull (
      strstr (adw_action_row_get_subtitle (error_row_after (client_id)), "Details tab"));
  g_assert_true (gtk_widget_has_css_class (scopes, "error"));
  g_assert_nonnull (
      strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (error_row_after (scopes))),
              "bogus"));

  /* Nothing was saved, and Halo was not asked. */
  g_assert_null (hy_session_get_profile (f->session));
  g_assert_cmpuint (f->saved, ==, 0);
  g_assert_cmpuint (hy_sim_get_request_count (f->sim), ==, requests);

  /* Errors clear as the technician fixes them. */
  gtk_editable_set_text (GTK_EDITABLE (url), hy_sim_get_base_url (f->sim));
  iterate_main_loop ();
  g_assert_false (gtk_widget_has_css_class (url, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_row_after (url))));
  g_assert_true (gtk_widget_has_css_class (client_id, "error"));

  /* With no secret typed and none stored, the secret row says so after the keyring lookup. */
  gtk_editable_set_text (GTK_EDITABLE (client_id), "halyard-demo");
  gtk_editable_set_text (GTK_EDITABLE (scopes), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.save", NULL));
  hy_test_wait_css_class (secret, "error");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (error_row_after (secret))),
                   ==, "Enter the Client Secret");
  g_assert_null (hy_session_get_profile (f->session));
}

static void
test_setup_save_and_test (Fixture *f, gconstpointer data)
{
  const HyProfile *profile;
  HyPreflightResult *result;
  GtkWidget *list;
  guint rows = 0;
  g_autofree char *title = NULL;

  save_good_profile (f);

  /* Save tested the connection itself, once, and its requests are in the events log (the
   * token request, Agent/me and the pre-flight's reads). */
  g_assert_cmpuint (f->saved, ==, 1);
  g_assert_cmpuint (f->tested, ==, 1);
  g_assert_cmpint (hy_store_events_count (hy_session_get_store (f->session), FALSE, NULL), >=,
                   HY_PREFLIGHT_N_CHECKS - 2);
  profile = hy_session_get_profile (f->session);
  g_assert_nonnull (profile);
  g_assert_cmpstr (profile->url, ==, hy_sim_get_base_url (f->sim));
  g_assert_cmpstr (profile->client_id, ==, "halyard-demo");
  g_assert_cmpstr (profile->tenant, ==, "demo");
  g_assert_false (profile->enabled);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (f, "Halo URL or Tenant Name"))), ==,
                   hy_sim_get_base_url (f->sim));

  /* The secret is never shown back: the field is empty and says it is stored. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (f, "Client Secret"))), ==, "");
  g_assert_nonnull (hy_test_find_label (entry (f, "Client Secret"), "Stored"));

  /* One row per check, each with a status icon and a screen-reader label. */
  g_assert_true (f->tested_ok);
  result = hy_setup_page_get_result (f->page);
  g_assert_nonnull (result);
  g_assert_true (hy_preflight_result_get_ok (result));
  list = hy_test_find_named (GTK_WIDGET (f->page), "checks");
  g_assert_nonnull (list);
  g_assert_true (gtk_widget_get_visible (list));
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const HyPreflightCheck *check = hy_preflight_result_get_check (result, rows);

      g_assert_true (ADW_IS_ACTION_ROW (row));
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                       check->message);
      g_assert_cmpstr (gtk_widget_get_name (row), ==, hy_preflight_check_id_to_string (check->id));
      rows++;
    }
  g_assert_cmpuint (rows, ==, hy_preflight_result_get_n_checks (result));
  g_assert_cmpuint (rows, ==, HY_PREFLIGHT_N_CHECKS);

  /* The group says which agent Halyard logs in as. */
  g_assert_nonnull (hy_preflight_result_get_agent_name (result));
  title = g_strdup (adw_preferences_group_get_description (
      ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (list, ADW_TYPE_PREFERENCES_GROUP))));
  g_assert_nonnull (strstr (title, hy_preflight_result_get_agent_name (result)));

  /* The secret really is in the keyring, under the profile's URL and Client ID. */
  {
    g_autoptr (HySession) reopened = hy_session_open (f->data_dir, NULL);
    guint tested = f->tested;

    g_assert_nonnull (reopened);
    g_assert_false (hy_session_has_secret (reopened));
    hy_setup_page_set_session (f->page, reopened);
    /* A page given a session with a profile tests it straight away, with the stored secret. */
    wait_tested (f, tested);
    g_assert_true (f->tested_ok);
    hy_setup_page_set_session (f->page, f->session);
    wait_tested (f, tested + 1);
  }

  /* Ctrl+T's action runs the test again. */
  {
    guint tested = f->tested;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.test", NULL));
    wait_tested (f, tested);
    g_assert_true (f->tested_ok);
  }
}

static void
test_setup_refused_secret (Fixture *f, gconstpointer data)
{
  GtkWidget *secret;
  const HyProfile *profile;

  HyStore *store = hy_session_get_store (f->session);
  g_autoptr (HyEvent) refused = NULL;
  gint64 failed;

  save_good_profile (f);
  secret = entry (f, "Client Secret");
  failed = hy_store_events_count (store, TRUE, NULL);

  /* Another Client ID with a wrong secret: Halo refuses it, the row says so, and the working
   * profile stays as it was. Test Connection on edited rows saves them first (Ctrl+T). */
  fill (f, hy_sim_get_base_url (f->sim), "someone-else", "wrong-secret");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.test", NULL));
  hy_test_wait_css_class (secret, "error");

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_row_after (secret))));
  g_assert_nonnull (adw_action_row_get_subtitle (error_row_after (secret)));
  g_assert_cmpuint (f->saved, ==, 1);
  profile = hy_session_get_profile (f->session);
  g_assert_cmpstr (profile->client_id, ==, "halyard-demo");
  /* The previous profile's passing test still stands, so Enabled still may be turned on. */
  g_assert_true (hy_preflight_result_get_ok (hy_setup_page_get_result (f->page)));

  /* The refused sign-in is in Events, like every request sent to Halo, without the secret. */
  g_assert_cmpint (hy_store_events_count (store, TRUE, NULL), >, failed);
  refused = hy_store_events_last_failed (store, NULL);
  g_assert_nonnull (refused);
  g_assert_nonnull (strstr (refused->path, "/auth/token"));
  g_assert_null (refused->request != NULL ? strstr (refused->request, "wrong-secret") : NULL);
  g_assert_null (refused->response != NULL ? strstr (refused->response, "wrong-secret") : NULL);

  /* An address where no Halo answers (a closed loopback port): flagged on the URL row with
   * Halyard's fix, and still nothing saved. */
  {
    GtkWidget *url = entry (f, "Halo URL or Tenant Name");

    fill (f, "http://127.0.0.1:9", "halyard-demo", "demo-secret");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.save", NULL));
    hy_test_wait_css_class (url, "error");
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_row_after (url))));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (error_row_after (url)), "address"));
    g_assert_cmpuint (f->saved, ==, 1);
    g_assert_cmpstr (hy_session_get_profile (f->session)->url, ==, hy_sim_get_base_url (f->sim));
  }

  /* A scope Halo does not know (well formed, so only Halo can refuse it): flagged on the
   * Scopes row with the fix, nothing saved. */
  {
    GtkWidget *scopes = entry (f, "Scopes (optional)");

    fill (f, hy_sim_get_base_url (f->sim), "halyard-demo", "demo-secret");
    gtk_editable_set_text (GTK_EDITABLE (scopes), "read:bogus");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.save", NULL));
    hy_test_wait_css_class (scopes, "error");
    g_assert_nonnull (
        strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (error_row_after (scopes))),
                "invalid_scope"));
    g_assert_cmpuint (f->saved, ==, 1);
    g_assert_null (hy_session_get_profile (f->session)->scopes);
  }

  /* A reopened store says the same: nothing was written. */
  {
    g_autoptr (HySession) reopened = hy_session_open (f->data_dir, NULL);

    g_assert_cmpstr (hy_session_get_profile (reopened)->client_id, ==, "halyard-demo");
  }
}

static guint
n_check_rows (GtkWidget *list)
{
  guint n = 0;

  if (!gtk_widget_get_visible (list))
    return 0;
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

static const char *
checks_description (GtkWidget *list)
{
  return adw_preferences_group_get_description (
      ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (list, ADW_TYPE_PREFERENCES_GROUP)));
}

static const char *
check_title (GtkWidget *list, const char *id)
{
  GtkWidget *row = hy_test_find_named (list, id);

  return row != NULL ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : NULL;
}

/* The checks listed are always those of the last test of the inputs the rows show: edited
 * rows clear them, a test replaces them (and none stays while a new one runs), a refused save
 * lists its own checks, not the saved profile's "Connected". */
static void
test_setup_stale_results (Fixture *f, gconstpointer data)
{
  GtkWidget *list;
  GtkWidget *url = entry (f, "Halo URL or Tenant Name");
  g_autofree char *saved_token = NULL;

  save_good_profile (f);
  list = hy_test_find_named (GTK_WIDGET (f->page), "checks");
  g_assert_cmpuint (n_check_rows (list), ==, HY_PREFLIGHT_N_CHECKS);
  g_assert_true (g_str_has_prefix (checks_description (list), "Connected"));
  saved_token = g_strdup (check_title (list, "token"));

  /* Another URL typed: no checks (they were of the saved one); typed back: they are again. */
  gtk_editable_set_text (GTK_EDITABLE (url), "https://other.halopsa.com");
  g_assert_cmpuint (n_check_rows (list), ==, 0);
  g_assert_false (g_str_has_prefix (checks_description (list), "Connected"));
  gtk_editable_set_text (GTK_EDITABLE (url), hy_sim_get_base_url (f->sim));
  g_assert_cmpuint (n_check_rows (list), ==, HY_PREFLIGHT_N_CHECKS);

  /* A wrong secret: while it is tested nothing is listed, then this test's checks. */
  fill (f, hy_sim_get_base_url (f->sim), "halyard-demo", "wrong-secret");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.save", NULL));
  g_assert_cmpuint (n_check_rows (list), ==, 0);
  hy_test_wait_css_class (entry (f, "Client Secret"), "error");
  g_assert_false (g_str_has_prefix (checks_description (list), "Connected"));
  g_assert_cmpuint (n_check_rows (list), ==, HY_PREFLIGHT_N_CHECKS);
  g_assert_cmpstr (check_title (list, "token"), !=, saved_token);

  /* An empty URL: refused before any test, and no checks listed. */
  fill (f, "", "halyard-demo", "demo-secret");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.save", NULL));
  g_assert_cmpuint (n_check_rows (list), ==, 0);
  g_assert_false (g_str_has_prefix (checks_description (list), "Connected"));

  /* An address where nothing answers: the old host's checks do not stay. */
  fill (f, "http://127.0.0.1:9", "halyard-demo", "demo-secret");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.save", NULL));
  g_assert_cmpuint (n_check_rows (list), ==, 0);
  hy_test_wait_css_class (url, "error");
  g_assert_false (g_str_has_prefix (checks_description (list), "Connected"));
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    g_assert_null (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                           hy_sim_get_base_url (f->sim)));
}

static void
test_setup_enable (Fixture *f, gconstpointer data)
{
  AdwActionRow *enabled_row;
  GtkSwitch *sw;
  HyHaloClient *client;
  g_autoptr (GError) error = NULL;

  enabled_row =
      ADW_ACTION_ROW (find_widget (GTK_WIDGET (f->page), ADW_TYPE_ACTION_ROW, "_Enabled"));
  g_assert_nonnull (enabled_row);
  sw = GTK_SWITCH (find_widget (GTK_WIDGET (enabled_row), GTK_TYPE_SWITCH, NULL));
  g_assert_nonnull (sw);

  /* No connection: refused, with the reason on the row. */
  gtk_switch_set_active (sw, TRUE);
  iterate_main_loop ();
  g_assert_false (gtk_switch_get_state (sw));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (enabled_row), "Save"));

  /* A passing connection but nothing mapped: still refused. */
  save_good_profile (f);
  gtk_switch_set_active (sw, TRUE);
  iterate_main_loop ();
  g_assert_false (gtk_switch_get_active (sw));
  g_assert_false (hy_session_get_profile (f->session)->enabled);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (enabled_row), "Mapping"));
  /* The same rule as the engine's, which halyard-cli enable follows. */
  {
    g_autoptr (HySyncEngine) engine = hy_sync_engine_new (hy_session_get_store (f->session), NULL);
    g_autoptr (GError) refusal = NULL;

    g_assert_false (hy_sync_engine_can_enable (engine, &refusal));
    g_assert_error (refusal, HY_SYNC_ERROR, HY_SYNC_ERROR_NOTHING_MAPPED);
  }

  /* A mapped group alone is enough too (the switch is not turned on here). */
  {
    HyStore *store = hy_session_get_store (f->session);
    g_autoptr (HySyncEngine) engine = hy_sync_engine_new (store, NULL);

    hy_test_store_add_group (store, "g1", "Servers", NULL);
    g_assert_true (hy_store_map_group (store, "g1", 1, 0, &error));
    g_assert_no_error (error);
    hy_setup_page_refresh_enabled (f->page);
    g_assert_null (strstr (adw_action_row_get_subtitle (enabled_row), "Mapping"));
    g_assert_true (hy_sync_engine_can_enable (engine, &error));
    g_assert_no_error (error);
    g_assert_true (hy_store_unmap_group (store, "g1", &error));
    g_assert_no_error (error);
    hy_setup_page_refresh_enabled (f->page);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (enabled_row), "Mapping"));
  }

  /* A mapped policy: allowed, and saved in the profile. */
  {
    HyStore *store = hy_session_get_store (f->session);

    hy_test_store_add_policy (store, "p1", "Disk space low");
    g_assert_true (hy_store_map_policy (store, "p1", 1, 0, &error));
    g_assert_no_error (error);
  }
  hy_setup_page_refresh_enabled (f->page);

  /* Test Connection signs the session's own client in; the switch keeps it (and its token). */
  {
    guint tested = f->tested;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "setup.test", NULL));
    wait_tested (f, tested);
  }
  client = hy_session_peek_client (f->session);
  g_assert_nonnull (client);

  gtk_switch_set_active (sw, TRUE);
  iterate_main_loop ();
  g_assert_true (gtk_switch_get_state (sw));
  g_assert_true (hy_session_get_profile (f->session)->enabled);
  g_assert_true (hy_session_peek_client (f->session) == client);

  gtk_switch_set_active (sw, FALSE);
  iterate_main_loop ();
  g_assert_false (hy_session_get_profile (f->session)->enabled);
  g_assert_true (hy_session_peek_client (f->session) == client);
}

static gboolean
says_created (gpointer row)
{
  const char *subtitle = adw_action_row_get_subtitle (row);

  return subtitle != NULL && strstr (subtitle, "created and closed") != NULL;
}

static void
test_setup_test_ticket (Fixture *f, gconstpointer data)
{
  AdwActionRow *row;
  GtkWidget *button;
  GtkWidget *link;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonArray *tickets;

  row = ADW_ACTION_ROW (
      find_widget (GTK_WIDGET (f->page), ADW_TYPE_ACTION_ROW, "Send a _Test Ticket"));
  g_assert_nonnull (row);
  button = hy_test_find_button (GTK_WIDGET (row), "Send");
  g_assert_nonnull (button);
  link = find_widget (GTK_WIDGET (row), GTK_TYPE_LINK_BUTTON, NULL);
  g_assert_nonnull (link);

  /* No connection yet: it says what to do first. */
  g_signal_emit_by_name (button, "clicked");
  iterate_main_loop ();
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Save"));

  save_good_profile (f);
  /* Nothing mapped: it says what to choose. */
  g_signal_emit_by_name (button, "clicked");
  iterate_main_loop ();
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "client"));
  g_assert_false (gtk_widget_get_visible (link));

  {
    HyStore *store = hy_session_get_store (f->session);

    hy_test_store_add_group (store, "g1", "Servers", NULL);
    g_assert_true (hy_store_map_group (store, "g1", 12, 0, &error));
    hy_test_store_add_policy (store, "p1", "Disk space low");
    g_assert_true (hy_store_map_policy (store, "p1", 4, 0, &error));
    g_assert_no_error (error);
  }

  g_signal_emit_by_name (button, "clicked");
  hy_test_wait_until (says_created, row, "the test ticket created and closed");
  g_assert_true (gtk_widget_get_visible (link));
  g_assert_true (g_str_has_prefix (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)),
                                   hy_session_get_profile (f->session)->url));
  g_assert_nonnull (strstr (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)), "/ticket?id="));

  /* In Halo: one ticket of type 4 on client 12, closed with status 9. */
  state = hy_sim_dump_state (f->sim);
  tickets = json_object_get_array_member (json_node_get_object (state), "tickets");
  g_assert_cmpuint (json_array_get_length (tickets), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tickets, 0),
                                               "tickettype_id"),
                   ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tickets, 0),
                                               "client_id"),
                   ==, 12);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tickets, 0),
                                               "status_id"),
                   ==, 9);
}

int
main (int argc, char *argv[])
{
  hy_window_test_init_gtk (&argc, &argv);

  g_test_add ("/setup/bad-input", Fixture, NULL, fixture_set_up, test_setup_bad_input,
              fixture_tear_down);
  g_test_add ("/setup/save-and-test", Fixture, NULL, fixture_set_up, test_setup_save_and_test,
              fixture_tear_down);
  g_test_add ("/setup/refused-secret", Fixture, NULL, fixture_set_up, test_setup_refused_secret,
              fixture_tear_down);
  g_test_add ("/setup/stale-results", Fixture, NULL, fixture_set_up, test_setup_stale_results,
              fixture_tear_down);
  g_test_add ("/setup/enable", Fixture, NULL, fixture_set_up, test_setup_enable, fixture_tear_down);
  g_test_add ("/setup/test-ticket", Fixture, NULL, fixture_set_up, test_setup_test_ticket,
              fixture_tear_down);

  return g_test_run ();
}
