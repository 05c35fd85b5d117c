/* test-mapping-picker.c — the Mapping view's Halo record picker: a location's sites, a
 * group's client and site, a policy's ticket type and close status, Undo (the ticket defaults
 * included), and a group's live state and maintenance on its row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store/hy-store-lifecycle.h"

#include "hy-mapping-test.h"

#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker.h"

/* ---- /mapping/picker ---------------------------------------------------------------------- */

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

/* A failed group's reason with its code: the row shows the window's own control that fixes it
 * (not a command of halyard-cli's). */
static void
check_group_reason_hint (Fixture *fixture, HyMappingPage *page)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  HyLinkItem *row;

  g_assert_true (hy_store_set_group_sync_why (hy_session_get_store (fixture->session), "g1",
                                              HY_SYNC_STATE_FAILED, 0, 1,
                                              "No Halo site is known for DC01", HY_REASON_NO_SITE,
                                              &error));
  hy_mapping_page_reload (page);
  row = find_row (page, "groups", "Servers");
  g_assert_cmpint (hy_link_item_get_reason_code (row), ==, HY_REASON_NO_SITE);
  expected = g_strconcat (hy_link_item_get_extra (row),
                          " In Mapping, refresh from Halo, or pick the group’s site.", NULL);
  hy_test_wait_label (GTK_WIDGET (page), expected, "the group's reason with the window's hint");
  g_assert_true (hy_store_set_group_sync (hy_session_get_store (fixture->session), "g1",
                                          HY_SYNC_STATE_FAILED, 0, 0, "Halo said no", &error));
  hy_mapping_page_reload (page);
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
  check_group_reason_hint (fixture, page);

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

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add ("/mapping/picker", Fixture, NULL, fixture_set_up, test_mapping_picker,
              fixture_tear_down);

  return g_test_run ();
}
