/* test-mapping-page.c — the Mapping view over a real store and linker: Linked True/False,
 * search, Unlinked only, Link automatically (all or the selection), suggestions, rename, unlink,
 * a reload while busy, the groups' live states and Refresh from Halo against halyard-sim
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store/hy-store-service.h"

#include "hy-mapping-test.h"

#include "hy-sim.h"
#include "hy-suggestions-list.h"
#include "linker/hy-linker.h"
#include "sync/hy-sync-engine.h"

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
  g_test_add ("/mapping/reload-while-busy", Fixture, NULL, fixture_set_up,
              test_mapping_reload_while_busy, fixture_tear_down);
  g_test_add ("/mapping/live-groups", Fixture, NULL, fixture_set_up, test_mapping_live_groups,
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
