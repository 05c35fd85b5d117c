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

HySyncEngine *
hy_test_sync_engine_for (HyTestHalo *halo, guint retries, HyClock *clock)
{
  HyHaloClient *client = hy_test_halo_new_client (halo);

  g_assert_nonnull (halo->store);
  hy_halo_client_set_retry_policy (client, retries, 5, 20);
  return hy_test_sync_engine_new (halo->store, client, clock);
}

void
hy_test_sync_add_customers (HyStore *store,
                            JsonNode *state,
                            guint devices,
                            guint width,
                            gboolean link_first)
{
  g_autoptr (GError) error = NULL;

  for (guint c = 0; c < 2; c++)
    {
      gint64 client_id = hy_test_state_client (state, c);
      g_autofree char *company = g_strdup_printf ("c%u", c);
      g_autofree char *company_name = g_strdup_printf ("Company %u", c);
      g_autofree char *group = g_strdup_printf ("g%u", c);
      g_autofree char *group_name = g_strdup_printf ("Group %u", c);

      hy_test_store_add_company (store, company, company_name, c > 0 || link_first ? client_id : 0);
      hy_test_store_add_group (store, group, group_name, NULL);
      /* The group goes to its company's client (the company decides it). */
      g_assert_true (hy_store_map_group (store, group, client_id,
                                         hy_test_state_site_of (state, client_id), &error));
      g_assert_no_error (error);
    }
  g_assert_true (hy_store_begin (store, &error));
  for (guint d = 0; d < devices; d++)
    {
      g_autofree char *id = g_strdup_printf ("pc%0*u", (int) width, d);
      g_autofree char *name = g_strdup_printf ("DEV-%0*u", (int) width, d);
      g_autofree char *company = g_strdup_printf ("c%u", d % 2);
      g_autofree char *group = g_strdup_printf ("g%u", d % 2);

      hy_test_store_add_computer (store, id, name, company, group);
    }
  g_assert_true (hy_store_commit (store, &error));
  g_assert_no_error (error);
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
