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

#include "hy-test-halo.h"
#include "hy-test-session.h"
#include "hy-test-views.h"
#include "hy-ui-test.h"

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
  GtkWindow *window;
  HyMappingPage *page;
} Fixture;

/* The inventory: four companies, one record of every other kind. */
static const HyTestRecord inventory[] = {
  { HY_RECORD_KIND_COMPANY, "c1", "Acme Ltd" },
  { HY_RECORD_KIND_COMPANY, "c2", "Contoso" },
  { HY_RECORD_KIND_COMPANY, "c3", "Fabrikam" },
  { HY_RECORD_KIND_COMPANY, "c4", "Northwind" },
  { HY_RECORD_KIND_LOCATION, "l1", "Head Office", .company_id = "c1" },
  { HY_RECORD_KIND_COMPUTER, "pc1", "ACME-DC01", .company_id = "c1" },
  { HY_RECORD_KIND_USER, "u1", "Jane Tech", .email = "jane@msp.example" },
  { HY_RECORD_KIND_GROUP, "g1", "Servers" },
  { HY_RECORD_KIND_POLICY, "p1", "Disk space low" },
};

/* What Halo has: clients near and far from the companies' names, ACME's two sites and
 * Tailspin's one, an agent whose e-mail differs only in case, ticket types and statuses. */
static const HyTestHaloRecord halo_records[] = {
  { HY_CACHE_KIND_CLIENT, 10, "ACME Limited" },
  { HY_CACHE_KIND_CLIENT, 11, "Contoso" },
  { HY_CACHE_KIND_CLIENT, 12, "Fabrikam" },
  { HY_CACHE_KIND_CLIENT, 13, "Tailspin Toys" },
  { HY_CACHE_KIND_CLIENT, 14, "Northwind Inc" },
  { HY_CACHE_KIND_SITE, 100, "Main Office", .client_id = 10 },
  { HY_CACHE_KIND_SITE, 101, "Warehouse", .client_id = 10 },
  { HY_CACHE_KIND_SITE, 102, "Toy Shop", .client_id = 13 },
  { HY_CACHE_KIND_AGENT, 7, "Jane T.", .email = "Jane@MSP.example" },
  { HY_CACHE_KIND_TICKET_TYPE, 3, "Alert" },
  { HY_CACHE_KIND_TICKET_TYPE, 4, "Incident" },
  { HY_CACHE_KIND_STATUS, 9, "Closed", .closed = TRUE },
  { HY_CACHE_KIND_STATUS, 1, "New" },
};

static gboolean
page_is_idle (gpointer page)
{
  return !hy_mapping_page_get_busy (page);
}

/* Runs what is pending, then until the page is no longer busy, then what that queued. */
static void
wait_idle (HyMappingPage *page)
{
  hy_test_wait_idle ();
  hy_test_wait_until (page_is_idle, page, "the Mapping view idle");
  hy_test_wait_idle ();
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->session = hy_test_session_new_tmp ("halyard-mapping-XXXXXX", &fixture->dir);
  if (data == NULL)
    {
      HyStore *store = hy_session_get_store (fixture->session);

      hy_test_store_add_records (store, inventory, G_N_ELEMENTS (inventory));
      hy_test_store_add_halo_records (store, halo_records, G_N_ELEMENTS (halo_records));
    }

  fixture->page = HY_MAPPING_PAGE (hy_mapping_page_new ());
  fixture->window = hy_test_view_present (GTK_WIDGET (fixture->page), 1000, 700);
  g_object_set (fixture->page, "session", fixture->session, NULL);
  wait_idle (fixture->page);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  hy_test_session_remove_tmp (&fixture->session, &fixture->dir);
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

static guint
n_rows (HyMappingPage *page, const char *section)
{
  return g_list_model_get_n_items (hy_mapping_page_get_rows (page, section));
}

static void
activate (HyMappingPage *page, const char *action)
{
  gtk_widget_activate_action (GTK_WIDGET (page), action, NULL);
}

/* The index of the suggestion for company @id, or G_MAXUINT. */
static guint
find_company_suggestion (HyMappingPage *page, const char *id)
{
  for (guint i = 0; i < hy_mapping_page_get_n_suggestions (page); i++)
    {
      const HyLinkerSuggestion *suggestion = hy_mapping_page_get_suggestion (page, i);

      if (suggestion->kind == HY_RECORD_KIND_COMPANY && g_strcmp0 (suggestion->id, id) == 0)
        return i;
    }
  return G_MAXUINT;
}

/* ---- /mapping/lists ----------------------------------------------------------------------- */

/* Every record, Linked False before anything is linked; ordered by name. Opening the view
 * links nothing and suggests nothing yet. */
static void
check_every_record_unlinked (HyMappingPage *page)
{
  g_assert_cmpuint (n_rows (page, "companies"), ==, 4);
  g_assert_false (is_linked (page, "companies", "Acme Ltd"));
  g_assert_false (is_linked (page, "companies", "Contoso"));
  g_assert_cmpuint (n_rows (page, "locations"), ==, 1);
  g_assert_cmpuint (n_rows (page, "computers"), ==, 1);
  g_assert_cmpuint (n_rows (page, "technicians"), ==, 1);
  g_assert_cmpuint (n_rows (page, "groups"), ==, 1);
  g_assert_cmpuint (n_rows (page, "policies"), ==, 1);
  g_assert_cmpuint (hy_mapping_page_get_n_suggestions (page), ==, 0);
}

/* Link automatically on the selection only, then on everything: Fabrikam and the technician
 * (by e-mail, ignoring case); a near miss is never linked, and waits with its evidence. */
static void
check_link_auto (HyMappingPage *page)
{
  select_row (page, "companies", "Contoso");
  activate (page, "mapping.link-auto");
  wait_idle (page);
  g_assert_true (is_linked (page, "companies", "Contoso"));
  g_assert_false (is_linked (page, "companies", "Fabrikam"));
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "companies", "Contoso")), ==,
                   "Contoso");

  gtk_selection_model_unselect_all (
      GTK_SELECTION_MODEL (hy_mapping_page_get_rows (page, "companies")));
  activate (page, "mapping.link-auto");
  wait_idle (page);
  g_assert_true (is_linked (page, "companies", "Fabrikam"));
  g_assert_false (is_linked (page, "companies", "Acme Ltd"));
  g_assert_true (is_linked (page, "technicians", "Jane Tech"));
  g_assert_cmpuint (hy_mapping_page_get_n_suggestions (page), >=, 1);
}

/* Accept the suggestion, in Unlinked only: Acme Ltd → ACME Limited, with its evidence. */
static void
check_accept_suggestion (HyMappingPage *page)
{
  guint index = find_company_suggestion (page, "c1");
  const HyLinkerSuggestion *suggestion;

  g_assert_cmpuint (index, !=, G_MAXUINT);
  suggestion = hy_mapping_page_get_suggestion (page, index);
  g_assert_cmpint (suggestion->halo_id, ==, 10);
  g_assert_nonnull (suggestion->evidence);
  g_assert_nonnull (suggestion->evidence[0]);
  g_assert_true (hy_mapping_page_answer_suggestion (page, index, TRUE));

  g_assert_cmpuint (n_rows (page, "companies"), ==, 1);
  hy_mapping_page_set_unlinked_only (page, FALSE);
  g_assert_true (is_linked (page, "companies", "Acme Ltd"));
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "companies", "Acme Ltd")), ==,
                   "ACME Limited");
}

/* Reject Northwind → Northwind Inc: remembered, so linking again does not offer it back. */
static void
check_reject_suggestion (HyMappingPage *page)
{
  guint index = find_company_suggestion (page, "c4");

  g_assert_cmpuint (index, !=, G_MAXUINT);
  g_assert_true (hy_mapping_page_answer_suggestion (page, index, FALSE));

  activate (page, "mapping.link-auto");
  wait_idle (page);
  g_assert_cmpuint (find_company_suggestion (page, "c4"), ==, G_MAXUINT);
  g_assert_false (is_linked (page, "companies", "Northwind"));
}

static void
test_mapping_lists (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  GListModel *companies = hy_mapping_page_get_rows (page, "companies");

  check_every_record_unlinked (page);

  /* Search as you type: the store filters. */
  hy_mapping_page_set_search_text (page, "CONT");
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 1);
  hy_mapping_page_set_search_text (page, "");
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 4);

  check_link_auto (page);

  /* Unlinked only. */
  hy_mapping_page_set_unlinked_only (page, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (companies), ==, 2);
  g_assert_null (find_row (page, "companies", "Contoso"));

  check_accept_suggestion (page);
  check_reject_suggestion (page);

  /* Rename a company in place; an empty name is refused and changes nothing. */
  g_assert_true (hy_mapping_page_rename_company (page, "c4", "Northwind Traders"));
  g_assert_nonnull (find_row (page, "companies", "Northwind Traders"));
  g_assert_false (hy_mapping_page_rename_company (page, "c4", "   "));
  g_assert_nonnull (find_row (page, "companies", "Northwind Traders"));

  /* Unlink the selection. */
  select_row (page, "companies", "Contoso");
  activate (page, "mapping.unlink");
  g_assert_false (is_linked (page, "companies", "Contoso"));
  g_assert_true (is_linked (page, "companies", "Fabrikam"));
}

/* ---- /mapping/picker ---------------------------------------------------------------------- */

/* Selects the row @name of @section and opens the Halo record picker on it. */
static HyRecordPicker *
open_picker_on (HyMappingPage *page, const char *section, const char *name)
{
  HyRecordPicker *picker;

  select_row (page, section, name);
  picker = hy_mapping_page_open_picker (page);
  g_assert_nonnull (picker);
  return picker;
}

/* Types @text in @picker's search entry and picks the record it selects. */
static void
pick_searched (HyRecordPicker *picker, const char *text)
{
  hy_record_picker_set_search_text (picker, text);
  g_assert_true (hy_record_picker_pick_selected (picker));
}

/* Maps the policy to the ticket type Alert, closing as the status the picker offers first. */
static void
map_policy_to_alert (HyMappingPage *page)
{
  HyRecordPicker *picker = open_picker_on (page, "policies", "Disk space low");

  pick_searched (picker, "alert");
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_true (is_linked (page, "policies", "Disk space low"));
}

/* A location's sites are those of its company's client. The toast's Undo puts the link back
 * as it was (none), and a second link again. */
static void
check_pick_location_site (Fixture *fixture, HyMappingPage *page)
{
  g_autoptr (GError) error = NULL;
  HyRecordPicker *picker;

  g_assert_true (hy_linker_set_link (hy_session_get_store (fixture->session),
                                     HY_RECORD_KIND_COMPANY, "c1", 10, NULL, &error));
  hy_mapping_page_reload (page);
  picker = open_picker_on (page, "locations", "Head Office");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 2);
  hy_record_picker_set_search_text (picker, "ware");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 1);
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_true (is_linked (page, "locations", "Head Office"));
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "locations", "Head Office")), ==,
                   "Warehouse");

  activate (page, "mapping.undo");
  g_assert_false (is_linked (page, "locations", "Head Office"));
  pick_searched (open_picker_on (page, "locations", "Head Office"), "ware");
  g_assert_true (is_linked (page, "locations", "Head Office"));
}

/* A group: client, then site (or the client's main site); back from the sites to the
 * clients for another client after all. */
static void
check_pick_group_site (HyMappingPage *page)
{
  HyRecordPicker *picker = open_picker_on (page, "groups", "Servers");
  HyLinkItem *row;

  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 5); /* every Halo client */
  pick_searched (picker, "acme");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 2); /* ACME's sites */
  g_signal_emit_by_name (hy_test_find_button (GTK_WIDGET (page), "_Back to the Client"), "clicked");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 5);
  pick_searched (picker, "tailspin");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 1); /* its one site */
  g_assert_true (hy_record_picker_pick_selected (picker));
  row = find_row (page, "groups", "Servers");
  g_assert_true (hy_link_item_get_linked (row));
  g_assert_cmpstr (hy_link_item_get_halo_name (row), ==, "Tailspin Toys — Toy Shop");
  g_assert_cmpstr (hy_link_item_get_state (row), ==, "Unsynced");
  g_assert_cmpstr (hy_link_item_get_extra (row), ==, "0 of 0 devices synced, 0 failed");
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

/* The live state comes from the store's sync state; the live refresh of the states keeps the
 * selection of rows that did not change. */
static void
check_group_state (Fixture *fixture, HyMappingPage *page)
{
  g_autoptr (GError) error = NULL;
  HyLinkItem *row;

  g_assert_true (hy_store_set_group_sync (hy_session_get_store (fixture->session), "g1",
                                          HY_SYNC_STATE_FAILED, 0, 0, "Halo said no", &error));
  hy_mapping_page_reload (page);
  row = find_row (page, "groups", "Servers");
  g_assert_cmpstr (hy_link_item_get_state (row), ==, "Failed");
  g_assert_cmpuint (hy_link_item_get_state_kind (row), ==, HY_LINK_ITEM_STATE_BAD);
  g_assert_nonnull (strstr (hy_link_item_get_extra (row), "Halo said no"));

  check_group_maintenance (fixture, page);

  select_row (page, "groups", "Servers");
  hy_mapping_page_reload (page);
  g_assert_true (
      gtk_selection_model_is_selected (hy_mapping_page_get_selection (page, "groups"), 0));
}

/* Halo's statuses with a third one named before Closed. */
static const HyTestHaloRecord statuses[] = {
  { HY_CACHE_KIND_STATUS, 4, "Awaiting Parts" },
  { HY_CACHE_KIND_STATUS, 9, "Closed", .closed = TRUE },
  { HY_CACHE_KIND_STATUS, 1, "New" },
};

/* A policy: ticket type, then the status that closes the ticket when the alert clears:
 * Halo's Closed (id 9) first, whatever the names of the others. */
static void
check_pick_policy (Fixture *fixture, HyMappingPage *page)
{
  HyRecordPicker *picker;
  HyLinkItem *row;

  hy_test_store_add_halo_records (hy_session_get_store (fixture->session), statuses,
                                  G_N_ELEMENTS (statuses));
  picker = open_picker_on (page, "policies", "Disk space low");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 2);
  pick_searched (picker, "incident");
  /* Back to the ticket types, for another one. */
  g_signal_emit_by_name (hy_test_find_button (GTK_WIDGET (page), "_Back to the Ticket Type"),
                         "clicked");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 2);
  pick_searched (picker, "alert");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 3);
  g_assert_cmpint (hy_halo_item_get_id (hy_record_picker_get_selected (picker)), ==, 9);
  g_assert_true (hy_record_picker_pick_selected (picker));
  row = find_row (page, "policies", "Disk space low");
  g_assert_true (hy_link_item_get_linked (row));
  g_assert_cmpstr (hy_link_item_get_halo_name (row), ==, "Alert");
  g_assert_cmpstr (hy_link_item_get_extra (row), ==, "Close as “Closed”");
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

/* What the Ticket Defaults dialog offers. */
static const HyTestHaloRecord ticket_defaults[] = {
  { HY_CACHE_KIND_PRIORITY, 1, "Critical" },
  { HY_CACHE_KIND_PRIORITY, 3, "Low" },
  { HY_CACHE_KIND_TEAM, 1, "Service Desk" },
  { HY_CACHE_KIND_TEAM, 2, "Infrastructure" },
  { HY_CACHE_KIND_AGENT, 7, "Jane T.", .email = "Jane@MSP.example" },
  { HY_CACHE_KIND_AGENT, 8, "Joe B." },
};

/* Mapped to Incident, closed as Closed, with its ticket defaults; then mapped again to Alert,
 * not closing, through the picker, and its defaults changed (the Ticket Defaults dialog) while
 * the toast is still there: Undo puts back the ticket type, the close status and the
 * defaults. */
static void
check_undo_puts_defaults_back (HyMappingPage *page, HyStore *store)
{
  g_autoptr (HyPolicyMapping) mapping = NULL;
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  g_autoptr (GError) error = NULL;
  HyRecordPicker *picker;

  g_assert_true (hy_linker_map_policy (store, "p1", 4, 9, &error));
  set_policy_defaults (store, 1, "Service Desk", 7, "Disks", 15);
  hy_mapping_page_reload (page);

  picker = open_picker_on (page, "policies", "Disk space low");
  pick_searched (picker, "alert");
  pick_searched (picker, "new");
  g_assert_cmpstr (hy_link_item_get_halo_name (find_row (page, "policies", "Disk space low")), ==,
                   "Alert");
  set_policy_defaults (store, 3, "Infrastructure", 8, "Network", 90);

  activate (page, "mapping.undo");
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
}

/* A policy that was not mapped: Undo unmaps it, and the defaults set meanwhile go too. */
static void
check_undo_unmaps (HyMappingPage *page, HyStore *store)
{
  g_autoptr (HyPolicyDefaults) defaults = hy_policy_defaults_new ("p1");
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_linker_unmap_policy (store, "p1", &error));
  g_assert_true (hy_store_set_policy_defaults (store, defaults, &error));
  g_clear_pointer (&defaults, hy_policy_defaults_free);
  hy_mapping_page_reload (page);
  map_policy_to_alert (page);
  set_policy_defaults (store, 3, "Infrastructure", 8, "Network", 90);

  activate (page, "mapping.undo");
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

/* Undo on a policy's mapping toast puts back everything the mapping had: the ticket type, the
 * close status and the ticket defaults set since (priority, team, agent, category, flap). */
static void
test_policy_undo_defaults (Fixture *fixture)
{
  HyStore *store = hy_session_get_store (fixture->session);

  hy_test_store_add_halo_records (store, ticket_defaults, G_N_ELEMENTS (ticket_defaults));
  check_undo_puts_defaults_back (fixture->page, store);
  check_undo_unmaps (fixture->page, store);
}

static void
test_mapping_picker (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;

  /* Nothing selected: no picker. */
  g_assert_null (hy_mapping_page_open_picker (page));

  check_pick_location_site (fixture, page);
  check_pick_group_site (page);
  check_group_state (fixture, page);
  check_pick_policy (fixture, page);

  /* Undo: the policy is not mapped again; the group's Undo is gone with its toast. */
  activate (page, "mapping.undo");
  g_assert_false (is_linked (page, "policies", "Disk space low"));
  g_assert_true (is_linked (page, "groups", "Servers"));
  map_policy_to_alert (page);

  /* Unmapping the policy. */
  select_row (page, "policies", "Disk space low");
  activate (page, "mapping.unlink");
  g_assert_false (is_linked (page, "policies", "Disk space low"));

  test_policy_undo_defaults (fixture);
}

/* ---- /mapping/refresh, reload-while-busy, live-groups ------------------------------------- */

static void
test_mapping_refresh (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (GError) error = NULL;
  HyRecordPicker *picker;
  HySimGenerateOptions options;
  gint64 n_clients;

  hy_sim_generate_options_init (&options);
  options.clients = 30;
  hy_sim_generate (sim, &options);
  g_assert_true (hy_sim_start (sim, 0, &error));
  hy_test_session_use_sim (fixture->session, sim);

  hy_test_store_add_company (hy_session_get_store (fixture->session), "c1", "Someone", 0);
  hy_mapping_page_reload (page);

  /* Empty store: no Halo clients to pick from yet. */
  picker = open_picker_on (page, "companies", "Someone");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 0);

  activate (page, "mapping.refresh");
  g_assert_true (hy_mapping_page_get_busy (page));
  wait_idle (page);

  /* Every client the refresh cached (the simulator's 30, less the ones it keeps from
   * Halyard, if any) is there to pick. */
  n_clients = hy_store_cache_count (hy_session_get_store (fixture->session), HY_CACHE_KIND_CLIENT,
                                    NULL, &error);
  g_assert_cmpint (n_clients, >=, 25);
  picker = open_picker_on (page, "companies", "Someone");
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
  GListModel *companies = hy_mapping_page_get_rows (page, "companies");

  select_row (page, "companies", "Contoso");
  activate (page, "mapping.link-auto");
  g_assert_true (hy_mapping_page_get_busy (page));

  /* Written by someone else while the page is busy, then a reload asked for, again and again
   * while the link runs: the rows stay as they are until it is done. */
  hy_test_store_add_company (store, "c9", "Wide World Importers", 0);
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

static const char *
servers_state (gpointer page)
{
  return hy_link_item_get_state (find_row (page, "groups", "Servers"));
}

/* Runs the main context until the Servers group shows @state (a write of this process or
 * another one is reported by the store within 50 ms). */
static void
wait_group_state (HyMappingPage *page, const char *state)
{
  hy_test_wait_text (servers_state, page, state, state);
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

/* ---- /mapping/narrow ---------------------------------------------------------------------- */

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

/* Every visible action button of the toolbar has a tooltip and says what it does: a label, or
 * (the menu of more actions only) an icon with an accessible name. */
static void
collect_action_buttons (GtkWidget *root, guint *n_buttons, GPtrArray *actions)
{
  if (GTK_IS_POPOVER (root) || GTK_IS_REVEALER (root) || ADW_IS_STATUS_PAGE (root) ||
      !gtk_widget_get_visible (root))
    return;

  if (GTK_IS_MENU_BUTTON (root))
    {
      g_assert_nonnull (gtk_widget_get_tooltip_text (root));
      /* The menu's items carry their labels. */
      if (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (root)) != NULL)
        hy_test_menu_actions (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (root)), actions);
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
    collect_action_buttons (child, n_buttons, actions);
}

/* The actions the toolbar reaches now (asserting what collect_action_buttons does), and
 * how many buttons it shows in *@n_buttons. */
static GPtrArray *
toolbar_actions (HyMappingPage *page, guint *n_buttons)
{
  /* The search entry's row, in the toolbar (with the row of actions). */
  GtkWidget *toolbar = gtk_widget_get_parent (gtk_widget_get_parent (
      hy_test_find_type_outside_popovers (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY)));
  GPtrArray *actions = g_ptr_array_new_with_free_func (g_free);

  *n_buttons = 0;
  collect_action_buttons (toolbar, n_buttons, actions);
  return actions;
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

/* Until the page's layout is @narrow, then the new layout allocated: two painted frames (the
 * first may change the layout again). */
static void
wait_narrow (HyMappingPage *page, gboolean narrow)
{
  hy_test_wait_flag ((HyTestFlagGetter) hy_mapping_page_get_narrow, page, narrow,
                     narrow ? "the narrow layout" : "the wide layout");
  for (guint i = 0; i < 2; i++)
    {
      wait_idle (page);
      hy_ui_test_wait_frame (GTK_WIDGET (page));
    }
  wait_idle (page);
}

/* The name and the state only, and no name cut off. */
static void
check_narrow_columns (HyMappingPage *page)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (
      hy_test_find_type_outside_popovers (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW));
  g_autoptr (GPtrArray) cut = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpuint (hy_test_column_view_n_visible (view), ==, 2);
  collect_cut_labels (GTK_WIDGET (view), cut);
  for (guint i = 0; i < cut->len; i++)
    g_test_message ("cut off at 360 px: %s", (char *) g_ptr_array_index (cut, i));
  g_assert_cmpuint (cut->len, ==, 0);
}

/* The rest of the selected row, under the list. */
static void
check_narrow_details (HyMappingPage *page)
{
  GtkRevealer *details = NULL;

  select_row (page, "companies", "Acme Ltd");
  wait_idle (page);
  for (GtkWidget *w = hy_test_find_type_outside_popovers (GTK_WIDGET (page), GTK_TYPE_REVEALER);
       w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_REVEALER (w) && GTK_IS_LABEL (gtk_revealer_get_child (GTK_REVEALER (w))))
      details = GTK_REVEALER (w);
  g_assert_nonnull (details);
  g_assert_true (gtk_revealer_get_reveal_child (details));
  g_assert_nonnull (
      strstr (gtk_label_get_text (GTK_LABEL (gtk_revealer_get_child (details))), "Acme Ltd"));
}

/* At 360 px the sections go in a drop-down, the lists show the name and the state (the rest
 * of the selected row under them) without cutting the names, and every action stays reachable
 * with its label (Link To… and Suggestions as buttons, the rest in a menu), so nothing scrolls
 * sideways; wide again, the switcher, the columns and the buttons come back. */
static void
test_mapping_narrow (Fixture *fixture, gconstpointer data)
{
  HyMappingPage *page = fixture->page;
  GtkDropDown *dropdown =
      GTK_DROP_DOWN (hy_test_find_type_outside_popovers (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN));
  GtkWidget *switcher =
      hy_test_find_type_outside_popovers (GTK_WIDGET (page), ADW_TYPE_VIEW_SWITCHER);
  g_autoptr (GPtrArray) actions = NULL;
  guint n_buttons;

  g_assert_nonnull (dropdown);
  g_assert_false (hy_mapping_page_get_narrow (page));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  /* Unlinked Only, Link Automatically, Link To…, Unlink, Refresh and the menu (Rename…). */
  actions = toolbar_actions (page, &n_buttons);
  g_assert_cmpuint (n_buttons, ==, 6);
  g_assert_true (hy_test_strings_have (actions, "mapping.rename"));
  g_clear_pointer (&actions, g_ptr_array_unref);

  gtk_window_set_default_size (fixture->window, 360, 700);
  wait_narrow (page, TRUE);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (page)), <=, 360);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  g_assert_false (gtk_widget_is_visible (switcher));
  actions = toolbar_actions (page, &n_buttons);
  /* Link To… and the menu. */
  g_assert_cmpuint (n_buttons, ==, 2);
  g_assert_true (hy_test_strings_have (actions, "mapping.link-auto"));
  g_assert_true (hy_test_strings_have (actions, "mapping.unlink"));
  g_assert_true (hy_test_strings_have (actions, "mapping.rename"));
  g_assert_true (hy_test_strings_have (actions, "mapping.unlinked-only"));
  g_assert_true (hy_test_strings_have (actions, "mapping.refresh"));
  g_clear_pointer (&actions, g_ptr_array_unref);
  assert_nothing_scrolls_sideways (GTK_WIDGET (page));
  check_narrow_columns (page);
  check_narrow_details (page);

  /* Groups: mapped, nothing to link automatically nor an unlinked filter. */
  hy_mapping_page_set_section (page, "groups");
  actions = toolbar_actions (page, &n_buttons);
  g_assert_false (hy_test_strings_have (actions, "mapping.link-auto"));
  g_assert_false (hy_test_strings_have (actions, "mapping.unlinked-only"));
  g_assert_true (hy_test_strings_have (actions, "mapping.unlink"));
  g_clear_pointer (&actions, g_ptr_array_unref);

  /* The drop-down and the sections follow each other. */
  gtk_drop_down_set_selected (dropdown, 4);
  g_assert_cmpstr (hy_mapping_page_get_section (page), ==, "groups");
  hy_mapping_page_set_section (page, "policies");
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 5);
  hy_mapping_page_set_section (page, "companies");

  gtk_window_set_default_size (fixture->window, 1200, 700);
  wait_narrow (page, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  g_assert_true (gtk_widget_is_visible (switcher));
  actions = toolbar_actions (page, &n_buttons);
  g_assert_cmpuint (n_buttons, ==, 6);
  assert_nothing_scrolls_sideways (GTK_WIDGET (page));
}

/* ---- /mapping/suggestions, rename ----------------------------------------------------------- */

static gboolean
suggestions_shown (gpointer page)
{
  GtkWidget *list = hy_test_find_type (GTK_WIDGET (page), HY_TYPE_SUGGESTIONS_LIST);

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

  activate (page, "mapping.link-auto");
  wait_idle (page);
  n = hy_mapping_page_get_n_suggestions (page);
  g_assert_cmpuint (n, >=, 1);

  activate (page, "mapping.show-suggestions");
  wait_idle (page);
  hy_test_wait_until (suggestions_shown, page, "the suggestions shown");
  list = hy_test_find_type (GTK_WIDGET (page), HY_TYPE_SUGGESTIONS_LIST);
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
  activate (page, "mapping.rename");
  entry = NULL;
  for (GtkWidget *w = hy_test_find_type_outside_popovers (GTK_WIDGET (page), GTK_TYPE_REVEALER);
       w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_REVEALER (w) && gtk_revealer_get_reveal_child (GTK_REVEALER (w)))
      entry = hy_test_find_type_outside_popovers (w, GTK_TYPE_ENTRY);
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
  activate (page, "mapping.rename");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Something else");
  activate (page, "mapping.rename-cancel");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_nonnull (find_row (page, "companies", "Contoso Ltd"));

  /* Not in another section. */
  select_row (page, "groups", "Servers");
  activate (page, "mapping.rename");
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
  /* Refresh starts from an empty store. */
  g_test_add ("/mapping/refresh", Fixture, "empty", fixture_set_up, test_mapping_refresh,
              fixture_tear_down);

  return g_test_run ();
}
