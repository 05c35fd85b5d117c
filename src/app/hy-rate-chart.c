/* hy-rate-chart.c — requests and failures per minute over the last hour, and the rate budget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A drawing widget: one bar per minute (requests in the accent colour, the failed part in the
 * error colour), the newest minute on the right, and a gauge of Halo's rolling rate budget. The
 * colours come from the theme (libadwaita's named colours), so the chart follows light and dark
 * styles. Its accessible description says the same numbers in words.
 */

#define G_LOG_DOMAIN "hy-rate-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-rate-chart.h"

struct _HyRateChart
{
  GtkWidget parent_instance;

  /* Index 0 is the current minute, index i the minute i minutes ago. */
  guint requests[HY_RATE_CHART_MINUTES];
  guint failures[HY_RATE_CHART_MINUTES];
  gint64 now_minute; /* Unix time / 60 of index 0 */

  guint budget_limit;
  int budget_used; /* -1: derived from the last HY_RATE_CHART_BUDGET_MINUTES buckets */

  gboolean text_cut; /* a text of the last drawing was ellipsized */
};

G_DEFINE_FINAL_TYPE (HyRateChart, hy_rate_chart, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_BUDGET_LIMIT,
  PROP_BUDGET_USED,
  PROP_TOTAL_REQUESTS,
  PROP_TOTAL_FAILURES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define GAUGE_WIDTH 150
#define SPACING     12
/* The least height of the bars, under a legend that wraps at narrow widths */
#define PLOT_MIN_HEIGHT 40

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static gint64
minute_of (gint64 unix_time)
{
  /* Floor division, also for times before 1970. */
  return unix_time >= 0 ? unix_time / 60 : -((-unix_time + 59) / 60);
}

static guint
peak_requests (HyRateChart *self)
{
  guint peak = 0;

  for (guint i = 0; i < HY_RATE_CHART_MINUTES; i++)
    peak = MAX (peak, self->requests[i]);

  return peak;
}

static void
lookup_color (GtkWidget *widget, const char *name, const GdkRGBA *fallback, GdkRGBA *out)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  if (!gtk_style_context_lookup_color (context, name, out))
    *out = *fallback;
}

static void
update_accessible (HyRateChart *self)
{
  g_autofree char *summary = hy_rate_chart_dup_summary (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  summary, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), summary);
}

static void
data_changed (HyRateChart *self)
{
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_REQUESTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_FAILURES]);
  if (self->budget_used < 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUDGET_USED]);
}

/* Moves the buckets so that index 0 is @minute; older buckets fall off the end. */
static void
advance_to (HyRateChart *self, gint64 minute)
{
  gint64 shift = minute - self->now_minute;

  if (shift <= 0)
    return;

  if (shift >= HY_RATE_CHART_MINUTES)
    {
      memset (self->requests, 0, sizeof self->requests);
      memset (self->failures, 0, sizeof self->failures);
    }
  else
    {
      memmove (self->requests + shift, self->requests,
               (HY_RATE_CHART_MINUTES - shift) * sizeof (guint));
      memmove (self->failures + shift, self->failures,
               (HY_RATE_CHART_MINUTES - shift) * sizeof (guint));
      memset (self->requests, 0, shift * sizeof (guint));
      memset (self->failures, 0, shift * sizeof (guint));
    }

  self->now_minute = minute;
}

/* Draws @text at (@x, @y), or ending at @x when @align_right, cut with an ellipsis to
 * @max_width (-1: no limit). Returns the width drawn. */
static int
append_text (GtkSnapshot *snapshot,
             GtkWidget *widget,
             const char *text,
             float x,
             float y,
             const GdkRGBA *color,
             gboolean align_right,
             int max_width,
             int *out_height)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  if (max_width >= 0)
    {
      pango_layout_set_width (layout, MAX (max_width, 1) * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &width, &height);
  if (pango_layout_is_ellipsized (layout))
    HY_RATE_CHART (widget)->text_cut = TRUE;
  if (align_right)
    x -= width;

  if (max_width != 0)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      gtk_snapshot_append_layout (snapshot, layout, color);
      gtk_snapshot_restore (snapshot);
    }

  if (out_height != NULL)
    *out_height = height;

  return max_width != 0 ? width : 0;
}

/* The width @text would take. */
static int
text_width (GtkWidget *widget, const char *text)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

/* Translators: legend of the request-rate chart; the bars are per minute */
#define LEGEND N_ ("Requests per minute (failed in red)")

/* The rate budget gauge's width: its title whole at narrow widths (German's
 * "Anfragekontingent" is wider than a third of 360 px), at most half the chart. */
static float
gauge_width (GtkWidget *widget, float width)
{
  if (width >= 3 * GAUGE_WIDTH)
    return GAUGE_WIDTH;
  /* Translators: title of the gauge showing how much of Halo's API rate limit is used */
  return MAX (width / 3, MIN (text_width (widget, _ ("Rate budget")), width / 2));
}

/* The legend's layout over the bars, in the width the peak leaves it: it wraps to a second
 * line at narrow widths instead of being cut. */
static PangoLayout *
legend_layout (GtkWidget *widget, float width, const char *peak_text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, _ (LEGEND));
  float plot_w = width - gauge_width (widget, width) - SPACING;
  int available = plot_w - text_width (widget, peak_text) - 12;

  pango_layout_set_width (layout, MAX (available, 1) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  return layout;
}

static void
append_rounded (GtkSnapshot *snapshot,
                const graphene_rect_t *rect,
                float radius,
                const GdkRGBA *color)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, rect, MIN (radius, rect->size.height / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, rect);
  gtk_snapshot_pop (snapshot);
}

/* ------------------------------------------------------------------------- */
/* GtkWidget overrides                                                       */
/* ------------------------------------------------------------------------- */

/* The colours of the chart, from the theme */
typedef struct
{
  GdkRGBA fg, dim, faint, accent, error, warning;
} Palette;

/* The requests (and failures) of each minute of the last hour, as bars scaled to @peak */
static void
append_bars (HyRateChart *self,
             GtkSnapshot *snapshot,
             const graphene_rect_t *plot,
             guint peak,
             const GdkRGBA *accent,
             const GdkRGBA *error)
{
  float plot_x = plot->origin.x;
  float plot_w = plot->size.width;
  float plot_top = plot->origin.y;
  float plot_bottom = plot->origin.y + plot->size.height;
  float slot_w;

  slot_w = plot_w / HY_RATE_CHART_MINUTES;
  for (guint i = 0; i < HY_RATE_CHART_MINUTES && peak > 0; i++)
    {
      float x = plot_x + (HY_RATE_CHART_MINUTES - 1 - i) * slot_w;
      float bar_w = MAX (1.0f, slot_w - (slot_w >= 4 ? 1.5f : 0.5f));
      float plot_h = plot_bottom - plot_top - 2;
      float req_h = plot_h * self->requests[i] / peak;
      float fail_h = plot_h * self->failures[i] / peak;

      if (self->requests[i] > 0)
        gtk_snapshot_append_color (snapshot, accent,
                                   &GRAPHENE_RECT_INIT (x, plot_bottom - MAX (req_h, 1.0f), bar_w,
                                                        MAX (req_h, 1.0f)));
      if (self->failures[i] > 0)
        gtk_snapshot_append_color (snapshot, error,
                                   &GRAPHENE_RECT_INIT (x, plot_bottom - MAX (fail_h, 1.0f), bar_w,
                                                        MAX (fail_h, 1.0f)));
    }
}

/* The rate budget gauge on the right, beside a plot from @plot_top to @plot_bottom */
static void
append_gauge (HyRateChart *self,
              GtkWidget *widget,
              GtkSnapshot *snapshot,
              float gauge_w,
              float plot_top,
              float plot_bottom,
              const Palette *colors)
{
  float width = gtk_widget_get_width (widget);
  guint used = hy_rate_chart_get_budget_used (self);
  g_autofree char *budget_text = NULL;
  float fraction;
  int used_w, line_h = 0;
  float gx = width - gauge_w;
  float bar_h = 10;
  float bar_y = (plot_top + plot_bottom) / 2 - bar_h / 2;
  const GdkRGBA *fill = &colors->accent;
  g_autofree char *used_text = NULL;

  fraction = self->budget_limit > 0 ? (float) used / self->budget_limit : 0;
  if (fraction >= 1.0f)
    fill = &colors->error;
  else if (fraction >= 0.8f)
    fill = &colors->warning;

  budget_text = g_strdup (_ ("Rate budget"));
  append_text (snapshot, widget, budget_text, gx, 0, &colors->dim, FALSE, gauge_w, NULL);

  append_rounded (snapshot, &GRAPHENE_RECT_INIT (gx, bar_y, gauge_w, bar_h), bar_h / 2,
                  &colors->faint);
  if (fraction > 0)
    append_rounded (snapshot,
                    &GRAPHENE_RECT_INIT (gx, bar_y, MAX (bar_h, gauge_w * MIN (fraction, 1.0f)),
                                         bar_h),
                    bar_h / 2, fill);

  /* Translators: under the rate budget gauge: requests used of the limit, e.g. "42 / 300" */
  used_text = g_strdup_printf (_ ("%'u / %'u"), used, self->budget_limit);
  used_w = append_text (snapshot, widget, used_text, gx, bar_y + bar_h + 4, &colors->fg, FALSE,
                        gauge_w, &line_h);
  /* Translators: under the rate budget gauge: the budget is per rolling 5 minutes */
  /* "per 5 min" beside the numbers, or under them when the gauge is narrow. */
  if (used_w + 8 + text_width (widget, _ ("per 5 min")) <= gauge_w)
    append_text (snapshot, widget, _ ("per 5 min"), width, bar_y + bar_h + 4, &colors->dim, TRUE,
                 -1, NULL);
  else
    append_text (snapshot, widget, _ ("per 5 min"), gx, bar_y + bar_h + 4 + line_h, &colors->dim,
                 FALSE, gauge_w, NULL);
}

static void
hy_rate_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  HyRateChart *self = HY_RATE_CHART (widget);
  static const GdkRGBA blue = { 0.21f, 0.52f, 0.89f, 1.0f };
  static const GdkRGBA red = { 0.88f, 0.11f, 0.14f, 1.0f };
  static const GdkRGBA orange = { 0.80f, 0.44f, 0.0f, 1.0f };
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  Palette colors;
  g_autoptr (PangoLayout) legend = NULL;
  g_autofree char *peak_text = NULL;
  guint peak = peak_requests (self);
  float gauge_w, plot_x, plot_w, plot_top, plot_bottom;
  int text_h = 0, legend_h = 0;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (context, &colors.fg);
  colors.dim = colors.fg;
  colors.dim.alpha *= 0.55f;
  colors.faint = colors.fg;
  colors.faint.alpha *= 0.12f;
  lookup_color (widget, "accent_color", &blue, &colors.accent);
  lookup_color (widget, "error_color", &red, &colors.error);
  lookup_color (widget, "warning_color", &orange, &colors.warning);

  self->text_cut = FALSE;
  gauge_w = gauge_width (widget, width);
  plot_x = 0;
  plot_w = width - gauge_w - SPACING;

  /* The legend and the peak above the bars. */
  /* Translators: the highest number of requests in one minute of the last hour */
  peak_text = g_strdup_printf (_ ("Peak %'u"), peak);
  append_text (snapshot, widget, peak_text, plot_x + plot_w, 0, &colors.dim, TRUE, -1, &text_h);
  legend = legend_layout (widget, width, peak_text);
  pango_layout_get_pixel_size (legend, NULL, &legend_h);
  gtk_snapshot_append_layout (snapshot, legend, &colors.dim);

  plot_top = legend_h + 4;
  plot_bottom = height - text_h - 4;
  if (plot_bottom - plot_top < 8)
    plot_bottom = plot_top + 8;

  /* Time axis labels under the bars. */
  /* Translators: the left end of the one-hour time axis of the request-rate chart */
  append_text (snapshot, widget, _ ("1 hour ago"), plot_x, plot_bottom + 4, &colors.dim, FALSE,
               plot_w / 2 - 6, NULL);
  /* Translators: the right end of the time axis of the request-rate chart */
  append_text (snapshot, widget, _ ("Now"), plot_x + plot_w, plot_bottom + 4, &colors.dim, TRUE,
               plot_w / 2 - 6, NULL);

  /* The background of the plot and its baseline. */
  append_rounded (snapshot, &GRAPHENE_RECT_INIT (plot_x, plot_top, plot_w, plot_bottom - plot_top),
                  4, &colors.faint);

  append_bars (self, snapshot,
               &GRAPHENE_RECT_INIT (plot_x, plot_top, plot_w, plot_bottom - plot_top), peak,
               &colors.accent, &colors.error);

  append_gauge (self, widget, snapshot, gauge_w, plot_top, plot_bottom, &colors);
}

static void
hy_rate_chart_measure (GtkWidget *widget,
                       GtkOrientation orientation,
                       int for_size,
                       int *minimum,
                       int *natural,
                       int *minimum_baseline,
                       int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 640;
    }
  else
    {
      /* Room for the legend as it wraps at @for_size, the bars and the time axis. */
      g_autofree char *peak_text = g_strdup_printf (_ ("Peak %'u"), 0u);
      g_autoptr (PangoLayout) legend =
          legend_layout (widget, for_size > 0 ? for_size : 640, peak_text);
      g_autoptr (PangoLayout) line = gtk_widget_create_pango_layout (widget, peak_text);
      int legend_h, line_h;

      pango_layout_get_pixel_size (legend, NULL, &legend_h);
      pango_layout_get_pixel_size (line, NULL, &line_h);
      *minimum = MAX (96, legend_h + 4 + PLOT_MIN_HEIGHT + 4 + line_h);
      *natural = MAX (120, legend_h + 4 + 2 * PLOT_MIN_HEIGHT + 4 + line_h);
    }
}

static GtkSizeRequestMode
hy_rate_chart_get_request_mode (GtkWidget *widget)
{
  /* The legend wraps at narrow widths: the height depends on the width. */
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
hy_rate_chart_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (hy_rate_chart_parent_class)->css_changed (widget, change);

  /* Light/dark or accent changes: the colours are looked up at draw time. */
  gtk_widget_queue_draw (widget);
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_rate_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyRateChart *self = HY_RATE_CHART (object);

  switch (prop_id)
    {
      case PROP_BUDGET_LIMIT:
        g_value_set_uint (value, self->budget_limit);
        break;
      case PROP_BUDGET_USED:
        g_value_set_int (value, hy_rate_chart_get_budget_used (self));
        break;
      case PROP_TOTAL_REQUESTS:
        g_value_set_uint (value, hy_rate_chart_get_total_requests (self));
        break;
      case PROP_TOTAL_FAILURES:
        g_value_set_uint (value, hy_rate_chart_get_total_failures (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_rate_chart_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  HyRateChart *self = HY_RATE_CHART (object);

  switch (prop_id)
    {
      case PROP_BUDGET_LIMIT:
        hy_rate_chart_set_budget_limit (self, g_value_get_uint (value));
        break;
      case PROP_BUDGET_USED:
        hy_rate_chart_set_budget_used (self, g_value_get_int (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_rate_chart_class_init (HyRateChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = hy_rate_chart_get_property;
  object_class->set_property = hy_rate_chart_set_property;
  widget_class->snapshot = hy_rate_chart_snapshot;
  widget_class->measure = hy_rate_chart_measure;
  widget_class->get_request_mode = hy_rate_chart_get_request_mode;
  widget_class->css_changed = hy_rate_chart_css_changed;

  properties[PROP_BUDGET_LIMIT] =
      g_param_spec_uint ("budget-limit", NULL, NULL, 1, G_MAXUINT, HY_RATE_CHART_DEFAULT_BUDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUDGET_USED] =
      g_param_spec_int ("budget-used", NULL, NULL, -1, G_MAXINT, -1,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TOTAL_REQUESTS] =
      g_param_spec_uint ("total-requests", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TOTAL_FAILURES] =
      g_param_spec_uint ("total-failures", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "hy-rate-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hy_rate_chart_init (HyRateChart *self)
{
  self->budget_limit = HY_RATE_CHART_DEFAULT_BUDGET;
  self->budget_used = -1;
  self->now_minute = minute_of (g_get_real_time () / G_USEC_PER_SEC);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  /* Translators: accessible name of the request-rate chart */
                                  _ ("Requests to Halo in the last hour"), -1);
  update_accessible (self);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_rate_chart_new (void)
{
  return g_object_new (HY_TYPE_RATE_CHART, NULL);
}

/**
 * hy_rate_chart_set_samples:
 * @now: the current Unix time; its minute becomes the rightmost bar
 * @samples: (array length=n_samples): per-minute aggregates, in any order; several samples of
 *   the same minute add up; samples older than an hour or in the future are ignored
 *
 * Replaces the chart's data.
 */
void
hy_rate_chart_set_samples (HyRateChart *self,
                           gint64 now,
                           const HyRateSample *samples,
                           gsize n_samples)
{
  g_return_if_fail (HY_IS_RATE_CHART (self));
  g_return_if_fail (samples != NULL || n_samples == 0);

  memset (self->requests, 0, sizeof self->requests);
  memset (self->failures, 0, sizeof self->failures);
  self->now_minute = minute_of (now);

  for (gsize i = 0; i < n_samples; i++)
    {
      gint64 age = self->now_minute - minute_of (samples[i].minute);

      if (age < 0 || age >= HY_RATE_CHART_MINUTES)
        continue;

      self->requests[age] += samples[i].requests;
      self->failures[age] += MIN (samples[i].failures, samples[i].requests);
    }

  data_changed (self);
}

/**
 * hy_rate_chart_add_request:
 * @when: the Unix time of the request
 * @failed: whether it failed
 *
 * Counts one live request. A request in a later minute moves the chart forward.
 */
void
hy_rate_chart_add_request (HyRateChart *self, gint64 when, gboolean failed)
{
  gint64 minute, age;

  g_return_if_fail (HY_IS_RATE_CHART (self));

  minute = minute_of (when);
  advance_to (self, minute);
  age = self->now_minute - minute;
  if (age < 0 || age >= HY_RATE_CHART_MINUTES)
    return;

  self->requests[age]++;
  if (failed)
    self->failures[age]++;

  data_changed (self);
}

guint
hy_rate_chart_get_requests (HyRateChart *self, guint minute_ago)
{
  g_return_val_if_fail (HY_IS_RATE_CHART (self), 0);

  return minute_ago < HY_RATE_CHART_MINUTES ? self->requests[minute_ago] : 0;
}

guint
hy_rate_chart_get_failures (HyRateChart *self, guint minute_ago)
{
  g_return_val_if_fail (HY_IS_RATE_CHART (self), 0);

  return minute_ago < HY_RATE_CHART_MINUTES ? self->failures[minute_ago] : 0;
}

guint
hy_rate_chart_get_total_requests (HyRateChart *self)
{
  guint total = 0;

  g_return_val_if_fail (HY_IS_RATE_CHART (self), 0);

  for (guint i = 0; i < HY_RATE_CHART_MINUTES; i++)
    total += self->requests[i];

  return total;
}

guint
hy_rate_chart_get_total_failures (HyRateChart *self)
{
  guint total = 0;

  g_return_val_if_fail (HY_IS_RATE_CHART (self), 0);

  for (guint i = 0; i < HY_RATE_CHART_MINUTES; i++)
    total += self->failures[i];

  return total;
}

void
hy_rate_chart_set_budget_limit (HyRateChart *self, guint limit)
{
  g_return_if_fail (HY_IS_RATE_CHART (self));
  g_return_if_fail (limit > 0);

  if (self->budget_limit == limit)
    return;

  self->budget_limit = limit;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUDGET_LIMIT]);
}

guint
hy_rate_chart_get_budget_limit (HyRateChart *self)
{
  g_return_val_if_fail (HY_IS_RATE_CHART (self), 0);

  return self->budget_limit;
}

/**
 * hy_rate_chart_set_budget_used:
 * @used: requests counted against the budget right now (as the Halo client knows them), or -1
 *   to count the requests of the last %HY_RATE_CHART_BUDGET_MINUTES minutes of the chart
 */
void
hy_rate_chart_set_budget_used (HyRateChart *self, int used)
{
  g_return_if_fail (HY_IS_RATE_CHART (self));

  used = MAX (used, -1);
  if (self->budget_used == used)
    return;

  self->budget_used = used;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUDGET_USED]);
}

guint
hy_rate_chart_get_budget_used (HyRateChart *self)
{
  guint used = 0;

  g_return_val_if_fail (HY_IS_RATE_CHART (self), 0);

  if (self->budget_used >= 0)
    return self->budget_used;

  for (guint i = 0; i < HY_RATE_CHART_BUDGET_MINUTES; i++)
    used += self->requests[i];

  return used;
}

/**
 * hy_rate_chart_dup_summary:
 *
 * Returns: (transfer full): the chart's numbers in one translated sentence, for screen readers
 */
char *
hy_rate_chart_dup_summary (HyRateChart *self)
{
  guint total, failed, peak, used;
  g_autofree char *requests = NULL;
  g_autofree char *failures = NULL;
  g_autofree char *budget = NULL;

  g_return_val_if_fail (HY_IS_RATE_CHART (self), NULL);

  total = hy_rate_chart_get_total_requests (self);
  failed = hy_rate_chart_get_total_failures (self);
  peak = peak_requests (self);
  used = hy_rate_chart_get_budget_used (self);

  requests =
      g_strdup_printf (ngettext ("%'u request in the last hour, at most %'u per minute",
                                 "%'u requests in the last hour, at most %'u per minute", total),
                       total, peak);
  failures = g_strdup_printf (ngettext ("%'u failed", "%'u failed", failed), failed);
  budget = g_strdup_printf (ngettext ("rate budget: %'u of %'u request used in the last 5 minutes",
                                      "rate budget: %'u of %'u requests used in the last 5 minutes",
                                      self->budget_limit),
                            used, self->budget_limit);

  /* Translators: the chart's summary for screen readers: "<requests>; <failed>; <budget>." */
  return g_strdup_printf (_ ("%s; %s; %s."), requests, failures, budget);
}

/* Whether a text of the last drawing was cut short (an ellipsis): the legend and the gauge's
 * title never are, down to the window's narrowest width. */
gboolean
hy_rate_chart_get_text_cut (HyRateChart *self)
{
  g_return_val_if_fail (HY_IS_RATE_CHART (self), FALSE);

  return self->text_cut;
}
