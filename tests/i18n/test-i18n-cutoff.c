/* test-i18n-cutoff.c — no label cut off in German (nor French, nor Spanish)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK says nothing over AT-SPI about a label that does not fit, so this looks from inside: it
 * builds the real HyWindow at its default size (the GSettings defaults) in the language, on the
 * demo (the simulated Halo in-process, with the sample inventory imported and Halo's records
 * refreshed, so every list has rows), shows every view and every page of every view stack in
 * turn — Setup, each Mapping section, Events — and fails on any mapped label that Pango had to
 * ellipsize, on a toolbar or switcher whose horizontally scrolling window hides part of it, and
 * on a window forced wider or taller than its default size by what it shows.
 */

#define G_LOG_DOMAIN "test-i18n-cutoff"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "../ui/hy-ui-test-mime.h"
#include "hy-test-demo.h"
#include "hy-window.h"
#include "session/hy-session.h"

typedef struct
{
  const char *lang;
  const char *locale;
  const char *msgid;
  const char *msgstr;
} Language;

/* A string of each catalog, to prove that it is the one in use. */
static const Language languages[] = {
  { "de", "de_DE.UTF-8", "Test Connection", "Verbindung testen" },
  { "fr", "fr_FR.UTF-8", "Test Connection", "Tester la connexion" },
  { "es", "es_ES.UTF-8", "Test Connection", "Probar la conexión" },
};

/* Where the label is, for the message: the innermost widget types. */
static char *
describe (GtkWidget *widget)
{
  g_autoptr (GString) path = g_string_new (NULL);

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *name = gtk_widget_get_name (w);

      if (path->len > 0)
        g_string_prepend (path, " > ");
      g_string_prepend (path, name != NULL && !g_str_equal (name, G_OBJECT_TYPE_NAME (w))
                                  ? name
                                  : G_OBJECT_TYPE_NAME (w));
      if (HY_IS_WINDOW (w) || path->len > 100)
        break;
    }
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static void
collect_cut_labels (GtkWidget *root, const char *where, GHashTable *cut)
{
  if (!gtk_widget_get_mapped (root))
    return;

  /* A cell that shows its whole text in its tooltip (the Events endpoints) loses nothing. */
  if (GTK_IS_LABEL (root) && gtk_label_get_ellipsize (GTK_LABEL (root)) != PANGO_ELLIPSIZE_NONE &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (root))) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (root), gtk_label_get_text (GTK_LABEL (root))) != 0)
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));
      int natural = 0;
      g_autofree char *path = describe (root);

      gtk_widget_measure (root, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      if (!g_hash_table_contains (cut, text))
        g_hash_table_insert (cut, g_strdup (text),
                             g_strdup_printf ("%s: “%s” needs %d px, has %d px (%s)", where, text,
                                              natural, gtk_widget_get_width (root), path));
    }

  /* A toolbar or switcher in a horizontally scrolling window hides what does not fit, without
   * a word: content wider than its viewport (its own margins aside) is cut off too (lists of
   * data may scroll). */
  if (GTK_IS_SCROLLED_WINDOW (root))
    {
      GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (root);
      GtkWidget *content = gtk_scrolled_window_get_child (scrolled);
      GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (scrolled);
      GtkPolicyType hpolicy;

      gtk_scrolled_window_get_policy (scrolled, &hpolicy, NULL);
      if (GTK_IS_VIEWPORT (content))
        content = gtk_viewport_get_child (GTK_VIEWPORT (content));
      if (hpolicy != GTK_POLICY_NEVER && content != NULL && !GTK_IS_COLUMN_VIEW (content) &&
          !GTK_IS_LIST_VIEW (content) && !GTK_IS_GRID_VIEW (content) &&
          !GTK_IS_TEXT_VIEW (content) && !GTK_IS_LABEL (content) &&
          gtk_adjustment_get_upper (h) - gtk_adjustment_get_lower (h) -
                  gtk_widget_get_margin_start (content) - gtk_widget_get_margin_end (content) >
              gtk_adjustment_get_page_size (h) + 0.5)
        {
          g_autofree char *path = describe (content);
          g_autofree char *key = g_strdup_printf ("scrolled:%s", path);

          if (!g_hash_table_contains (cut, key))
            g_hash_table_insert (
                cut, g_steal_pointer (&key),
                g_strdup_printf ("%s: %s needs %.0f px, shows %.0f px and scrolls the rest out of "
                                 "view (%s)",
                                 where, G_OBJECT_TYPE_NAME (content),
                                 gtk_adjustment_get_upper (h) - gtk_adjustment_get_lower (h),
                                 gtk_adjustment_get_page_size (h), path));
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cut_labels (child, where, cut);
}

static void
find_stacks (GtkWidget *root, GPtrArray *stacks)
{
  if (ADW_IS_VIEW_STACK (root))
    {
      g_ptr_array_add (stacks, root);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_stacks (child, stacks);
}

/* Shows each page of @stack in turn, and each page of the stacks inside it, and checks the
 * whole window at each. */
static void
visit_stack (GtkWidget *window,
             AdwViewStack *stack,
             const char *where,
             GHashTable *cut,
             guint *pages)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwViewStackPage *page = adw_view_stack_get_page (stack, child);
      g_autoptr (GPtrArray) inner = g_ptr_array_new ();
      g_autofree char *here = NULL;

      if (page == NULL || !adw_view_stack_page_get_visible (page))
        continue;
      here = g_strdup_printf ("%s/%s", where,
                              adw_view_stack_page_get_name (page) != NULL
                                  ? adw_view_stack_page_get_name (page)
                                  : adw_view_stack_page_get_title (page));
      adw_view_stack_set_visible_child (stack, child);
      hy_test_ui_settle (window);
      (*pages)++;
      collect_cut_labels (window, here, cut);

      find_stacks (child, inner);
      for (guint i = 0; i < inner->len; i++)
        visit_stack (window, g_ptr_array_index (inner, i), here, cut, pages);
    }
}

/* Halyard speaks @language from here on: FALSE (the test skipped) when its locale is missing. */
static gboolean
use_language (const Language *language)
{
  g_autofree char *podir = NULL;

  if (setlocale (LC_ALL, language->locale) == NULL)
    {
      g_autofree char *why =
          g_strdup_printf ("the %s locale is not installed (build-aux/dev test makes it)",
                           language->locale);

      g_test_skip (why);
      return FALSE;
    }
  g_setenv ("LANGUAGE", language->lang, TRUE);
  podir = g_build_filename (g_getenv ("HALYARD_BUILD_ROOT"), "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, podir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, language->msgid), ==, language->msgstr);
  return TRUE;
}

/* Every page of every view stack of @window shown in turn: no label cut off on any. */
static void
assert_nothing_cut (HyWindow *window, const Language *language)
{
  g_autoptr (GHashTable) cut = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) stacks = g_ptr_array_new ();
  g_autoptr (GList) messages = NULL;
  guint pages = 0;

  find_stacks (GTK_WIDGET (window), stacks);
  g_assert_cmpuint (stacks->len, >, 0);
  for (guint i = 0; i < stacks->len; i++)
    visit_stack (GTK_WIDGET (window), g_ptr_array_index (stacks, i), language->lang, cut, &pages);
  /* Setup, Mapping with its six sections, Events. */
  g_assert_cmpuint (pages, >=, 9);

  messages = g_hash_table_get_values (cut);
  messages = g_list_sort (messages, (GCompareFunc) g_strcmp0);
  for (GList *l = messages; l != NULL; l = l->next)
    g_test_message ("cut off: %s", (char *) l->data);
  g_assert_cmpuint (g_hash_table_size (cut), ==, 0);
}

/* What @window shows did not force it larger than its default size. */
static void
assert_default_size (HyWindow *window, const Language *language)
{
  g_autoptr (GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));

  g_test_message ("%s: the window is %d × %d at its default size of %d × %d", language->lang, width,
                  height, g_settings_get_int (settings, "window-width"),
                  g_settings_get_int (settings, "window-height"));
  g_assert_cmpint (width, <=, g_settings_get_int (settings, "window-width"));
  g_assert_cmpint (height, <=, g_settings_get_int (settings, "window-height"));
}

/* As the application opens it: the default size, the demo's inventory, Halo's records (every
 * list has rows); once the connection test has passed and the toasts have gone, every page is
 * checked. */
static void
test_cutoff (gconstpointer data)
{
  const Language *language = data;
  g_autoptr (HyTestDemo) demo = NULL;

  if (!use_language (language))
    return;
  demo = hy_test_demo_new ();
  hy_test_demo_open_window (demo, 0, 0);
  hy_test_demo_wait_ready (demo);

  assert_nothing_cut (demo->window, language);
  assert_default_size (demo->window, language);

  g_clear_pointer (&demo, hy_test_demo_free);
  setlocale (LC_ALL, "C.UTF-8");
}

int
main (int argc, char *argv[])
{
  hy_ui_test_init_mime ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* Machines without an SVG pixbuf loader cannot draw GTK's symbolic icons and warn about each
   * one: not a fault of the code under test. Criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* Each language is reported, even when an earlier one has a label cut off. */
  g_test_set_nonfatal_assertions ();
  gtk_init ();
  adw_init ();

  for (gsize i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autofree char *path = g_strdup_printf ("/i18n/cutoff/%s", languages[i].lang);

      g_test_add_data_func (path, &languages[i], test_cutoff);
    }

  return g_test_run ();
}
