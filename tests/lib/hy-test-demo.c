/* hy-test-demo.c: the demo's window, as the tests of the demo open it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-demo.h"

HyTestDemo *
hy_test_demo_new (void)
{
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GError) error = NULL;
  HyTestDemo *demo = g_new0 (HyTestDemo, 1);

  demo->demo = hy_demo_new ();
  g_assert_true (hy_demo_start (demo->demo, &error));
  g_assert_no_error (error);
  demo->session = hy_session_open (hy_demo_get_data_dir (demo->demo), &error);
  g_assert_no_error (error);
  profile->url = g_strdup (hy_demo_get_url (demo->demo));
  profile->tenant = g_strdup (hy_demo_get_tenant (demo->demo));
  profile->client_id = g_strdup (hy_demo_get_client_id (demo->demo));
  g_assert_true (hy_session_set_profile (demo->session, profile, &error));
  g_assert_no_error (error);
  hy_session_set_secret (demo->session, hy_demo_get_secret (demo->demo));
  return demo;
}

static void
tested_cb (HySetupPage *page, gboolean ok, int *tested)
{
  *tested = ok ? 1 : -1;
}

void
hy_test_demo_open_window (HyTestDemo *demo, int width, int height)
{
  g_autoptr (GFile) inventory = g_file_new_for_uri ("resource://" HY_DEMO_INVENTORY_RESOURCE);

  g_assert_null (demo->window);
  demo->window = hy_window_new (NULL);
  g_object_ref_sink (demo->window);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (demo->window), width, height);
  hy_window_set_demo (demo->window, TRUE);
  g_signal_connect (hy_window_get_setup_page (demo->window), "tested", G_CALLBACK (tested_cb),
                    &demo->tested);
  hy_window_set_session (demo->window, demo->session);
  hy_window_set_visible_view (demo->window, "setup");
  gtk_window_present (GTK_WINDOW (demo->window));

  hy_window_import_file (demo->window, inventory);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (demo->window), "win.refresh", NULL));
}

static gboolean
tested (gpointer data)
{
  return ((HyTestDemo *) data)->tested != 0;
}

static gboolean
inventory_imported (gpointer data)
{
  HyStore *store = hy_session_get_store (((HyTestDemo *) data)->session);

  return hy_store_count (store, HY_RECORD_KIND_COMPANY, NULL, NULL) >= 5;
}

static gboolean
clients_cached (gpointer data)
{
  HyStore *store = hy_session_get_store (((HyTestDemo *) data)->session);

  return hy_store_cache_count (store, HY_CACHE_KIND_CLIENT, NULL, NULL) >= 1;
}

void
hy_test_demo_wait_ready (HyTestDemo *demo)
{
  g_autofree char *imported =
      hy_test_ui_toast_prefix ("Imported: %'u added, %'u updated, %'u unchanged");
  g_autofree char *refreshed =
      hy_test_ui_toast_prefix ("Refreshed from Halo — clients: %'u, sites: %'u, assets: %'u, "
                               "agents: %'u, ticket types: %'u");
  const char *const toasts[] = { imported, refreshed, NULL };

  /* The connection test runs by itself and passes against the simulated Halo. */
  hy_test_ui_wait_until (tested, demo, "Setup's connection test");
  g_assert_cmpint (demo->tested, ==, 1);
  /* The sample inventory is in the store, through the core's import. */
  hy_test_ui_wait_until (inventory_imported, demo, "the sample inventory's import");
  /* Halo's records are in the cache (win.refresh). */
  hy_test_ui_wait_until (clients_cached, demo, "Halo's clients in the cache");
  /* Each says so in a toast when it is over. */
  hy_test_ui_close_toasts (GTK_WIDGET (demo->window), toasts);
}

void
hy_test_demo_free (HyTestDemo *demo)
{
  if (demo->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (demo->window));
      hy_test_wait_idle ();
      g_clear_object (&demo->session);
      g_assert_finalize_object (demo->window);
    }
  g_clear_object (&demo->session);
  hy_demo_stop (demo->demo, 5000);
  g_clear_object (&demo->demo);
  g_free (demo);
}
