/* hy-halo-budget.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rolling-window request budget with priority lanes: at most max_requests requests are
 * granted in any window_ms; waiters of a higher lane always go first. Everything happens on
 * the main context the budget was created on.
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include "hy-halo-budget.h"

struct _HyHaloBudgetWaiter
{
  HyHaloPriority priority;
  HyHaloBudgetFunc func;
  gpointer user_data;
};

struct _HyHaloBudget
{
  guint max_requests;
  gint64 window_us;
  GQueue granted; /* monotonic µs of each granted request, oldest first (gint64 boxed) */
  GQueue lanes[HY_HALO_N_PRIORITIES];
  gint64 blocked_until;
  GSource *timer;
  GMainContext *context;
  HyClock *clock;
  gboolean dispatching;
  HyHaloBudgetLedgerFunc ledger;
  gpointer ledger_data;
  GDestroyNotify ledger_destroy;
};

static void dispatch (HyHaloBudget *self);

HyHaloBudget *
hy_halo_budget_new (guint max_requests, guint window_ms)
{
  HyHaloBudget *self = g_new0 (HyHaloBudget, 1);

  self->max_requests = MAX (max_requests, 1);
  self->window_us = (gint64) MAX (window_ms, 1) * 1000;
  self->context = g_main_context_ref_thread_default ();
  self->clock = g_object_ref (hy_clock_get_system ());
  return self;
}

/* The clock of the window and of the waits (NULL: the system's), set before any request. */
void
hy_halo_budget_set_clock (HyHaloBudget *self, HyClock *clock)
{
  if (clock == NULL)
    clock = hy_clock_get_system ();
  g_set_object (&self->clock, clock);
}

void
hy_halo_budget_free (HyHaloBudget *self)
{
  if (!self)
    return;
  if (self->timer)
    {
      g_source_destroy (self->timer);
      g_source_unref (self->timer);
    }
  g_queue_clear_full (&self->granted, g_free);
  for (guint i = 0; i < HY_HALO_N_PRIORITIES; i++)
    g_queue_clear_full (&self->lanes[i], g_free);
  if (self->ledger_destroy != NULL)
    self->ledger_destroy (self->ledger_data);
  g_main_context_unref (self->context);
  g_clear_object (&self->clock);
  g_free (self);
}

void
hy_halo_budget_set_ledger (HyHaloBudget *self,
                           HyHaloBudgetLedgerFunc func,
                           gpointer user_data,
                           GDestroyNotify destroy)
{
  if (self->ledger_destroy != NULL)
    self->ledger_destroy (self->ledger_data);
  self->ledger = func;
  self->ledger_data = user_data;
  self->ledger_destroy = destroy;
}

void
hy_halo_budget_set_limit (HyHaloBudget *self, guint max_requests, guint window_ms)
{
  self->max_requests = MAX (max_requests, 1);
  self->window_us = (gint64) MAX (window_ms, 1) * 1000;
  dispatch (self);
}

guint
hy_halo_budget_get_window_ms (HyHaloBudget *self)
{
  return (guint) (self->window_us / 1000);
}

/**
 * hy_halo_budget_get_used:
 *
 * Returns: how many requests were granted in the current window
 */
guint
hy_halo_budget_get_used (HyHaloBudget *self)
{
  gint64 now = hy_clock_get_monotonic (self->clock);
  guint used = 0;

  for (GList *l = self->granted.head; l; l = l->next)
    if (*(gint64 *) l->data + self->window_us > now)
      used++;
  return used;
}

guint
hy_halo_budget_get_max (HyHaloBudget *self)
{
  return self->max_requests;
}

guint
hy_halo_budget_get_waiting (HyHaloBudget *self)
{
  guint n = 0;

  for (guint i = 0; i < HY_HALO_N_PRIORITIES; i++)
    n += self->lanes[i].length;
  return n;
}

static gboolean
timer_cb (gpointer user_data)
{
  HyHaloBudget *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  dispatch (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (HyHaloBudget *self, gint64 at)
{
  gint64 delay_ms = MAX (0, (at - hy_clock_get_monotonic (self->clock) + 999) / 1000);

  if (self->timer)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->timer = hy_clock_timeout_source_new (self->clock, (guint) MIN (delay_ms, G_MAXUINT));
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_set_name (self->timer, "[halyard] rate budget");
  g_source_attach (self->timer, self->context);
}

static HyHaloBudgetWaiter *
next_waiter (HyHaloBudget *self)
{
  for (guint i = 0; i < HY_HALO_N_PRIORITIES; i++)
    if (self->lanes[i].length)
      return g_queue_pop_head (&self->lanes[i]);
  return NULL;
}

static HyHaloBudgetWaiter *
peek_waiter (HyHaloBudget *self)
{
  for (guint i = 0; i < HY_HALO_N_PRIORITIES; i++)
    if (self->lanes[i].length)
      return g_queue_peek_head (&self->lanes[i]);
  return NULL;
}

static void
dispatch (HyHaloBudget *self)
{
  if (self->dispatching)
    return;
  self->dispatching = TRUE;

  while (hy_halo_budget_get_waiting (self) > 0)
    {
      gint64 now = hy_clock_get_monotonic (self->clock);
      HyHaloBudgetWaiter *waiter;
      gint64 *stamp;

      while (self->granted.length &&
             *(gint64 *) g_queue_peek_head (&self->granted) + self->window_us <= now)
        g_free (g_queue_pop_head (&self->granted));

      if (self->blocked_until > now)
        {
          schedule (self, self->blocked_until);
          break;
        }
      if (self->granted.length >= self->max_requests)
        {
          schedule (self, *(gint64 *) g_queue_peek_head (&self->granted) + self->window_us);
          break;
        }

      /* The budget shared with the other processes on the data directory has the last word. */
      if (self->ledger != NULL)
        {
          gint64 real_now = hy_clock_get_real (self->clock);
          gint64 retry_at = 0;

          if (!self->ledger (self->ledger_data,
                             peek_waiter (self)->priority == HY_HALO_PRIORITY_BULK,
                             self->max_requests, self->window_us, real_now, &retry_at))
            {
              schedule (self, now + MAX (retry_at - real_now, 1000));
              break;
            }
        }

      waiter = next_waiter (self);
      stamp = g_new (gint64, 1);
      *stamp = now;
      g_queue_push_tail (&self->granted, stamp);
      waiter->func (waiter->user_data);
      g_free (waiter);
    }

  self->dispatching = FALSE;
}

/**
 * hy_halo_budget_acquire:
 *
 * Queues a request in its lane. Nothing runs from this call: @func runs from
 * hy_halo_budget_dispatch() (call it next) or later from the budget's timer, when the
 * budget allows it.
 *
 * Returns: (transfer none): a handle for hy_halo_budget_withdraw(), valid until @func runs
 */
HyHaloBudgetWaiter *
hy_halo_budget_acquire (HyHaloBudget *self,
                        HyHaloPriority priority,
                        HyHaloBudgetFunc func,
                        gpointer user_data)
{
  HyHaloBudgetWaiter *waiter;

  g_return_val_if_fail (priority < HY_HALO_N_PRIORITIES, NULL);
  waiter = g_new0 (HyHaloBudgetWaiter, 1);
  waiter->priority = priority;
  waiter->func = func;
  waiter->user_data = user_data;
  g_queue_push_tail (&self->lanes[priority], waiter);
  return waiter;
}

/**
 * hy_halo_budget_dispatch:
 *
 * Runs the waiters the budget allows now, highest lane first.
 */
void
hy_halo_budget_dispatch (HyHaloBudget *self)
{
  dispatch (self);
}

/**
 * hy_halo_budget_withdraw:
 *
 * Removes a waiter that has not run yet (e.g. its call was cancelled).
 *
 * Returns: %TRUE if it was still waiting
 */
gboolean
hy_halo_budget_withdraw (HyHaloBudget *self, HyHaloBudgetWaiter *waiter)
{
  for (guint i = 0; i < HY_HALO_N_PRIORITIES; i++)
    if (g_queue_remove (&self->lanes[i], waiter))
      {
        g_free (waiter);
        return TRUE;
      }
  return FALSE;
}

/**
 * hy_halo_budget_block_until:
 *
 * Grants nothing before @monotonic_us (a 429 with Retry-After).
 */
void
hy_halo_budget_block_until (HyHaloBudget *self, gint64 monotonic_us)
{
  self->blocked_until = MAX (self->blocked_until, monotonic_us);
}

/**
 * hy_halo_budget_get_blocked_until:
 *
 * Returns: the monotonic µs before which nothing is granted (after a 429), 0 when none
 */
gint64
hy_halo_budget_get_blocked_until (HyHaloBudget *self)
{
  return self->blocked_until;
}

/**
 * hy_halo_budget_saturate:
 *
 * Halo answered 429 without Retry-After: count the window as full from now, so nothing is
 * granted until a whole window has passed.
 */
void
hy_halo_budget_saturate (HyHaloBudget *self)
{
  hy_halo_budget_block_until (self, hy_clock_get_monotonic (self->clock) + self->window_us);
}
