/* hy-test-views.c: a view in a window, finding its widgets, waiting on what it shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-views.h"

/* ---- A view in a window ------------------------------------------------------------------- */

GtkWindow *
hy_test_view_present (GtkWidget *view, int width, int height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_child (window, view);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  return window;
}

/* ---- Finding a widget --------------------------------------------------------------------- */

GtkWidget *
hy_test_find_matching (GtkWidget *root,
                       HyTestWidgetMatch match,
                       gconstpointer data,
                       gboolean into_popovers)
{
  if (match (root, data))
    return root;
  if (GTK_IS_POPOVER (root) && !into_popovers)
    return NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = hy_test_find_matching (child, match, data, into_popovers);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_of_type (GtkWidget *widget, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
hy_test_find_type (GtkWidget *root, GType type)
{
  return hy_test_find_matching (root, is_of_type, GSIZE_TO_POINTER (type), TRUE);
}

GtkWidget *
hy_test_find_type_outside_popovers (GtkWidget *root, GType type)
{
  return hy_test_find_matching (root, is_of_type, GSIZE_TO_POINTER (type), FALSE);
}

static gboolean
is_named (GtkWidget *widget, gconstpointer name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

GtkWidget *
hy_test_find_named (GtkWidget *root, const char *name)
{
  return hy_test_find_matching (root, is_named, name, TRUE);
}

static gboolean
is_button_labelled (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && !GTK_IS_LINK_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

GtkWidget *
hy_test_find_button (GtkWidget *root, const char *label)
{
  return hy_test_find_matching (root, is_button_labelled, label, TRUE);
}

static gboolean
is_visible_label (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

GtkWidget *
hy_test_find_label (GtkWidget *root, const char *text)
{
  return hy_test_find_matching (root, is_visible_label, text, TRUE);
}

/* ---- Waiting on what a view shows --------------------------------------------------------- */

/* What a wait looks at: @get (@object) against @value or @text. */
typedef struct
{
  gpointer get;
  gpointer object;
  gboolean value;
  const char *text;
} Wait;

static gboolean
flag_is (gpointer user_data)
{
  Wait *wait = user_data;

  return ((HyTestFlagGetter) wait->get) (wait->object) == wait->value;
}

void
hy_test_wait_flag (HyTestFlagGetter get, gpointer object, gboolean value, const char *what)
{
  Wait wait = { get, object, value, NULL };

  hy_test_wait_until (flag_is, &wait, what);
}

static gboolean
text_is (gpointer user_data)
{
  Wait *wait = user_data;

  return g_strcmp0 (((HyTestTextGetter) wait->get) (wait->object), wait->text) == 0;
}

void
hy_test_wait_text (HyTestTextGetter get, gpointer object, const char *text, const char *what)
{
  Wait wait = { get, object, FALSE, text };

  hy_test_wait_until (text_is, &wait, what);
}

static gboolean
has_css_class (gpointer user_data)
{
  Wait *wait = user_data;

  return gtk_widget_has_css_class (wait->object, wait->text);
}

void
hy_test_wait_css_class (GtkWidget *widget, const char *css_class)
{
  Wait wait = { NULL, widget, FALSE, css_class };
  g_autofree char *what =
      g_strdup_printf ("the style class %s on a %s", css_class, G_OBJECT_TYPE_NAME (widget));

  hy_test_wait_until (has_css_class, &wait, what);
}

static gboolean
label_shown (gpointer user_data)
{
  Wait *wait = user_data;

  return hy_test_find_label (wait->object, wait->text) != NULL;
}

void
hy_test_wait_label (GtkWidget *root, const char *text, const char *what)
{
  Wait wait = { NULL, root, FALSE, text };

  hy_test_wait_until (label_shown, &wait, what);
}

static gboolean
is_filtered (gpointer model)
{
  return gtk_filter_list_model_get_pending (GTK_FILTER_LIST_MODEL (model)) == 0;
}

void
hy_test_wait_filtered (GListModel *model)
{
  hy_test_wait_until (is_filtered, model, "the list filtered");
}

typedef struct
{
  guint *counter;
  guint before;
} CountWait;

static gboolean
is_above (gpointer user_data)
{
  CountWait *wait = user_data;

  return *wait->counter > wait->before;
}

void
hy_test_wait_count_above (guint *counter, guint before, const char *what)
{
  CountWait wait = { counter, before };

  hy_test_wait_until (is_above, &wait, what);
}

/* ---- The toolbar -------------------------------------------------------------------------- */

void
hy_test_menu_actions (GMenuModel *menu, GPtrArray *actions)
{
  g_assert_nonnull (menu);
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *label = NULL;
          g_autofree char *action = NULL;

          g_assert_true (
              g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_LABEL, "s", &label));
          g_assert_cmpstr (label, !=, "");
          g_assert_true (
              g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_ACTION, "s", &action));
          g_ptr_array_add (actions, g_steal_pointer (&action));
        }
    }
}

gboolean
hy_test_strings_have (GPtrArray *strings, const char *string)
{
  return g_ptr_array_find_with_equal_func (strings, string, g_str_equal, NULL);
}

guint
hy_test_column_view_n_visible (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      n += gtk_column_view_column_get_visible (column) ? 1 : 0;
    }
  return n;
}
