/* hy-sync-engine-outbox.c: outbox transitions: an item delivered, failed (wait, back off or give
 * up) or released
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sync/hy-sync-attempt.h"
#include "sync/hy-sync-engine-private.h"
#include "sync/hy-sync-payload.h"

/* ------------------------------------------------------------------------- */
/* Outbox transitions                                                        */
/* ------------------------------------------------------------------------- */

void
_hy_sync_engine_item_complete (HySyncRun *run, HyOutboxItem *item)
{
  g_autoptr (GError) error = NULL;

  if (!hy_store_outbox_complete (run->self->store, item->id, &error))
    g_warning ("Could not mark outbox item %" G_GINT64_FORMAT " delivered: %s", item->id,
               error->message);
  _hy_sync_engine_outstanding_remove (run, item->record_key, item->id);
  run->report->delivered++;
}

/* A failing item is not queued again by itself for this long after it was given up, even when
 * Halo answers (the longest back-off): one that Halo always fails costs a few requests an hour. */
#define REVIVE_AFTER_SECONDS 600

void
_hy_sync_engine_item_give_up (HySyncRun *run,
                              HyOutboxItem *item,
                              const char *reason,
                              const char *cause,
                              gboolean reached)
{
  g_autoptr (GError) error = NULL;
  gint64 revive_after = 0;

  if (g_strcmp0 (cause, HY_OUTBOX_CAUSE_FAILING) == 0)
    revive_after = _hy_sync_engine_now (run->self) +
                   REVIVE_AFTER_SECONDS * (gint64) run->self->backoff_unit_us;
  if (!hy_store_outbox_give_up (run->self->store, item->id, reason, cause, reached, revive_after,
                                &error))
    g_warning ("Could not dead-letter outbox item %" G_GINT64_FORMAT ": %s", item->id,
               error->message);
  _hy_sync_engine_outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_DEAD, 0);
  run->report->dead++;
  _hy_sync_engine_run_set_error (run, reason);
}

/* Given up on what it holds, not on anything Halo said: only sent again by hand. */
void
_hy_sync_engine_item_dead (HySyncRun *run, HyOutboxItem *item, const char *reason)
{
  _hy_sync_engine_item_give_up (run, item, reason, HY_OUTBOX_CAUSE_INVALID, FALSE);
}

/* A failed try: wait when nothing reached Halo; back off after a failure Halo answered, and
 * give up after the last attempt or one that Halo refused. */
void
_hy_sync_engine_item_failed (HySyncRun *run, HyOutboxItem *item, const GError *cause)
{
  g_autoptr (GError) error = NULL;
  HySyncEngine *self = run->self;
  guint count;
  gint64 next;

  switch (hy_sync_attempt_classify (cause))
    {
      case HY_SYNC_ATTEMPT_STOPPED:
        /* Stopped, not failed: back in the queue, due at once. The request may have reached
         * Halo before the stop, so it counts as an attempt: a create is looked up before it is
         * sent again. */
        next = _hy_sync_engine_now (self) + (gint64) self->backoff_unit_us;
        if (!hy_store_outbox_fail (self->store, item->id,
                                   /* Translators: a queued Halo write, stopped with the sync */
                                   _ ("Stopped before Halo answered; sent again on the next run"),
                                   next, &error))
          g_warning ("Could not requeue outbox item %" G_GINT64_FORMAT ": %s", item->id,
                     error->message);
        _hy_sync_engine_outstanding_update (run, item->record_key, item->id,
                                            HY_OUTBOX_STATE_PENDING, next);
        return;

      case HY_SYNC_ATTEMPT_NOT_SENT:
      case HY_SYNC_ATTEMPT_UNCERTAIN:
        /* Waiting for the network, the sign-in, the rate limit or Halo itself: never given up;
         * the waits space the tries out up to the longest back-off. */
        count = item->waits + 1;
        next =
            _hy_sync_engine_now (self) +
            (gint64) hy_sync_backoff_seconds (count, _hy_sync_engine_error_is_rate_limit (cause)) *
                (gint64) self->backoff_unit_us;
        if (!hy_store_outbox_wait (self->store, item->id, cause->message,
                                   hy_sync_attempt_classify (cause) == HY_SYNC_ATTEMPT_UNCERTAIN,
                                   next, &error))
          g_warning ("Could not reschedule outbox item %" G_GINT64_FORMAT ": %s", item->id,
                     error->message);
        _hy_sync_engine_outstanding_update (run, item->record_key, item->id,
                                            HY_OUTBOX_STATE_PENDING, next);
        _hy_sync_engine_run_set_error (run, cause->message);
        return;

      case HY_SYNC_ATTEMPT_REFUSED:
        _hy_sync_engine_item_give_up (run, item, cause->message, HY_OUTBOX_CAUSE_REFUSED, TRUE);
        return;

      case HY_SYNC_ATTEMPT_FAILED:
      default:
        break;
    }

  count = item->refused + 1;
  if (count >= HY_SYNC_MAX_ATTEMPTS)
    {
      _hy_sync_engine_item_give_up (run, item, cause->message, HY_OUTBOX_CAUSE_FAILING, TRUE);
      return;
    }
  next = _hy_sync_engine_now (self) +
         (gint64) hy_sync_backoff_seconds (count, FALSE) * (gint64) self->backoff_unit_us;
  if (!hy_store_outbox_fail (self->store, item->id, cause->message, next, &error))
    g_warning ("Could not reschedule outbox item %" G_GINT64_FORMAT ": %s", item->id,
               error->message);
  _hy_sync_engine_outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_PENDING,
                                      next);
  _hy_sync_engine_run_set_error (run, cause->message);
}

/* An item that must wait for an earlier item of the same record (or was not sent at all). */
void
_hy_sync_engine_item_release (HySyncRun *run, HyOutboxItem *item, const HySyncOutstanding *blocker)
{
  g_autoptr (GError) error = NULL;
  gint64 next;

  if (blocker != NULL && blocker->state == HY_OUTBOX_STATE_DEAD)
    {
      /* Queued again with the earlier one, whether by hand or by itself. */
      _hy_sync_engine_item_give_up (
          run, item,
          /* Translators: an outbox item waits for an earlier, failed write of the
                       same record */
          _ ("An earlier write for the same record failed; retry that one first"),
          HY_OUTBOX_CAUSE_BLOCKED, FALSE);
      return;
    }
  /* One back-off unit (a second) from now, or after the blocker's next attempt. */
  next = MAX (_hy_sync_engine_now (run->self) + (gint64) run->self->backoff_unit_us,
              blocker != NULL ? blocker->next_attempt_at + (gint64) run->self->backoff_unit_us : 0);
  /* Not sent, so not an attempt: attempts count what reached (or may have reached) Halo, and a
   * create with attempts is looked up before it is sent again. */
  if (!hy_store_outbox_release (run->self->store, item->id,
                                _ ("Waiting for an earlier write of the same record"), next,
                                &error))
    g_warning ("Could not release outbox item %" G_GINT64_FORMAT ": %s", item->id, error->message);
  _hy_sync_engine_outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_PENDING,
                                      next);
}
