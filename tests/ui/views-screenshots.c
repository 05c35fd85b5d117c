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
 * views in a window like Halyard's, and renders the window as each of the shots of the table
 * below shows it (mapping, mapping-groups, events), light and dark: mapping-light.png,
 * mapping-dark.png, mapping-groups-light.png and so on.
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
#include "hy-test-ui.h"
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
refresh (HySession *session)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  hy_session_refresh_async (session, NULL, hy_test_result_cb, &result);
  /* A refresh that met faults may fail; its events are what the screenshot wants. */
  if (!hy_session_refresh_finish (session, hy_test_wait_for (&result), NULL, &error))
    g_message ("Refresh: %s", error->message);
}

static void
upsert (HyStore *store, HyRecordKind kind, gpointer record)
{
  g_autoptr (GError) error = NULL;

  check (hy_store_upsert (store, kind, record, NULL, &error), error);
  hy_record_free (kind, record);
}

/* The first 14 of Halo's clients as companies of the inventory (most names match Halo's; a
 * few differ the way real inventories do), and an in-house lab that is no customer. */
static void
fill_companies (HyStore *store, GPtrArray *clients)
{
  HyCompany *lab = hy_company_new ();

  for (guint i = 0; i < clients->len && i < 14; i++)
    {
      HyCacheRecord *client = g_ptr_array_index (clients, i);
      HyCompany *company = hy_company_new ();

      company->id = g_strdup_printf ("c%u", i);
      if (i % 5 == 3)
        company->name = g_strdup_printf ("%s Ltd", client->name);
      else if (i % 5 == 4)
        company->name = g_ascii_strup (client->name, -1);
      else
        company->name = g_strdup (client->name);
      upsert (store, HY_RECORD_KIND_COMPANY, company);
    }
  lab->id = g_strdup ("c-lab");
  lab->name = g_strdup ("In-house Test Lab");
  upsert (store, HY_RECORD_KIND_COMPANY, lab);
}

static void
fill_groups (HyStore *store)
{
  static const char *groups[] = { "Servers", "Workstations", "Laptops", "Lab machines" };

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      HyGroup *group = hy_group_new ();

      group->id = g_strdup_printf ("g%u", g);
      group->name = g_strdup (groups[g]);
      upsert (store, HY_RECORD_KIND_GROUP, group);
    }
}

/* Company @i's locations and computers: Halo's sites and assets of @client, and a new laptop
 * Halo does not know yet. */
static void
fill_company_devices (HyStore *store, guint i, HyCacheRecord *client)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) sites = NULL;
  g_autoptr (GPtrArray) assets = NULL;
  HyComputer *laptop = hy_computer_new ();

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
  laptop->id = g_strdup_printf ("pc%u-new", i);
  laptop->name = g_strdup_printf ("NEW-LAPTOP-%02u", i);
  laptop->company_id = g_strdup_printf ("c%u", i);
  laptop->group_id = g_strdup ("g2");
  upsert (store, HY_RECORD_KIND_COMPUTER, laptop);
}

/* Halo's agents as users (not the API agent), and a new hire Halo does not know yet. */
static void
fill_users (HyStore *store)
{
  g_autoptr (GPtrArray) agents = hy_store_cache_list (store, HY_CACHE_KIND_AGENT, NULL, NULL);
  HyUser *newhire = hy_user_new ();

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
  newhire->id = g_strdup ("u-new");
  newhire->name = g_strdup ("Sam Newhire");
  newhire->email = g_strdup ("sam.newhire@msp.example");
  upsert (store, HY_RECORD_KIND_USER, newhire);
}

static void
fill_policies (HyStore *store)
{
  static const char *policies[] = { "Disk space low", "CPU above 90%", "Service stopped",
                                    "Backup failed", "Windows updates pending" };

  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    {
      HyPolicy *policy = hy_policy_new ();

      policy->id = g_strdup_printf ("p%u", p);
      policy->name = g_strdup (policies[p]);
      upsert (store, HY_RECORD_KIND_POLICY, policy);
    }
}

/* Three groups mapped to the first three clients, one synced, one syncing, one failed; three
 * policies mapped to the first ticket type (two of them closing with Halo's closed status). */
static void
map_groups_and_policies (HyStore *store, GPtrArray *clients)
{
  g_autoptr (GPtrArray) types = hy_store_cache_list (store, HY_CACHE_KIND_TICKET_TYPE, NULL, NULL);
  g_autoptr (GPtrArray) statuses = hy_store_cache_list (store, HY_CACHE_KIND_STATUS, NULL, NULL);
  g_autoptr (GError) error = NULL;
  gint64 closed_status = 0;

  for (guint i = 0; statuses != NULL && i < statuses->len; i++)
    if (((HyCacheRecord *) g_ptr_array_index (statuses, i))->closed)
      closed_status = ((HyCacheRecord *) g_ptr_array_index (statuses, i))->id;

  for (guint g = 0; g < 3; g++)
    {
      g_autofree char *group = g_strdup_printf ("g%u", g);

      check (hy_linker_map_group (store, group,
                                  ((HyCacheRecord *) g_ptr_array_index (clients, g))->id, 0,
                                  &error),
             error);
    }
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
}

/* Fills the store the way a technician would: a refresh from halyard-sim, an inventory, Link
 * automatically, group and policy mappings, then a few failures for the Events view (server
 * errors, retried, and a refused request). */
static void
fill (HySession *session, HySim *sim)
{
  HyStore *store = hy_session_get_store (session);
  g_autoptr (GPtrArray) clients = NULL;
  g_autoptr (HyLinkerResult) result = NULL;
  g_autoptr (GError) error = NULL;

  refresh (session);
  clients = hy_store_cache_list (store, HY_CACHE_KIND_CLIENT, NULL, &error);
  check (clients != NULL, error);
  fill_companies (store, clients);
  fill_groups (store);
  for (guint i = 0; i < 6; i++)
    fill_company_devices (store, i, g_ptr_array_index (clients, i));
  fill_users (store);
  fill_policies (store);

  result = hy_linker_auto_link (store, FALSE, &error);
  check (result != NULL, error);
  map_groups_and_policies (store, clients);

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

/* Translated views with LANG=de_DE.UTF-8 etc.: the build tree's catalogues when
 * HALYARD_LOCALEDIR points at them (as for halyard itself). */
static void
init (void)
{
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
}

/* A session in @dir on a simulated Halo of 24 clients, filled as fill () says. */
static HySession *
open_filled_session (const char *dir, HySim *sim)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (HySession) session = hy_session_open (dir, &error);
  HySimGenerateOptions options;

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
  return g_steal_pointer (&session);
}

typedef struct
{
  GtkWidget *window;
  GtkWidget *stack;
  GtkWidget *mapping;
  GtkWidget *events;
} Views;

/* A window like Halyard's (HALYARD_SHOT_WIDTH=360: the narrow layout) with the Mapping and
 * Events views of @session, presented. */
static Views
build_window (HySession *session)
{
  Views views = { adw_application_window_new (NULL), adw_view_stack_new (), hy_mapping_page_new (),
                  hy_events_page_new () };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_view_switcher_title_new ();
  AdwViewStack *stack = ADW_VIEW_STACK (views.stack);
  AdwViewStackPage *page;

  gtk_window_set_default_size (GTK_WINDOW (views.window),
                               g_getenv ("HALYARD_SHOT_WIDTH") != NULL
                                   ? atoi (g_getenv ("HALYARD_SHOT_WIDTH"))
                                   : 1180,
                               760);
  gtk_widget_set_vexpand (views.stack, TRUE);
  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (title), stack);
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (title), "Halyard");
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), views.stack);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (views.window), box);

  adw_view_stack_add_titled (stack, adw_status_page_new (), "setup",
                             g_dgettext (GETTEXT_PACKAGE, "Setup"));
  page = adw_view_stack_add_titled (stack, views.mapping, "mapping",
                                    g_dgettext (GETTEXT_PACKAGE, "Mapping"));
  adw_view_stack_page_set_icon_name (page, "insert-link-symbolic");
  page = adw_view_stack_add_titled (stack, views.events, "events",
                                    g_dgettext (GETTEXT_PACKAGE, "Events"));
  adw_view_stack_page_set_icon_name (page, "view-list-symbolic");
  g_object_set (views.mapping, "session", session, NULL);
  g_object_set (views.events, "session", session, NULL);

  gtk_window_present (GTK_WINDOW (views.window));
  hy_test_ui_settle (views.window);
  return views;
}

static gboolean
mapping_idle (gpointer mapping)
{
  return !hy_mapping_page_get_busy (mapping);
}

/* Link automatically as a technician would: the near misses become suggestions; the toast that
 * says so is closed before the screenshots. */
static void
link_automatically (Views *views)
{
  gtk_widget_activate_action (views->mapping, "mapping.link-auto", NULL);
  hy_test_ui_wait_until (mapping_idle, views->mapping, "Link Automatically");
  hy_test_ui_close_toasts (views->window, NULL);
}

/* The details of a failed request in Events: Halo's own error text. */
static void
select_failed_request (Views *views)
{
  GListModel *shown = hy_events_page_get_shown (HY_EVENTS_PAGE (views->events));

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr (HyEventItem) item = g_list_model_get_item (shown, i);

      if (hy_event_item_get_failed (item))
        {
          hy_events_page_select (HY_EVENTS_PAGE (views->events), i);
          break;
        }
    }
}

typedef struct
{
  const char *view;    /* the view stack's page */
  const char *section; /* the Mapping section, or NULL */
  void (*prepare) (Views *views);
  const char *name; /* the file's name, before the language and the colour scheme */
} Shot;

static const Shot shots[] = {
  { "mapping", "companies", NULL, "mapping" },
  { "mapping", "groups", NULL, "mapping-groups" },
  { "events", NULL, select_failed_request, "events" },
};

/* @shot in the current colour scheme, saved as OUT/NAME[-LANG]-@scheme.png. */
static void
take (Views *views, const Shot *shot, const char *out, const char *lang, const char *scheme)
{
  g_autofree char *path = g_strdup_printf ("%s/%s%s%s-%s.png", out, shot->name, lang ? "-" : "",
                                           lang ? lang : "", scheme);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (views->stack), shot->view);
  if (shot->section != NULL)
    hy_mapping_page_set_section (HY_MAPPING_PAGE (views->mapping), shot->section);
  hy_test_ui_settle (views->window);
  if (shot->prepare != NULL)
    {
      shot->prepare (views);
      hy_test_ui_settle (views->window);
    }
  save_window (views->window, path);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySession) session = NULL;
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autofree char *dir = NULL;
  const char *out = argc > 1 ? argv[1] : ".";
  const char *lang = g_getenv ("HALYARD_SHOT_LANG");
  Views views;

  if (lang != NULL && lang[0] == '\0')
    lang = NULL;
  init ();
  dir = g_dir_make_tmp ("halyard-shots-XXXXXX", &error);
  check (dir != NULL, error);
  session = open_filled_session (dir, sim);
  views = build_window (session);
  link_automatically (&views);

  /* The view switcher's buttons change colour in a transition: the pictures are of its end. */
  hy_test_ui_set_animations (FALSE);
  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                               : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint i = 0; i < G_N_ELEMENTS (shots); i++)
        take (&views, &shots[i], out, lang, dark ? "dark" : "light");
    }

  gtk_window_destroy (GTK_WINDOW (views.window));
  g_clear_object (&session);
  hy_test_remove_tree (dir);
  hy_sim_stop (sim);
  return 0;
}
