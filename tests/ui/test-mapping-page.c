/* test-mapping-page.c — the Mapping view over a real store and linker: Linked True/False,
 * search, Unlinked only, Link automatically (all or the selection), suggestions, rename, unlink,
 * the Halo record picker for links, groups and policies, and Refresh from Halo against
 * halyard-sim
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store/hy-store-lifecycle.h"
#include "store/hy-store-service.h"

#include "hy-test.h"
#include "hy-ui-test.h"

#include <glib/gstdio.h>

#include "models/hy-link-item.h"
#include "hy-mapping-page.h"
#include "hy-sim.h"
#include "hy-suggestions-list.h"
#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker.h"
#include "sync/hy-sync-engine.h"

typedef struct
{
  char *dir;
  HySession *session;
  GtkWidget *window;
  HyMappingPage *page;
} Fixture;

static void
wait_idle (HyMappingPage *page)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  while (hy_mapping_page_get_busy (page))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
add_cache (HyStore *store, HyCacheKind kind, GPtrArray *records)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_store_cache_replace (store, kind, records, &error));
  g_assert_no_error (error);
  g_ptr_array_unref (records);
}

static GPtrArray *
records (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
}

static void
upsert (HyStore *store, HyRecordKind kind, gpointer record)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_store_upsert (store, kind, record, NULL, &error));
  g_assert_no_error (error);
  hy_record_free (kind, record);
}

static void
fill_store (HyStore *store)
{
  const char *companies[][2] = {
    { "c1", "Acme Ltd" }, { "c2", "Contoso" }, { "c3", "Fabrikam" }, { "c4", "Northwind" }
  };
  GPtrArray *list;
  HyCacheRecord *record;
  HyLocation *location;
  HyComputer *computer;
  HyUser *user;
  HyGroup *group;
  HyPolicy *policy;

  for (guint i = 0; i < G_N_ELEMENTS (companies); i++)
    {
      HyCompany *company = hy_company_new ();

      company->id = g_strdup (companies[i][0]);
      company->name = g_strdup (companies[i][1]);
      upsert (store, HY_RECORD_KIND_COMPANY, company);
    }

  location = hy_location_new ();
  location->id = g_strdup ("l1");
  location->name = g_strdup ("Head Office");
  location->company_id = g_strdup ("c1");
  upsert (store, HY_RECORD_KIND_LOCATION, location);

  computer = hy_computer_new ();
  computer->id = g_strdup ("pc1");
  computer->name = g_strdup ("ACME-DC01");
  computer->company_id = g_strdup ("c1");
  upsert (store, HY_RECORD_KIND_COMPUTER, computer);

  user = hy_user_new ();
  user->id = g_strdup ("u1");
  user->name = g_strdup ("Jane Tech");
  user->email = g_strdup ("jane@msp.example");
  upsert (store, HY_RECORD_KIND_USER, user);

  group = hy_group_new ();
  group->id = g_strdup ("g1");
  group->name = g_strdup ("Servers");
  upsert (store, HY_RECORD_KIND_GROUP, group);

  policy = hy_policy_new ();
  policy->id = g_strdup ("p1");
  policy->name = g_strdup ("Disk space low");
  upsert (store, HY_RECORD_KIND_POLICY, policy);

  list = records ();
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 10, "ACME Limited"));
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 11, "Contoso"));
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 12, "Fabrikam"));
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 13, "Tailspin Toys"));
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 14, "Northwind Inc"));
  add_cache (store, HY_CACHE_KIND_CLIENT, list);

  list = records ();
  record = hy_cache_record_new (HY_CACHE_KIND_SITE, 100, "Main Office");
  record->client_id = 10;
  g_ptr_array_add (list, record);
  record = hy_cache_record_new (HY_CACHE_KIND_SITE, 101, "Warehouse");
  record->client_id = 10;
  g_ptr_array_add (list, record);
  record = hy_cache_record_new (HY_CACHE_KIND_SITE, 102, "Toy Shop");
  record->client_id = 13;
  g_ptr_array_add (list, record);
  add_cache (store, HY_CACHE_KIND_SITE, list);

  list = records ();
  record = hy_cache_record_new (HY_CACHE_KIND_AGENT, 7, "Jane T.");
  record->email = g_strdup ("Jane@MSP.example");
  g_ptr_array_add (list, record);
  add_cache (store, HY_CACHE_KIND_AGENT, list);

  list = records ();
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_TICKET_TYPE, 3, "Alert"));
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_TICKET_TYPE, 4, "Incident"));
  add_cache (store, HY_CACHE_KIND_TICKET_TYPE, list);

  list = records ();
  record = hy_cache_record_new (HY_CACHE_KIND_STATUS, 9, "Closed");
  record->closed = TRUE;
  g_ptr_array_add (list, record);
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_STATUS, 1, "New"));
  add_cache (store, HY_CACHE_KIND_STATUS, list);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("halyard-mapping-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->session = hy_session_open (fixture->dir, &error);
  g_assert_no_error (error);
  if (data == NULL)
    fill_store (hy_session_get_store (fixture->session));

  fixture->window = gtk_window_new ();
  fixture->page = HY_MAPPING_PAGE (hy_mapping_page_new ());
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->page));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_object_set (fixture->page, "session", fixture->session, NULL);
  wait_idle (fixture->page);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->session);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static HyLinkItem *
find_row (HyMappingPage *page, const char *section, const char *name)
{
  GListModel *rows = hy_mapping_page_get_rows (page, section);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (HyLinkItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (hy_link_item_get_name (item), name) == 0)
        return item;
    }

  return NULL;
}

static gboolean
is_linked (HyMappingPage *page, const char *section, const char *name)
{
  HyLinkItem *item = find_row (page, section, name);

  g_assert_nonnull (item);
  return hy_link_item_get_linked (item);
}

static void
select_row (HyMappingPage *page, const char *section, const char *name)
{
  GListModel *rows = hy_mapping_page_get_rows (page, section);

  hy_mapping_page_set_section (page, section);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (HyLinkItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (hy_link_item_get_name (item), name) == 0)
        {
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), i, TRUE);
          return;
        }
    }

  g_assert_not_reached ();
}

static void
test_mapping_lists (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  GListModel *companies = hy_mapping_page_get_rows (page, "companies");

  /* Every record, Linked False before anything is linked; ordered by name. */
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 4);
  g_assert_false (is_linked (page, "companies", "Acme Ltd"));
  g_assert_false (is_linked (page, "companies", "Contoso"));
  g_assert_cmpuint (g_list_model_get_n_items (hy_mapping_page_get_rows (page, "locations")), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (hy_mapping_page_get_rows (page, "computers")), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (hy_mapping_page_get_rows (page, "technicians")), ==,
                    1);
  g_assert_cmpuint (g_list_model_get_n_items (hy_mapping_page_get_rows (page, "groups")), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (hy_mapping_page_get_rows (page, "policies")), ==, 1);

  /* Opening the view links nothing and suggests nothing yet. */
  g_assert_cmpuint (hy_mapping_page_get_n_suggestions (page), ==, 0);

  /* Search as you type: the store filters. */
  hy_mapping_page_set_search_text (page, "CONT");
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 1);
  hy_mapping_page_set_search_text (page, "");
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 4);

  /* Link automatically on the selection only. */
  select_row (page, "companies", "Contoso");
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.link-auto", NULL);
  wait_idle (page);
  g_assert_true (is_linked (page, "companies", "Contoso"));
  g_assert_false (is_linked (page, "companies", "Fabrikam"));
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "companies", "Contoso")), ==,
                   "Contoso");

  /* Then everything: Fabrikam and the technician (by e-mail, ignoring case). */
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (companies));
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.link-auto", NULL);
  wait_idle (page);
  g_assert_true (is_linked (page, "companies", "Fabrikam"));
  g_assert_false (is_linked (page, "companies", "Acme Ltd")); /* a near miss is never linked */
  g_assert_true (is_linked (page, "technicians", "Jane Tech"));
  /* The near miss waits for the technician, with its evidence. */
  g_assert_cmpuint (hy_mapping_page_get_n_suggestions (page), >=, 1);

  /* Unlinked only. */
  hy_mapping_page_set_unlinked_only (page, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 2);
  g_assert_null (find_row (page, "companies", "Contoso"));

  /* Accept the suggestion: Acme Ltd → ACME Limited, with its evidence. */
  {
    guint index = G_MAXUINT;

    for (guint i = 0; i < hy_mapping_page_get_n_suggestions (page); i++)
      {
        const HyLinkerSuggestion *suggestion = hy_mapping_page_get_suggestion (page, i);

        if (suggestion->kind == HY_RECORD_KIND_COMPANY && g_strcmp0 (suggestion->id, "c1") == 0)
          {
            index = i;
            g_assert_cmpint (suggestion->halo_id, ==, 10);
            g_assert_nonnull (suggestion->evidence);
            g_assert_nonnull (suggestion->evidence[0]);
          }
      }
    g_assert_cmpuint (index, !=, G_MAXUINT);
    g_assert_true (hy_mapping_page_answer_suggestion (page, index, TRUE));
  }
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 1);
  hy_mapping_page_set_unlinked_only (page, FALSE);
  g_assert_true (is_linked (page, "companies", "Acme Ltd"));
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "companies", "Acme Ltd")), ==,
                   "ACME Limited");

  /* Reject Northwind → Northwind Inc: remembered, so linking again does not offer it back. */
  {
    guint index = G_MAXUINT;

    for (guint i = 0; i < hy_mapping_page_get_n_suggestions (page); i++)
      {
        const HyLinkerSuggestion *suggestion = hy_mapping_page_get_suggestion (page, i);

        if (suggestion->kind == HY_RECORD_KIND_COMPANY && g_strcmp0 (suggestion->id, "c4") == 0)
          index = i;
      }
    g_assert_cmpuint (index, !=, G_MAXUINT);
    g_assert_true (hy_mapping_page_answer_suggestion (page, index, FALSE));

    gtk_widget_activate_action (GTK_WIDGET (page), "mapping.link-auto", NULL);
    wait_idle (page);
    for (guint i = 0; i < hy_mapping_page_get_n_suggestions (page); i++)
      {
        const HyLinkerSuggestion *suggestion = hy_mapping_page_get_suggestion (page, i);

        g_assert_false (suggestion->kind == HY_RECORD_KIND_COMPANY &&
                        g_strcmp0 (suggestion->id, "c4") == 0);
      }
    g_assert_false (is_linked (page, "companies", "Northwind"));
  }

  /* Rename a company in place; an empty name is refused and changes nothing. */
  g_assert_true (hy_mapping_page_rename_company (page, "c4", "Northwind Traders"));
  g_assert_nonnull (find_row (page, "companies", "Northwind Traders"));
  g_assert_false (hy_mapping_page_rename_company (page, "c4", "   "));
  g_assert_nonnull (find_row (page, "companies", "Northwind Traders"));

  /* Unlink the selection. */
  select_row (page, "companies", "Contoso");
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.unlink", NULL);
  g_assert_false (is_linked (page, "companies", "Contoso"));
  g_assert_true (is_linked (page, "companies", "Fabrikam"));
}

/* The button labelled @label under @root, popovers included. */
static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  if (GTK_IS_BUTTON (root) && gtk_button_get_label (GTK_BUTTON (root)) != NULL &&
      g_str_equal (gtk_button_get_label (GTK_BUTTON (root)), label))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type_anywhere (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type_anywhere (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A group's row says its coming maintenance window, then the active one, after the counts. */
static void
check_group_maintenance (Fixture *fixture, HyMappingPage *page)
{
  HyStore *store = hy_session_get_store (fixture->session);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (GError) error = NULL;
  HyLinkItem *row;

  g_assert_cmpint (hy_store_add_maintenance (store, "g1", now + 3600, now + 7200, NULL, &error), >,
                   0);
  hy_mapping_page_reload (page);
  row = find_row (page, "groups", "Servers");
  g_assert_nonnull (strstr (hy_link_item_get_extra (row), "Halo said no — Maintenance from "));
  g_assert_cmpint (hy_store_add_maintenance (store, "g1", now - 60, now + 600, NULL, &error), >, 0);
  hy_mapping_page_reload (page);
  row = find_row (page, "groups", "Servers");
  g_assert_nonnull (strstr (hy_link_item_get_extra (row), "In maintenance until "));
  g_assert_null (strstr (hy_link_item_get_extra (row), "Maintenance from"));
}

static void
set_policy_defaults (HyStore *store,
                     gint64 priority_id,
                     const char *team,
                     gint64 agent_id,
                     const char *category,
                     int flap_minutes)
{
  g_autoptr (HyPolicyDefaults) defaults = hy_policy_defaults_new ("p1");
  g_autoptr (GError) error = NULL;

  defaults->priority_id = priority_id;
  defaults->team = g_strdup (team);
  defaults->agent_id = agent_id;
  defaults->category = g_strdup (category);
  defaults->flap_minutes = flap_minutes;
  g_assert_true (hy_linker_set_policy_defaults (store, defaults, &error));
  g_assert_no_error (error);
}

/* Undo on a policy's mapping toast puts back everything the mapping had: the ticket type, the
 * close status and the ticket defaults set since (priority, team, agent, category, flap). */
static void
test_policy_undo_defaults (Fixture *fixture)
{
  HyMappingPage *page = fixture->page;
  HyStore *store = hy_session_get_store (fixture->session);
  g_autoptr (HyPolicyMapping) mapping = NULL;
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  g_autoptr (GError) error = NULL;
  HyRecordPicker *picker;
  GPtrArray *list;
  HyCacheRecord *agent;

  list = records ();
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_PRIORITY, 1, "Critical"));
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_PRIORITY, 3, "Low"));
  add_cache (store, HY_CACHE_KIND_PRIORITY, list);
  list = records ();
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_TEAM, 1, "Service Desk"));
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_TEAM, 2, "Infrastructure"));
  add_cache (store, HY_CACHE_KIND_TEAM, list);
  list = records ();
  agent = hy_cache_record_new (HY_CACHE_KIND_AGENT, 7, "Jane T.");
  agent->email = g_strdup ("Jane@MSP.example");
  g_ptr_array_add (list, agent);
  g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_AGENT, 8, "Joe B."));
  add_cache (store, HY_CACHE_KIND_AGENT, list);

  /* Mapped to Incident, closed as Closed, with its ticket defaults. */
  g_assert_true (hy_linker_map_policy (store, "p1", 4, 9, &error));
  set_policy_defaults (store, 1, "Service Desk", 7, "Disks", 15);
  hy_mapping_page_reload (page);

  /* Mapped again to Alert, not closing, through the picker; then its defaults changed (the
   * Ticket Defaults dialog) while the toast is still there. */
  select_row (page, "policies", "Disk space low");
  picker = hy_mapping_page_open_picker (page);
  hy_record_picker_set_search_text (picker, "alert");
  g_assert_true (hy_record_picker_pick_selected (picker));
  hy_record_picker_set_search_text (picker, "new");
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "policies", "Disk space low")), ==,
                   "Alert");
  set_policy_defaults (store, 3, "Infrastructure", 8, "Network", 90);

  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL);
  mapping = hy_store_get_policy_mapping (store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mapping->ticket_type_id, ==, 4);
  g_assert_cmpint (mapping->close_status_id, ==, 9);
  defaults = hy_store_get_policy_defaults (store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (defaults->priority_id, ==, 1);
  g_assert_cmpstr (defaults->team, ==, "Service Desk");
  g_assert_cmpint (defaults->agent_id, ==, 7);
  g_assert_cmpstr (defaults->category, ==, "Disks");
  g_assert_cmpint (defaults->flap_minutes, ==, 15);
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "policies", "Disk space low")), ==,
                   "Incident");
  g_clear_pointer (&mapping, hy_policy_mapping_free);
  g_clear_pointer (&defaults, hy_policy_defaults_free);

  /* A policy that was not mapped: Undo unmaps it, and the defaults set meanwhile go too. */
  g_assert_true (hy_linker_unmap_policy (store, "p1", &error));
  defaults = hy_policy_defaults_new ("p1");
  g_assert_true (hy_store_set_policy_defaults (store, defaults, &error));
  g_clear_pointer (&defaults, hy_policy_defaults_free);
  hy_mapping_page_reload (page);
  select_row (page, "policies", "Disk space low");
  picker = hy_mapping_page_open_picker (page);
  hy_record_picker_set_search_text (picker, "alert");
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_true (is_linked (page, "policies", "Disk space low"));
  set_policy_defaults (store, 3, "Infrastructure", 8, "Network", 90);

  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL);
  g_assert_false (is_linked (page, "policies", "Disk space low"));
  g_assert_null (hy_store_get_policy_mapping (store, "p1", &error));
  g_clear_error (&error);
  defaults = hy_store_get_policy_defaults (store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (defaults->priority_id, ==, 0);
  g_assert_null (defaults->team);
  g_assert_cmpint (defaults->agent_id, ==, 0);
  g_assert_null (defaults->category);
  g_assert_cmpint (defaults->flap_minutes, ==, -1);
}

static void
test_mapping_picker (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  HyRecordPicker *picker;
  g_autoptr (GError) error = NULL;
  HyLinkItem *row;

  /* Nothing selected: no picker. */
  g_assert_null (hy_mapping_page_open_picker (page));

  /* A location's sites are those of its company's client. */
  g_assert_true (hy_linker_set_link (hy_session_get_store (fixture->session),
                                     HY_RECORD_KIND_COMPANY, "c1", 10, NULL, &error));
  hy_mapping_page_reload (page);
  select_row (page, "locations", "Head Office");
  picker = hy_mapping_page_open_picker (page);
  g_assert_nonnull (picker);
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 2);
  hy_record_picker_set_search_text (picker, "ware");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 1);
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_true (is_linked (page, "locations", "Head Office"));
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "locations", "Head Office")), ==,
                   "Warehouse");

  /* The toast's Undo puts the link back as it was (none), and a second link again. */
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL);
  g_assert_false (is_linked (page, "locations", "Head Office"));
  select_row (page, "locations", "Head Office");
  picker = hy_mapping_page_open_picker (page);
  hy_record_picker_set_search_text (picker, "ware");
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_true (is_linked (page, "locations", "Head Office"));

  /* A group: client, then site (or the client's main site). */
  select_row (page, "groups", "Servers");
  picker = hy_mapping_page_open_picker (page);
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 5); /* every Halo client */
  hy_record_picker_set_search_text (picker, "acme");
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 2); /* ACME's sites */
  /* Another client after all: back from the sites to the clients. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (page), "_Back to the Client"), "clicked");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 5);
  hy_record_picker_set_search_text (picker, "tailspin");
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 1); /* its one site */
  g_assert_true (hy_record_picker_pick_selected (picker));
  row = find_row (page, "groups", "Servers");
  g_assert_true (hy_link_item_get_linked (row));
  g_assert_cmpstr (hy_link_item_get_halo_name (row), ==, "Tailspin Toys — Toy Shop");
  g_assert_cmpstr (hy_link_item_get_state (row), ==, "Unsynced");
  g_assert_cmpstr (hy_link_item_get_extra (row), ==, "0 of 0 devices synced, 0 failed");

  /* The live state comes from the store's sync state. */
  g_assert_true (hy_store_set_group_sync (hy_session_get_store (fixture->session), "g1",
                                          HY_SYNC_STATE_FAILED, 0, 0, "Halo said no", &error));
  hy_mapping_page_reload (page);
  row = find_row (page, "groups", "Servers");
  g_assert_cmpstr (hy_link_item_get_state (row), ==, "Failed");
  g_assert_cmpuint (hy_link_item_get_state_kind (row), ==, HY_LINK_ITEM_STATE_BAD);
  g_assert_nonnull (strstr (hy_link_item_get_extra (row), "Halo said no"));

  check_group_maintenance (fixture, page);

  /* The live refresh of the states keeps the selection of rows that did not change. */
  select_row (page, "groups", "Servers");
  hy_mapping_page_reload (page);
  g_assert_true (
      gtk_selection_model_is_selected (hy_mapping_page_get_selection (page, "groups"), 0));

  /* A policy: ticket type, then the status that closes the ticket when the alert clears:
   * Halo's Closed (id 9) first, whatever the names of the others. */
  {
    GPtrArray *list = records ();
    HyCacheRecord *status = hy_cache_record_new (HY_CACHE_KIND_STATUS, 9, "Closed");

    status->closed = TRUE;
    g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_STATUS, 4, "Awaiting Parts"));
    g_ptr_array_add (list, status);
    g_ptr_array_add (list, hy_cache_record_new (HY_CACHE_KIND_STATUS, 1, "New"));
    add_cache (hy_session_get_store (fixture->session), HY_CACHE_KIND_STATUS, list);
  }
  select_row (page, "policies", "Disk space low");
  picker = hy_mapping_page_open_picker (page);
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 2);
  hy_record_picker_set_search_text (picker, "incident");
  g_assert_true (hy_record_picker_pick_selected (picker));
  /* Back to the ticket types, for another one. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (page), "_Back to the Ticket Type"), "clicked");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 2);
  hy_record_picker_set_search_text (picker, "alert");
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 3);
  g_assert_cmpint (hy_halo_item_get_id (hy_record_picker_get_selected (picker)), ==, 9);
  g_assert_true (hy_record_picker_pick_selected (picker));
  row = find_row (page, "policies", "Disk space low");
  g_assert_true (hy_link_item_get_linked (row));
  g_assert_cmpstr (hy_link_item_get_halo_name (row), ==, "Alert");
  g_assert_cmpstr (hy_link_item_get_extra (row), ==, "Close as “Closed”");

  /* Undo: the policy is not mapped again; the group's Undo is gone with its toast. */
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL);
  g_assert_false (is_linked (page, "policies", "Disk space low"));
  g_assert_true (is_linked (page, "groups", "Servers"));
  select_row (page, "policies", "Disk space low");
  picker = hy_mapping_page_open_picker (page);
  hy_record_picker_set_search_text (picker, "alert");
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_true (is_linked (page, "policies", "Disk space low"));

  /* Unmapping the policy. */
  select_row (page, "policies", "Disk space low");
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.unlink", NULL);
  g_assert_false (is_linked (page, "policies", "Disk space low"));

  test_policy_undo_defaults (fixture);
}

static void
test_mapping_refresh (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GError) error = NULL;
  HyCompany *company = hy_company_new ();
  HyRecordPicker *picker;
  HySimGenerateOptions options;
  gint64 n_clients;

  hy_sim_generate_options_init (&options);
  options.clients = 30;
  hy_sim_generate (sim, &options);
  g_assert_true (hy_sim_start (sim, 0, &error));
  profile->url = g_strdup (hy_sim_get_base_url (sim));
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  g_assert_true (hy_session_set_profile (fixture->session, profile, &error));
  hy_session_set_secret (fixture->session, "demo-secret");

  company->id = g_strdup ("c1");
  company->name = g_strdup ("Someone");
  upsert (hy_session_get_store (fixture->session), HY_RECORD_KIND_COMPANY, company);
  hy_mapping_page_reload (page);

  /* Empty store: no Halo clients to pick from yet. */
  select_row (page, "companies", "Someone");
  picker = hy_mapping_page_open_picker (page);
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.refresh", NULL);
  g_assert_true (hy_mapping_page_get_busy (page));
  wait_idle (page);

  /* Every client the refresh cached (the simulator's 30, less the ones it keeps from
   * Halyard, if any) is there to pick. */
  n_clients = hy_store_cache_count (hy_session_get_store (fixture->session), HY_CACHE_KIND_CLIENT,
                                    NULL, &error);
  g_assert_cmpint (n_clients, >=, 25);
  select_row (page, "companies", "Someone");
  picker = hy_mapping_page_open_picker (page);
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, n_clients);

  hy_sim_stop (sim);
}

/* A reload asked for while Link automatically runs (an import or a refresh finishing meanwhile)
 * waits until the page is idle: reloading mid-link tripped a GtkListItemManager assertion in
 * GTK 4.8. The reload still happens, once the link is done. */
static void
test_mapping_reload_while_busy (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  HyStore *store = hy_session_get_store (fixture->session);
  HyCompany *company = hy_company_new ();
  GListModel *companies = hy_mapping_page_get_rows (page, "companies");

  select_row (page, "companies", "Contoso");
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.link-auto", NULL);
  g_assert_true (hy_mapping_page_get_busy (page));

  /* Written by someone else while the page is busy, then a reload asked for, again and again
   * while the link runs: the rows stay as they are until it is done. */
  company->id = g_strdup ("c9");
  company->name = g_strdup ("Wide World Importers");
  upsert (store, HY_RECORD_KIND_COMPANY, company);
  while (hy_mapping_page_get_busy (page))
    {
      g_assert_true (hy_mapping_page_reload (page));
      g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 4);
      g_main_context_iteration (NULL, TRUE);
    }

  wait_idle (page);
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 5);
  g_assert_nonnull (find_row (page, "companies", "Wide World Importers"));
  g_assert_true (is_linked (page, "companies", "Contoso"));
}

/* Runs the main context until the Servers group shows @state (a write of this process or
 * another one is reported by the store within 50 ms; a guard fails the test after 5 s). */
static void
wait_group_state (HyMappingPage *page, const char *state)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_strcmp0 (hy_link_item_get_state (find_row (page, "groups", "Servers")), state) != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* The Groups section follows the store's "changed" signal: a run's new state shows at once,
 * whoever wrote it (this process's engine, or halyard-cli in another process). */
static void
test_mapping_live_groups (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  HyStore *store = hy_session_get_store (fixture->session);
  g_autoptr (HyStore) other = hy_store_open (hy_store_get_path (store), NULL);
  g_autoptr (GError) error = NULL;
  HyLinkItem *row;

  g_assert_true (hy_linker_map_group (store, "g1", 13, 102, &error));
  g_assert_no_error (error);
  hy_mapping_page_reload (page);
  hy_mapping_page_set_section (page, "groups");
  wait_idle (page);
  g_assert_cmpstr (hy_link_item_get_state (find_row (page, "groups", "Servers")), ==, "Unsynced");

  /* A run writes the state: the store says so, and the row follows, no engine involved. */
  g_assert_true (hy_store_set_group_sync (store, "g1", HY_SYNC_STATE_SYNCING, 0, 0, NULL, &error));
  wait_group_state (page, "Syncing");
  row = find_row (page, "groups", "Servers");
  g_assert_cmpuint (hy_link_item_get_state_kind (row), ==, HY_LINK_ITEM_STATE_BUSY);

  /* Another connection (as halyard-cli in another process) writes it: it shows too. */
  g_assert_nonnull (other);
  g_assert_true (hy_store_set_group_sync (other, "g1", HY_SYNC_STATE_FAILED, 0, 1, "no", &error));
  wait_group_state (page, "Failed");

  /* Shown elsewhere: the Groups section reads the states when it is shown again. */
  hy_mapping_page_set_section (page, "companies");
  g_assert_true (hy_store_set_group_sync (store, "g1", HY_SYNC_STATE_SYNCED, 0, 0, NULL, &error));
  hy_store_check_changes (store);
  wait_idle (page);
  hy_mapping_page_set_section (page, "groups");
  wait_idle (page);
  g_assert_cmpstr (hy_link_item_get_state (find_row (page, "groups", "Servers")), ==, "Synced");
}

/* The first widget of @type under @root, popovers left out. */
static GtkWidget *
find_type (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  if (GTK_IS_POPOVER (root))
    return NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every visible scrolled window outside the lists shows all of its content sideways. */
static void
assert_nothing_scrolls_sideways (GtkWidget *root)
{
  if (!gtk_widget_get_visible (root))
    return;

  if (GTK_IS_SCROLLED_WINDOW (root) &&
      !GTK_IS_COLUMN_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (root))))
    {
      GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (root));

      g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 1);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!GTK_IS_POPOVER (child))
      assert_nothing_scrolls_sideways (child);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Every visible action button of the toolbar has a tooltip and says what it does: a label, or
 * (the menu of more actions only) an icon with an accessible name. */
static void
assert_action_buttons (GtkWidget *root, guint *n_buttons, GPtrArray *actions)
{
  if (GTK_IS_POPOVER (root) || GTK_IS_REVEALER (root) || ADW_IS_STATUS_PAGE (root) ||
      !gtk_widget_get_visible (root))
    return;

  if (GTK_IS_MENU_BUTTON (root))
    {
      GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (root));

      g_assert_nonnull (gtk_widget_get_tooltip_text (root));
      if (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (root)) != NULL)
        {
          /* The menu's items carry their labels. */
          g_assert_nonnull (menu);
          for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
            {
              GMenuModel *section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

              for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
                {
                  g_autofree char *label = NULL;
                  g_autofree char *action = NULL;

                  g_assert_true (g_menu_model_get_item_attribute (section, j,
                                                                  G_MENU_ATTRIBUTE_LABEL, "s",
                                                                  &label));
                  g_assert_cmpstr (label, !=, "");
                  g_assert_true (g_menu_model_get_item_attribute (section, j,
                                                                  G_MENU_ATTRIBUTE_ACTION, "s",
                                                                  &action));
                  g_ptr_array_add (actions, g_steal_pointer (&action));
                }
              g_clear_object (&section);
            }
        }
      else
        g_assert_nonnull (gtk_menu_button_get_label (GTK_MENU_BUTTON (root)));
      (*n_buttons)++;
      return;
    }

  if (GTK_IS_BUTTON (root) &&
      (GTK_IS_TOGGLE_BUTTON (root) || gtk_actionable_get_action_name (GTK_ACTIONABLE (root))))
    {
      g_assert_nonnull (gtk_widget_get_tooltip_text (root));
      g_assert_nonnull (gtk_button_get_label (GTK_BUTTON (root)));
      if (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)) != NULL)
        g_ptr_array_add (actions,
                         g_strdup (gtk_actionable_get_action_name (GTK_ACTIONABLE (root))));
      (*n_buttons)++;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_action_buttons (child, n_buttons, actions);
}

static gboolean
has_action (GPtrArray *actions, const char *name)
{
  return g_ptr_array_find_with_equal_func (actions, name, g_str_equal, NULL);
}

/* The labels in the list that show an ellipsis. */
static void
collect_cut_labels (GtkWidget *root, GPtrArray *cut)
{
  if (!gtk_widget_get_mapped (root))
    return;

  if (GTK_IS_LABEL (root) && gtk_label_get_ellipsize (GTK_LABEL (root)) != PANGO_ELLIPSIZE_NONE &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (root))))
    g_ptr_array_add (cut, g_strdup (gtk_label_get_text (GTK_LABEL (root))));

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cut_labels (child, cut);
}

static void
wait_narrow (HyMappingPage *page, gboolean narrow)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);

  while (hy_mapping_page_get_narrow (page) != narrow && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  /* The new layout allocated: two painted frames (the first may change the layout again). */
  for (guint i = 0; i < 2; i++)
    {
      wait_idle (page);
      hy_ui_test_wait_frame (GTK_WIDGET (page));
    }
  wait_idle (page);
}

/* At 360 px the sections go in a drop-down, the lists show the name and the state (the rest
 * of the selected row under them) without cutting the names, and every action stays reachable
 * with its label (Link To… and Suggestions as buttons, the rest in a menu), so nothing scrolls
 * sideways; wide again, the switcher, the columns and the buttons come back. */
static void
test_mapping_narrow (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  GtkDropDown *dropdown = GTK_DROP_DOWN (find_type (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN));
  GtkWidget *switcher = find_type (GTK_WIDGET (page), ADW_TYPE_VIEW_SWITCHER);
  /* The search entry's row, in the toolbar (with the row of actions). */
  GtkWidget *toolbar = gtk_widget_get_parent (
      gtk_widget_get_parent (find_type (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY)));
  g_autoptr (GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) cut = g_ptr_array_new_with_free_func (g_free);
  GtkColumnView *view;
  GListModel *columns;
  guint n_buttons = 0;
  guint n_visible = 0;

  g_assert_nonnull (dropdown);
  g_assert_false (hy_mapping_page_get_narrow (page));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  /* Unlinked Only, Link Automatically, Link To…, Unlink, Refresh and the menu (Rename…). */
  assert_action_buttons (toolbar, &n_buttons, actions);
  g_assert_cmpuint (n_buttons, ==, 6);
  g_assert_true (has_action (actions, "mapping.rename"));

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 700);
  wait_narrow (page, TRUE);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (page)), <=, 360);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  g_assert_false (gtk_widget_is_visible (switcher));
  n_buttons = 0;
  g_ptr_array_set_size (actions, 0);
  assert_action_buttons (toolbar, &n_buttons, actions);
  /* Link To… and the menu. */
  g_assert_cmpuint (n_buttons, ==, 2);
  g_assert_true (has_action (actions, "mapping.link-auto"));
  g_assert_true (has_action (actions, "mapping.unlink"));
  g_assert_true (has_action (actions, "mapping.rename"));
  g_assert_true (has_action (actions, "mapping.unlinked-only"));
  g_assert_true (has_action (actions, "mapping.refresh"));
  assert_nothing_scrolls_sideways (GTK_WIDGET (page));

  /* The name and the state only, and no name cut off. */
  view = GTK_COLUMN_VIEW (find_type (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW));
  columns = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      n_visible += gtk_column_view_column_get_visible (column);
    }
  g_assert_cmpuint (n_visible, ==, 2);
  collect_cut_labels (GTK_WIDGET (view), cut);
  for (guint i = 0; i < cut->len; i++)
    g_test_message ("cut off at 360 px: %s", (char *) g_ptr_array_index (cut, i));
  g_assert_cmpuint (cut->len, ==, 0);

  /* The rest of the selected row, under the list. */
  select_row (page, "companies", "Acme Ltd");
  wait_idle (page);
  {
    GtkRevealer *details = NULL;

    for (GtkWidget *w = find_type (GTK_WIDGET (page), GTK_TYPE_REVEALER); w != NULL;
         w = gtk_widget_get_next_sibling (w))
      if (GTK_IS_REVEALER (w) && GTK_IS_LABEL (gtk_revealer_get_child (GTK_REVEALER (w))))
        details = GTK_REVEALER (w);
    g_assert_nonnull (details);
    g_assert_true (gtk_revealer_get_reveal_child (details));
    g_assert_nonnull (
        strstr (gtk_label_get_text (GTK_LABEL (gtk_revealer_get_child (details))), "Acme Ltd"));
  }

  /* Groups: mapped, nothing to link automatically nor an unlinked filter. */
  hy_mapping_page_set_section (page, "groups");
  n_buttons = 0;
  g_ptr_array_set_size (actions, 0);
  assert_action_buttons (toolbar, &n_buttons, actions);
  g_assert_false (has_action (actions, "mapping.link-auto"));
  g_assert_false (has_action (actions, "mapping.unlinked-only"));
  g_assert_true (has_action (actions, "mapping.unlink"));

  /* The drop-down and the sections follow each other. */
  gtk_drop_down_set_selected (dropdown, 4);
  g_assert_cmpstr (hy_mapping_page_get_section (page), ==, "groups");
  hy_mapping_page_set_section (page, "policies");
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 5);
  hy_mapping_page_set_section (page, "companies");

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 700);
  wait_narrow (page, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  g_assert_true (gtk_widget_is_visible (switcher));
  n_buttons = 0;
  g_ptr_array_set_size (actions, 0);
  assert_action_buttons (toolbar, &n_buttons, actions);
  g_assert_cmpuint (n_buttons, ==, 6);
  assert_nothing_scrolls_sideways (GTK_WIDGET (page));
}

static gboolean
suggestions_shown (gpointer page)
{
  GtkWidget *list = find_type_anywhere (GTK_WIDGET (page), HY_TYPE_SUGGESTIONS_LIST);

  return list != NULL && gtk_widget_get_mapped (list);
}

/* The Suggestions popover lists each suggestion at a readable width, its Accept and Reject in
 * view, its kind of record translated per kind; Accept links. */
static void
test_mapping_suggestions (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  GtkWidget *list;
  GtkWidget *scroller;
  guint n;

  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.link-auto", NULL);
  wait_idle (page);
  n = hy_mapping_page_get_n_suggestions (page);
  g_assert_cmpuint (n, >=, 1);

  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.show-suggestions", NULL);
  wait_idle (page);
  hy_test_wait_until (suggestions_shown, page, "the suggestions shown");
  list = find_type_anywhere (GTK_WIDGET (page), HY_TYPE_SUGGESTIONS_LIST);
  g_assert_nonnull (list);
  g_assert_true (gtk_widget_get_mapped (list));
  /* Their popover laid out: two painted frames of it. */
  for (guint i = 0; i < 2; i++)
    hy_ui_test_wait_frame (list);
  g_assert_cmpuint (hy_suggestions_list_get_n_rows (HY_SUGGESTIONS_LIST (list)), ==, n);
  scroller = gtk_widget_get_first_child (list);

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = hy_suggestions_list_get_row (HY_SUGGESTIONS_LIST (list), i);
      GtkWidget *text =
          gtk_widget_get_first_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row)));
      GtkWidget *title = gtk_widget_get_first_child (text);
      const HyLinkerSuggestion *suggestion = hy_mapping_page_get_suggestion (page, i);

      /* A sentence per line, not a syllable. */
      g_assert_cmpint (gtk_widget_get_width (row), >=, 360);
      g_assert_cmpint (gtk_widget_get_width (title), >=, 160);
      g_assert_cmpint (gtk_widget_get_height (row), <=, 200);
      g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (title)), suggestion->name));
      g_assert_nonnull (
          strstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_next_sibling (title))),
                  suggestion->kind == HY_RECORD_KIND_COMPANY ? "Company · " : " · "));

      /* Both buttons shown, inside the popover's scrolled window, at the row's height. */
      for (int accept = 0; accept < 2; accept++)
        {
          GtkWidget *button =
              hy_suggestions_list_get_button (HY_SUGGESTIONS_LIST (list), i, accept);
          graphene_rect_t bounds;

          g_assert_true (gtk_widget_get_mapped (button));
          g_assert_true (gtk_widget_compute_bounds (button, scroller, &bounds));
          g_assert_cmpfloat (bounds.origin.x, >=, 0);
          g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=,
                             gtk_widget_get_width (scroller));
          g_assert_cmpint (gtk_widget_get_width (button), >=, 40);
        }
    }

  /* Accept, through the row's button. */
  {
    const HyLinkerSuggestion *first = hy_mapping_page_get_suggestion (page, 0);
    HyRecordKind kind = first->kind;
    g_autofree char *id = g_strdup (first->id);
    g_autoptr (GError) error = NULL;
    HyLinkInfo link = { 0 };

    g_signal_emit_by_name (hy_suggestions_list_get_button (HY_SUGGESTIONS_LIST (list), 0, TRUE),
                           "clicked");
    wait_idle (page);
    g_assert_cmpuint (hy_mapping_page_get_n_suggestions (page), <, n);
    g_assert_true (
        hy_store_link_get (hy_session_get_store (fixture->session), kind, id, &link, &error));
    g_assert_cmpint (link.how, ==, HY_LINK_HOW_MANUAL);
    hy_link_info_clear (&link);
  }
}

/* Rename… opens an edit row for the selected company; Enter renames it through the store, an
 * empty name is refused and changes nothing, Escape keeps the old name. */
static void
test_mapping_rename (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  GtkWidget *entry;
  GtkWidget *revealer;

  select_row (page, "companies", "Contoso");
  wait_idle (page);
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.rename", NULL);
  entry = NULL;
  for (GtkWidget *w = find_type (GTK_WIDGET (page), GTK_TYPE_REVEALER); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_REVEALER (w) && gtk_revealer_get_reveal_child (GTK_REVEALER (w)))
      entry = find_type (w, GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  revealer = gtk_widget_get_ancestor (entry, GTK_TYPE_REVEALER);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Contoso");

  /* Empty: refused, the row stays open and the name as it was. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "   ");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_nonnull (find_row (page, "companies", "Contoso"));

  gtk_editable_set_text (GTK_EDITABLE (entry), "Contoso Ltd ");
  g_signal_emit_by_name (entry, "activate");
  wait_idle (page);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_null (find_row (page, "companies", "Contoso"));
  g_assert_nonnull (find_row (page, "companies", "Contoso Ltd"));
  {
    g_autoptr (HyCompany) company =
        hy_store_get (hy_session_get_store (fixture->session), HY_RECORD_KIND_COMPANY, "c2", NULL);

    g_assert_cmpstr (company->name, ==, "Contoso Ltd");
  }

  /* Escape: nothing changes. */
  select_row (page, "companies", "Contoso Ltd");
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.rename", NULL);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Something else");
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.rename-cancel", NULL);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_nonnull (find_row (page, "companies", "Contoso Ltd"));

  /* Not in another section. */
  select_row (page, "groups", "Servers");
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.rename", NULL);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
}

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add ("/mapping/lists", Fixture, NULL, fixture_set_up, test_mapping_lists,
              fixture_tear_down);
  g_test_add ("/mapping/picker", Fixture, NULL, fixture_set_up, test_mapping_picker,
              fixture_tear_down);
  g_test_add ("/mapping/reload-while-busy", Fixture, NULL, fixture_set_up,
              test_mapping_reload_while_busy, fixture_tear_down);
  g_test_add ("/mapping/live-groups", Fixture, NULL, fixture_set_up, test_mapping_live_groups,
              fixture_tear_down);
  g_test_add ("/mapping/narrow", Fixture, NULL, fixture_set_up, test_mapping_narrow,
              fixture_tear_down);
  g_test_add ("/mapping/suggestions", Fixture, NULL, fixture_set_up, test_mapping_suggestions,
              fixture_tear_down);
  g_test_add ("/mapping/rename", Fixture, NULL, fixture_set_up, test_mapping_rename,
              fixture_tear_down);
  g_test_add ("/mapping/refresh", Fixture, "empty", fixture_set_up, test_mapping_refresh,
              fixture_tear_down);

  return g_test_run ();
}
