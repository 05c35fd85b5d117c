/* hy-sync-engine-workers.c: the worker threads: a sync or delivery run, the process lock, and
 * the task that runs it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "sync/hy-sync-engine-private.h"

/* ------------------------------------------------------------------------- */
/* Worker threads                                                            */
/* ------------------------------------------------------------------------- */

/* Delivered writes are kept a week (for diagnosis), then dropped. */
#define DONE_KEPT_US (7 * G_TIME_SPAN_DAY)

static void
purge_done (HySyncRun *run)
{
  g_autoptr (GError) error = NULL;

  if (!hy_store_outbox_purge_done (run->self->store, g_get_real_time () - DONE_KEPT_US, &error))
    g_debug ("Purging delivered writes: %s", error->message);
}

/* Queues given-up writes again whose cause has gone; with @halo_answers (something was
 * delivered in this run), those that Halo kept failing. Returns how many. */
static guint
revive_given_up (HySyncRun *run, gboolean halo_answers)
{
  g_autoptr (GError) error = NULL;
  gint64 n = hy_store_outbox_revive (run->self->store, halo_answers,
                                     _hy_sync_engine_now (run->self), &error);

  if (n < 0)
    {
      g_warning ("Could not queue given-up writes again: %s", error->message);
      return 0;
    }
  if (n > 0)
    g_debug ("%" G_GINT64_FORMAT " given-up writes queued again", n);
  return (guint) n;
}

/* Delivers the outbox; once Halo has answered, what it had failed before is queued again and
 * delivered in the same run. */
static gboolean
deliver_and_revive (HySyncRun *run, GError **error)
{
  if (!_hy_sync_engine_deliver_loop (run, error))
    return FALSE;
  if (run->report->delivered > 0 && !g_cancellable_is_cancelled (run->cancellable) &&
      revive_given_up (run, TRUE) > 0)
    {
      if (!_hy_sync_engine_outstanding_load (run, error))
        return FALSE;
      return _hy_sync_engine_deliver_loop (run, error);
    }
  return TRUE;
}

static gboolean
plan_has (HySyncPlan *plan, HySyncPlanAction action)
{
  for (guint i = 0; i < plan->items->len; i++)
    if (((HySyncPlanItem *) g_ptr_array_index (plan->items, i))->action == action)
      return TRUE;
  return FALSE;
}

/* Devices that waited behind an earlier write of theirs (sent before they changed, or queued by
 * a run that died) are planned again once it is delivered: what changed since goes out in the
 * same sync. At most twice, and only while something was delivered. */
static gboolean
replan_after_delivery (HySyncRun *run, HySyncPlan *first, GError **error)
{
  gboolean queued = plan_has (first, PLAN_QUEUED);

  for (guint pass = 0; pass < 2 && queued && !g_cancellable_is_cancelled (run->cancellable); pass++)
    {
      HySyncPlan plan = { 0 };
      HySyncEnqueueData data = { run, &plan };
      guint delivered = run->report->delivered;
      gboolean ok = FALSE;

      if (!_hy_sync_engine_plan_assets (run, &plan, error) ||
          !_hy_sync_engine_plan_find_existing (run, &plan, error))
        goto done;
      queued = plan_has (&plan, PLAN_QUEUED);
      if (!plan_has (&plan, PLAN_CREATE) && !plan_has (&plan, PLAN_UPDATE))
        {
          _hy_sync_engine_plan_clear (&plan);
          return TRUE;
        }
      g_debug ("Planning again after delivery: devices changed while their writes waited");
      if (!_hy_sync_engine_load_asset_types (run, error) ||
          !hy_store_transaction (run->self->store, _hy_sync_engine_enqueue_assets_txn, &data,
                                 error))
        goto done;
      _hy_sync_engine_notify_changed (run->self);
      if (!deliver_and_revive (run, error))
        goto done;
      ok = TRUE;
      if (run->report->delivered == delivered)
        queued = FALSE;
    done:
      _hy_sync_engine_plan_clear (&plan);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* Before a run sends (its outstanding writes read): the delivered writes purged, those given up
 * on revived, the in-flight ones of a run that died recovered and waiting alerts routed. From
 * then on, alert writes recorded meanwhile overtake the bulk requests. */
static gboolean
prepare_to_send (HySyncRun *run, GError **error)
{
  purge_done (run);
  if (revive_given_up (run, FALSE) > 0 && !_hy_sync_engine_outstanding_load (run, error))
    return FALSE;
  _hy_sync_engine_recover_inflight (run);
  _hy_sync_engine_route_waiting_alerts (run);
  run->self->overtaking = run;
  return TRUE;
}

static gboolean
run_sync (HySyncRun *run, gboolean dry_run, GError **error)
{
  HySyncEngine *self = run->self;
  HySyncPlan plan = { 0 };
  guint requests_before = hy_halo_client_get_request_count (self->client);
  gboolean ok = FALSE;

  if (!_hy_sync_engine_outstanding_load (run, error))
    return FALSE;
  if (!dry_run && !prepare_to_send (run, error))
    return FALSE;
  if (!_hy_sync_engine_plan_assets (run, &plan, error) ||
      !_hy_sync_engine_plan_find_existing (run, &plan, error))
    goto out;

  if (dry_run)
    {
      for (guint i = 0; i < plan.items->len; i++)
        {
          HySyncPlanItem *item = g_ptr_array_index (plan.items, i);
          if (item->action == PLAN_CREATE)
            g_ptr_array_add (run->report->creates, _hy_sync_engine_plan_describe (item, FALSE));
          else if (item->action == PLAN_UPDATE)
            g_ptr_array_add (run->report->updates, _hy_sync_engine_plan_describe (item, FALSE));
          else if (item->action == PLAN_QUEUED)
            {
              g_autofree char *key = _hy_sync_engine_record_key ("computer", item->computer->id);
              GArray *arr = g_hash_table_lookup (run->outstanding, key);
              HySyncOutstanding *first =
                  arr != NULL && arr->len > 0 ? &g_array_index (arr, HySyncOutstanding, 0) : NULL;
              if (first != NULL && first->state != HY_OUTBOX_STATE_DEAD)
                g_ptr_array_add (first->create ? run->report->creates : run->report->updates,
                                 _hy_sync_engine_plan_describe (item, TRUE));
            }
          else if (item->action == PLAN_UNCHANGED)
            run->report->unchanged++;
          else if (item->action == PLAN_FAILED)
            run->report->failed++;
        }
      ok = TRUE;
      goto out;
    }

  for (guint i = 0; i < plan.items->len; i++)
    if (((HySyncPlanItem *) g_ptr_array_index (plan.items, i))->action == PLAN_UNCHANGED)
      run->report->unchanged++;
  {
    gboolean any = FALSE;
    HySyncEnqueueData data = { run, &plan };
    for (guint i = 0; i < plan.items->len && !any; i++)
      {
        HySyncPlanItem *item = g_ptr_array_index (plan.items, i);
        any = item->action == PLAN_CREATE || item->action == PLAN_UPDATE || item->unsent_id > 0;
      }
    if (any && !_hy_sync_engine_load_asset_types (run, error))
      goto out;
    if (!hy_store_transaction (self->store, _hy_sync_engine_enqueue_assets_txn, &data, error))
      goto out;
    _hy_sync_engine_notify_changed (self);
  }
  /* Each group's count of devices in Halo grows as the batches go out. */
  run->group_of = g_hash_table_new (g_str_hash, g_str_equal);
  run->touched = g_hash_table_new (NULL, NULL);
  {
    g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint g = 0; g < plan.groups->len; g++)
      {
        HySyncGroupPlan *gp = g_ptr_array_index (plan.groups, g);
        g_hash_table_insert (by_id, gp->group_id, gp);
      }
    for (guint i = 0; i < plan.items->len; i++)
      {
        HySyncPlanItem *item = g_ptr_array_index (plan.items, i);
        HySyncGroupPlan *gp =
            item->computer->group_id ? g_hash_table_lookup (by_id, item->computer->group_id) : NULL;
        if (gp != NULL && (item->action == PLAN_CREATE || item->action == PLAN_UPDATE))
          g_hash_table_insert (run->group_of, item->computer->id, gp);
      }
  }
  if (!deliver_and_revive (run, error) || !replan_after_delivery (run, &plan, error))
    goto out;
  _hy_sync_engine_finalize_groups (run);
  ok = TRUE;

out:
  g_clear_pointer (&run->group_of, g_hash_table_unref);
  g_clear_pointer (&run->touched, g_hash_table_unref);
  _hy_sync_engine_plan_clear (&plan);
  _hy_sync_engine_run_count_outbox (run);
  run->report->requests = hy_halo_client_get_request_count (self->client) - requests_before;
  return ok;
}

static gboolean
run_deliver (HySyncRun *run, GError **error)
{
  HySyncEngine *self = run->self;
  guint requests_before = hy_halo_client_get_request_count (self->client);
  gboolean had_assets;

  if (!_hy_sync_engine_outstanding_load (run, error) || !prepare_to_send (run, error) ||
      !deliver_and_revive (run, error))
    return FALSE;
  had_assets = run->report->created + run->report->updated > 0;
  if (had_assets)
    _hy_sync_engine_finalize_groups (run);
  _hy_sync_engine_run_count_outbox (run);
  run->report->requests = hy_halo_client_get_request_count (self->client) - requests_before;
  return TRUE;
}

typedef struct
{
  gboolean dry_run;
  gboolean deliver_only;
} TaskData;

/* An exclusive lock on a file next to the database, held while a run sends: waits for another
 * process's run to end. The kernel drops it when a process dies (kill -9 included). */
static int
take_process_lock (HySyncEngine *self)
{
  const char *db = hy_store_get_path (self->store);
  g_autofree char *path = NULL;
  int fd;

  if (db == NULL)
    return -1;
  path = g_strconcat (db, ".sync-lock", NULL);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_warning ("Could not open %s: %s", path, g_strerror (errno));
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        g_warning ("Could not lock %s: %s", path, g_strerror (errno));
        close (fd);
        return -1;
      }
  return fd;
}

static void
worker_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  HySyncEngine *self = source;
  TaskData *td = task_data;
  HySyncRun run;
  GError *error = NULL;
  gboolean ok;
  int lock_fd;

  g_mutex_lock (&self->run_lock);
  /* Cancelled while it waited for the run before it (the engine is being disposed, its data
   * directory may be going away): touch nothing, not even the lock file. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_mutex_unlock (&self->run_lock);
      g_task_return_error (task, error);
      return;
    }
  /* One delivering process per data directory (the window and a scripted halyard-cli may run
   * at once): items another live process has in flight must not be taken for a crash's. */
  lock_fd = take_process_lock (self);
  _hy_sync_engine_run_init (&run, self, cancellable, td->dry_run);
  if (td->deliver_only)
    ok = run_deliver (&run, &error);
  else
    ok = run_sync (&run, td->dry_run, &error);
  self->overtaking = NULL;
  if (lock_fd >= 0)
    close (lock_fd); /* releases the lock */
  g_mutex_unlock (&self->run_lock);
  if (ok)
    g_task_return_pointer (task, g_steal_pointer (&run.report),
                           (GDestroyNotify) hy_sync_report_free);
  else
    g_task_return_error (task, error);
  _hy_sync_engine_run_clear (&run);
}

void
_hy_sync_engine_start_task (HySyncEngine *self,
                            gboolean dry_run,
                            gboolean deliver_only,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data,
                            gpointer source_tag)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  TaskData *td = g_new0 (TaskData, 1);
  g_autoptr (GError) error = NULL;

  g_task_set_source_tag (task, source_tag);
  td->dry_run = dry_run;
  td->deliver_only = deliver_only;
  g_task_set_task_data (task, td, g_free);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_CONFIGURED,
                               _ ("No Halo connection is set up: connect first"));
      return;
    }
  if (!dry_run && !deliver_only && !hy_sync_engine_get_enabled (self, &error))
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, HY_SYNC_ERROR, HY_SYNC_ERROR_DISABLED,
                                 _ ("The integration is disabled, so nothing is sent: enable it "
                                    "first"));
      return;
    }
  if (deliver_only && !hy_sync_engine_get_enabled (self, NULL))
    {
      HySyncReport *report = _hy_sync_engine_report_new (FALSE);
      HySyncRun run;
      _hy_sync_engine_run_init (&run, self, cancellable, FALSE);
      hy_sync_report_free (run.report);
      run.report = report;
      _hy_sync_engine_run_count_outbox (&run);
      g_task_return_pointer (task, g_steal_pointer (&run.report),
                             (GDestroyNotify) hy_sync_report_free);
      _hy_sync_engine_run_clear (&run);
      return;
    }
  g_task_run_in_thread (task, worker_thread);
}
