/* test-rate-chart.c — HyRateChart: per-minute bucketing, live updates, the budget, its summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-views.h"
#include "hy-ui-test.h"

#include <adwaita.h>

#include "hy-rate-chart.h"

/* 2026-11-22 12:30:40 UTC */
#define NOW ((gint64) 1795350640)

static void
test_rate_chart_buckets (void)
{
  HyRateChart *chart = HY_RATE_CHART (g_object_ref_sink (hy_rate_chart_new ()));
  const HyRateSample samples[] = {
    { NOW - 40, 4, 1 },          /* this minute (12:30:00) */
    { NOW, 1, 0 },               /* the same minute: adds up */
    { NOW - 60, 7, 0 },          /* one minute ago */
    { NOW - 59 * 60, 3, 3 },     /* the oldest bucket */
    { NOW - 60 * 60, 100, 100 }, /* an hour ago: off the chart */
    { NOW + 60, 50, 0 },         /* the future: ignored */
    { NOW - 10 * 60 - 5, 2, 9 }, /* more failures than requests: clamped */
  };

  hy_rate_chart_set_samples (chart, NOW, samples, G_N_ELEMENTS (samples));

  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 0), ==, 5);
  g_assert_cmpuint (hy_rate_chart_get_failures (chart, 0), ==, 1);
  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 1), ==, 7);
  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 59), ==, 3);
  g_assert_cmpuint (hy_rate_chart_get_failures (chart, 59), ==, 3);
  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 10), ==, 2);
  g_assert_cmpuint (hy_rate_chart_get_failures (chart, 10), ==, 2);
  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 60), ==, 0);
  g_assert_cmpuint (hy_rate_chart_get_total_requests (chart), ==, 17);
  g_assert_cmpuint (hy_rate_chart_get_total_failures (chart), ==, 6);

  /* The budget defaults to the requests of the last five minutes, out of 300. */
  g_assert_cmpuint (hy_rate_chart_get_budget_limit (chart), ==, 300);
  g_assert_cmpuint (hy_rate_chart_get_budget_used (chart), ==, 12);

  hy_rate_chart_set_budget_used (chart, 290);
  g_assert_cmpuint (hy_rate_chart_get_budget_used (chart), ==, 290);
  hy_rate_chart_set_budget_used (chart, -1);
  g_assert_cmpuint (hy_rate_chart_get_budget_used (chart), ==, 12);

  /* Replacing the samples drops the old ones. */
  hy_rate_chart_set_samples (chart, NOW, NULL, 0);
  g_assert_cmpuint (hy_rate_chart_get_total_requests (chart), ==, 0);

  g_assert_finalize_object (chart);
}

static void
test_rate_chart_live (void)
{
  HyRateChart *chart = HY_RATE_CHART (g_object_ref_sink (hy_rate_chart_new ()));
  const HyRateSample samples[] = { { NOW, 2, 0 }, { NOW - 58 * 60, 1, 0 } };

  hy_rate_chart_set_samples (chart, NOW, samples, G_N_ELEMENTS (samples));

  hy_rate_chart_add_request (chart, NOW + 5, TRUE);
  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 0), ==, 3);
  g_assert_cmpuint (hy_rate_chart_get_failures (chart, 0), ==, 1);

  /* Two minutes later: the chart moves on, the 58-minute-old bucket falls off. */
  hy_rate_chart_add_request (chart, NOW + 120, FALSE);
  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 0), ==, 1);
  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 2), ==, 3);
  g_assert_cmpuint (hy_rate_chart_get_failures (chart, 2), ==, 1);
  g_assert_cmpuint (hy_rate_chart_get_total_requests (chart), ==, 4);

  /* A late request of an older minute still lands in its bucket. */
  hy_rate_chart_add_request (chart, NOW - 60, FALSE);
  g_assert_cmpuint (hy_rate_chart_get_requests (chart, 3), ==, 1);

  /* A request after a long quiet spell empties the chart. */
  hy_rate_chart_add_request (chart, NOW + 3 * 3600, FALSE);
  g_assert_cmpuint (hy_rate_chart_get_total_requests (chart), ==, 1);

  g_assert_finalize_object (chart);
}

static void
test_rate_chart_summary (void)
{
  HyRateChart *chart = HY_RATE_CHART (g_object_ref_sink (hy_rate_chart_new ()));
  const HyRateSample samples[] = { { NOW, 40, 3 }, { NOW - 600, 2, 0 } };
  g_autofree char *summary = NULL;

  hy_rate_chart_set_samples (chart, NOW, samples, G_N_ELEMENTS (samples));
  hy_rate_chart_set_budget_limit (chart, 100);
  summary = hy_rate_chart_dup_summary (chart);

  g_assert_nonnull (strstr (summary, "42 requests in the last hour, at most 40 per minute"));
  g_assert_nonnull (strstr (summary, "3 failed"));
  g_assert_nonnull (strstr (summary, "40 of 100 requests"));

  g_assert_finalize_object (chart);
}

static gboolean
is_allocated (gpointer widget)
{
  return gtk_widget_get_width (widget) > 0;
}

/* A chart of one busy minute: 40 requests, 3 failed. */
static HyRateChart *
busy_chart (void)
{
  HyRateChart *chart = HY_RATE_CHART (hy_rate_chart_new ());
  const HyRateSample samples[] = { { NOW, 40, 3 } };

  hy_rate_chart_set_samples (chart, NOW, samples, 1);
  return chart;
}

/* @chart in a window presented at @width × @height, once the chart has its size. */
static GtkWindow *
present_chart (HyRateChart *chart, int width, int height)
{
  GtkWindow *window = hy_test_view_present (GTK_WIDGET (chart), width, height);

  hy_test_wait_until (is_allocated, chart, "the chart allocated");
  return window;
}

/* Draws @chart at @width × @height: it produces render nodes. */
static void
assert_draws (HyRateChart *chart, int width, int height)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (chart));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
}

static void
test_rate_chart_draws (void)
{
  HyRateChart *chart = busy_chart ();
  GtkWindow *window = present_chart (chart, 640, 160);

  /* Light and dark: drawing produces nodes in both. */
  for (guint i = 0; i < 2; i++)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          i == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                                 : ADW_COLOR_SCHEME_FORCE_DARK);
      assert_draws (chart, 640, 160);
    }

  g_assert_false (hy_rate_chart_get_text_cut (chart));
  gtk_window_destroy (window);
}

/* In a 360 px window (the chart is 336 px wide between its margins) the legend wraps instead
 * of being cut, and the chart asks for the height that takes. */
static void
test_rate_chart_narrow (void)
{
  HyRateChart *chart = busy_chart ();
  GtkWindow *window;
  int wide = 0, narrow = 0;

  gtk_widget_measure (GTK_WIDGET (chart), GTK_ORIENTATION_VERTICAL, 640, NULL, &wide, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (chart), GTK_ORIENTATION_VERTICAL, 336, NULL, &narrow, NULL, NULL);
  g_assert_cmpint (narrow, >, wide);

  window = present_chart (chart, 336, 60);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (chart)), <=, 340);
  gtk_widget_measure (GTK_WIDGET (chart), GTK_ORIENTATION_VERTICAL, 336, &narrow, NULL, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (chart)), >=, narrow);

  assert_draws (chart, gtk_widget_get_width (GTK_WIDGET (chart)),
                gtk_widget_get_height (GTK_WIDGET (chart)));
  g_assert_false (hy_rate_chart_get_text_cut (chart));

  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add_func ("/rate-chart/buckets", test_rate_chart_buckets);
  g_test_add_func ("/rate-chart/live", test_rate_chart_live);
  g_test_add_func ("/rate-chart/summary", test_rate_chart_summary);
  g_test_add_func ("/rate-chart/draws", test_rate_chart_draws);
  g_test_add_func ("/rate-chart/narrow", test_rate_chart_narrow);

  return g_test_run ();
}
