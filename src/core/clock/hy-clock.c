/* hy-clock.c: the time the core reads and waits on, which tests control
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What in the core depends on time (the rate budget's window, a token's expiry, a retry's
 * back-off, Retry-After, the outbox's schedule and the sync engine's automatic wake-up) reads
 * it from a HyClock and waits on its timeout sources. The system
 * clock is GLib's. A test clock runs as GLib's does, and the test moves it forward with
 * hy_clock_advance () instead of sleeping until a window rolls or a token expires: what was
 * due in the skipped time falls due at once. It may be read from any thread (halyard-sim runs
 * in its own).
 */

#define G_LOG_DOMAIN "hy-clock"

#include "config.h"

#include "hy-clock.h"

struct _HyClock
{
  GObject parent_instance;

  gboolean manual;
  GMutex lock;
  gint64 offset;      /* manual: µs the test moved it ahead of GLib's clocks */
  GPtrArray *sources; /* manual: ClockSource, to wake their contexts when time moves */
};

G_DEFINE_FINAL_TYPE (HyClock, hy_clock, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------- */
/* A timeout on a manual clock                                               */
/* ------------------------------------------------------------------------- */

typedef struct
{
  GSource source;
  HyClock *clock;
  gint64 interval_us;
  gint64 deadline; /* the clock's monotonic µs */
} ClockSource;

static gboolean
clock_source_prepare (GSource *source, gint *timeout)
{
  ClockSource *self = (ClockSource *) source;
  gint64 left = self->deadline - hy_clock_get_monotonic (self->clock);

  /* hy_clock_advance wakes the context to look again */
  *timeout = left <= 0 ? 0 : (gint) MIN ((left + 999) / 1000, G_MAXINT);
  return left <= 0;
}

static gboolean
clock_source_check (GSource *source)
{
  ClockSource *self = (ClockSource *) source;

  return hy_clock_get_monotonic (self->clock) >= self->deadline;
}

static gboolean
clock_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  ClockSource *self = (ClockSource *) source;

  self->deadline += self->interval_us;
  return callback != NULL ? callback (user_data) : G_SOURCE_REMOVE;
}

static void
clock_source_finalize (GSource *source)
{
  ClockSource *self = (ClockSource *) source;

  g_mutex_lock (&self->clock->lock);
  g_ptr_array_remove_fast (self->clock->sources, self);
  g_mutex_unlock (&self->clock->lock);
  g_clear_object (&self->clock);
}

static GSourceFuncs clock_source_funcs = {
  clock_source_prepare,
  clock_source_check,
  clock_source_dispatch,
  clock_source_finalize,
  NULL,
  NULL,
};

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_clock_finalize (GObject *object)
{
  HyClock *self = HY_CLOCK (object);

  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hy_clock_parent_class)->finalize (object);
}

static void
hy_clock_class_init (HyClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hy_clock_finalize;
}

static void
hy_clock_init (HyClock *self)
{
  g_mutex_init (&self->lock);
  self->sources = g_ptr_array_new ();
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

/**
 * hy_clock_get_system:
 *
 * Returns: (transfer none): GLib's clock, which every component uses unless told otherwise
 */
HyClock *
hy_clock_get_system (void)
{
  static HyClock *system_clock;

  if (g_once_init_enter (&system_clock))
    g_once_init_leave (&system_clock, g_object_new (HY_TYPE_CLOCK, NULL));
  return system_clock;
}

/**
 * hy_clock_new_manual:
 *
 * Returns: (transfer full): a clock for tests: it runs as GLib's until hy_clock_advance ()
 *   moves it forward
 */
HyClock *
hy_clock_new_manual (void)
{
  HyClock *self = g_object_new (HY_TYPE_CLOCK, NULL);

  self->manual = TRUE;
  return self;
}

static gint64
offset (HyClock *self)
{
  gint64 value;

  if (!self->manual)
    return 0;
  g_mutex_lock (&self->lock);
  value = self->offset;
  g_mutex_unlock (&self->lock);
  return value;
}

gboolean
hy_clock_is_manual (HyClock *self)
{
  g_return_val_if_fail (HY_IS_CLOCK (self), FALSE);

  return self->manual;
}

/* Monotonic µs, as g_get_monotonic_time (). */
gint64
hy_clock_get_monotonic (HyClock *self)
{
  g_return_val_if_fail (HY_IS_CLOCK (self), 0);

  return g_get_monotonic_time () + offset (self);
}

/* Wall-clock µs since the epoch, as g_get_real_time (). */
gint64
hy_clock_get_real (HyClock *self)
{
  g_return_val_if_fail (HY_IS_CLOCK (self), 0);

  return g_get_real_time () + offset (self);
}

/**
 * hy_clock_advance:
 * @microseconds: how far, not negative
 *
 * Moves a manual clock forward at once; the timeouts that fall due are dispatched by their
 * main contexts (woken here) at their next iteration.
 */
void
hy_clock_advance (HyClock *self, gint64 microseconds)
{
  g_return_if_fail (HY_IS_CLOCK (self));
  g_return_if_fail (self->manual);
  g_return_if_fail (microseconds >= 0);

  g_mutex_lock (&self->lock);
  self->offset += microseconds;
  for (guint i = 0; i < self->sources->len; i++)
    {
      GMainContext *context = g_source_get_context (g_ptr_array_index (self->sources, i));

      if (context != NULL)
        g_main_context_wakeup (context);
    }
  g_mutex_unlock (&self->lock);
}

/**
 * hy_clock_set_offset:
 * @microseconds: how far ahead of GLib's clocks (negative: behind)
 *
 * Puts a manual clock where a test wants it, as a machine whose clock is set wrong: what falls
 * due is dispatched as after hy_clock_advance ().
 */
void
hy_clock_set_offset (HyClock *self, gint64 microseconds)
{
  gint64 moved;

  g_return_if_fail (HY_IS_CLOCK (self));
  g_return_if_fail (self->manual);

  moved = microseconds - offset (self);
  if (moved >= 0)
    hy_clock_advance (self, moved);
  else
    {
      g_mutex_lock (&self->lock);
      self->offset = microseconds;
      g_mutex_unlock (&self->lock);
    }
}

/**
 * hy_clock_timeout_source_new:
 * @interval_ms: the delay, and the interval when the callback returns G_SOURCE_CONTINUE
 *
 * Returns: (transfer full): a source that dispatches once @interval_ms of this clock's time
 *   have passed (g_timeout_source_new () on the system clock)
 */
GSource *
hy_clock_timeout_source_new (HyClock *self, guint interval_ms)
{
  ClockSource *source;

  g_return_val_if_fail (HY_IS_CLOCK (self), NULL);

  if (!self->manual)
    return g_timeout_source_new (interval_ms);
  source = (ClockSource *) g_source_new (&clock_source_funcs, sizeof (ClockSource));
  source->clock = g_object_ref (self);
  source->interval_us = (gint64) interval_ms * 1000;
  source->deadline = hy_clock_get_monotonic (self) + source->interval_us;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->sources, source);
  g_mutex_unlock (&self->lock);
  return (GSource *) source;
}
