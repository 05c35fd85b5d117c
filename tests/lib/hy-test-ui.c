/* hy-test-ui.c: waiting on what a widget shows, toasts, cut-off labels and screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "../ui/hy-ui-shot.h"
#include "hy-test-ui.h"
#include "hy-test-views.h"

/* ---- Frames ------------------------------------------------------------------------------- */

static void
run_pending (void)
{
  hy_test_wait_idle ();
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static void
set_flag_cb (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
flag_is_set (gpointer flag)
{
  return *(gboolean *) flag;
}

/* Queues a redraw of @widget and waits for the frame that paints it: after "after-paint" its
 * allocation is the new one. */
static void
wait_next_frame (GtkWidget *widget, const char *what)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_flag_cb), &painted);
  gtk_widget_queue_draw (widget);
  hy_test_ui_wait_until (flag_is_set, &painted, what);
  g_signal_handler_disconnect (clock, handler);
}

void
hy_test_ui_wait_painted (GtkWidget *widget)
{
  hy_test_ui_wait_until (is_mapped, widget, "the widget's mapping");
  wait_next_frame (widget, "a painted frame");
  run_pending ();
}

/* A spinner or any other animation keeps the frame clock busy, so "until nothing is pending"
 * may never come: past this many frames the window is as settled as it gets. */
#define SETTLE_MAX_FRAMES 20

void
hy_test_ui_settle (GtkWidget *window)
{
  for (guint frames = 0; frames < SETTLE_MAX_FRAMES; frames++)
    {
      run_pending ();
      wait_next_frame (window, "the window's next frame");
      if (!g_main_context_pending (NULL))
        return;
    }
  g_test_message ("the window still had work pending after %u frames: an animation runs",
                  SETTLE_MAX_FRAMES);
}

static gboolean
has_focus_inside (gpointer widget)
{
  return gtk_widget_get_focus_child (widget) != NULL;
}

void
hy_test_ui_wait_focus_inside (GtkWidget *widget)
{
  hy_test_ui_wait_until (has_focus_inside, widget, "the focus moving inside the widget");
  run_pending ();
}

typedef struct
{
  GtkWidget *widget;
  int width;
} Width;

static gboolean
is_narrow_enough (gpointer data)
{
  Width *w = data;

  return gtk_widget_get_width (w->widget) > 0 && gtk_widget_get_width (w->widget) <= w->width;
}

void
hy_test_ui_wait_width_at_most (GtkWidget *widget, int width)
{
  Width w = { widget, width };
  g_autofree char *what = g_strdup_printf ("the widget narrowing to %d px", width);

  hy_test_ui_wait_until (is_narrow_enough, &w, what);
  hy_test_ui_settle (widget);
}

static gboolean
is_circular_button (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_has_css_class (widget, "circular");
}

static gboolean
is_revealed (gpointer revealer)
{
  return gtk_revealer_get_child_revealed (revealer);
}

void
hy_test_ui_wait_expanded (AdwExpanderRow *row)
{
  GtkWidget *revealer = hy_test_find_type (GTK_WIDGET (row), GTK_TYPE_REVEALER);

  g_assert_true (adw_expander_row_get_expanded (row));
  g_assert_nonnull (revealer);
  hy_test_ui_wait_until (is_revealed, revealer, "the expander row's opening");
}

/* ---- Toasts ------------------------------------------------------------------------------- */

/* libadwaita's toasts are private widgets (AdwToastWidget) with a title label and a circular
 * close button; a toast that hides can no longer be targeted, and goes after its animation. */
static void
collect_toasts (GtkWidget *root, GPtrArray *toasts)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (root), "AdwToastWidget"))
    {
      g_ptr_array_add (toasts, root);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_toasts (child, toasts);
}

typedef struct
{
  GtkWidget *root;
  GPtrArray *titles; /* the prefixes not seen yet */
} Toasts;

static void
close_toast (GtkWidget *toast, GPtrArray *titles)
{
  GtkWidget *label = hy_test_find_type (toast, GTK_TYPE_LABEL);
  GtkWidget *close = hy_test_find_matching (toast, is_circular_button, NULL, FALSE);
  const char *text = label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : "";

  g_test_message ("closing the toast “%s”", text);
  for (guint i = titles->len; i > 0; i--)
    if (g_str_has_prefix (text, g_ptr_array_index (titles, i - 1)))
      g_ptr_array_remove_index (titles, i - 1);
  g_assert_nonnull (close);
  g_signal_emit_by_name (close, "clicked");
}

typedef struct
{
  gint64 frame;
  float y;
} Place;

/* Whether @toast is on show and has stopped sliding in: at the same place two frames in a row.
 * (libadwaita frees a toast's data when its hiding is over, even while its showing still runs:
 * a toast closed as it comes in crashes the program.) A toast that is not mapped does not
 * move. */
static gboolean
toast_at_rest (GtkWidget *toast)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (toast);
  Place *place = g_object_get_data (G_OBJECT (toast), "hy-test-place");
  graphene_rect_t bounds;
  gint64 frame;

  if (!gtk_widget_get_can_target (toast))
    return FALSE;
  if (!gtk_widget_get_mapped (toast) || clock == NULL)
    return TRUE;
  if (!gtk_widget_compute_bounds (toast, gtk_widget_get_parent (toast), &bounds))
    return FALSE;
  frame = gdk_frame_clock_get_frame_counter (clock);
  if (place != NULL && place->y == bounds.origin.y)
    return place->frame < frame;
  place = g_new (Place, 1);
  place->frame = frame;
  place->y = bounds.origin.y;
  g_object_set_data_full (G_OBJECT (toast), "hy-test-place", place, g_free);
  return FALSE;
}

static gboolean
toasts_closed (gpointer data)
{
  Toasts *t = data;
  g_autoptr (GPtrArray) toasts = g_ptr_array_new ();

  collect_toasts (t->root, toasts);
  for (guint i = 0; i < toasts->len; i++)
    {
      GtkWidget *toast = g_ptr_array_index (toasts, i);

      if (toast_at_rest (toast))
        close_toast (toast, t->titles);
      else
        /* The next frame, to look again. */
        gtk_widget_queue_draw (toast);
    }
  return toasts->len == 0 && t->titles->len == 0;
}

void
hy_test_ui_close_toasts (GtkWidget *root, const char *const *titles)
{
  g_autoptr (GPtrArray) left = g_ptr_array_new ();
  Toasts t = { root, left };
  g_autoptr (GString) what = g_string_new ("the toasts' going");
  gboolean animations = TRUE;

  for (guint i = 0; titles != NULL && titles[i] != NULL; i++)
    {
      g_ptr_array_add (left, (gpointer) titles[i]);
      g_string_append_printf (what, "%s“%s…”", i == 0 ? " after " : ", ", titles[i]);
    }
  /* Each toast shown and hidden at once, not in 300 ms slides one after the other. */
  g_object_get (gtk_settings_get_default (), "gtk-enable-animations", &animations, NULL);
  hy_test_ui_set_animations (FALSE);
  hy_test_ui_wait_until (toasts_closed, &t, what->str);
  hy_test_ui_set_animations (animations);
  hy_test_ui_settle (gtk_widget_get_ancestor (root, GTK_TYPE_WINDOW) != NULL
                         ? gtk_widget_get_ancestor (root, GTK_TYPE_WINDOW)
                         : root);
}

char *
hy_test_ui_toast_prefix (const char *msgid)
{
  const char *text = g_dgettext (GETTEXT_PACKAGE, msgid);
  const char *conversion = strchr (text, '%');

  return g_strndup (text, conversion != NULL ? (gsize) (conversion - text) : strlen (text));
}

/* ---- What is shown ------------------------------------------------------------------------ */

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

GPtrArray *
hy_test_ui_cut_labels (GtkWidget *root)
{
  GPtrArray *cut = g_ptr_array_new_with_free_func (g_free);

  collect_cut_labels (root, cut);
  return cut;
}

void
hy_test_ui_assert_none_cut (GPtrArray *cut, const char *what)
{
  for (guint i = 0; i < cut->len; i++)
    g_test_message ("cut off %s: %s", what, (char *) g_ptr_array_index (cut, i));
  g_assert_cmpuint (cut->len, ==, 0);
}

void
hy_test_ui_set_animations (gboolean enabled)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", enabled, NULL);
}

void
hy_test_ui_save_screenshot (GtkWidget *window, const char *name)
{
  g_autoptr (GdkTexture) texture = hy_ui_shot_take (window);
  const char *root = g_getenv ("HALYARD_BUILD_ROOT");
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  g_assert_nonnull (texture);
  dir = g_build_filename (root != NULL ? root : g_get_tmp_dir (), "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}
