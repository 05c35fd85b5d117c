/* hy-test-sync.c: the sync engine in a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-sync.h"

HySyncEngine *
hy_test_sync_engine_new (HyStore *store, HyHaloClient *client, HyClock *clock)
{
  HySyncEngine *engine = hy_sync_engine_new (store, client);

  hy_sync_engine_set_clock (engine, clock);
  hy_sync_engine_set_backoff_unit (engine, 1000); /* seconds become milliseconds */
  return engine;
}

HySyncReport *
hy_test_sync_run (HySyncEngine *engine, gboolean dry_run, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_sync_engine_sync_async (engine, dry_run, NULL, hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  return hy_sync_engine_sync_finish (engine, result, error);
}

HySyncReport *
hy_test_sync_deliver (HySyncEngine *engine)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  HySyncReport *report;

  hy_sync_engine_deliver_async (engine, NULL, hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  report = hy_sync_engine_deliver_finish (engine, result, &error);
  g_assert_no_error (error);
  return report;
}
