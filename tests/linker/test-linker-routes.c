/* test-linker-routes.c: routes: groups' and policies' mappings, inheritance down the groups, and a
 * policy's whole route taken and put back, against a store filled in the test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-linker"

#include "config.h"

#include "test-linker-fixture.h"

/* ------------------------------------------------------------------------- */
/* Routes                                                                    */
/* ------------------------------------------------------------------------- */

static void
test_map_group (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyGroupMapping) mapping = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Globex", FALSE);
  halo_site (f, 10, 1, "Head Office");
  halo_site (f, 20, 2, "Globex HQ");
  add_group (f, "g1", "Servers", NULL);

  g_assert_false (hy_linker_map_group (f->store, "nope", 1, 0, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_linker_map_group (f->store, "g1", 99, 0, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_linker_map_group (f->store, "g1", 1, 99, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_linker_map_group (f->store, "g1", 1, 20, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_WRONG_CLIENT);
  g_assert_nonnull (strstr (error->message, "20"));
  g_clear_error (&error);

  /* Nothing was written by the failures. */
  g_assert_null (hy_store_get_group_mapping (f->store, "g1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (hy_linker_map_group (f->store, "g1", 1, 10, &error));
  g_assert_no_error (error);
  mapping = hy_store_get_group_mapping (f->store, "g1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mapping->client_id, ==, 1);
  g_assert_cmpint (mapping->site_id, ==, 10);
  g_clear_pointer (&mapping, hy_group_mapping_free);

  /* Without a site: the client's main site. */
  g_assert_true (hy_linker_map_group (f->store, "g1", 2, 0, &error));
  g_assert_no_error (error);
  mapping = hy_store_get_group_mapping (f->store, "g1", &error);
  g_assert_cmpint (mapping->client_id, ==, 2);
  g_assert_cmpint (mapping->site_id, ==, 0);

  g_assert_true (hy_linker_unmap_group (f->store, "g1", &error));
  g_assert_no_error (error);
  g_assert_true (hy_linker_unmap_group (f->store, "g1", &error));
  g_assert_no_error (error);
  g_assert_false (hy_linker_unmap_group (f->store, "nope", &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
}

static void
assert_effective (Fixture *f,
                  const char *group_id,
                  const char *from,
                  gint64 client_id,
                  gint64 site_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyGroupMapping) mapping = NULL;

  g_assert_true (hy_linker_resolve_group_mapping (f->store, group_id, &mapping, &error));
  g_assert_no_error (error);
  if (from == NULL)
    {
      g_assert_null (mapping);
      return;
    }
  g_assert_nonnull (mapping);
  g_assert_cmpstr (mapping->group_id, ==, from);
  g_assert_cmpint (mapping->client_id, ==, client_id);
  g_assert_cmpint (mapping->site_id, ==, site_id);
}

static void
test_group_inheritance (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyGroupMapping) mapping = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Globex", FALSE);
  halo_site (f, 10, 1, "Head Office");
  add_group (f, "root", "All devices", NULL);
  add_group (f, "servers", "Servers", "root");
  add_group (f, "dc", "Domain controllers", "servers");
  add_group (f, "globex", "Globex", "root");
  add_group (f, "globex-ws", "Globex workstations", "globex");
  add_group (f, "other", "Other", NULL);

  g_assert_true (hy_linker_map_group (f->store, "root", 1, 10, &error));
  g_assert_true (hy_linker_map_group (f->store, "globex", 2, 0, &error));
  g_assert_no_error (error);

  assert_effective (f, "root", "root", 1, 10);
  assert_effective (f, "servers", "root", 1, 10);
  assert_effective (f, "dc", "root", 1, 10);
  assert_effective (f, "globex", "globex", 2, 0);
  assert_effective (f, "globex-ws", "globex", 2, 0);
  assert_effective (f, "other", NULL, 0, 0);

  /* Unmapping a subgroup makes it inherit again. */
  g_assert_true (hy_linker_unmap_group (f->store, "globex", &error));
  assert_effective (f, "globex-ws", "root", 1, 10);
  g_assert_true (hy_linker_unmap_group (f->store, "root", &error));
  assert_effective (f, "dc", NULL, 0, 0);

  g_assert_false (hy_linker_resolve_group_mapping (f->store, "nope", &mapping, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
  g_assert_null (mapping);
}

static void
test_map_policy (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyPolicyMapping) mapping = NULL;

  halo_simple (f, HY_CACHE_KIND_TICKET_TYPE, 29, "Alert");
  halo_simple (f, HY_CACHE_KIND_STATUS, 9, "Closed");
  add_policy (f, "p1", "Disk space low");

  g_assert_false (hy_linker_map_policy (f->store, "nope", 29, 0, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_linker_map_policy (f->store, "p1", 30, 0, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "ticket type"));
  g_clear_error (&error);
  g_assert_false (hy_linker_map_policy (f->store, "p1", 29, 8, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "status"));
  g_clear_error (&error);
  /* A status id is not a ticket type id. */
  g_assert_false (hy_linker_map_policy (f->store, "p1", 9, 0, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (hy_store_get_policy_mapping (f->store, "p1", &error));
  g_clear_error (&error);

  g_assert_true (hy_linker_map_policy (f->store, "p1", 29, 9, &error));
  g_assert_no_error (error);
  mapping = hy_store_get_policy_mapping (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mapping->ticket_type_id, ==, 29);
  g_assert_cmpint (mapping->close_status_id, ==, 9);
  g_clear_pointer (&mapping, hy_policy_mapping_free);

  g_assert_true (hy_linker_map_policy (f->store, "p1", 29, 0, &error));
  mapping = hy_store_get_policy_mapping (f->store, "p1", &error);
  g_assert_cmpint (mapping->close_status_id, ==, 0);

  g_assert_true (hy_linker_unmap_policy (f->store, "p1", &error));
  g_assert_no_error (error);
  g_assert_false (hy_linker_unmap_policy (f->store, "p2", &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
}

/* A policy's whole route (mapping and ticket defaults) taken and put back as it was; a route
 * that cannot be put back (its ticket type gone from Halo) changes nothing. */
static void
test_policy_route (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyPolicyRoute) mapped = NULL;
  g_autoptr (HyPolicyRoute) unmapped = NULL;
  g_autoptr (HyPolicyDefaults) defaults = hy_policy_defaults_new ("p1");
  g_autoptr (HyPolicyDefaults) now = NULL;
  g_autoptr (HyPolicyMapping) mapping = NULL;
  GPtrArray *list;

  halo_simple (f, HY_CACHE_KIND_TICKET_TYPE, 29, "Alert");
  halo_simple (f, HY_CACHE_KIND_STATUS, 9, "Closed");
  halo_simple (f, HY_CACHE_KIND_PRIORITY, 2, "High");
  halo_simple (f, HY_CACHE_KIND_TEAM, 5, "Service Desk");
  add_policy (f, "p1", "Disk space low");

  g_assert_null (hy_linker_get_policy_route (f->store, "nope", &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  unmapped = hy_linker_get_policy_route (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_null (unmapped->mapping);
  g_assert_cmpint (unmapped->defaults->priority_id, ==, 0);

  g_assert_true (hy_linker_map_policy (f->store, "p1", 29, 9, &error));
  defaults->priority_id = 2;
  defaults->team = g_strdup ("service desk");
  defaults->category = g_strdup ("Disks");
  defaults->flap_minutes = 15;
  g_assert_true (hy_linker_set_policy_defaults (f->store, defaults, &error));
  g_assert_no_error (error);
  mapped = hy_linker_get_policy_route (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mapped->mapping->ticket_type_id, ==, 29);
  g_assert_cmpstr (mapped->defaults->team, ==, "Service Desk");

  /* Back to unmapped without defaults... */
  g_assert_true (hy_linker_restore_policy_route (f->store, unmapped, &error));
  g_assert_no_error (error);
  g_assert_null (hy_store_get_policy_mapping (f->store, "p1", &error));
  g_clear_error (&error);
  now = hy_store_get_policy_defaults (f->store, "p1", &error);
  g_assert_cmpint (now->priority_id, ==, 0);
  g_assert_null (now->team);
  g_assert_null (now->category);
  g_assert_cmpint (now->flap_minutes, ==, -1);
  g_clear_pointer (&now, hy_policy_defaults_free);

  /* ...and forward again to the mapping with every default. */
  g_assert_true (hy_linker_restore_policy_route (f->store, mapped, &error));
  g_assert_no_error (error);
  mapping = hy_store_get_policy_mapping (f->store, "p1", &error);
  g_assert_cmpint (mapping->ticket_type_id, ==, 29);
  g_assert_cmpint (mapping->close_status_id, ==, 9);
  now = hy_store_get_policy_defaults (f->store, "p1", &error);
  g_assert_cmpint (now->priority_id, ==, 2);
  g_assert_cmpstr (now->team, ==, "Service Desk");
  g_assert_cmpstr (now->category, ==, "Disks");
  g_assert_cmpint (now->flap_minutes, ==, 15);
  g_clear_pointer (&now, hy_policy_defaults_free);

  /* The ticket type gone from Halo: refused, and the defaults are not touched either. */
  g_assert_true (hy_linker_restore_policy_route (f->store, unmapped, &error));
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
  g_assert_true (hy_store_cache_replace (f->store, HY_CACHE_KIND_TICKET_TYPE, list, &error));
  g_ptr_array_unref (list);
  g_assert_false (hy_linker_restore_policy_route (f->store, mapped, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (hy_store_get_policy_mapping (f->store, "p1", &error));
  g_clear_error (&error);
  now = hy_store_get_policy_defaults (f->store, "p1", &error);
  g_assert_cmpint (now->priority_id, ==, 0);
  g_assert_null (now->team);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  LINKER_TEST_ADD ("/linker/map/group", test_map_group);
  LINKER_TEST_ADD ("/linker/map/group-inheritance", test_group_inheritance);
  LINKER_TEST_ADD ("/linker/map/policy", test_map_policy);
  LINKER_TEST_ADD ("/linker/map/policy-route", test_policy_route);

  return g_test_run ();
}
