/* hy-events-model.c — the events log as a lazy GListModel, newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A million events must open instantly, so nothing is loaded up front: the model knows only
 * the number of events (one count query) and fetches pages of PAGE_SIZE on demand with the
 * store's keyset query (events with id < before_id). It keeps a window of at most WINDOW_MAX
 * events around what was asked last, and "anchors": positions whose before_id is known, so that
 * a page far down is reached from the nearest anchor. When the ids of the whole list are dense
 * (no filter, no gaps: checked with one query), any position's before_id is computed directly.
 *
 * New events arrive at the top: hy_events_model_update () counts the events newer than the
 * newest one known and inserts them at position 0, shifting the window and the anchors.
 */

#define G_LOG_DOMAIN "hy-events-model"

#include "config.h"

#include "models/hy-event-item.h"
#include "models/hy-events-model.h"

#define PAGE_SIZE  100
#define WALK_STEP  2000
#define WINDOW_MAX 1000

typedef struct
{
  guint position;
  gint64 before_id; /* 0: from the newest */
} Anchor;

struct _HyEventsModel
{
  GObject parent_instance;

  HyStore *store;
  gboolean failed_only;
  char *record;

  guint n_items;
  gint64 newest_id; /* the newest event of the list, 0 when empty */
  gboolean dense;   /* the list's ids are newest_id, newest_id - 1, ... without gaps */

  GPtrArray *window; /* HyEventItem, positions window_start ... */
  guint window_start;
  GArray *anchors; /* Anchor, sorted by position */

  guint n_queries;
  guint reload_idle;
};

static void hy_events_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HyEventsModel,
                               hy_events_model,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hy_events_model_list_model_init))

enum
{
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static GPtrArray *
query_events (HyEventsModel *self, gint64 before_id, guint limit, GError **error)
{
  HyEventsQuery query = HY_EVENTS_QUERY_INIT;

  query.before_id = before_id;
  query.limit = limit;
  query.failed_only = self->failed_only;
  query.record = self->record;
  self->n_queries++;

  return hy_store_events_list (self->store, &query, error);
}

static void
add_anchor (HyEventsModel *self, guint position, gint64 before_id)
{
  guint i;

  for (i = 0; i < self->anchors->len; i++)
    {
      Anchor *anchor = &g_array_index (self->anchors, Anchor, i);

      if (anchor->position == position)
        {
          anchor->before_id = before_id;
          return;
        }
      if (anchor->position > position)
        break;
    }

  g_array_insert_val (self->anchors, i, ((Anchor){ position, before_id }));
}

static Anchor
nearest_anchor (HyEventsModel *self, guint position)
{
  Anchor best = { 0, 0 };

  if (self->dense)
    {
      best.position = position;
      best.before_id = self->newest_id - position + 1;
      return best;
    }

  for (guint i = 0; i < self->anchors->len; i++)
    {
      Anchor anchor = g_array_index (self->anchors, Anchor, i);

      if (anchor.position > position)
        break;
      best = anchor;
    }

  return best;
}

static void
clear_cache (HyEventsModel *self)
{
  g_ptr_array_set_size (self->window, 0);
  self->window_start = 0;
  g_array_set_size (self->anchors, 0);
  add_anchor (self, 0, 0);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  HyEventsModel *self = user_data;
  g_autoptr (GError) error = NULL;

  self->reload_idle = 0;
  if (!hy_events_model_reload (self, &error))
    g_warning ("Cannot reload the events log: %s", error->message);

  return G_SOURCE_REMOVE;
}

static void
schedule_reload (HyEventsModel *self)
{
  if (self->reload_idle == 0)
    self->reload_idle = g_idle_add (reload_idle_cb, self);
}

/* Puts @page (events from @position on) into the window: appended or prepended when adjacent,
 * else in place of the window. Trims the window to WINDOW_MAX on the far side. */
static void
store_page (HyEventsModel *self, guint position, GPtrArray *page)
{
  guint window_end = self->window_start + self->window->len;

  if (self->window->len > 0 && position == window_end)
    {
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (self->window, hy_event_item_new (g_steal_pointer (&page->pdata[i])));
      if (self->window->len > WINDOW_MAX)
        {
          guint drop = self->window->len - WINDOW_MAX;

          g_ptr_array_remove_range (self->window, 0, drop);
          self->window_start += drop;
        }
    }
  else if (self->window->len > 0 && position + page->len == self->window_start)
    {
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_insert (self->window, i, hy_event_item_new (g_steal_pointer (&page->pdata[i])));
      self->window_start = position;
      if (self->window->len > WINDOW_MAX)
        g_ptr_array_set_size (self->window, WINDOW_MAX);
    }
  else
    {
      g_ptr_array_set_size (self->window, 0);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (self->window, hy_event_item_new (g_steal_pointer (&page->pdata[i])));
      self->window_start = position;
    }
}

/* Fetches the page holding @position. */
static gboolean
fetch_at (HyEventsModel *self, guint position, GError **error)
{
  Anchor anchor = nearest_anchor (self, position);
  guint cur = anchor.position;
  gint64 before = anchor.before_id;
  g_autoptr (GPtrArray) page = NULL;
  HyEvent *last;

  /* Far from any anchor: walk in big steps, leaving anchors behind. */
  while (position - cur >= PAGE_SIZE)
    {
      guint step = MIN ((position - cur) / PAGE_SIZE * PAGE_SIZE, WALK_STEP);
      g_autoptr (GPtrArray) skipped = query_events (self, before, step, error);

      if (skipped == NULL)
        return FALSE;
      if (skipped->len < step)
        return TRUE; /* fewer events than counted: the caller reloads */

      last = g_ptr_array_index (skipped, skipped->len - 1);
      before = last->id;
      cur += step;
      add_anchor (self, cur, before);
    }

  /* Align the page on the anchor grid when the anchor sits before @position. */
  page = query_events (self, before, PAGE_SIZE, error);
  if (page == NULL)
    return FALSE;
  if (page->len == 0)
    return TRUE;

  last = g_ptr_array_index (page, page->len - 1);
  add_anchor (self, cur + page->len, last->id);
  store_page (self, cur, page);

  return TRUE;
}

/* Whether the ids from @newest_id down are dense over @n events: then the oldest is
 * newest_id - n + 1 and exactly one event lies below newest_id - n + 2. */
static gboolean
check_dense (HyEventsModel *self, GError **error)
{
  g_autoptr (GPtrArray) below = NULL;
  gint64 oldest;

  if (self->failed_only || self->record != NULL || self->n_items == 0)
    return FALSE;

  oldest = self->newest_id - self->n_items + 1;
  if (oldest < 1)
    return FALSE;

  below = query_events (self, oldest + 1, 2, error);
  if (below == NULL)
    return FALSE;

  return below->len == 1 && ((HyEvent *) g_ptr_array_index (below, 0))->id == oldest;
}

/* ------------------------------------------------------------------------- */
/* GListModel                                                                */
/* ------------------------------------------------------------------------- */

static GType
hy_events_model_get_item_type (GListModel *model)
{
  return HY_TYPE_EVENT_ITEM;
}

static guint
hy_events_model_get_n_items (GListModel *model)
{
  return HY_EVENTS_MODEL (model)->n_items;
}

static gpointer
hy_events_model_get_item (GListModel *model, guint position)
{
  HyEventsModel *self = HY_EVENTS_MODEL (model);
  g_autoptr (GError) error = NULL;

  if (position >= self->n_items)
    return NULL;

  if (position < self->window_start || position >= self->window_start + self->window->len)
    {
      if (!fetch_at (self, position, &error))
        g_warning ("Cannot read the events log: %s", error->message);
    }

  if (position < self->window_start || position >= self->window_start + self->window->len)
    {
      /* Fewer events than counted (pruned meanwhile) or the store failed: a list view must get
       * an item for every position it was told of, so an empty event stands in until the
       * model counts again. */
      schedule_reload (self);
      return hy_event_item_new (hy_event_new ());
    }

  return g_object_ref (g_ptr_array_index (self->window, position - self->window_start));
}

static void
hy_events_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hy_events_model_get_item_type;
  iface->get_n_items = hy_events_model_get_n_items;
  iface->get_item = hy_events_model_get_item;
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_events_model_dispose (GObject *object)
{
  HyEventsModel *self = HY_EVENTS_MODEL (object);

  g_clear_handle_id (&self->reload_idle, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hy_events_model_parent_class)->dispose (object);
}

static void
hy_events_model_finalize (GObject *object)
{
  HyEventsModel *self = HY_EVENTS_MODEL (object);

  g_ptr_array_unref (self->window);
  g_array_unref (self->anchors);
  g_free (self->record);

  G_OBJECT_CLASS (hy_events_model_parent_class)->finalize (object);
}

static void
hy_events_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyEventsModel *self = HY_EVENTS_MODEL (object);

  switch (prop_id)
    {
      case PROP_N_ITEMS:
        g_value_set_uint (value, self->n_items);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_events_model_class_init (HyEventsModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_events_model_dispose;
  object_class->finalize = hy_events_model_finalize;
  object_class->get_property = hy_events_model_get_property;

  properties[PROP_N_ITEMS] =
      g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hy_events_model_init (HyEventsModel *self)
{
  self->window = g_ptr_array_new_with_free_func (g_object_unref);
  self->anchors = g_array_new (FALSE, FALSE, sizeof (Anchor));
  add_anchor (self, 0, 0);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

/**
 * hy_events_model_new:
 *
 * Returns: (transfer full): an empty model; call hy_events_model_reload () to fill it
 */
HyEventsModel *
hy_events_model_new (HyStore *store)
{
  HyEventsModel *self;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);

  self = g_object_new (HY_TYPE_EVENTS_MODEL, NULL);
  self->store = g_object_ref (store);

  return self;
}

HyStore *
hy_events_model_get_store (HyEventsModel *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_MODEL (self), NULL);

  return self->store;
}

/* Changing a filter takes effect at the next hy_events_model_reload (). */
void
hy_events_model_set_failed_only (HyEventsModel *self, gboolean failed_only)
{
  g_return_if_fail (HY_IS_EVENTS_MODEL (self));

  self->failed_only = !!failed_only;
}

gboolean
hy_events_model_get_failed_only (HyEventsModel *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_MODEL (self), FALSE);

  return self->failed_only;
}

void
hy_events_model_set_record (HyEventsModel *self, const char *record)
{
  g_return_if_fail (HY_IS_EVENTS_MODEL (self));

  if (record != NULL && record[0] == '\0')
    record = NULL;
  g_free (self->record);
  self->record = g_strdup (record);
}

const char *
hy_events_model_get_record (HyEventsModel *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_MODEL (self), NULL);

  return self->record;
}

/**
 * hy_events_model_reload:
 *
 * Counts the events matching the filters again and drops what was cached: two small queries
 * (a count and the newest event), three when the ids are checked for density.
 */
gboolean
hy_events_model_reload (HyEventsModel *self, GError **error)
{
  g_autoptr (GPtrArray) newest = NULL;
  guint old_n;
  gint64 count;

  g_return_val_if_fail (HY_IS_EVENTS_MODEL (self), FALSE);

  g_clear_handle_id (&self->reload_idle, g_source_remove);
  old_n = self->n_items;

  if (self->record != NULL)
    {
      /* The store counts by failure only; count one record's events by walking its pages. */
      gint64 before = 0;

      count = 0;
      for (;;)
        {
          g_autoptr (GPtrArray) page = query_events (self, before, WALK_STEP, error);

          if (page == NULL)
            return FALSE;
          count += page->len;
          if (page->len < WALK_STEP)
            break;
          before = ((HyEvent *) g_ptr_array_index (page, page->len - 1))->id;
        }
    }
  else
    {
      self->n_queries++;
      count = hy_store_events_count (self->store, self->failed_only, error);
      if (count < 0)
        return FALSE;
    }

  newest = query_events (self, 0, 1, error);
  if (newest == NULL)
    return FALSE;

  clear_cache (self);

  /* Two steps: a list view that sees rows removed and added in one change asks for every added
   * row (to reuse the widgets of rows that stayed), which would read the whole list. */
  self->n_items = 0;
  if (old_n != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);

  self->n_items = (guint) MIN (count, G_MAXUINT);
  self->newest_id = newest->len > 0 ? ((HyEvent *) g_ptr_array_index (newest, 0))->id : 0;
  self->dense = check_dense (self, NULL);
  if (self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
  if (old_n != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  return TRUE;
}

/**
 * hy_events_model_update:
 *
 * Inserts the events appended since the last reload or update at the top.
 *
 * Returns: how many were inserted (0 on error, with @error set)
 */
guint
hy_events_model_update (HyEventsModel *self, GError **error)
{
  g_autoptr (GPtrArray) page = NULL;
  guint added = 0;
  gint64 first_new = 0;

  g_return_val_if_fail (HY_IS_EVENTS_MODEL (self), 0);

  page = query_events (self, 0, PAGE_SIZE, error);
  if (page == NULL)
    return 0;

  while (added < page->len && ((HyEvent *) g_ptr_array_index (page, added))->id > self->newest_id)
    added++;

  if (added == 0)
    return 0;

  if (added == page->len)
    {
      /* Too many to splice in: start over. */
      if (!hy_events_model_reload (self, error))
        return 0;
      return page->len;
    }

  first_new = ((HyEvent *) g_ptr_array_index (page, added - 1))->id;
  if (self->dense && (first_new != self->newest_id + 1 ||
                      ((HyEvent *) g_ptr_array_index (page, 0))->id != self->newest_id + added))
    self->dense = FALSE;

  /* Everything known moves down by @added; the new events become the top of the window when
   * it started at the top. */
  for (guint i = 0; i < self->anchors->len; i++)
    {
      Anchor *anchor = &g_array_index (self->anchors, Anchor, i);

      if (anchor->before_id != 0)
        anchor->position += added;
    }
  if (self->window->len > 0 && self->window_start == 0)
    {
      for (guint i = 0; i < added; i++)
        g_ptr_array_insert (self->window, i,
                            hy_event_item_new (hy_event_copy (g_ptr_array_index (page, i))));
      if (self->window->len > WINDOW_MAX)
        g_ptr_array_set_size (self->window, WINDOW_MAX);
    }
  else
    self->window_start += added;

  self->newest_id = ((HyEvent *) g_ptr_array_index (page, 0))->id;
  self->n_items += added;

  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  return added;
}

/* How many store queries the model made (for tests and benchmarks). */
guint
hy_events_model_get_n_queries (HyEventsModel *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_MODEL (self), 0);

  return self->n_queries;
}

/* How many events the model holds in memory. */
guint
hy_events_model_get_n_cached (HyEventsModel *self)
{
  g_return_val_if_fail (HY_IS_EVENTS_MODEL (self), 0);

  return self->window->len;
}
