/* test-service-session.c: the session owns its one service, through typed API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "service/hy-service.h"
#include "store/hy-store-service.h"

/* The session makes its service once and holds it; when the session goes, the service stops
 * delivering and gives the lease up, even while someone else still holds it. */
static void
test_owned_by_session (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("halyard-service-XXXXXX", &error);
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyStore) store = NULL;
  g_autoptr (HyLeaseHolder) holder = NULL;
  g_autoptr (HyService) kept = NULL;
  HyService *service;

  g_assert_no_error (error);
  session = hy_session_open (dir, &error);
  g_assert_no_error (error);
  g_assert_null (hy_session_get_service (session));

  service = hy_service_get (session);
  g_assert_true (HY_IS_SERVICE (service));
  g_assert_true (hy_session_get_service (session) == service);
  g_assert_true (hy_service_get (session) == service);
  g_assert_true (hy_service_get_session (service) == session);

  g_assert_true (hy_service_start (service, "test-service-session", TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (hy_service_is_delivering (service));

  store = hy_store_open (hy_store_get_path (hy_session_get_store (session)), &error);
  g_assert_no_error (error);
  holder = hy_store_lease_get_holder (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (holder);
  g_assert_true (holder->mine);
  g_clear_pointer (&holder, hy_lease_holder_free);

  kept = g_object_ref (service);
  g_clear_object (&session);
  g_assert_null (hy_service_get_session (kept));
  g_assert_false (hy_service_is_delivering (kept));
  holder = hy_store_lease_get_holder (store, &error);
  g_assert_no_error (error);
  g_assert_null (holder);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/service/owned-by-session", test_owned_by_session);
  return g_test_run ();
}
