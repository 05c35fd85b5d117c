/* test-import-foreign.c: RMM CSV exports with a column map, FusionInventory XML (the committed
 * output of Debian's fusioninventory-inventory, and the real program when installed), retired
 * computers, the preview, and every bad file refused with the store unchanged
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-import"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "import/hy-import.h"
#include "store/hy-store.h"
#include "hy-test-cases.h"
#include "hy-test-halo.h"

typedef HyTestStoreFixture Fixture;

#define remove_tree hy_test_remove_tree

static char *
data_path (const char *name)
{
  return g_build_filename (HY_TEST_DATA_DIR, name, NULL);
}

static HyImportResult *
import_path (Fixture *f, const char *path, const HyImportOptions *options, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  return hy_import_file (f->store, file, options, NULL, error);
}

static HyImportResult *
import_data (Fixture *f, const char *name, const HyImportOptions *options, GError **error)
{
  g_autofree char *path = data_path (name);

  return import_path (f, path, options, error);
}

/* Writes @text to @name in the fixture's folder (or a subfolder in @name). */
static char *
write_file (Fixture *f, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (parent, 0700);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* Every byte of the database file, and of its WAL: "nothing changed". */
static char *
store_bytes (Fixture *f)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (path, &contents, &length, NULL))
        g_checksum_update (sum, (const guchar *) contents, length);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static HyComputer *
get_computer (Fixture *f, const char *id)
{
  g_autoptr (GError) error = NULL;
  HyComputer *computer = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, id, &error);

  g_assert_no_error (error);
  return computer;
}

static gint64
count (Fixture *f, HyRecordKind kind)
{
  g_autoptr (GError) error = NULL;
  gint64 n = hy_store_count (f->store, kind, NULL, &error);

  g_assert_no_error (error);
  return n;
}

/* "Hostname=name,Site Name=company,…" of the result's map. */
static char *
map_text (HyImportResult *result)
{
  const char *const *headers = hy_import_result_get_headers (result);
  const char *const *fields = hy_import_result_get_header_fields (result);
  GString *out = g_string_new (NULL);

  g_assert_nonnull (headers);
  for (guint c = 0; headers[c] != NULL; c++)
    g_string_append_printf (out, "%s%s=%s", c ? "," : "", headers[c], fields[c] ? fields[c] : "-");
  return g_string_free (out, FALSE);
}

/* Imports the RMM export @name (tests/import/data) as computers, with the column map @columns
 * (NULL: guessed from the headers), and checks the map it read: @map, as map_text () writes it. */
static HyImportResult *
import_export (Fixture *f, const char *name, const char *columns, const char *map)
{
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autofree char *read = NULL;

  options.has_kind = TRUE;
  options.kind = HY_RECORD_KIND_COMPUTER;
  options.columns = columns;
  result = import_data (f, name, &options, &error);
  g_assert_no_error (error);
  read = map_text (result);
  g_assert_cmpstr (read, ==, map);
  return g_steal_pointer (&result);
}

#define DATTO_MAP                                                                            \
  "Hostname=name,Site Name=company,Description=-,Int IP Address=ip,Ext IP Address=-,"        \
  "Operating System=os,Serial Number=serial,Last Seen=last_seen,Last Audit=-,Device Type=-," \
  "Last User=-"

/* ---------------------------------------------------------------------------------------------
 * RMM exports
 * ------------------------------------------------------------------------------------------- */

static void
test_datto (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autoptr (HyImportResult) again = NULL;
  g_autoptr (HyComputer) dc = NULL;
  g_autoptr (HyComputer) fs = NULL;
  g_autoptr (HyCompany) acme = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *text = NULL;

  result = import_export (f, "datto-rmm-devices.csv", NULL, DATTO_MAP);
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_COMPUTER), ==, 3);
  /* The companies named in the file, created with ids made from their names. */
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_COMPANY), ==, 2);
  acme = hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "acme-ltd", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (acme->name, ==, "Acme Ltd");

  /* Ids: the serial, else the name. */
  dc = get_computer (f, "serial:SN-DC01");
  g_assert_cmpstr (dc->name, ==, "ACME-DC01");
  g_assert_cmpstr (dc->company_id, ==, "acme-ltd");
  g_assert_cmpstr (dc->ip, ==, "10.0.0.5");
  g_assert_cmpstr (dc->os, ==, "Microsoft Windows Server 2022 Standard");
  g_assert_true (g_str_has_prefix (dc->last_seen, "2026-11-20T10:00:00"));
  fs = get_computer (f, "name:globex-fs1");
  g_assert_cmpstr (fs->company_id, ==, "globex-corporation");
  g_assert_null (fs->serial);

  json = hy_import_result_to_json (result);
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"columns\":[{\"header\":\"Hostname\",\"field\":\"name\"}"));
  g_assert_nonnull (strstr (text, "{\"header\":\"Description\",\"field\":null}"));

  /* The same file again changes nothing. */
  again = import_export (f, "datto-rmm-devices.csv", NULL, DATTO_MAP);
  g_assert_cmpuint (hy_import_result_get_unchanged (again, HY_RECORD_KIND_COMPUTER), ==, 3);
  g_assert_cmpuint (hy_import_result_get_total_added (again), ==, 0);
  g_assert_cmpint (count (f, HY_RECORD_KIND_COMPANY), ==, 2);
}

/* NinjaOne (BOM, CRLF, semicolons, quoted lists) matches the company Datto created by name,
 * whatever its case; fields it does not give (the group) stay as they were. */
static void
test_ninjaone_matches_companies (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) datto = NULL;
  g_autoptr (HyImportResult) ninja = NULL;
  g_autoptr (HyComputer) dc = NULL;
  g_autoptr (HyComputer) laptop = NULL;
  HyGroup servers = { "g1", "Servers", NULL };

  datto = import_export (f, "datto-rmm-devices.csv", NULL, DATTO_MAP);
  /* The technician put the DC in a group (from Halyard's own JSON, say). */
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_GROUP, &servers, NULL, &error));
  dc = get_computer (f, "serial:SN-DC01");
  g_free (dc->group_id);
  dc->group_id = g_strdup ("g1");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, dc, NULL, &error));
  g_clear_pointer (&dc, hy_computer_free);

  ninja = import_export (f, "ninjaone-devices.csv", NULL,
                         "Display Name=name,Organization=company,Location=-,OS Name=os,"
                         "Serial Number=serial,IP Addresses=ip,MAC Addresses=mac,"
                         "Last Contact=last_seen,Device Role=-");
  g_assert_cmpuint (hy_import_result_get_updated (ninja, HY_RECORD_KIND_COMPUTER), ==, 1);
  g_assert_cmpuint (hy_import_result_get_added (ninja, HY_RECORD_KIND_COMPUTER), ==, 1);
  g_assert_cmpuint (hy_import_result_get_total_added (ninja), ==, 1);
  g_assert_cmpint (count (f, HY_RECORD_KIND_COMPANY), ==, 2);

  dc = get_computer (f, "serial:SN-DC01");
  g_assert_cmpstr (dc->company_id, ==, "acme-ltd");
  g_assert_cmpstr (dc->group_id, ==, "g1");
  g_assert_cmpstr (dc->mac, ==, "00:15:5D:01:02:03");
  g_assert_cmpstr (dc->last_seen, ==, "2026-11-21T08:00:00Z");
  laptop = get_computer (f, "serial:SN-LT03");
  g_assert_cmpstr (laptop->ip, ==, "10.0.0.33, 192.168.50.2");
}

/* N-central (tabs, a quoted newline), Atera, Tactical RMM, and Level with a map. */
static void
test_other_rmms (Fixture *f, gconstpointer data)
{
  struct
  {
    const char *file;
    const char *columns;
    const char *map;
    const char *id;
    const char *company;
  } cases[] = {
    { "n-central-devices.tsv", NULL,
      "Device Name=name,Customer=company,Site=-,OS=os,Network Address=ip,Serial Number=serial,"
      "Last Check-in=last_seen,Description=-",
      "serial:SN-SQL1", "initech" },
    { "atera-agents.csv", NULL,
      "Device name=name,Customer=company,OS=os,IP address=ip,MAC address=mac,"
      "Serial number=serial,Last seen=last_seen,Agent version=-",
      "serial:C02ZK1ABCDEF", "hooli" },
    { "tactical-rmm-agents.csv", NULL,
      "Hostname=name,Client=company,Site=-,Operating System=os,Serial Number=serial,"
      "Local IPs=ip,Last Seen=last_seen,Boot Time=-",
      "serial:VMware-42 1a 2b", "umbrella-corp" },
    /* What export scripts write from N-central's and Atera's APIs, NinjaOne's device grid. */
    { "n-central-api-devices.csv", NULL,
      "deviceId=id,longName=name,deviceClass=-,customerName=company,siteName=-,"
      "supportedOsLabel=os,discoveredName=-,lastLoggedInUser=-,"
      "lastApplianceCheckinTime=last_seen",
      "1918274", "wayne-enterprises" },
    { "atera-api-agents.csv", NULL,
      "AgentID=id,MachineName=name,AgentName=-,CustomerName=company,OS=os,IpAddresses=ip,"
      "MacAddresses=mac,VendorSerialNumber=serial,LastSeen=last_seen",
      "5501", "pied-piper" },
    { "ninjaone-device-grid.csv", NULL,
      "Device=name,Organization=company,Location=-,Health Detail=-", "name:cyberdyne-ws1",
      "cyberdyne-systems" },
    /* Level's "Group" is the customer: the technician says so. */
    { "level-devices.csv",
      "name=Hostname, company=Group,serial=\"Serial Number\",os=Operating System",
      "Hostname=name,Group=company,Operating System=os,Serial Number=serial,IP Address=-,"
      "MAC Address=-,Last Seen=-,Tags=-",
      "serial:SN-STARK1", "stark-industries" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (HyImportResult) result = NULL;
      g_autoptr (HyComputer) computer = NULL;

      g_test_message ("%s", cases[i].file);
      result = import_export (f, cases[i].file, cases[i].columns, cases[i].map);
      computer = get_computer (f, cases[i].id);
      g_assert_cmpstr (computer->company_id, ==, cases[i].company);
    }

  {
    g_autoptr (HyComputer) sql = get_computer (f, "serial:SN-SQL1");
    g_autoptr (HyComputer) wayne = get_computer (f, "1918274");
    g_autoptr (HyComputer) pied = get_computer (f, "5501");

    g_assert_cmpstr (sql->name, ==, "INITECH-SQL1");
    g_assert_cmpstr (wayne->name, ==, "WAYNE-LT07");
    g_assert_cmpstr (wayne->os, ==, "Microsoft Windows 11 Enterprise");
    g_assert_true (g_str_has_prefix (wayne->last_seen, "2026-11-21T03:12:30"));
    g_assert_cmpstr (pied->serial, ==, "PF3XYZ12");
    g_assert_cmpstr (pied->mac, ==, "00:1b:44:11:3a:b7");
  }
}

/* ---------------------------------------------------------------------------------------------
 * FusionInventory
 * ------------------------------------------------------------------------------------------- */

static void
check_vm (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) computers = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, NULL, &error);
  HyComputer *vm;

  g_assert_no_error (error);
  g_assert_cmpuint (computers->len, ==, 1);
  vm = computers->pdata[0];
  g_assert_cmpstr (vm->name, ==, name);
  /* Its first physical interface: what stays when the host name changes. */
  g_assert_cmpstr (vm->id, ==, "mac:02:fc:00:00:00:01");
  g_assert_cmpstr (vm->os, ==, "Debian GNU/Linux 12 (bookworm)");
  g_assert_cmpstr (vm->ip, ==, "192.0.2.2");
  g_assert_cmpstr (vm->mac, ==, "02:fc:00:00:00:01");
  g_assert_null (vm->serial);
  g_assert_true (g_str_has_prefix (vm->last_seen, "2026-12-06T19:45:"));
  /* The file's TAG is the company. */
  g_assert_cmpstr (vm->company_id, ==, "acme");
}

static void
test_fusioninventory_fixture (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) first = NULL;
  g_autoptr (HyImportResult) renamed = NULL;

  first = import_data (f, "fusioninventory-vm.xml", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_added (first, HY_RECORD_KIND_COMPUTER), ==, 1);
  g_assert_null (hy_import_result_get_headers (first));
  check_vm (f, "vm");

  /* The same machine after its host name changed: the same computer, updated. */
  renamed = import_data (f, "fusioninventory-vm-renamed.xml", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_updated (renamed, HY_RECORD_KIND_COMPUTER), ==, 1);
  g_assert_cmpuint (hy_import_result_get_total_added (renamed), ==, 0);
  check_vm (f, "vm-renamed");
}

/* --company instead of the TAG; a folder of inventories. */
static void
test_fusioninventory_company_and_folder (Fixture *f, gconstpointer data)
{
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autoptr (HyComputer) vm = NULL;
  g_autofree char *fixture = data_path ("fusioninventory-vm.xml");
  g_autofree char *contents = NULL;
  g_autofree char *other = NULL;
  g_autofree char *folder = g_build_filename (f->dir, "inventories", NULL);
  HyCompany c = { "c1", "Contoso" };

  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_true (g_file_get_contents (fixture, &contents, NULL, &error));
  g_free (write_file (f, "inventories/vm.xml", contents));
  /* Another machine: another MAC address and name. */
  other = g_strdup (contents);
  memcpy (strstr (other, "<NAME>vm</NAME>"), "<NAME>v2</NAME>", 15);
  for (char *p = strstr (other, "02:fc:00:00:00:01"); p != NULL;
       p = strstr (p, "02:fc:00:00:00:01"))
    memcpy (p, "02:fc:00:00:00:02", 17);
  g_free (write_file (f, "inventories/v2.ocs", other));
  g_free (write_file (f, "inventories/README.txt", "not an inventory, not read"));

  options.company_id = "c1";
  result = import_path (f, folder, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_COMPUTER), ==, 2);
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_COMPANY), ==, 0);
  vm = get_computer (f, "mac:02:fc:00:00:00:02");
  g_assert_cmpstr (vm->name, ==, "v2");
  g_assert_cmpstr (vm->company_id, ==, "c1");

  /* A company that does not exist. */
  options.company_id = "nope";
  g_assert_null (import_path (f, folder, &options, &error));
  g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE);
  g_assert_nonnull (strstr (error->message, "nope"));
}

/* The real program, when installed: its output now, then again in a UTS namespace with another
 * host name → the same computer, updated, one computer. */
static void
test_fusioninventory_real (Fixture *f, gconstpointer data)
{
  const char *argv_first[] = { "fusioninventory-inventory", "--tag=acme",
                               "--no-category=software,process,environment,user,local_user,"
                               "local_group",
                               NULL };
  const char *argv_renamed[] = {
    "unshare",
    "-r",
    "--uts",
    "sh",
    "-c",
    "hostname halyard-renamed && exec fusioninventory-inventory --tag=acme "
    "--no-category=software,process,environment,user,local_user,local_group",
    NULL
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) first = NULL;
  g_autoptr (HyImportResult) renamed = NULL;
  g_autoptr (GPtrArray) computers = NULL;
  g_autofree char *out = NULL;
  g_autofree char *path = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  int status = 0;

  if (g_find_program_in_path ("fusioninventory-inventory") == NULL)
    {
      g_test_skip ("fusioninventory-inventory is not installed (apt install "
                   "fusioninventory-agent)");
      return;
    }

  g_assert_true (g_spawn_sync (NULL, (char **) argv_first, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  path = write_file (f, "first.xml", out);
  first = import_path (f, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_added (first, HY_RECORD_KIND_COMPUTER), ==, 1);
  computers = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, NULL, &error);
  first_id = g_strdup (((HyComputer *) computers->pdata[0])->id);
  first_name = g_strdup (((HyComputer *) computers->pdata[0])->name);
  g_assert_cmpstr (first_name, ==, g_get_host_name ());
  g_clear_pointer (&computers, g_ptr_array_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&path, g_free);

  if (!g_spawn_sync (NULL, (char **) argv_renamed, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                     &err2, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("no user and UTS namespace here (unshare -r --uts) to change the host name");
      return;
    }
  path = write_file (f, "renamed.xml", out);
  renamed = import_path (f, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_updated (renamed, HY_RECORD_KIND_COMPUTER), ==, 1);
  g_assert_cmpuint (hy_import_result_get_total_added (renamed), ==, 0);
  computers = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, NULL, &error);
  g_assert_cmpuint (computers->len, ==, 1);
  g_assert_cmpstr (((HyComputer *) computers->pdata[0])->id, ==, first_id);
  g_assert_cmpstr (((HyComputer *) computers->pdata[0])->name, ==, "halyard-renamed");
}

/* ---------------------------------------------------------------------------------------------
 * Retired computers
 * ------------------------------------------------------------------------------------------- */

static void
test_prune (Fixture *f, gconstpointer data)
{
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) all = NULL;
  g_autoptr (HyImportResult) pruned = NULL;
  g_autoptr (HyImportResult) pruned_again = NULL;
  g_autoptr (HyImportResult) back = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *two = NULL;
  g_autofree char *text = NULL;
  g_autofree char *datto = data_path ("datto-rmm-devices.csv");
  g_autofree char *contents = NULL;
  char *cut;

  options.has_kind = TRUE;
  options.kind = HY_RECORD_KIND_COMPUTER;
  all = import_path (f, datto, &options, &error);
  g_assert_no_error (error);

  /* The export without its last device. */
  g_assert_true (g_file_get_contents (datto, &contents, NULL, &error));
  cut = strstr (contents, "\"GLOBEX-FS1\"");
  *cut = '\0';
  two = write_file (f, "two.csv", contents);

  options.prune = TRUE;
  pruned = import_path (f, two, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_retired (pruned), ==, 1);
  g_assert_cmpint (count (f, HY_RECORD_KIND_COMPUTER), ==, 3); /* never deleted */
  {
    g_autoptr (HyComputer) fs = get_computer (f, "name:globex-fs1");
    g_autoptr (HyComputer) dc = get_computer (f, "serial:SN-DC01");
    g_assert_cmpint (fs->retired, >, 0);
    g_assert_cmpint (dc->retired, ==, 0);
  }
  json = hy_import_result_to_json (pruned);
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"retired\":{\"computers\":1}"));

  /* Twice: nothing more to retire. */
  pruned_again = import_path (f, two, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_retired (pruned_again), ==, 0);

  /* It returns (an import without --prune brings it back too). */
  options.prune = FALSE;
  back = import_path (f, datto, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_returned (back), ==, 1);
  {
    g_autoptr (HyComputer) fs = get_computer (f, "name:globex-fs1");
    g_assert_cmpint (fs->retired, ==, 0);
  }

  /* --prune with a file of no computers would retire everything: refused. */
  options.prune = TRUE;
  options.kind = HY_RECORD_KIND_COMPANY;
  g_free (write_file (f, "companies.csv", "id,name\nc9,Nine\n"));
  {
    g_autofree char *path = g_build_filename (f->dir, "companies.csv", NULL);
    g_autofree char *before = store_bytes (f);
    g_autofree char *after = NULL;

    g_assert_null (import_path (f, path, &options, &error));
    g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_MISSING_FIELD);
    after = store_bytes (f);
    g_assert_cmpstr (after, ==, before);
  }
}

/* ---------------------------------------------------------------------------------------------
 * Preview
 * ------------------------------------------------------------------------------------------- */

static void
test_preview (Fixture *f, gconstpointer data)
{
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportPreview) preview = NULL;
  g_autoptr (HyImportPreview) changed = NULL;
  g_autoptr (HyImportPreview) xml = NULL;
  g_autofree char *path = data_path ("datto-rmm-devices.csv");
  g_autofree char *xml_path = data_path ("fusioninventory-vm.xml");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) xml_file = g_file_new_for_path (xml_path);
  g_autofree char *columns = NULL;
  g_autofree char *columns2 = NULL;
  g_autofree char *before = store_bytes (f);
  g_autofree char *after = NULL;
  const char *const *fields;

  options.has_kind = TRUE;
  options.kind = HY_RECORD_KIND_COMPUTER;
  preview = hy_import_preview_file (file, &options, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hy_import_preview_get_format (preview), ==, HY_IMPORT_FORMAT_CSV);
  g_assert_cmpuint (hy_import_preview_get_n_columns (preview), ==, 11);
  g_assert_cmpstr (hy_import_preview_get_header (preview, 1), ==, "Site Name");
  g_assert_cmpstr (hy_import_preview_get_field (preview, 1), ==, "company");
  g_assert_null (hy_import_preview_get_field (preview, 2));
  g_assert_cmpuint (hy_import_preview_get_n_rows (preview), ==, 2);
  g_assert_cmpstr (hy_import_preview_get_row (preview, 1)[2], ==, "Reception, front desk");
  columns = hy_import_preview_dup_columns (preview);
  g_assert_cmpstr (columns, ==,
                   "name=Hostname,company=Site Name,ip=Int IP Address,os=Operating System,"
                   "serial=Serial Number,last_seen=Last Seen");

  /* The technician reads the description as the name instead. */
  options.columns = "name=Description,company=Site Name";
  changed = hy_import_preview_file (file, &options, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (hy_import_preview_get_field (changed, 0));
  g_assert_cmpstr (hy_import_preview_get_field (changed, 2), ==, "name");
  columns2 = hy_import_preview_dup_columns (changed);
  g_assert_cmpstr (columns2, ==, "company=Site Name,name=Description");

  fields = hy_import_preview_list_fields (HY_RECORD_KIND_COMPUTER);
  g_assert_cmpstr (fields[0], ==, "id");
  g_assert_cmpstr (fields[9], ==, "last_seen");
  g_assert_null (fields[10]);

  xml = hy_import_preview_file (xml_file, NULL, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hy_import_preview_get_format (xml), ==, HY_IMPORT_FORMAT_XML);
  g_assert_cmpuint (hy_import_preview_get_n_rows (xml), ==, 1);
  g_assert_cmpstr (hy_import_preview_get_row (xml, 0)[1], ==, "vm");
  g_assert_cmpstr (hy_import_preview_get_row (xml, 0)[2], ==, "acme");

  /* Nothing was written. */
  g_assert_cmpint (count (f, HY_RECORD_KIND_COMPUTER), ==, 0);
  after = store_bytes (f);
  g_assert_cmpstr (after, ==, before);
}

/* ---------------------------------------------------------------------------------------------
 * Bad files: refused with the file, the line or element and the field; the store unchanged
 * ------------------------------------------------------------------------------------------- */

typedef struct
{
  const char *test;
  const char *file; /* written in the fixture's folder; a "dir/" prefix makes a folder */
  const char *text;
  const char *second; /* a second file of the folder, or NULL */
  const char *second_text;
  const char *columns; /* --columns */
  HyImportError code;
  const char *expect[4]; /* substrings of the message */
} BadFile;

static const char good_inventory[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST>\n  <CONTENT>\n    <HARDWARE>\n"
    "      <NAME>good</NAME>\n    </HARDWARE>\n    <BIOS>\n      <SSN>SN-GOOD</SSN>\n"
    "    </BIOS>\n  </CONTENT>\n  <DEVICEID>good-2026-12-06-10-00-00</DEVICEID>\n"
    "  <QUERY>INVENTORY</QUERY>\n</REQUEST>\n";

static const BadFile bad_files[] = {
  /* The header uses semicolons, a row commas: the guess cannot hold. */
  { "wrong-delimiter",
    "devices.csv",
    "Hostname;Site Name;Serial Number\nPC1;Acme;SN1\nPC2,Acme,SN2\n",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_SYNTAX,
    { "devices.csv", "Line 3", "semicolons" } },
  { "header-missing",
    "devices.csv",
    "Site Name,Serial Number\nAcme,SN1\n",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "devices.csv", "Line 1", "“name”", "Add that column" } },
  { "header-unknown",
    "devices.csv",
    "Gerät,Kunde\nPC1,Acme\n",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "devices.csv", "“Gerät”, “Kunde”", "“name”" } },
  { "map-header-absent",
    "devices.csv",
    "Hostname,Site Name\nPC1,Acme\n",
    NULL,
    NULL,
    "name=Hostnme",
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "devices.csv", "“Hostnme”", "“Hostname”, “Site Name”" } },
  { "map-field-unknown",
    "devices.csv",
    "Hostname,Site Name\nPC1,Acme\n",
    NULL,
    NULL,
    "hostname=Hostname",
    HY_IMPORT_ERROR_SYNTAX,
    { "“hostname”", "last_seen" } },
  { "map-syntax",
    "devices.csv",
    "Hostname,Site Name\nPC1,Acme\n",
    NULL,
    NULL,
    "name",
    HY_IMPORT_ERROR_SYNTAX,
    { "FIELD=HEADER" } },
  { "bad-row",
    "devices.csv",
    "Hostname,Site Name,Last Seen\nPC1,Acme,2026-11-20 10:00\nPC2,Acme,yesterday\n",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "devices.csv", "Line 3", "last_seen", "yesterday" } },
  { "row-without-name",
    "devices.csv",
    "Hostname,Site Name\nPC1,Acme\n,Acme\n",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "devices.csv", "Line 3", "“name”" } },
  { "xml-not-inventory",
    "page.xml",
    "<html><body>hello</body></html>",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_UNKNOWN_FORMAT,
    { "page.xml", "line 1", "<html>", "<REQUEST>" } },
  { "xml-prolog",
    "prolog.xml",
    "<?xml version=\"1.0\"?>\n<REQUEST><DEVICEID>x</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_UNKNOWN_FORMAT,
    { "prolog.xml", "PROLOG" } },
  { "xml-no-name",
    "noname.xml",
    "<REQUEST>\n<CONTENT>\n<HARDWARE>\n<NAME>  </NAME>\n</HARDWARE>\n</CONTENT>\n</REQUEST>",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "noname.xml", "line 4", "<HARDWARE><NAME>" } },
  { "xml-broken",
    "broken.xml",
    "<REQUEST><CONTENT><HARDWARE><NAME>x</NAME></CONTENT></REQUEST>",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_SYNTAX,
    { "broken.xml", "XML", "HARDWARE" } },
  { "xml-bad-date",
    "date.xml",
    "<REQUEST><CONTENT><ACCESSLOG>\n<LOGDATE>last tuesday</LOGDATE></ACCESSLOG><HARDWARE>"
    "<NAME>x</NAME></HARDWARE><BIOS><SSN>S1</SSN></BIOS></CONTENT></REQUEST>",
    NULL,
    NULL,
    NULL,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "date.xml", "line 2", "LOGDATE", "tuesday" } },
  { "folder-one-bad",
    "inventories/a-good.xml",
    good_inventory,
    "inventories/b-bad.xml",
    "<REQUEST><CONTENT><HARDWARE></HARDWARE></CONTENT></REQUEST>",
    NULL,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "b-bad.xml", "<CONTENT><HARDWARE><NAME>" } },
  { "folder-same-machine",
    "inventories/a.xml",
    good_inventory,
    "inventories/b.xml",
    good_inventory,
    NULL,
    HY_IMPORT_ERROR_DUPLICATE_ID,
    { "b.xml", "line 5", "good" } },
};

static void
test_bad_file (Fixture *f, gconstpointer data)
{
  const BadFile *bad = data;
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) seeded = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *datto = data_path ("datto-rmm-devices.csv");

  /* Something to keep. */
  options.has_kind = TRUE;
  options.kind = HY_RECORD_KIND_COMPUTER;
  seeded = import_path (f, datto, &options, &error);
  g_assert_no_error (error);

  path = write_file (f, bad->file, bad->text);
  if (bad->second != NULL)
    g_free (write_file (f, bad->second, bad->second_text));
  if (strchr (bad->file, '/') != NULL)
    {
      g_free (path);
      path = g_build_filename (f->dir, "inventories", NULL);
    }
  if (g_str_has_suffix (bad->file, ".xml"))
    options.has_kind = FALSE;
  options.columns = bad->columns;
  options.prune = TRUE;

  before = store_bytes (f);
  g_assert_null (import_path (f, path, &options, &error));
  g_assert_error (error, HY_IMPORT_ERROR, bad->code);
  g_test_message ("%s", error->message);
  hy_test_assert_message_has (error, bad->expect, G_N_ELEMENTS (bad->expect));
  after = store_bytes (f);
  g_assert_cmpstr (after, ==, before);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func, data) hy_test_add_store (name, data, func)
  ADD ("/import/foreign/datto", test_datto, NULL);
  ADD ("/import/foreign/ninjaone", test_ninjaone_matches_companies, NULL);
  ADD ("/import/foreign/other-rmms", test_other_rmms, NULL);
  ADD ("/import/foreign/fusioninventory/fixture", test_fusioninventory_fixture, NULL);
  ADD ("/import/foreign/fusioninventory/company-folder", test_fusioninventory_company_and_folder,
       NULL);
  ADD ("/import/foreign/fusioninventory/real", test_fusioninventory_real, NULL);
  ADD ("/import/foreign/prune", test_prune, NULL);
  ADD ("/import/foreign/preview", test_preview, NULL);
  hy_test_add_store_table ("/import/foreign/bad", bad_files, test_bad_file);
#undef ADD

  return g_test_run ();
}
