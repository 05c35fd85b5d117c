/* test-linker-links.c: manual links (company first, validation, clearing), the list of links and
 * the result as JSON, against a store filled in the test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-linker"

#include "config.h"

#include "test-linker-fixture.h"

/* ------------------------------------------------------------------------- */
/* Manual links                                                              */
/* ------------------------------------------------------------------------- */

static void
test_set_company_first (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_site (f, 10, 1, "Head Office");
  halo_asset (f, 100, 1, "ACME-DC01", NULL, NULL);
  add_company (f, "c1", "Acme Ltd");
  add_location (f, "l1", "c1", "Head Office");
  add_computer (f, "pc1", "c1", "ACME-DC01", NULL);
  add_computer (f, "pc2", NULL, "Loose", NULL);

  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPUTER, "pc1", 100, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_COMPANY_NOT_LINKED);
  g_assert_nonnull (strstr (error->message, "ACME-DC01"));
  g_assert_nonnull (strstr (error->message, "Acme Ltd"));
  g_assert_nonnull (strstr (error->message, "Link the company first"));
  g_clear_error (&error);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc1", HY_LINK_HOW_NONE, 0);

  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_LOCATION, "l1", 10, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_COMPANY_NOT_LINKED);
  g_clear_error (&error);
  /* The company is named first, whatever the Halo id. */
  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPUTER, "pc1", 999, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_COMPANY_NOT_LINKED);
  g_clear_error (&error);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_NONE, 0);

  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPUTER, "pc2", 100, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NO_COMPANY);
  g_clear_error (&error);

  /* Once the company is linked, so can its computer and location be. */
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPUTER, "pc1", 100, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_LOCATION, "l1", 10, NULL, &error));
  g_assert_no_error (error);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc1", HY_LINK_HOW_MANUAL, 100);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_MANUAL, 10);
}

static void
test_set_validation (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyLink) link = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Globex", FALSE);
  halo_site (f, 20, 2, "Globex HQ");
  halo_asset (f, 200, 2, "GLOBEX-PC", NULL, NULL);
  halo_agent (f, 7, "Jane Tech", "jane@msp.example");
  add_company (f, "c1", "Acme Ltd");
  add_location (f, "l1", "c1", "Head Office");
  add_computer (f, "pc1", "c1", "ACME-DC01", NULL);
  add_user (f, "u1", "Jane", NULL);
  add_group (f, "g1", "Servers", NULL);

  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "nope", 1, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nope"));
  /* The store's own sentence, under the linker's domain. */
  {
    g_autoptr (GError) store_error = NULL;

    g_assert_null (hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "nope", &store_error));
    g_assert_error (store_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
    g_assert_cmpstr (error->message, ==, store_error->message);
  }
  g_clear_error (&error);

  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 99, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "99"));
  g_clear_error (&error);

  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 0, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_clear_error (&error);

  /* An agent id is not a client id. */
  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 7, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_GROUP, "g1", 1, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_LINKABLE);
  g_clear_error (&error);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_NONE, 0);

  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 1, &link, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (link->id, ==, "c1");
  g_assert_cmpstr (link->name, ==, "Acme Ltd");
  g_assert_cmpstr (link->link.halo_name, ==, "Acme Ltd");

  /* The site and the asset belong to another client than the company's. */
  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_LOCATION, "l1", 20, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_WRONG_CLIENT);
  g_clear_error (&error);
  g_assert_false (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPUTER, "pc1", 200, NULL, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_WRONG_CLIENT);
  g_clear_error (&error);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc1", HY_LINK_HOW_NONE, 0);

  /* A user without an e-mail can still be linked by hand. */
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_USER, "u1", 7, NULL, &error));
  g_assert_no_error (error);
  assert_link (f, HY_RECORD_KIND_USER, "u1", HY_LINK_HOW_MANUAL, 7);
}

static void
test_clear (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Acme Group", FALSE);
  halo_site (f, 10, 1, "Head Office");
  halo_site (f, 20, 2, "Head Office");
  halo_asset (f, 100, 1, "ACME-DC01", NULL, NULL);
  add_company (f, "c1", "Acme Ltd");
  add_location (f, "l1", "c1", "Head Office");
  add_computer (f, "pc1", "c1", "ACME-DC01", NULL);

  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 1, NULL, &error));
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_LOCATION, "l1", 10, NULL, &error));
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPUTER, "pc1", 100, NULL, &error));
  g_assert_no_error (error);

  /* Moving the company to another client drops the links that now point outside it. */
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 2, NULL, &error));
  g_assert_no_error (error);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc1", HY_LINK_HOW_NONE, 0);
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_LOCATION, "l1", 20, NULL, &error));
  g_assert_no_error (error);

  /* Setting the same client again keeps them. */
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 2, NULL, &error));
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_MANUAL, 20);

  /* Clearing the company clears its location's link too. */
  g_assert_true (hy_linker_clear_link (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_no_error (error);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_NONE, 0);

  /* Clearing what is not linked is fine; clearing what does not exist is not. */
  g_assert_true (hy_linker_clear_link (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_no_error (error);
  g_assert_false (hy_linker_clear_link (f->store, HY_RECORD_KIND_COMPUTER, "nope", &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_linker_clear_link (f->store, HY_RECORD_KIND_POLICY, "p1", &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_LINKABLE);
}

static void
test_list_links (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) unlinked = NULL;
  g_autoptr (JsonNode) json = NULL;
  JsonArray *array;
  JsonObject *object;

  halo_client (f, 1, "Acme Ltd", FALSE);
  add_company (f, "c1", "Acme Ltd");
  add_company (f, "c2", "Globex");
  add_user (f, "u1", "Jane", "jane@msp.example");
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 1, NULL, &error));

  all = hy_linker_list_links (f->store, TRUE, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  unlinked = hy_linker_list_links (f->store, FALSE, HY_RECORD_KIND_COMPANY, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unlinked->len, ==, 1);
  g_assert_cmpstr (((HyLink *) g_ptr_array_index (unlinked, 0))->id, ==, "c2");

  json = hy_linker_links_to_json (all);
  array = json_node_get_array (json);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "company");
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c1");
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Acme Ltd");
  g_assert_true (json_object_get_boolean_member (object, "linked"));
  g_assert_cmpint (json_object_get_int_member (object, "halo_id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "halo_name"), ==, "Acme Ltd");
  g_assert_cmpstr (json_object_get_string_member (object, "how"), ==, "manual");
  object = json_array_get_object_element (array, 1);
  g_assert_false (json_object_get_boolean_member (object, "linked"));
  g_assert_true (json_object_get_null_member (object, "halo_id"));
  g_assert_true (json_object_get_null_member (object, "halo_name"));
  g_assert_true (json_object_get_null_member (object, "how"));
  object = json_array_get_object_element (array, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "user");

  g_assert_null (hy_linker_list_links (f->store, FALSE, HY_RECORD_KIND_GROUP, FALSE, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_LINKABLE);
}

static void
test_result_json (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) result = NULL;
  g_autoptr (JsonNode) json = NULL;
  JsonObject *root;
  JsonObject *object;
  JsonArray *array;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Globex", FALSE);
  halo_client (f, 3, "Globex", FALSE);
  halo_client (f, 4, "Initech Limited", FALSE);
  add_company (f, "c1", "Acme Ltd");
  add_company (f, "c2", "Globex");
  add_company (f, "c3", "Initech Ltd");

  result = auto_link (f, TRUE);
  json = hy_linker_result_to_json (result);
  root = json_node_get_object (json);

  array = json_object_get_array_member (root, "linked");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "company");
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c1");
  g_assert_true (json_object_get_boolean_member (object, "linked"));
  g_assert_cmpint (json_object_get_int_member (object, "halo_id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "how"), ==, "auto");

  array = json_object_get_array_member (root, "ambiguous");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "company");
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c2");
  array = json_object_get_array_member (object, "candidates");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpint (json_array_get_int_element (array, 0), ==, 2);
  g_assert_cmpint (json_array_get_int_element (array, 1), ==, 3);

  array = json_object_get_array_member (root, "suggestions");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "company");
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c3");
  g_assert_cmpint (json_object_get_int_member (object, "halo_id"), ==, 4);
  g_assert_cmpfloat (json_object_get_double_member (object, "score"), >, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (object, "score"), <, 1.0);
  array = json_object_get_array_member (object, "evidence");
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "legal suffix Ltd ≈ Limited");

  object = json_object_get_object_member (root, "waiting");
  g_assert_cmpint (json_object_get_int_member (object, "locations"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "computers"), ==, 0);
  g_assert_true (json_object_get_boolean_member (root, "dry_run"));
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  LINKER_TEST_ADD ("/linker/set/company-first", test_set_company_first);
  LINKER_TEST_ADD ("/linker/set/validation", test_set_validation);
  LINKER_TEST_ADD ("/linker/clear", test_clear);
  LINKER_TEST_ADD ("/linker/links", test_list_links);
  LINKER_TEST_ADD ("/linker/json", test_result_json);

  return g_test_run ();
}
