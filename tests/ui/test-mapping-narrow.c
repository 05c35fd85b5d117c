/* test-mapping-narrow.c — the Mapping view at 360 px: the sections in a drop-down, the name
 * and the state columns, the details under the list, every action reachable with its label,
 * nothing scrolling sideways; and wide again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-mapping-test.h"
#include "hy-test-ui.h"

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
  g_autoptr (GPtrArray) cut = NULL;

  g_assert_cmpuint (hy_test_column_view_n_visible (view), ==, 2);
  cut = hy_test_ui_cut_labels (GTK_WIDGET (view));
  hy_test_ui_assert_none_cut (cut, "at 360 px");
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

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add ("/mapping/narrow", Fixture, NULL, fixture_set_up, test_mapping_narrow,
              fixture_tear_down);

  return g_test_run ();
}
