/* hy-events-page.c — the Events view: every request sent to Halo, live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkColumnView over HyEventsModel (the events log, newest first, read lazily from the store)
 * under a HyRateChart. The session's "event-added" signal inserts new requests at the top and
 * counts them in the chart. *Failed only* re-queries the store; the text filter runs as an
 * incremental GtkFilterListModel, so even a long log is searched without freezing the window.
 * The view switcher's page gets a badge with the failures of the last hour, and asks for
 * attention when a failure arrives while another view is shown.
 *
 * The details pane (resizable) shows the selected request with the host it went to, Halo's
 * error text, and the bodies pretty-printed when they are JSON; it is cleared when the filters
 * hide its request. A request to another host than the connection's (a test of a mistyped
 * address) shows its host in the list too. Narrow windows list the endpoint and the status, and
 * keep Retry and Export in a menu with their labels.
 */

#define G_LOG_DOMAIN "hy-events-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "service/hy-service.h"

#include "hy-adaptive-toolbar.h"
#include "models/hy-event-item.h"
#include "hy-events-export.h"
#include "models/hy-events-model.h"
#include "hy-events-page.h"
#include "models/hy-halo-item.h"
#include "hy-rate-chart.h"
#include "hy-toasts.h"
#include "hy-view-shortcuts.h"

/* The search entry's width-chars (hy-events-page.ui says the wide one). */
#define WIDE_SEARCH_CHARS   20
#define NARROW_SEARCH_CHARS 6

struct _HyEventsPage
{
  GtkWidget parent_instance;

  HySession *session;
  HyEventsModel *model;
  GtkCustomFilter *text_filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  char **words;
  GCancellable *cancellable;
  guint update_idle;
  gboolean scroll_on_map; /* new rows came while hidden: show the newest when shown again */
  gboolean paned_placed;  /* the details pane got its first share of the height */

  /* Narrow: the endpoint and status columns, Retry and Export in a menu (see
   * hy_events_page_size_allocate ()). */
  HyAdaptiveMode narrow_mode;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  HyRateChart *chart;
  GtkWidget *toolbar;
  GtkSearchEntry *search_entry;
  GtkToggleButton *failed_button;
  GtkButton *retry_button;
  GtkButton *export_button;
  GtkMenuButton *more_button;
  GtkStack *list_stack;
  AdwStatusPage *no_match_status;
  GtkPaned *paned;
  GtkColumnView *column_view;
  GtkColumnViewColumn *columns[6];
  GtkLabel *details_title;
  GtkLabel *details_host;
  GtkLabel *details_error;
  GtkLabel *request_heading;
  GtkLabel *request_label;
  GtkLabel *response_heading;
  GtkLabel *response_label;
};

G_DEFINE_FINAL_TYPE (HyEventsPage, hy_events_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  COLUMN_TIME,
  COLUMN_METHOD,
  COLUMN_ENDPOINT,
  COLUMN_STATUS,
  COLUMN_DURATION,
  COLUMN_RECORD,
} Column;

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static void
show_error (HyEventsPage *self, const char *message)
{
  hy_toasts_show_error (GTK_WIDGET (self->toast_overlay), message);
}

static void
show_info (HyEventsPage *self, const char *message)
{
  hy_toasts_show (GTK_WIDGET (self->toast_overlay), message);
}

static AdwViewStackPage *
get_stack_page (HyEventsPage *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  if (ADW_IS_VIEW_STACK (parent))
    return adw_view_stack_get_page (ADW_VIEW_STACK (parent), GTK_WIDGET (self));

  return NULL;
}

static void
update_badge (HyEventsPage *self, gboolean new_failure)
{
  AdwViewStackPage *page = get_stack_page (self);
  guint failures = hy_rate_chart_get_total_failures (self->chart);

  if (page == NULL)
    return;

  adw_view_stack_page_set_badge_number (page, failures);
  if (new_failure && !gtk_widget_get_mapped (GTK_WIDGET (self)))
    adw_view_stack_page_set_needs_attention (page, TRUE);
  if (failures == 0 || gtk_widget_get_mapped (GTK_WIDGET (self)))
    adw_view_stack_page_set_needs_attention (page, FALSE);
}

static void
update_empty (HyEventsPage *self)
{
  guint total = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  gboolean filtering = self->words != NULL || gtk_toggle_button_get_active (self->failed_button);

  gboolean failed_only = gtk_toggle_button_get_active (self->failed_button);

  gtk_stack_set_visible_child_name (self->main_stack, total > 0 || filtering ? "list" : "empty");
  if (shown > 0 || gtk_filter_list_model_get_pending (self->filtered) > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else
    {
      /* Says what is so: no failure at all is good news, not a filter to turn off. */
      if (failed_only && self->words == NULL)
        {
          adw_status_page_set_icon_name (self->no_match_status, "emblem-ok-symbolic");
          adw_status_page_set_title (self->no_match_status, _ ("No Failed Requests"));
          adw_status_page_set_description (self->no_match_status,
                                           _ ("Halo accepted every request listed here."));
        }
      else
        {
          adw_status_page_set_icon_name (self->no_match_status, "system-search-symbolic");
          adw_status_page_set_title (self->no_match_status, _ ("No Matching Requests"));
          adw_status_page_set_description (self->no_match_status,
                                           failed_only
                                               ? _ ("Change the filter or turn off “Failed Only”.")
                                               /* Translators: the empty list, Failed Only off */
                                               : _ ("Change the filter."));
        }
      gtk_stack_set_visible_child_name (self->list_stack, "no-match");
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "events.export", self->model != NULL);
}

static void
load_chart (HyEventsPage *self)
{
  g_autoptr (GArray) buckets = NULL;
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (HyRateSample));
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time ();

  if (self->session == NULL)
    return;

  buckets = hy_store_events_per_minute (hy_session_get_store (self->session), now,
                                        HY_RATE_CHART_MINUTES, &error);
  if (buckets == NULL)
    {
      g_warning ("Cannot read the request rate: %s", error->message);
      return;
    }

  for (guint i = 0; i < buckets->len; i++)
    {
      const HyEventBucket *bucket = &g_array_index (buckets, HyEventBucket, i);
      HyRateSample sample = { bucket->minute / G_USEC_PER_SEC, bucket->total, bucket->failed };

      g_array_append_val (samples, sample);
    }

  hy_rate_chart_set_samples (self->chart, now / G_USEC_PER_SEC, (HyRateSample *) samples->data,
                             samples->len);
  update_badge (self, FALSE);
}

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_VIEW (child))
        return child;
    }

  return NULL;
}

static gboolean
scroll_to_top_tick_cb (GtkWidget *widget, GdkFrameClock *frame_clock, gpointer user_data)
{
  GtkWidget *list_view = find_list_view (widget);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (widget));

  /* GTK keeps the row that was in view anchored when rows are inserted above it, even while
   * the adjustment still reads 0: move the anchor itself to the newest row. GTK 4.8 has no
   * gtk_column_view_scroll_to (), but its list view has the "list.scroll-to-item" action. */
  if (list_view != NULL)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", (guint32) 0);
  if (vadjustment != NULL)
    gtk_adjustment_set_value (vadjustment, 0);

  return G_SOURCE_REMOVE;
}

/* Brings the newest request into view: on the next frame, or when the list is shown again
 * (tick callbacks do not run while it is hidden). */
static void
scroll_to_newest (HyEventsPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self->column_view)))
    gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view), scroll_to_top_tick_cb, NULL,
                                  NULL);
  else
    self->scroll_on_map = TRUE;
}

/* The first time the pane has a height: the details get two fifths of it (then the handle
 * says). */
static void
paned_sized_cb (HyEventsPage *self, GParamSpec *pspec, GtkPaned *paned)
{
  int max = 0;

  g_object_get (paned, "max-position", &max, NULL);
  if (self->paned_placed || max < 200)
    return;
  self->paned_placed = TRUE;
  gtk_paned_set_position (paned, max * 3 / 5);
}

static void
column_view_mapped_cb (HyEventsPage *self, GtkWidget *column_view)
{
  if (!self->scroll_on_map)
    return;
  self->scroll_on_map = FALSE;
  gtk_widget_add_tick_callback (column_view, scroll_to_top_tick_cb, NULL, NULL);
}

static void
reload (HyEventsPage *self)
{
  g_autoptr (GError) error = NULL;

  if (self->model == NULL)
    return;

  hy_events_model_set_failed_only (self->model, gtk_toggle_button_get_active (self->failed_button));
  if (!hy_events_model_reload (self->model, &error))
    show_error (self, error->message);

  /* A reloaded log opens on its newest request. */
  scroll_to_newest (self);
  update_empty (self);
}

static HyEventItem *
get_selected_item (HyEventsPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/* @body indented when it is JSON (a bounded, redacted body: parsing it is cheap), as is
 * otherwise. */
static char *
pretty_body (const char *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) generator = NULL;

  if (body == NULL || (body[0] != '{' && body[0] != '[') ||
      !json_parser_load_from_data (parser, body, -1, NULL) || json_parser_get_root (parser) == NULL)
    return g_strdup (body);

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

static void
set_body (GtkLabel *heading, GtkLabel *label, const char *body)
{
  gboolean visible = body != NULL && body[0] != '\0';
  g_autofree char *pretty = visible ? pretty_body (body) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (heading), visible);
  gtk_widget_set_visible (GTK_WIDGET (label), visible);
  gtk_label_set_text (label, visible ? pretty : "");
}

/* The host (and port) of the saved connection, NULL without one. */
static char *
dup_profile_host (HyEventsPage *self)
{
  const HyProfile *profile = self->session != NULL ? hy_session_get_profile (self->session) : NULL;
  g_autoptr (GUri) uri = profile != NULL && profile->url != NULL
                             ? g_uri_parse (profile->url, G_URI_FLAGS_NONE, NULL)
                             : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

/* The endpoint as the list shows it: with its host when that is not the connection's. */
static char *
format_endpoint (HyEventsPage *self, const HyEvent *event)
{
  g_autofree char *profile_host = event->host != NULL ? dup_profile_host (self) : NULL;

  if (event->host != NULL && profile_host != NULL &&
      g_ascii_strcasecmp (event->host, profile_host) != 0)
    return g_strconcat (event->host, event->path, NULL);

  return g_strdup (event->path);
}

static void
update_details (HyEventsPage *self)
{
  HyEventItem *item = get_selected_item (self);
  const HyEvent *event;
  g_autofree char *time = NULL;
  g_autofree char *status = NULL;
  g_autofree char *title = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "events.retry",
                                 item != NULL && hy_event_item_get_failed (item) &&
                                     hy_event_item_get_event (item)->record != NULL);

  if (item == NULL)
    {
      gtk_label_set_text (self->details_title, _ ("Select a request to see its details."));
      gtk_widget_set_visible (GTK_WIDGET (self->details_host), FALSE);
      gtk_label_set_text (self->details_host, "");
      gtk_widget_set_visible (GTK_WIDGET (self->details_error), FALSE);
      gtk_label_set_text (self->details_error, "");
      set_body (self->request_heading, self->request_label, NULL);
      set_body (self->response_heading, self->response_label, NULL);
      return;
    }

  event = hy_event_item_get_event (item);
  time = hy_event_item_format_time (item);
  status = hy_event_item_format_status (item);
  /* Translators: the details pane's title: "<time> — <method> <endpoint> — <status> in <n> ms" */
  title =
      g_strdup_printf (_ ("%s — %s %s — %s in %'lld ms"), time, event->method ? event->method : "",
                       event->path ? event->path : "", status, (long long) event->duration_ms);
  gtk_label_set_text (self->details_title, title);

  /* Where it went: a mistyped address must not pass for the real Halo. */
  gtk_widget_set_visible (GTK_WIDGET (self->details_host), event->host != NULL);
  if (event->host != NULL)
    {
      /* Translators: in the details of a request: the host it was sent to */
      g_autofree char *host = g_strdup_printf (_ ("Sent to %s"), event->host);

      gtk_label_set_text (self->details_host, host);
    }

  /* Halo's own error text (or the network's), as the client recorded it. */
  gtk_widget_set_visible (GTK_WIDGET (self->details_error), event->error != NULL);
  gtk_label_set_text (self->details_error, event->error != NULL ? event->error : "");

  set_body (self->request_heading, self->request_label, event->request);
  set_body (self->response_heading, self->response_label, event->response);
}

/* ------------------------------------------------------------------------- */
/* Column factories                                                          */
/* ------------------------------------------------------------------------- */

static void
setup_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_DURATION ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), column == COLUMN_ENDPOINT ? PANGO_ELLIPSIZE_MIDDLE
                                                                        : PANGO_ELLIPSIZE_END);
  if (column == COLUMN_DURATION || column == COLUMN_STATUS || column == COLUMN_TIME)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COLUMN_ENDPOINT || column == COLUMN_METHOD)
    gtk_widget_add_css_class (label, "monospace");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  HyEventItem *item = gtk_list_item_get_item (list_item);
  const HyEvent *event;
  g_autofree char *text = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  if (item == NULL)
    {
      gtk_label_set_text (label, "");
      return;
    }

  event = hy_event_item_get_event (item);
  switch (column)
    {
      case COLUMN_TIME:
        text = hy_event_item_format_time (item);
        break;
      case COLUMN_METHOD:
        text = g_strdup (event->method);
        break;
      case COLUMN_ENDPOINT:
        text = format_endpoint (g_object_get_data (G_OBJECT (factory), "page"), event);
        break;
      case COLUMN_STATUS:
        text = hy_event_item_format_status (item);
        if (hy_event_item_get_failed (item))
          gtk_widget_add_css_class (GTK_WIDGET (label), "error");
        break;
      case COLUMN_DURATION:
        /* Translators: a request's duration in milliseconds */
        text = g_strdup_printf (_ ("%'lld ms"), (long long) event->duration_ms);
        break;
      case COLUMN_RECORD:
        text = g_strdup (event->record);
        break;
      default:
        g_assert_not_reached ();
    }

  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (label),
                               column == COLUMN_ENDPOINT || column == COLUMN_RECORD ? text : NULL);
}

static void
add_column (HyEventsPage *self, Column column, const char *title, gboolean expand, int fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GINT_TO_POINTER (column));
  g_object_set_data (G_OBJECT (factory), "page", self);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (view_column, fixed_width);
  gtk_column_view_append_column (self->column_view, view_column);
  /* Owned: narrow windows take some columns out of the view (see set_narrow ()). */
  self->columns[column] = view_column;
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static gboolean
text_matches (gpointer item, gpointer user_data)
{
  HyEventsPage *self = user_data;
  const char *key = hy_event_item_get_search_key (item);

  if (self->words == NULL)
    return TRUE;

  for (guint i = 0; self->words[i] != NULL; i++)
    if (strstr (key, self->words[i]) == NULL)
      return FALSE;

  return TRUE;
}

static void
search_changed_cb (HyEventsPage *self, GtkSearchEntry *entry)
{
  char **words = hy_halo_item_split_words (gtk_editable_get_text (GTK_EDITABLE (entry)));

  /* The same words (the entry's own delayed signal after hy_events_page_set_search_text ()):
   * filtering again would only empty the list while it runs. */
  if ((words == NULL && self->words == NULL) ||
      (words != NULL && self->words != NULL &&
       g_strv_equal ((const char *const *) words, (const char *const *) self->words)))
    {
      g_strfreev (words);
      return;
    }

  g_strfreev (self->words);
  self->words = words;

  /* No filter at all when the text is empty: the million-row list stays lazy. */
  gtk_filter_list_model_set_filter (self->filtered,
                                    words != NULL ? GTK_FILTER (self->text_filter) : NULL);
  if (words != NULL)
    gtk_filter_changed (GTK_FILTER (self->text_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_empty (self);
}

static void
failed_toggled_cb (HyEventsPage *self, GtkToggleButton *button)
{
  /* Another list: the request selected in the old one is not in it (or not at that place). */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  reload (self);
  update_details (self);
}

static void
selection_changed_cb (HyEventsPage *self, guint position, guint n_items, GtkSelectionModel *model)
{
  update_details (self);
}

static void
filtered_changed_cb (HyEventsPage *self,
                     guint position,
                     guint removed,
                     guint added,
                     GListModel *model)
{
  update_empty (self);
  /* A filter that hid the selected request: its details go with it. */
  update_details (self);
}

static void
pending_changed_cb (HyEventsPage *self, GParamSpec *pspec, GtkFilterListModel *model)
{
  update_empty (self);
}

static gboolean
update_idle_cb (gpointer user_data)
{
  HyEventsPage *self = user_data;
  g_autoptr (GError) error = NULL;

  GtkAdjustment *vadjustment;
  gboolean at_top;

  self->update_idle = 0;
  if (self->model == NULL)
    return G_SOURCE_REMOVE;

  /* A live log: when the newest request was in view, the new ones come into view above it. */
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  at_top = vadjustment == NULL || gtk_adjustment_get_value (vadjustment) <= 0;
  hy_events_model_update (self->model, &error);
  if (at_top && vadjustment != NULL)
    {
      gtk_adjustment_set_value (vadjustment, 0);
      scroll_to_newest (self);
    }
  if (error != NULL)
    g_warning ("Cannot read new events: %s", error->message);
  update_empty (self);

  return G_SOURCE_REMOVE;
}

static void
event_added_cb (HyEventsPage *self, const HyEvent *event, HySession *session)
{
  gboolean failed = hy_event_is_failed (event);

  hy_rate_chart_add_request (self->chart, event->time / G_USEC_PER_SEC, failed);
  update_badge (self, failed);

  /* Requests come in bursts: read them from the store once per main loop turn. */
  if (self->update_idle == 0)
    self->update_idle = g_idle_add (update_idle_cb, self);
}

/* Another process (halyard-cli, serve) logged requests: read them from the store, and the
 * chart's minutes again. This process's own come through "event-added". */
static void
store_changed_cb (HyEventsPage *self, guint changes, HyStore *store)
{
  if (!(changes & HY_STORE_CHANGED_EVENTS) || !(changes & HY_STORE_CHANGED_BY_OTHER))
    return;
  load_chart (self);
  if (self->update_idle == 0)
    self->update_idle = g_idle_add (update_idle_cb, self);
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyEventsPage *self = HY_EVENTS_PAGE (widget);
  HyEventItem *item = get_selected_item (self);
  g_autoptr (GError) error = NULL;
  const char *record;
  gint64 retried;

  if (item == NULL || self->session == NULL)
    return;

  record = hy_event_item_get_event (item)->record;
  if (record == NULL)
    return;

  /* The core puts the record's given-up writes back and wakes the deliverer. */
  retried = hy_service_retry_record (hy_service_get (self->session), record, &error);
  if (retried < 0)
    {
      show_error (self, error->message);
      return;
    }

  if (retried == 0)
    {
      g_autofree char *message =
          /* Translators: %s is a record, e.g. "alert:a1" */
          g_strdup_printf (_ ("Nothing to retry: no failed delivery of %s is waiting"), record);

      show_info (self, message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (
          /* Translators: %s is a record, e.g. "alert:a1" */
          ngettext ("%'u delivery of %s queued again; it is sent at the next sync",
                    "%'u deliveries of %s queued again; they are sent at the next sync",
                    (gulong) retried),
          (guint) retried, record);

      show_info (self, message);
    }
}

static void
export_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyEventsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  guint64 rows = 0;
  g_autofree char *message = NULL;

  if (!hy_events_export_csv_finish (result, &rows, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }

  message = g_strdup_printf (ngettext ("%llu event exported", "%llu events exported", rows),
                             (unsigned long long) rows);
  show_info (self, message);
}

static void
export_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  g_autoptr (HyEventsPage) self = user_data;
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);

  if (file == NULL)
    return;

  hy_events_page_export_async (self, file, self->cancellable, export_finished_cb,
                               g_object_ref (self));
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyEventsPage *self = HY_EVENTS_PAGE (widget);
  GtkFileChooserNative *dialog;
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->session == NULL)
    return;

  dialog = gtk_file_chooser_native_new (_ ("Export Events"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  /* Translators: the default file name of an events export */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _ ("halyard-events.csv"));
  /* Translators: a file type in the export dialog */
  gtk_file_filter_set_name (filter, _ ("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);

  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
focus_search_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyEventsPage *self = HY_EVENTS_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
toggle_failed_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HyEventsPage *self = HY_EVENTS_PAGE (widget);

  gtk_toggle_button_set_active (self->failed_button,
                                !gtk_toggle_button_get_active (self->failed_button));
}

/* ------------------------------------------------------------------------- */
/* GObject / GtkWidget overrides                                             */
/* ------------------------------------------------------------------------- */

static void
hy_events_page_map (GtkWidget *widget)
{
  HyEventsPage *self = HY_EVENTS_PAGE (widget);

  GTK_WIDGET_CLASS (hy_events_page_parent_class)->map (widget);

  /* Shown: the failures are seen. */
  update_badge (self, FALSE);
}

static void
hy_events_page_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hy_events_page_parent_class)->root (widget);

  update_badge (HY_EVENTS_PAGE (widget), FALSE);
}

/* ------------------------------------------------------------------------- */
/* Narrow windows                                                            */
/* ------------------------------------------------------------------------- */

/* The toolbar with its labels. */
static int
wide_width (GtkWidget *widget)
{
  HyEventsPage *self = HY_EVENTS_PAGE (widget);
  int natural = 0;

  gtk_widget_measure (self->toolbar, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  return natural + gtk_widget_get_margin_start (self->toolbar) +
         gtk_widget_get_margin_end (self->toolbar);
}

static void
set_narrow (GtkWidget *widget, gboolean narrow)
{
  HyEventsPage *self = HY_EVENTS_PAGE (widget);

  /* Failed Only stays a button with its label; Retry and Export go in the menu. */
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->export_button), !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), narrow);
  /* The endpoint and the status; the rest is in the details pane. The other columns leave the
   * view rather than hide: GTK 4.8 still gives hidden columns of fixed width their room. */
  for (guint i = 0, position = 0; i < G_N_ELEMENTS (self->columns); i++)
    {
      GtkColumnViewColumn *column = self->columns[i];
      gboolean wanted = !narrow || i == COLUMN_ENDPOINT || i == COLUMN_STATUS;
      gboolean shown;

      if (column == NULL)
        continue;
      shown = gtk_column_view_column_get_column_view (column) != NULL;
      if (wanted && !shown)
        gtk_column_view_insert_column (self->column_view, position, column);
      else if (!wanted && shown)
        gtk_column_view_remove_column (self->column_view, column);
      if (wanted)
        position++;
    }
  /* The search entry asks for room for fewer characters (and still takes what is left). */
  gtk_editable_set_width_chars (GTK_EDITABLE (self->search_entry),
                                narrow ? NARROW_SEARCH_CHARS : WIDE_SEARCH_CHARS);
}

/* Narrower than the toolbar with its labels: Retry and Export go in a menu (with their labels)
 * and the list shows the endpoint and the status, so nothing scrolls sideways. */
static void
hy_events_page_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  HyEventsPage *self = HY_EVENTS_PAGE (widget);

  /* Sees the width, then allocates like a GtkBinLayout (a layout manager would not call this
   * function). */
  hy_adaptive_mode_allocate (&self->narrow_mode, width, height, baseline);
}

static void
hy_events_page_measure (GtkWidget *widget,
                        GtkOrientation orientation,
                        int for_size,
                        int *minimum,
                        int *natural,
                        int *minimum_baseline,
                        int *natural_baseline)
{
  hy_bin_measure (widget, orientation, for_size, minimum, natural);
}

/* Whether the toolbar shows only the icons of its buttons. */
gboolean
hy_events_page_get_narrow (HyEventsPage *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_PAGE (self), FALSE);

  return self->narrow_mode.narrow;
}

static void
hy_events_page_dispose (GObject *object)
{
  HyEventsPage *self = HY_EVENTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  hy_events_page_set_session (self, NULL);
  g_clear_handle_id (&self->update_idle, g_source_remove);
  hy_adaptive_mode_clear (&self->narrow_mode);

  gtk_widget_dispose_template (GTK_WIDGET (self), HY_TYPE_EVENTS_PAGE);
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    g_clear_object (&self->columns[i]);

  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->text_filter);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hy_events_page_parent_class)->dispose (object);
}

static void
hy_events_page_finalize (GObject *object)
{
  HyEventsPage *self = HY_EVENTS_PAGE (object);

  g_strfreev (self->words);

  G_OBJECT_CLASS (hy_events_page_parent_class)->finalize (object);
}

static void
hy_events_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyEventsPage *self = HY_EVENTS_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_events_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  HyEventsPage *self = HY_EVENTS_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        hy_events_page_set_session (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_events_page_class_init (HyEventsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_events_page_dispose;
  object_class->finalize = hy_events_page_finalize;
  object_class->get_property = hy_events_page_get_property;
  object_class->set_property = hy_events_page_set_property;
  widget_class->map = hy_events_page_map;
  widget_class->root = hy_events_page_root;
  widget_class->measure = hy_events_page_measure;
  widget_class->size_allocate = hy_events_page_size_allocate;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, HY_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HY_TYPE_RATE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/halyard/Halyard/hy-events-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, main_stack);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, chart);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, failed_button);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, more_button);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, no_match_status);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, paned);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, details_host);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, details_title);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, details_error);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, request_heading);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, request_label);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, response_heading);
  gtk_widget_class_bind_template_child (widget_class, HyEventsPage, response_label);

  gtk_widget_class_install_action (widget_class, "events.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "events.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "events.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "events.toggle-failed", NULL,
                                   toggle_failed_action);

  gtk_widget_class_set_css_name (widget_class, "hy-events-page");
}

static void
hy_events_page_init (HyEventsPage *self)
{
  GtkShortcutController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->column_view, "map", G_CALLBACK (column_view_mapped_cb), self);
  hy_adaptive_mode_init (&self->narrow_mode, GTK_WIDGET (self), wide_width, set_narrow);

  self->cancellable = g_cancellable_new ();
  self->text_filter = gtk_custom_filter_new (text_matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, NULL);
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb),
                            self);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (filtered_changed_cb),
                            self);
  g_signal_connect_swapped (self->filtered, "notify::pending", G_CALLBACK (pending_changed_cb),
                            self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb),
                            self);
  g_signal_connect_swapped (self->failed_button, "toggled", G_CALLBACK (failed_toggled_cb), self);

  /* Translators: column of the Events list: when the request was sent */
  add_column (self, COLUMN_TIME, C_ ("events column", "Time"), FALSE, 160);
  /* Translators: column of the Events list: the HTTP method, e.g. GET or POST */
  add_column (self, COLUMN_METHOD, C_ ("events column", "Method"), FALSE, 90);
  /* Translators: column of the Events list: the Halo API path */
  add_column (self, COLUMN_ENDPOINT, C_ ("events column", "Endpoint"), TRUE, -1);
  /* Translators: column of the Events list: the HTTP status code */
  add_column (self, COLUMN_STATUS, C_ ("events column", "Status"), FALSE, 110);
  /* Translators: column of the Events list: how long the request took */
  add_column (self, COLUMN_DURATION, C_ ("events column", "Duration"), FALSE, 100);
  /* Translators: column of the Events list: the local record the request concerns */
  add_column (self, COLUMN_RECORD, C_ ("events column", "Record"), FALSE, 160);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));

  g_signal_connect_swapped (self->paned, "notify::max-position", G_CALLBACK (paned_sized_cb), self);

  shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_set_scope (shortcuts, GTK_SHORTCUT_SCOPE_GLOBAL);
  hy_view_add_shortcut (shortcuts, "<Control>f", "events.focus-search", NULL);
  hy_view_add_shortcut (shortcuts, "<Control><Shift>f", "events.toggle-failed", NULL);
  hy_view_add_shortcut (shortcuts, "<Control>e", "events.export", NULL);
  hy_view_add_shortcut (shortcuts, "<Control><Shift>r", "events.retry", NULL);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (shortcuts));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "events.retry", FALSE);
  update_empty (self);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_events_page_new (void)
{
  return g_object_new (HY_TYPE_EVENTS_PAGE, NULL);
}

HySession *
hy_events_page_get_session (HyEventsPage *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_PAGE (self), NULL);

  return self->session;
}

/**
 * hy_events_page_set_session:
 * @session: (nullable): the session whose events log to show
 */
void
hy_events_page_set_session (HyEventsPage *self, HySession *session)
{
  g_return_if_fail (HY_IS_EVENTS_PAGE (self));
  g_return_if_fail (session == NULL || HY_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->session, event_added_cb, self);
      g_signal_handlers_disconnect_by_func (hy_session_get_store (self->session), store_changed_cb,
                                            self);
    }
  gtk_filter_list_model_set_model (self->filtered, NULL);
  g_clear_object (&self->model);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      self->model = hy_events_model_new (hy_session_get_store (session));
      gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (self->model));
      g_signal_connect_swapped (session, "event-added", G_CALLBACK (event_added_cb), self);
      g_signal_connect_swapped (hy_session_get_store (session), "changed",
                                G_CALLBACK (store_changed_cb), self);
      reload (self);
      load_chart (self);
    }

  update_empty (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

void
hy_events_page_set_failed_only (HyEventsPage *self, gboolean failed_only)
{
  g_return_if_fail (HY_IS_EVENTS_PAGE (self));

  gtk_toggle_button_set_active (self->failed_button, failed_only);
}

void
hy_events_page_set_search_text (HyEventsPage *self, const char *text)
{
  g_return_if_fail (HY_IS_EVENTS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Without waiting for the entry's search delay. */
  search_changed_cb (self, self->search_entry);
}

/**
 * hy_events_page_get_shown:
 *
 * Returns: (transfer none): the events listed, after the filters
 */
GListModel *
hy_events_page_get_shown (HyEventsPage *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_PAGE (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

void
hy_events_page_select (HyEventsPage *self, guint position)
{
  g_return_if_fail (HY_IS_EVENTS_PAGE (self));

  gtk_single_selection_set_selected (self->selection, position);
}

/**
 * hy_events_page_dup_details:
 *
 * Returns: (transfer full): the text of the details pane (title, error, request, response)
 */
char *
hy_events_page_dup_details (HyEventsPage *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_PAGE (self), NULL);

  return g_strdup_printf ("%s\n%s\n%s\n%s\n%s", gtk_label_get_text (self->details_title),
                          gtk_widget_get_visible (GTK_WIDGET (self->details_host))
                              ? gtk_label_get_text (self->details_host)
                              : "",
                          gtk_label_get_text (self->details_error),
                          gtk_label_get_text (self->request_label),
                          gtk_label_get_text (self->response_label));
}

/* The failures of the last hour (the view switcher's badge). */
guint
hy_events_page_get_recent_failures (HyEventsPage *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_PAGE (self), 0);

  return hy_rate_chart_get_total_failures (self->chart);
}

/**
 * hy_events_page_export_async:
 *
 * Writes the events listed (with the view's filters) to @file as CSV.
 */
void
hy_events_page_export_async (HyEventsPage *self,
                             GFile *file,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  HyEventsExportFilter filter = { 0 };

  g_return_if_fail (HY_IS_EVENTS_PAGE (self));
  g_return_if_fail (self->session != NULL);

  filter.failed_only = gtk_toggle_button_get_active (self->failed_button);
  filter.text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  hy_events_export_csv_async (hy_session_get_store (self->session), file, &filter, cancellable,
                              callback, user_data);
}

gboolean
hy_events_page_export_finish (HyEventsPage *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (HY_IS_EVENTS_PAGE (self), FALSE);

  return hy_events_export_csv_finish (result, NULL, error);
}
