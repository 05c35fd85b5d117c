/* test-cli-link.c: halyard-cli link, links, map and unmap, run as a program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-cli-link"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "store/hy-store.h"

static char *cli_path;

typedef struct
{
  char *dir;
} Fixture;

typedef struct
{
  int status;
  char *out;
  char *err;
  JsonNode *json;  /* stdout parsed when it is JSON */
  JsonNode *error; /* stderr parsed when it is JSON */
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_clear_pointer (&run->json, json_node_unref);
  g_clear_pointer (&run->error, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (text == NULL || (text[0] != '{' && text[0] != '['))
    return NULL;
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/* Runs halyard-cli --data-dir DIR ARGS… */
static void
run_cli (Fixture *f, Run *run, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  const char *arg;
  va_list args;
  int wait_status = 0;

  g_ptr_array_add (argv, cli_path);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, f->dir);
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "LANGUAGE", "C", TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  envp = g_environ_unsetenv (envp, "HALYARD_CLIENT_SECRET");

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &run->out,
                &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  run->json = parse_json (run->out);
  run->error = parse_json (run->err);
}

static const char *
error_code (Run *run)
{
  JsonObject *object;

  g_assert_nonnull (run->error);
  object = json_object_get_object_member (json_node_get_object (run->error), "error");
  g_assert_nonnull (json_object_get_string_member (object, "message"));
  return json_object_get_string_member (object, "code");
}

/* ------------------------------------------------------------------------- */
/* Fixture                                                                   */
/* ------------------------------------------------------------------------- */

static void
put (HyStore *store, HyRecordKind kind, gpointer record)
{
  g_autoptr (GError) error = NULL;

  hy_store_upsert (store, kind, record, NULL, &error);
  g_assert_no_error (error);
  hy_record_free (kind, record);
}

static void
put_halo (HyStore *store, HyCacheKind kind, gint64 id, const char *name, gint64 client_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyCacheRecord) record = hy_cache_record_new (kind, id, name);

  record->client_id = client_id;
  if (kind == HY_CACHE_KIND_ASSET)
    record->key_field = g_strdup (name);
  if (kind == HY_CACHE_KIND_AGENT)
    record->email = g_strdup ("jane@msp.example");
  hy_store_cache_upsert (store, record, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HyStore) store = NULL;
  HyCompany *company;
  HyLocation *location;
  HyComputer *computer;
  HyUser *user;
  HyGroup *group;
  HyPolicy *policy;

  f->dir = g_dir_make_tmp ("halyard-cli-link-XXXXXX", &error);
  g_assert_no_error (error);
  path = hy_store_build_path (f->dir);
  store = hy_store_open (path, &error);
  g_assert_no_error (error);

  put_halo (store, HY_CACHE_KIND_CLIENT, 1, "Acme Ltd", 0);
  put_halo (store, HY_CACHE_KIND_CLIENT, 2, "Globex", 0);
  put_halo (store, HY_CACHE_KIND_CLIENT, 3, "Initech Limited", 0);
  put_halo (store, HY_CACHE_KIND_SITE, 10, "Head Office", 1);
  put_halo (store, HY_CACHE_KIND_SITE, 20, "Globex HQ", 2);
  put_halo (store, HY_CACHE_KIND_ASSET, 100, "ACME-DC01", 1);
  put_halo (store, HY_CACHE_KIND_AGENT, 7, "Jane Tech", 0);
  put_halo (store, HY_CACHE_KIND_TICKET_TYPE, 29, "Alert", 0);
  put_halo (store, HY_CACHE_KIND_STATUS, 9, "Closed", 0);

  company = hy_company_new ();
  company->id = g_strdup ("c1");
  company->name = g_strdup ("Acme Ltd");
  put (store, HY_RECORD_KIND_COMPANY, company);
  company = hy_company_new ();
  company->id = g_strdup ("c2");
  company->name = g_strdup ("Initech Ltd");
  put (store, HY_RECORD_KIND_COMPANY, company);
  location = hy_location_new ();
  location->id = g_strdup ("l1");
  location->company_id = g_strdup ("c1");
  location->name = g_strdup ("Head Office");
  put (store, HY_RECORD_KIND_LOCATION, location);
  computer = hy_computer_new ();
  computer->id = g_strdup ("pc1");
  computer->company_id = g_strdup ("c1");
  computer->name = g_strdup ("ACME-DC01");
  put (store, HY_RECORD_KIND_COMPUTER, computer);
  computer = hy_computer_new ();
  computer->id = g_strdup ("pc2");
  computer->company_id = g_strdup ("c2");
  computer->name = g_strdup ("INITECH-01");
  put (store, HY_RECORD_KIND_COMPUTER, computer);
  user = hy_user_new ();
  user->id = g_strdup ("u1");
  user->name = g_strdup ("Jane");
  user->email = g_strdup ("JANE@msp.example");
  put (store, HY_RECORD_KIND_USER, user);
  group = hy_group_new ();
  group->id = g_strdup ("g1");
  group->name = g_strdup ("Servers");
  put (store, HY_RECORD_KIND_GROUP, group);
  policy = hy_policy_new ();
  policy->id = g_strdup ("p1");
  policy->name = g_strdup ("Disk space low");
  put (store, HY_RECORD_KIND_POLICY, policy);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
}

/* ------------------------------------------------------------------------- */
/* Tests                                                                     */
/* ------------------------------------------------------------------------- */

static guint
count_linked (JsonNode *links)
{
  JsonArray *array = json_node_get_array (links);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (array, i), "linked"))
      n++;
  return n;
}

static void
test_link_auto (Fixture *f, gconstpointer data)
{
  JsonObject *root;
  JsonArray *array;
  JsonObject *object;

  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "auto", "--dry-run", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (run.json);
    root = json_node_get_object (run.json);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "linked")), ==, 4);
    g_assert_true (json_object_get_boolean_member (root, "dry_run"));
  }
  {
    g_auto (Run) run = { 0 };

    /* The dry run wrote nothing. */
    run_cli (f, &run, "--json", "links", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (run.json)), ==, 6);
    g_assert_cmpuint (count_linked (run.json), ==, 0);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "auto", NULL);
    g_assert_cmpint (run.status, ==, 0);
    root = json_node_get_object (run.json);
    array = json_object_get_array_member (root, "linked");
    g_assert_cmpuint (json_array_get_length (array), ==, 4);
    object = json_array_get_object_element (array, 0);
    g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "company");
    g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c1");
    g_assert_cmpint (json_object_get_int_member (object, "halo_id"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (object, "how"), ==, "auto");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "ambiguous")), ==,
                      0);

    /* Initech Ltd ≈ Initech Limited is left for review. */
    array = json_object_get_array_member (root, "suggestions");
    g_assert_cmpuint (json_array_get_length (array), ==, 1);
    object = json_array_get_object_element (array, 0);
    g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c2");
    g_assert_cmpint (json_object_get_int_member (object, "halo_id"), ==, 3);
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object,
                                                                                  "evidence"),
                                                    0),
                     ==, "legal suffix Ltd ≈ Limited");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "links", "--unlinked", NULL);
    g_assert_cmpint (run.status, ==, 0);
    array = json_node_get_array (run.json);
    g_assert_cmpuint (json_array_get_length (array), ==, 2);
    object = json_array_get_object_element (array, 0);
    g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c2");
    g_assert_true (json_object_get_null_member (object, "halo_id"));
    object = json_array_get_object_element (array, 1);
    g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "pc2");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "links", "computer", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (run.json)), ==, 2);
    g_assert_cmpuint (count_linked (run.json), ==, 1);
  }
  {
    g_auto (Run) run = { 0 };

    /* Human output. */
    run_cli (f, &run, "link", "auto", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Suggestion: company c2 “Initech Ltd” → client 3"));
    g_assert_nonnull (strstr (run.out, "legal suffix Ltd ≈ Limited"));
    g_assert_nonnull (strstr (run.out, "0 records linked"));
    /* pc2's company (Initech) is not linked yet. */
    g_assert_nonnull (strstr (run.out, "1 computer waits for its company to be linked"));
  }
}

static void
test_link_set_clear (Fixture *f, gconstpointer data)
{
  JsonObject *object;

  {
    g_auto (Run) run = { 0 };

    /* The computer's company is not linked yet. */
    run_cli (f, &run, "--json", "link", "set", "computer", "pc2", "100", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "company_not_linked");
    g_assert_cmpstr (run.out, ==, "");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "link", "set", "computer", "pc2", "100", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Link the company first"));
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "set", "company", "c2", "3", NULL);
    g_assert_cmpint (run.status, ==, 0);
    object = json_node_get_object (run.json);
    g_assert_cmpstr (json_object_get_string_member (object, "how"), ==, "manual");
    g_assert_cmpint (json_object_get_int_member (object, "halo_id"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (object, "halo_name"), ==, "Initech Limited");
  }
  {
    g_auto (Run) run = { 0 };

    /* The asset belongs to client 1, not to Initech's client 3. */
    run_cli (f, &run, "--json", "link", "set", "computer", "pc2", "100", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "wrong_client");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "set", "company", "c2", "404", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "halo_not_found");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "set", "company", "nope", "1", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "not_found");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "set", "widget", "c2", "1", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "usage");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "set", "company", "c2", "three", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "set", "company", "c2", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "usage");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "set", "company", "c2", "3", "--dry-run", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "clear", "company", "c2", NULL);
    g_assert_cmpint (run.status, ==, 0);
    object = json_node_get_object (run.json);
    g_assert_false (json_object_get_boolean_member (object, "linked"));
    g_assert_true (json_object_get_null_member (object, "how"));
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "link", "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
}

static void
test_link_reject (Fixture *f, gconstpointer data)
{
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "reject", "company", "c2", "3", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (json_object_get_boolean_member (json_node_get_object (run.json), "rejected"));
  }
  {
    g_auto (Run) run = { 0 };

    /* Initech Ltd ≈ Initech Limited is no longer suggested. */
    run_cli (f, &run, "--json", "link", "auto", "--dry-run", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (json_node_get_object (run.json),
                                                        "suggestions")),
                      ==, 0);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "link", "reject", "company", "nope", "3", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "not_found");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "link", "reject", "company", "c2", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
}

static void
test_map (Fixture *f, gconstpointer data)
{
  JsonObject *object;

  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "map", "group", "g1", "--client", "1", "--site", "10", NULL);
    g_assert_cmpint (run.status, ==, 0);
    object = json_node_get_object (run.json);
    g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "group");
    g_assert_true (json_object_get_boolean_member (object, "mapped"));
    g_assert_cmpint (json_object_get_int_member (object, "client_id"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (object, "site_id"), ==, 10);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "map", "group", "g1", "--client", "2", "--site", "10", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "wrong_client");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "map", "group", "g1", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "usage");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "map", "group", "g1", "--client", "1", "--ticket-type", "29", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "map", "group", "g1", "--client", "x", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "map", "policy", "p1", "--ticket-type", "29", "--close-status", "9",
             NULL);
    g_assert_cmpint (run.status, ==, 0);
    object = json_node_get_object (run.json);
    g_assert_cmpint (json_object_get_int_member (object, "ticket_type_id"), ==, 29);
    g_assert_cmpint (json_object_get_int_member (object, "close_status_id"), ==, 9);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "map", "policy", "p1", "--ticket-type", "30", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (error_code (&run), ==, "halo_not_found");
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "map", "policy", "p9", "--ticket-type", "29", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "p9"));
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "unmap", "group", "g1", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_false (json_object_get_boolean_member (json_node_get_object (run.json), "mapped"));
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "unmap", "policy", "p1", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto (Run) run = { 0 };

    run_cli (f, &run, "--json", "unmap", "site", "p1", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
}

int
main (int argc, char *argv[])
{
  const char *build_root;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  build_root = g_getenv ("HALYARD_BUILD_ROOT");
  g_assert_nonnull (build_root);
  cli_path = g_build_filename (build_root, "src", "cli", "halyard-cli", NULL);
  g_assert_true (g_file_test (cli_path, G_FILE_TEST_IS_EXECUTABLE));

  g_test_add ("/cli/link/auto", Fixture, NULL, fixture_set_up, test_link_auto, fixture_tear_down);
  g_test_add ("/cli/link/set-clear", Fixture, NULL, fixture_set_up, test_link_set_clear,
              fixture_tear_down);
  g_test_add ("/cli/link/reject", Fixture, NULL, fixture_set_up, test_link_reject,
              fixture_tear_down);
  g_test_add ("/cli/map", Fixture, NULL, fixture_set_up, test_map, fixture_tear_down);

  return g_test_run ();
}
