/* hy-event-item.c — one event of the events log as a list item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-event-item"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "models/hy-event-item.h"
#include "models/hy-halo-item.h"

struct _HyEventItem
{
  GObject parent_instance;

  HyEvent *event;
  char *search_key;
};

G_DEFINE_FINAL_TYPE (HyEventItem, hy_event_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SEARCH_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hy_event_item_finalize (GObject *object)
{
  HyEventItem *self = HY_EVENT_ITEM (object);

  g_clear_pointer (&self->event, hy_event_free);
  g_free (self->search_key);

  G_OBJECT_CLASS (hy_event_item_parent_class)->finalize (object);
}

static void
hy_event_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyEventItem *self = HY_EVENT_ITEM (object);

  switch (prop_id)
    {
      case PROP_SEARCH_KEY:
        g_value_set_string (value, hy_event_item_get_search_key (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_event_item_class_init (HyEventItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hy_event_item_finalize;
  object_class->get_property = hy_event_item_get_property;

  properties[PROP_SEARCH_KEY] = g_param_spec_string ("search-key", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hy_event_item_init (HyEventItem *self)
{
}

/**
 * hy_event_item_new:
 * @event: (transfer full): the event
 */
HyEventItem *
hy_event_item_new (HyEvent *event)
{
  HyEventItem *self;

  g_return_val_if_fail (event != NULL, NULL);

  self = g_object_new (HY_TYPE_EVENT_ITEM, NULL);
  self->event = event;

  return self;
}

const HyEvent *
hy_event_item_get_event (HyEventItem *self)
{
  g_return_val_if_fail (HY_IS_EVENT_ITEM (self), NULL);

  return self->event;
}

gint64
hy_event_item_get_id (HyEventItem *self)
{
  g_return_val_if_fail (HY_IS_EVENT_ITEM (self), 0);

  return self->event->id;
}

gboolean
hy_event_item_get_failed (HyEventItem *self)
{
  g_return_val_if_fail (HY_IS_EVENT_ITEM (self), FALSE);

  return hy_event_is_failed (self->event);
}

/* Method, path, status, record and error, folded: what the Events text filter searches. Built
 * on first use. */
const char *
hy_event_item_get_search_key (HyEventItem *self)
{
  g_return_val_if_fail (HY_IS_EVENT_ITEM (self), NULL);

  if (self->search_key == NULL)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf ("%s %s %u %s %s", self->event->method ? self->event->method : "",
                              self->event->path ? self->event->path : "", self->event->status,
                              self->event->record ? self->event->record : "",
                              self->event->error ? self->event->error : "");
      self->search_key = hy_halo_item_fold (text);
    }

  return self->search_key;
}

/**
 * hy_event_item_format_time:
 *
 * Returns: (transfer full): the local date and time of the request, in the locale's format
 */
char *
hy_event_item_format_time (HyEventItem *self)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) now = NULL;

  g_return_val_if_fail (HY_IS_EVENT_ITEM (self), NULL);

  utc = g_date_time_new_from_unix_utc (self->event->time / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  now = g_date_time_new_now_local ();

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%X");

  /* Translators: date and time of an event older than today; see g_date_time_format(); %x is
   * the locale's date, %X its time */
  return g_date_time_format (local, _ ("%x %X"));
}

/**
 * hy_event_item_format_status:
 *
 * Returns: (transfer full): the HTTP status, or a word when there was no answer
 */
char *
hy_event_item_format_status (HyEventItem *self)
{
  g_return_val_if_fail (HY_IS_EVENT_ITEM (self), NULL);

  if (self->event->status == 0)
    /* Translators: the status column of an event when Halo did not answer (network error) */
    return g_strdup (_ ("No answer"));

  return g_strdup_printf ("%u", self->event->status);
}
