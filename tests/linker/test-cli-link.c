/* test-cli-link.c: halyard-cli link, links, map and unmap, run as a program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-cli-link"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "hy-test-halo.h"
#include "hy-test-session.h"

static char *cli_path;

typedef struct
{
  char *dir;
} Fixture;

/* A halyard-cli run and what it must answer: @json runs it with --json; @status is its exit
 * status; @code (when set) the --json error code, with a message; @err (when set) a part of
 * what it writes on stderr. */
typedef struct
{
  gboolean json;
  const char *const args[10];
  int status;
  const char *code;
  const char *err;
} CliCase;

#define JSON  TRUE
#define PLAIN FALSE

/* Runs `halyard-cli --data-dir DIR [--json] ARGS…` (ARGS NULL-terminated). */
static int
run_cli (Fixture *f, HyTestCliRun *run, gboolean json, const char *const *args)
{
  if (json)
    return hy_test_cli_runv (cli_path, f->dir, NULL, run, args);
  return hy_test_cli_run_plainv (cli_path, f->dir, run, args);
}

#define run_json(f, run, ...) run_cli ((f), (run), JSON, (const char *const[]){ __VA_ARGS__, NULL })
#define run_plain(f, run, ...) \
  run_cli ((f), (run), PLAIN, (const char *const[]){ __VA_ARGS__, NULL })

/* Runs each of @cases in turn and checks its answer; a refusal writes nothing on stdout. */
static void
run_cases (Fixture *f, const CliCase *cases, gsize n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      const CliCase *c = &cases[i];
      g_auto (HyTestCliRun) run = { 0 };

      g_test_message ("case %" G_GSIZE_FORMAT ": %s %s %s", i, c->args[0], c->args[1],
                      c->args[2] != NULL ? c->args[2] : "");
      g_assert_cmpint (run_cli (f, &run, c->json, c->args), ==, c->status);
      if (c->code != NULL)
        {
          g_assert_cmpstr (run.code, ==, c->code);
          g_assert_nonnull (run.message);
        }
      if (c->err != NULL)
        g_assert_nonnull (strstr (run.err, c->err));
      if (c->json && c->status != 0)
        g_assert_cmpstr (run.out, ==, "");
    }
}

/* ------------------------------------------------------------------------- */
/* Fixture                                                                   */
/* ------------------------------------------------------------------------- */

/* Halo: three clients, a site each for the first two, an asset of the first, an agent, a
 * ticket type and Closed. */
static const HyTestHaloRecord halo_records[] = {
  { HY_CACHE_KIND_CLIENT, 1, "Acme Ltd" },
  { HY_CACHE_KIND_CLIENT, 2, "Globex" },
  { HY_CACHE_KIND_CLIENT, 3, "Initech Limited" },
  { HY_CACHE_KIND_SITE, 10, "Head Office", .client_id = 1 },
  { HY_CACHE_KIND_SITE, 20, "Globex HQ", .client_id = 2 },
  { HY_CACHE_KIND_ASSET, 100, "ACME-DC01", .client_id = 1 },
  { HY_CACHE_KIND_AGENT, 7, "Jane Tech", .email = "jane@msp.example" },
  { HY_CACHE_KIND_TICKET_TYPE, 29, "Alert" },
  { HY_CACHE_KIND_STATUS, 9, "Closed" },
};

/* The inventory: Acme matches its client exactly, Initech Ltd only nearly. */
static const HyTestRecord inventory[] = {
  { HY_RECORD_KIND_COMPANY, "c1", "Acme Ltd" },
  { HY_RECORD_KIND_COMPANY, "c2", "Initech Ltd" },
  { HY_RECORD_KIND_LOCATION, "l1", "Head Office", .company_id = "c1" },
  { HY_RECORD_KIND_COMPUTER, "pc1", "ACME-DC01", .company_id = "c1" },
  { HY_RECORD_KIND_COMPUTER, "pc2", "INITECH-01", .company_id = "c2" },
  { HY_RECORD_KIND_USER, "u1", "Jane", .email = "JANE@msp.example" },
  { HY_RECORD_KIND_GROUP, "g1", "Servers" },
  { HY_RECORD_KIND_POLICY, "p1", "Disk space low" },
};

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HyStore) store = NULL;

  f->dir = hy_test_make_tmp_dir ("halyard-cli-link-XXXXXX");
  path = hy_store_build_path (f->dir);
  store = hy_store_open (path, &error);
  g_assert_no_error (error);

  hy_test_store_add_halo_records (store, halo_records, G_N_ELEMENTS (halo_records));
  hy_test_store_add_records (store, inventory, G_N_ELEMENTS (inventory));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  hy_test_remove_tree (f->dir);
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

/* A dry run says what it would link and writes nothing. */
static void
check_link_auto_dry_run (Fixture *f)
{
  g_auto (HyTestCliRun) run = { 0 };
  JsonObject *root;

  g_assert_cmpint (run_json (f, &run, "link", "auto", "--dry-run"), ==, 0);
  g_assert_nonnull (run.json);
  root = json_node_get_object (run.json);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "linked")), ==, 4);
  g_assert_true (json_object_get_boolean_member (root, "dry_run"));

  g_assert_cmpint (run_json (f, &run, "links"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (run.json)), ==, 6);
  g_assert_cmpuint (count_linked (run.json), ==, 0);
}

/* Linking: exact matches linked, Initech Ltd ≈ Initech Limited left for review. */
static void
check_link_auto_links (Fixture *f)
{
  g_auto (HyTestCliRun) run = { 0 };
  JsonObject *root;
  JsonArray *array;
  JsonObject *object;

  g_assert_cmpint (run_json (f, &run, "link", "auto"), ==, 0);
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

  array = json_object_get_array_member (root, "suggestions");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c2");
  g_assert_cmpint (json_object_get_int_member (object, "halo_id"), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "evidence"),
                                                  0),
                   ==, "legal suffix Ltd ≈ Limited");
}

/* What is left unlinked, and the links of one kind. */
static void
check_links_listed (Fixture *f)
{
  g_auto (HyTestCliRun) run = { 0 };
  JsonArray *array;
  JsonObject *object;

  g_assert_cmpint (run_json (f, &run, "links", "--unlinked"), ==, 0);
  array = json_node_get_array (run.json);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "c2");
  g_assert_true (json_object_get_null_member (object, "halo_id"));
  object = json_array_get_object_element (array, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "pc2");

  g_assert_cmpint (run_json (f, &run, "links", "computer"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (run.json)), ==, 2);
  g_assert_cmpuint (count_linked (run.json), ==, 1);
}

static void
test_link_auto (Fixture *f, gconstpointer data)
{
  g_auto (HyTestCliRun) run = { 0 };

  check_link_auto_dry_run (f);
  check_link_auto_links (f);
  check_links_listed (f);

  /* Human output. */
  g_assert_cmpint (run_plain (f, &run, "link", "auto"), ==, 0);
  g_assert_nonnull (strstr (run.out, "Suggestion: company c2 “Initech Ltd” → client 3"));
  g_assert_nonnull (strstr (run.out, "legal suffix Ltd ≈ Limited"));
  g_assert_nonnull (strstr (run.out, "0 records linked"));
  /* pc2's company (Initech) is not linked yet. */
  g_assert_nonnull (strstr (run.out, "1 computer waits for its company to be linked"));
}

/* The computer's company is not linked yet. */
static const CliCase set_before_company[] = {
  { JSON, { "link", "set", "computer", "pc2", "100" }, 2, "company_not_linked" },
  { PLAIN, { "link", "set", "computer", "pc2", "100" }, 2, .err = "Link the company first" },
};

/* Refused, once Initech is linked to client 3. */
static const CliCase set_refused[] = {
  /* The asset belongs to client 1, not to Initech's client 3. */
  { JSON, { "link", "set", "computer", "pc2", "100" }, 2, "wrong_client" },
  { JSON, { "link", "set", "company", "c2", "404" }, 2, "halo_not_found" },
  { JSON, { "link", "set", "company", "nope", "1" }, 2, "not_found" },
  { JSON, { "link", "set", "widget", "c2", "1" }, 2, "usage" },
  { JSON, { "link", "set", "company", "c2", "three" }, 2 },
  { JSON, { "link", "set", "company", "c2" }, 2, "usage" },
  { JSON, { "link", "set", "company", "c2", "3", "--dry-run" }, 2 },
};

static void
test_link_set_clear (Fixture *f, gconstpointer data)
{
  g_auto (HyTestCliRun) run = { 0 };
  JsonObject *object;

  run_cases (f, set_before_company, G_N_ELEMENTS (set_before_company));

  g_assert_cmpint (run_json (f, &run, "link", "set", "company", "c2", "3"), ==, 0);
  object = json_node_get_object (run.json);
  g_assert_cmpstr (json_object_get_string_member (object, "how"), ==, "manual");
  g_assert_cmpint (json_object_get_int_member (object, "halo_id"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (object, "halo_name"), ==, "Initech Limited");

  run_cases (f, set_refused, G_N_ELEMENTS (set_refused));

  g_assert_cmpint (run_json (f, &run, "link", "clear", "company", "c2"), ==, 0);
  object = json_node_get_object (run.json);
  g_assert_false (json_object_get_boolean_member (object, "linked"));
  g_assert_true (json_object_get_null_member (object, "how"));

  g_assert_cmpint (run_plain (f, &run, "link", "frobnicate"), ==, 2);
}

static const CliCase reject_refused[] = {
  { JSON, { "link", "reject", "company", "nope", "3" }, 2, "not_found" },
  { PLAIN, { "link", "reject", "company", "c2" }, 2 },
};

static void
test_link_reject (Fixture *f, gconstpointer data)
{
  g_auto (HyTestCliRun) run = { 0 };

  g_assert_cmpint (run_json (f, &run, "link", "reject", "company", "c2", "3"), ==, 0);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (run.json), "rejected"));

  /* Initech Ltd ≈ Initech Limited is no longer suggested. */
  g_assert_cmpint (run_json (f, &run, "link", "auto", "--dry-run"), ==, 0);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (run.json),
                                                      "suggestions")),
                    ==, 0);

  run_cases (f, reject_refused, G_N_ELEMENTS (reject_refused));
}

/* Refused once g1 is mapped to client 1, site 10. */
static const CliCase map_group_refused[] = {
  { JSON, { "map", "group", "g1", "--client", "2", "--site", "10" }, 2, "wrong_client" },
  { JSON, { "map", "group", "g1" }, 2, "usage" },
  { JSON, { "map", "group", "g1", "--client", "1", "--ticket-type", "29" }, 2 },
  { JSON, { "map", "group", "g1", "--client", "x" }, 2 },
};

static const CliCase map_policy_refused[] = {
  { JSON, { "map", "policy", "p1", "--ticket-type", "30" }, 2, "halo_not_found" },
  { PLAIN, { "map", "policy", "p9", "--ticket-type", "29" }, 2, .err = "p9" },
};

static const CliCase unmap_cases[] = {
  { PLAIN, { "unmap", "policy", "p1" }, 0 },
  { JSON, { "unmap", "site", "p1" }, 2 },
};

static void
test_map (Fixture *f, gconstpointer data)
{
  g_auto (HyTestCliRun) run = { 0 };
  JsonObject *object;

  g_assert_cmpint (run_json (f, &run, "map", "group", "g1", "--client", "1", "--site", "10"), ==,
                   0);
  object = json_node_get_object (run.json);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "group");
  g_assert_true (json_object_get_boolean_member (object, "mapped"));
  g_assert_cmpint (json_object_get_int_member (object, "client_id"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "site_id"), ==, 10);
  run_cases (f, map_group_refused, G_N_ELEMENTS (map_group_refused));

  g_assert_cmpint (run_json (f, &run, "map", "policy", "p1", "--ticket-type", "29",
                             "--close-status", "9"),
                   ==, 0);
  object = json_node_get_object (run.json);
  g_assert_cmpint (json_object_get_int_member (object, "ticket_type_id"), ==, 29);
  g_assert_cmpint (json_object_get_int_member (object, "close_status_id"), ==, 9);
  run_cases (f, map_policy_refused, G_N_ELEMENTS (map_policy_refused));

  g_assert_cmpint (run_json (f, &run, "unmap", "group", "g1"), ==, 0);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (run.json), "mapped"));
  run_cases (f, unmap_cases, G_N_ELEMENTS (unmap_cases));
}

int
main (int argc, char *argv[])
{
  const char *build_root;

  setlocale (LC_ALL, "C.UTF-8");
  hy_test_init (&argc, &argv);

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
