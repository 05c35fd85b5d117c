/* test-import-dialog.c — the window's import: a preview under the column map, a changed map,
 * nothing written before Import, what the import did
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-halo.h"
#include "hy-test-session.h"
#include "hy-ui-test.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "hy-import-dialog.h"
#include "models/hy-link-item.h"
#include "hy-retired-assets-row.h"

typedef struct
{
  char *dir;
  HyStore *store;
  HyImportResult *imported;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = hy_test_store_new_tmp ("halyard-import-dialog-XXXXXX", "halyard.db", &f->dir, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->imported);
  hy_test_store_remove_tmp (&f->store, &f->dir, NULL);
}

static void
imported_cb (HyImportDialog *dialog, HyImportResult *result, Fixture *f)
{
  g_set_object (&f->imported, result);
}

static gboolean
preview_shown (gpointer dialog)
{
  return hy_import_dialog_is_ready (dialog) || hy_import_dialog_get_error (dialog) != NULL;
}

/* Runs the main loop until the dialog has shown a preview (or an error). */
static void
wait_for_preview (HyImportDialog *dialog)
{
  hy_test_wait_until (preview_shown, dialog, "the import's preview");
}

static gboolean
is_set (gpointer pointer)
{
  return *(gpointer *) pointer != NULL;
}

static gboolean
is_cleared (gpointer pointer)
{
  return *(gpointer *) pointer == NULL;
}

/* Until the dialog has imported (its "imported" signal). */
static void
wait_imported (Fixture *f)
{
  hy_test_wait_until (is_set, &f->imported, "the import");
}

/* Until the dialog is gone (a weak pointer to it cleared). */
static void
wait_closed (HyImportDialog **dialog)
{
  hy_test_wait_until (is_cleared, dialog, "the import dialog closed");
}

static gint64
count_computers (Fixture *f)
{
  return hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, NULL, NULL);
}

static void
test_import_dialog_map (Fixture *f, gconstpointer data)
{
  g_autoptr (GFile) file = g_file_new_for_path (HY_TEST_IMPORT_DATA_DIR "/datto-rmm-devices.csv");
  HyImportDialog *dialog = hy_import_dialog_new (NULL, f->store, file);
  g_autoptr (HyComputer) dc = NULL;
  g_autofree char *setting = NULL;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "imported", G_CALLBACK (imported_cb), f);
  gtk_window_present (GTK_WINDOW (dialog));

  /* The map recognised from Datto RMM's headers; nothing written. */
  wait_for_preview (dialog);
  g_assert_null (hy_import_dialog_get_error (dialog));
  g_assert_cmpstr (hy_import_dialog_get_columns (dialog), ==,
                   "name=Hostname,company=Site Name,ip=Int IP Address,os=Operating System,"
                   "serial=Serial Number,last_seen=Last Seen");
  g_assert_cmpint (count_computers (f), ==, 0);

  /* No column for the name: refused, with the core's reason, Import insensitive. */
  hy_import_dialog_choose_field (dialog, 0, NULL);
  wait_for_preview (dialog);
  g_assert_nonnull (hy_import_dialog_get_error (dialog));
  g_assert_nonnull (strstr (hy_import_dialog_get_error (dialog), "“name”"));
  /* The fix in this dialog's words, not halyard-cli's. */
  g_assert_nonnull (
      strstr (hy_import_dialog_get_error (dialog), "Choose the field above its column."));
  g_assert_null (strstr (hy_import_dialog_get_error (dialog), "--columns"));
  g_assert_false (hy_import_dialog_is_ready (dialog));

  /* The description is the name. */
  hy_import_dialog_choose_field (dialog, 2, "name");
  wait_for_preview (dialog);
  g_assert_null (hy_import_dialog_get_error (dialog));
  g_assert_cmpstr (hy_import_dialog_get_columns (dialog), ==,
                   "company=Site Name,name=Description,ip=Int IP Address,os=Operating System,"
                   "serial=Serial Number,last_seen=Last Seen");
  g_assert_cmpint (count_computers (f), ==, 0);

  hy_import_dialog_confirm (dialog);
  wait_imported (f);
  g_assert_cmpuint (hy_import_result_get_added (f->imported, HY_RECORD_KIND_COMPUTER), ==, 3);
  dc = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "serial:SN-DC01", NULL);
  g_assert_cmpstr (dc->name, ==, "Domain controller");
  /* The dialog closed itself. */
  wait_closed (&dialog);
  /* The profile setting stays off unless switched on. */
  g_assert_true (hy_store_get_setting (f->store, "retired_assets", &setting, NULL));
  g_assert_null (setting);
}

static void
test_import_dialog_prune (Fixture *f, gconstpointer data)
{
  g_autoptr (GFile) datto = g_file_new_for_path (HY_TEST_IMPORT_DATA_DIR "/datto-rmm-devices.csv");
  g_autoptr (GFile) atera = g_file_new_for_path (HY_TEST_IMPORT_DATA_DIR "/atera-agents.csv");
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (HyImportResult) first = NULL;
  HyImportDialog *dialog;

  options.has_kind = TRUE;
  options.kind = HY_RECORD_KIND_COMPUTER;
  first = hy_import_file (f->store, datto, &options, NULL, NULL);
  g_assert_nonnull (first);

  dialog = hy_import_dialog_new (NULL, f->store, atera);
  g_signal_connect (dialog, "imported", G_CALLBACK (imported_cb), f);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_preview (dialog);
  g_assert_null (hy_import_dialog_get_error (dialog));
  hy_import_dialog_set_prune (dialog, TRUE);
  hy_import_dialog_confirm (dialog);
  wait_imported (f);
  g_assert_cmpuint (hy_import_result_get_added (f->imported, HY_RECORD_KIND_COMPUTER), ==, 1);
  g_assert_cmpuint (hy_import_result_get_retired (f->imported), ==, 3);

  /* Mapping shows them as retired. */
  {
    g_autoptr (GPtrArray) links =
        hy_store_list_links (f->store, HY_RECORD_KIND_COMPUTER, NULL, NULL);
    guint retired = 0;

    for (guint i = 0; i < links->len; i++)
      {
        g_autoptr (HyLinkItem) item = hy_link_item_new_from_link (links->pdata[i]);
        HyLink *link = links->pdata[i];

        if (link->retired != 0)
          {
            g_assert_cmpstr (hy_link_item_get_state (item), ==, "Not linked, retired");
            retired++;
          }
        else
          g_assert_cmpstr (hy_link_item_get_state (item), ==, "Not linked");
      }
    g_assert_cmpuint (retired, ==, 3);
  }
}

/* Writes @contents to @name in the fixture's folder "inventories" (made when missing). */
static void
write_inventory (Fixture *f, const char *name, const char *contents)
{
  g_autofree char *folder = g_build_filename (f->dir, "inventories", NULL);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
}

/* The fixture's FusionInventory output as another machine: @name, and the MAC address @mac
 * (the computer's identity when the BIOS has no serial). */
static char *
other_machine (const char *contents, const char *name, const char *mac)
{
  g_autofree char *element = g_strdup_printf ("<NAME>%s</NAME>", name);
  g_autoptr (GString) out = g_string_new (contents);

  g_string_replace (out, "<NAME>vm</NAME>", element, 0);
  g_string_replace (out, "02:fc:00:00:00:01", mac, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static HyImportDialog *
open_folder (Fixture *f, GFile *folder, HyImportDialog **weak)
{
  HyImportDialog *dialog = hy_import_dialog_new (NULL, f->store, folder);

  *weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) weak);
  g_signal_connect (dialog, "imported", G_CALLBACK (imported_cb), f);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_preview (dialog);
  return dialog;
}

/* A folder of inventories: every file checked before Import (the bad one named with its
 * element, nothing written), the company chosen instead of the TAG, retiring what the folder
 * lacks. */
static void
test_import_dialog_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *folder_path = g_build_filename (f->dir, "inventories", NULL);
  g_autofree char *bad_path = g_build_filename (folder_path, "z-bad.xml", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (folder_path);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyComputer) vm = NULL;
  g_autoptr (HyComputer) gone_now = NULL;
  HyCompany contoso = { (char *) "c-contoso", (char *) "Contoso" };
  HyComputer gone = { (char *) "pc-gone", (char *) "Gone" };
  HyImportDialog *dialog;

  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &contoso, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &gone, NULL, &error));
  g_assert_true (g_file_get_contents (HY_TEST_IMPORT_DATA_DIR "/fusioninventory-vm.xml", &contents,
                                      NULL, &error));
  g_assert_no_error (error);
  write_inventory (f, "a-vm.xml", contents);
  write_inventory (f, "README.txt", "not an inventory, not read");
  /* More inventories than a preview shows (the .ocs extension too). */
  for (guint i = 0; i < 24; i++)
    {
      g_autofree char *name = g_strdup_printf ("b-%02u.%s", i, i % 2 ? "ocs" : "xml");
      g_autofree char *host = g_strdup_printf ("host%02u", i);
      g_autofree char *mac = g_strdup_printf ("02:fc:00:00:01:%02x", i);
      g_autofree char *xml = other_machine (contents, host, mac);

      write_inventory (f, name, xml);
    }
  /* Past the rows shown: a file without the computer's name. */
  write_inventory (f, "z-bad.xml", "<REQUEST><CONTENT><HARDWARE>\n</HARDWARE></CONTENT></REQUEST>");

  dialog = open_folder (f, folder, &dialog);
  g_assert_nonnull (hy_import_dialog_get_error (dialog));
  g_assert_nonnull (strstr (hy_import_dialog_get_error (dialog), "z-bad.xml"));
  g_assert_nonnull (strstr (hy_import_dialog_get_error (dialog), "<CONTENT><HARDWARE><NAME>"));
  g_assert_false (hy_import_dialog_is_ready (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_closed (&dialog);
  g_assert_cmpint (count_computers (f), ==, 1);

  /* The same computer in two inventories: refused, naming the second. */
  {
    g_autofree char *dup_path = g_build_filename (folder_path, "z-bad.xml", NULL);

    g_assert_true (g_file_set_contents (dup_path, contents, -1, &error));
    dialog = open_folder (f, folder, &dialog);
    g_assert_nonnull (hy_import_dialog_get_error (dialog));
    g_assert_nonnull (strstr (hy_import_dialog_get_error (dialog), "z-bad.xml"));
    g_assert_nonnull (strstr (hy_import_dialog_get_error (dialog), "“vm”"));
    gtk_window_destroy (GTK_WINDOW (dialog));
    wait_closed (&dialog);
  }

  /* Without it: 25 inventories, the first 20 shown; into Contoso, the others retired. */
  g_assert_cmpint (g_unlink (bad_path), ==, 0);
  dialog = open_folder (f, folder, &dialog);
  g_assert_null (hy_import_dialog_get_error (dialog));
  g_assert_nonnull (strstr (hy_import_dialog_get_summary (dialog), "25"));
  g_assert_nonnull (strstr (hy_import_dialog_get_summary (dialog), "20"));
  g_assert_null (hy_import_dialog_get_columns (dialog));
  g_assert_false (hy_import_dialog_set_company (dialog, "c-nope"));
  g_assert_true (hy_import_dialog_set_company (dialog, "c-contoso"));
  hy_import_dialog_set_prune (dialog, TRUE);
  g_assert_cmpint (count_computers (f), ==, 1);
  hy_import_dialog_confirm (dialog);
  wait_imported (f);
  g_assert_cmpuint (hy_import_result_get_added (f->imported, HY_RECORD_KIND_COMPUTER), ==, 25);
  g_assert_cmpuint (hy_import_result_get_added (f->imported, HY_RECORD_KIND_COMPANY), ==, 0);
  g_assert_cmpuint (hy_import_result_get_retired (f->imported), ==, 1);
  vm = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "mac:02:fc:00:00:01:17", NULL);
  g_assert_nonnull (vm);
  g_assert_cmpstr (vm->name, ==, "host23");
  g_assert_cmpstr (vm->company_id, ==, "c-contoso");
  gone_now = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc-gone", NULL);
  g_assert_cmpint (gone_now->retired, !=, 0);
  wait_closed (&dialog);
}

/* Setup's switch reads the profile setting and saves it. */
static void
test_retired_assets_row (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = hy_test_session_new_tmp ("halyard-retired-row-XXXXXX", &dir);
  g_autofree char *value = NULL;
  GtkWidget *row = g_object_ref_sink (hy_retired_assets_row_new ());

  g_assert_true (
      hy_store_set_setting (hy_session_get_store (session), "retired_assets", "inactive", &error));
  hy_retired_assets_row_set_session (HY_RETIRED_ASSETS_ROW (row), session);
  g_assert_true (hy_retired_assets_row_get_active (HY_RETIRED_ASSETS_ROW (row)));

  hy_retired_assets_row_set_active (HY_RETIRED_ASSETS_ROW (row), FALSE);
  g_assert_true (
      hy_store_get_setting (hy_session_get_store (session), "retired_assets", &value, &error));
  g_assert_null (value);
  hy_retired_assets_row_set_active (HY_RETIRED_ASSETS_ROW (row), TRUE);
  g_assert_true (
      hy_store_get_setting (hy_session_get_store (session), "retired_assets", &value, &error));
  g_assert_cmpstr (value, ==, "inactive");

  g_object_unref (row);
  hy_test_session_remove_tmp (&session, &dir);
}

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add ("/import-dialog/map", Fixture, NULL, fixture_set_up, test_import_dialog_map,
              fixture_tear_down);
  g_test_add ("/import-dialog/prune", Fixture, NULL, fixture_set_up, test_import_dialog_prune,
              fixture_tear_down);
  g_test_add ("/import-dialog/folder", Fixture, NULL, fixture_set_up, test_import_dialog_folder,
              fixture_tear_down);
  g_test_add_func ("/import-dialog/retired-assets-row", test_retired_assets_row);
  return g_test_run ();
}
