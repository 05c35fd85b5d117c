/* views-screenshots.c — screenshots of the Mapping and Events views, light and dark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: run by hand under Xvfb (GSK_RENDERER=cairo) to make data/screenshots/:
 *
 *   HALYARD_BUILD_ROOT=_build GSK_RENDERER=cairo xvfb-run -a dbus-run-session -- \
 *     build-aux/test-session.sh _build/tests/ui/views-screenshots OUTPUT_DIR
 *
 * For the translated views: LANG=de_DE.UTF-8 HALYARD_LOCALEDIR=_build/po HALYARD_SHOT_LANG=de
 * (the file names then carry the language).
 *
 * Fills a temporary store the way a technician would (a refresh from halyard-sim, an
 * inventory, Link automatically, group and policy mappings, a few failed requests), shows both
 * views in a window like Halyard's, and renders the window to mapping-light.png,
 * mapping-dark.png, events-light.png and events-dark.png.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>

#include "models/hy-event-item.h"
#include "hy-events-page.h"
#include "hy-ui-shot.h"
#include "hy-ui-test.h"
#include "hy-mapping-page.h"
#include "hy-sim.h"
#include "linker/hy-linker.h"

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error != NULL ? error->message : "failed");
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
refresh (HySession *session)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  hy_session_refresh_async (session, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* A refresh that met faults may fail; its events are what the screenshot wants. */
  if (!hy_session_refresh_finish (session, result, NULL, &error))
    g_message ("Refresh: %s", error->message);
}

static void
upsert (HyStore *store, HyRecordKind kind, gpointer record)
{
  g_autoptr (GError) error = NULL;

  check (hy_store_upsert (store, kind, record, NULL, &error), error);
  hy_record_free (kind, record);
}

static void
fill (HySession *session, HySim *sim)
{
  HyStore *store = hy_session_get_store (session);
  g_autoptr (GPtrArray) clients = NULL;
  g_autoptr (GPtrArray) types = NULL;
  g_autoptr (GPtrArray) statuses = NULL;
  g_autoptr (HyLinkerResult) result = NULL;
  g_autoptr (GError) error = NULL;
  static const char *groups[] = { "Servers", "Workstations", "Laptops", "Lab machines" };
  static const char *policies[] = { "Disk space low", "CPU above 90%", "Service stopped",
                                    "Backup failed", "Windows updates pending" };
  gint64 closed_status = 0;

  refresh (session);
  clients = hy_store_cache_list (store, HY_CACHE_KIND_CLIENT, NULL, &error);
  check (clients != NULL, error);

  for (guint i = 0; i < clients->len && i < 14; i++)
    {
      HyCacheRecord *client = g_ptr_array_index (clients, i);
      HyCompany *company = hy_company_new ();

      company->id = g_strdup_printf ("c%u", i);
      /* Most names match Halo's; a few differ the way real inventories do. */
      if (i % 5 == 3)
        company->name = g_strdup_printf ("%s Ltd", client->name);
      else if (i % 5 == 4)
        company->name = g_ascii_strup (client->name, -1);
      else
        company->name = g_strdup (client->name);
      upsert (store, HY_RECORD_KIND_COMPANY, company);
    }
  {
    HyCompany *company = hy_company_new ();

    company->id = g_strdup ("c-lab");
    company->name = g_strdup ("In-house Test Lab");
    upsert (store, HY_RECORD_KIND_COMPANY, company);
  }

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      HyGroup *group = hy_group_new ();

      group->id = g_strdup_printf ("g%u", g);
      group->name = g_strdup (groups[g]);
      upsert (store, HY_RECORD_KIND_GROUP, group);
    }

  for (guint i = 0; i < 6; i++)
    {
      HyCacheRecord *client = g_ptr_array_index (clients, i);
      HyStoreQuery query = HY_STORE_QUERY_INIT;
      g_autoptr (GPtrArray) sites = NULL;
      g_autoptr (GPtrArray) assets = NULL;

      query.halo_client_id = client->id;
      sites = hy_store_cache_list (store, HY_CACHE_KIND_SITE, &query, NULL);
      assets = hy_store_cache_list (store, HY_CACHE_KIND_ASSET, &query, NULL);
      for (guint s = 0; sites != NULL && s < sites->len; s++)
        {
          HyLocation *location = hy_location_new ();

          location->id = g_strdup_printf ("l%u-%u", i, s);
          location->name = g_strdup (((HyCacheRecord *) g_ptr_array_index (sites, s))->name);
          location->company_id = g_strdup_printf ("c%u", i);
          upsert (store, HY_RECORD_KIND_LOCATION, location);
        }
      for (guint a = 0; assets != NULL && a < assets->len; a++)
        {
          HyCacheRecord *asset = g_ptr_array_index (assets, a);
          HyComputer *computer = hy_computer_new ();

          computer->id = g_strdup_printf ("pc%u-%u", i, a);
          computer->name = g_strdup (asset->key_field != NULL ? asset->key_field : asset->name);
          computer->company_id = g_strdup_printf ("c%u", i);
          computer->group_id = g_strdup_printf ("g%u", a % 4);
          computer->serial = g_strdup (asset->serial);
          computer->os = g_strdup ("Windows 11 Pro");
          upsert (store, HY_RECORD_KIND_COMPUTER, computer);
        }
      {
        HyComputer *computer = hy_computer_new ();

        computer->id = g_strdup_printf ("pc%u-new", i);
        computer->name = g_strdup_printf ("NEW-LAPTOP-%02u", i);
        computer->company_id = g_strdup_printf ("c%u", i);
        computer->group_id = g_strdup ("g2");
        upsert (store, HY_RECORD_KIND_COMPUTER, computer);
      }
    }

  {
    g_autoptr (GPtrArray) agents = hy_store_cache_list (store, HY_CACHE_KIND_AGENT, NULL, NULL);

    for (guint i = 0; agents != NULL && i < agents->len; i++)
      {
        HyCacheRecord *agent = g_ptr_array_index (agents, i);
        HyUser *user;

        if (agent->is_api_agent)
          continue;
        user = hy_user_new ();
        user->id = g_strdup_printf ("u%u", i);
        user->name = g_strdup (agent->name);
        user->email = g_strdup (agent->email);
        upsert (store, HY_RECORD_KIND_USER, user);
      }
    {
      HyUser *user = hy_user_new ();

      user->id = g_strdup ("u-new");
      user->name = g_strdup ("Sam Newhire");
      user->email = g_strdup ("sam.newhire@msp.example");
      upsert (store, HY_RECORD_KIND_USER, user);
    }
  }

  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    {
      HyPolicy *policy = hy_policy_new ();

      policy->id = g_strdup_printf ("p%u", p);
      policy->name = g_strdup (policies[p]);
      upsert (store, HY_RECORD_KIND_POLICY, policy);
    }

  result = hy_linker_auto_link (store, FALSE, &error);
  check (result != NULL, error);

  types = hy_store_cache_list (store, HY_CACHE_KIND_TICKET_TYPE, NULL, NULL);
  statuses = hy_store_cache_list (store, HY_CACHE_KIND_STATUS, NULL, NULL);
  for (guint i = 0; statuses != NULL && i < statuses->len; i++)
    if (((HyCacheRecord *) g_ptr_array_index (statuses, i))->closed)
      closed_status = ((HyCacheRecord *) g_ptr_array_index (statuses, i))->id;

  check (hy_linker_map_group (store, "g0", ((HyCacheRecord *) g_ptr_array_index (clients, 0))->id,
                              0, &error),
         error);
  check (hy_linker_map_group (store, "g1", ((HyCacheRecord *) g_ptr_array_index (clients, 1))->id,
                              0, &error),
         error);
  check (hy_linker_map_group (store, "g2", ((HyCacheRecord *) g_ptr_array_index (clients, 2))->id,
                              0, &error),
         error);
  check (hy_store_set_group_sync (store, "g0", HY_SYNC_STATE_SYNCED, 6, 0, NULL, &error), error);
  check (hy_store_set_group_sync (store, "g1", HY_SYNC_STATE_SYNCING, 2, 0, NULL, &error), error);
  check (hy_store_set_group_sync (store, "g2", HY_SYNC_STATE_FAILED, 5, 2,
                                  "Asset type “Laptop” not found in Halo", &error),
         error);
  if (types != NULL && types->len > 0)
    {
      gint64 type = ((HyCacheRecord *) g_ptr_array_index (types, 0))->id;

      check (hy_linker_map_policy (store, "p0", type, closed_status, &error), error);
      check (hy_linker_map_policy (store, "p1", type, 0, &error), error);
      check (hy_linker_map_policy (store, "p3", type, closed_status, &error), error);
    }

  /* A few failures for the Events view: server errors (retried) and a refused request. */
  hy_sim_fail_next (sim, 2, 500);
  refresh (session);
  hy_sim_fail_next (sim, 1, 400);
  refresh (session);
  refresh (session);
}

/* The window as the next painted frame shows it (see hy-ui-shot.h): never a picture taken
 * while a relayout is pending. */
static void
save_window (GtkWidget *window, const char *path)
{
  g_autoptr (GdkTexture) texture = hy_ui_shot_take (window);

  if (texture == NULL)
    g_error ("No frame of the window was painted for %s", path);
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Cannot write %s", path);
  g_print ("%s\n", path);
}

static gboolean
elapsed_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run for @ms: a toast times out, a transition ends. */
static void
run_for (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, elapsed_cb, &elapsed);
  while (!elapsed)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs what is pending (a section switched, a row selected), so the next frame shows it. */
static void
settle (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = NULL;
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (HyProfile) profile = hy_profile_new ();
  HySimGenerateOptions options;
  GtkWidget *window, *box, *header, *title, *stack;
  AdwViewStackPage *page;
  GtkWidget *mapping, *events;
  const char *out = argc > 1 ? argv[1] : ".";
  const char *lang = g_getenv ("HALYARD_SHOT_LANG");

  if (lang != NULL && lang[0] == '\0')
    lang = NULL;

  /* Translated views with LANG=de_DE.UTF-8 etc.: the build tree's catalogues when
   * HALYARD_LOCALEDIR points at them (as for halyard itself). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("HALYARD_LOCALEDIR") != NULL
                                       ? g_getenv ("HALYARD_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* Icons need a MIME database to load (see hy-ui-test.h). */
  hy_views_test_init_mime ();
  adw_init ();

  dir = g_dir_make_tmp ("halyard-shots-XXXXXX", &error);
  check (dir != NULL, error);
  session = hy_session_open (dir, &error);
  check (session != NULL, error);

  hy_sim_generate_options_init (&options);
  options.clients = 24;
  options.assets_per_client = 6;
  hy_sim_generate (sim, &options);
  check (hy_sim_start (sim, 0, &error), error);
  profile->url = g_strdup (hy_sim_get_base_url (sim));
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  check (hy_session_set_profile (session, profile, &error), error);
  hy_session_set_secret (session, "demo-secret");
  fill (session, sim);

  window = adw_application_window_new (NULL);
  /* HALYARD_SHOT_WIDTH=360: the narrow layout. */
  gtk_window_set_default_size (GTK_WINDOW (window),
                               g_getenv ("HALYARD_SHOT_WIDTH") != NULL
                                   ? atoi (g_getenv ("HALYARD_SHOT_WIDTH"))
                                   : 1180,
                               760);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  title = adw_view_switcher_title_new ();
  stack = adw_view_stack_new ();
  gtk_widget_set_vexpand (stack, TRUE);
  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (title), ADW_VIEW_STACK (stack));
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (title), "Halyard");
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), stack);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  mapping = hy_mapping_page_new ();
  events = hy_events_page_new ();
  adw_view_stack_add_titled (ADW_VIEW_STACK (stack), adw_status_page_new (), "setup",
                             g_dgettext (GETTEXT_PACKAGE, "Setup"));
  page = adw_view_stack_add_titled (ADW_VIEW_STACK (stack), mapping, "mapping",
                                    g_dgettext (GETTEXT_PACKAGE, "Mapping"));
  adw_view_stack_page_set_icon_name (page, "insert-link-symbolic");
  page = adw_view_stack_add_titled (ADW_VIEW_STACK (stack), events, "events",
                                    g_dgettext (GETTEXT_PACKAGE, "Events"));
  adw_view_stack_page_set_icon_name (page, "view-list-symbolic");
  g_object_set (mapping, "session", session, NULL);
  g_object_set (events, "session", session, NULL);

  gtk_window_present (GTK_WINDOW (window));
  settle ();

  /* Link automatically as a technician would: the near misses become suggestions (and the
   * toast that says so has gone by the time of the screenshots). */
  gtk_widget_activate_action (mapping, "mapping.link-auto", NULL);
  while (hy_mapping_page_get_busy (HY_MAPPING_PAGE (mapping)))
    g_main_context_iteration (NULL, TRUE);
  run_for (6000);

  for (guint scheme = 0; scheme < 2; scheme++)
    {
      const char *suffix = scheme == 0 ? "light" : "dark";

      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          scheme == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                                      : ADW_COLOR_SCHEME_FORCE_DARK);

      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "mapping");
      hy_mapping_page_set_section (HY_MAPPING_PAGE (mapping), "companies");
      settle ();
      {
        g_autofree char *name = g_strdup_printf ("%s/mapping%s%s-%s.png", out, lang ? "-" : "",
                                                 lang ? lang : "", suffix);
        save_window (window, name);
      }
      hy_mapping_page_set_section (HY_MAPPING_PAGE (mapping), "groups");
      settle ();
      {
        g_autofree char *name = g_strdup_printf ("%s/mapping-groups%s%s-%s.png", out,
                                                 lang ? "-" : "", lang ? lang : "", suffix);
        save_window (window, name);
      }

      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "events");
      settle ();
      /* The details of a failed request: Halo's own error text. */
      {
        GListModel *shown = hy_events_page_get_shown (HY_EVENTS_PAGE (events));

        for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
          {
            g_autoptr (HyEventItem) item = g_list_model_get_item (shown, i);

            if (hy_event_item_get_failed (item))
              {
                hy_events_page_select (HY_EVENTS_PAGE (events), i);
                break;
              }
          }
      }
      settle ();
      {
        g_autofree char *name = g_strdup_printf ("%s/events%s%s-%s.png", out, lang ? "-" : "",
                                                 lang ? lang : "", suffix);
        save_window (window, name);
      }
    }

  gtk_window_destroy (GTK_WINDOW (window));
  hy_sim_stop (sim);
  return 0;
}
