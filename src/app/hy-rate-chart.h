/* hy-rate-chart.h — requests and failures per minute over the last hour, and the rate budget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The chart shows this many one-minute buckets, the newest on the right. */
#define HY_RATE_CHART_MINUTES 60

/* Halo's default budget: about 300 requests per rolling 5 minutes. */
#define HY_RATE_CHART_DEFAULT_BUDGET 300
#define HY_RATE_CHART_BUDGET_MINUTES 5

/**
 * HyRateSample:
 * @minute: a Unix time inside the minute the sample counts (seconds are ignored)
 * @requests: requests sent in that minute
 * @failures: how many of them failed
 *
 * One per-minute aggregate of the events log.
 */
typedef struct
{
  gint64 minute;
  guint requests;
  guint failures;
} HyRateSample;

#define HY_TYPE_RATE_CHART (hy_rate_chart_get_type ())

G_DECLARE_FINAL_TYPE (HyRateChart, hy_rate_chart, HY, RATE_CHART, GtkWidget)

GtkWidget *hy_rate_chart_new (void);

void hy_rate_chart_set_samples (HyRateChart *self,
                                gint64 now,
                                const HyRateSample *samples,
                                gsize n_samples);
void hy_rate_chart_add_request (HyRateChart *self, gint64 when, gboolean failed);

guint hy_rate_chart_get_requests (HyRateChart *self, guint minute_ago);
guint hy_rate_chart_get_failures (HyRateChart *self, guint minute_ago);
guint hy_rate_chart_get_total_requests (HyRateChart *self);
guint hy_rate_chart_get_total_failures (HyRateChart *self);

void hy_rate_chart_set_budget_limit (HyRateChart *self, guint limit);
guint hy_rate_chart_get_budget_limit (HyRateChart *self);
void hy_rate_chart_set_budget_used (HyRateChart *self, int used);
guint hy_rate_chart_get_budget_used (HyRateChart *self);

char *hy_rate_chart_dup_summary (HyRateChart *self);
gboolean hy_rate_chart_get_text_cut (HyRateChart *self);

G_END_DECLS
