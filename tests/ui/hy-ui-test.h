/* hy-ui-test.h — shared set-up of the Mapping and Events widget tests and tools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hy-ui-test-mime.h"

/* How long a wait on a condition lasts before the test calls it a hang. The wait ends as soon
 * as the condition holds, so this is far longer than anything takes on a loaded machine: a
 * short deadline fails a slow run, not a broken one. */
#ifndef HY_UI_TEST_HANG_S
#define HY_UI_TEST_HANG_S 60
#endif

/* The MIME database inside isolated directories (hy-ui-test-mime.h), under the name the views'
 * tests and screenshots call it by. Call before g_test_init (). */
#define hy_views_test_init_mime hy_ui_test_init_mime

static inline void
hy_ui_test_init (int *argc, char ***argv)
{
  hy_views_test_init_mime ();
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Where an icon still cannot be drawn GTK warns about it: not a fault of the code under
   * test. Criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_setenv ("LANGUAGE", "C", TRUE);
  /* The tests' private GSettings has no proxy schema: no proxy for loopback servers. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  adw_init ();
}

static inline void
hy_ui_test_painted_cb (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

static inline gboolean
hy_ui_test_no_frame_cb (gpointer user_data)
{
  g_error ("no frame was painted within 10 s");
  return G_SOURCE_REMOVE;
}

/* Relayouts @widget and waits for the frame that paints it: after "after-paint" its allocation
 * is the new one. Without a frame clock (not shown), runs what is pending. */
static inline void
hy_ui_test_wait_frame (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler;
  guint guard;

  gtk_widget_queue_resize (widget);
  if (clock == NULL)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      return;
    }
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (hy_ui_test_painted_cb), &painted);
  guard = g_timeout_add_seconds (10, hy_ui_test_no_frame_cb, NULL);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
  g_signal_handler_disconnect (clock, handler);
}
