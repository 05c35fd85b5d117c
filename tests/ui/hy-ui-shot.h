/* hy-ui-shot.h — a window's picture taken right after a painted frame, for the demo test and
 * the screenshot tool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

/* The window's render node, taken right after a frame is painted: the service keeps the views
 * live (a request logged, the status changing), and a snapshot taken while a relayout is pending
 * is empty. After "after-paint" the layout of that frame is valid. */
typedef struct
{
  GtkWidget *window;
  GskRenderNode *node;
} HyUiShot;

static inline void
hy_ui_shot_after_paint_cb (GdkFrameClock *clock, HyUiShot *shot)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot;

  if (shot->node != NULL)
    return;
  paintable = gtk_widget_paintable_new (shot->window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (shot->window),
                          gtk_widget_get_height (shot->window));
  shot->node = gtk_snapshot_free_to_node (snapshot);
  if (shot->node == NULL)
    gtk_widget_queue_draw (shot->window);
}

static inline gboolean
hy_ui_shot_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The window as the next painted frame shows it; NULL when no frame came within 10 s. */
static inline GdkTexture *
hy_ui_shot_take (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  HyUiShot shot = { window, NULL };
  GdkTexture *texture;
  gboolean timed_out = FALSE;
  gulong handler;
  guint id;

  if (clock == NULL || gtk_widget_get_width (window) <= 0 || gtk_widget_get_height (window) <= 0)
    return NULL;

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (hy_ui_shot_after_paint_cb), &shot);
  gtk_widget_queue_draw (window);
  id = g_timeout_add_seconds (10, hy_ui_shot_timeout_cb, &timed_out);
  while (shot.node == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  if (!timed_out)
    g_source_remove (id);
  if (shot.node == NULL)
    return NULL;

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), shot.node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (window),
                                                              gtk_widget_get_height (window)));
  gsk_render_node_unref (shot.node);
  return texture;
}
