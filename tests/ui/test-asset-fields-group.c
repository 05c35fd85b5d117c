/* test-asset-fields-group.c — Setup's Asset Fields: the types Halyard read, each computer field
 * with the Halo field it goes to, a choice saved through the core (and the engine's fingerprints
 * forgotten so every asset gets the field there), a change from elsewhere shown at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-session.h"
#include "hy-ui-test.h"

#include <adwaita.h>
#include <stdlib.h>

#include "hy-asset-fields-group.h"
#include "store/hy-store-asset-fields.h"

static gboolean
shows_os_row (gpointer group)
{
  return hy_asset_fields_group_get_row (group, 130, "os") != NULL;
}

static gboolean
automatic_selected (gpointer row)
{
  return adw_combo_row_get_selected (row) == 0;
}

static void
test_asset_fields_group (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = hy_test_session_new_tmp ("halyard-asset-fields-XXXXXX", &dir);
  g_autoptr (HyAssetType) type = hy_asset_type_new (130, "Workstation", 101);
  g_autoptr (GHashTable) choices = NULL;
  g_autofree char *fingerprint = NULL;
  GtkWidget *group = g_object_ref_sink (hy_asset_fields_group_new ());
  HyStore *store;
  AdwComboRow *os, *mac;
  GListModel *model;

  g_assert_no_error (error);
  store = hy_session_get_store (session);
  hy_asset_fields_group_set_session (HY_ASSET_FIELDS_GROUP (group), session);
  /* Nothing read from Halo yet: no row to choose from. */
  g_assert_null (hy_asset_fields_group_get_row (HY_ASSET_FIELDS_GROUP (group), 130, "os"));

  /* A sync read the type: the group shows it at once (the store's "changed"). */
  hy_asset_type_add_field (type, 101, "Device Name");
  hy_asset_type_add_field (type, 148, "Model");
  hy_asset_type_add_field (type, 151, "Operating System");
  hy_asset_type_add_field (type, 153, "MAC Address");
  g_assert_true (hy_store_save_asset_type (store, type, &error));
  {
    HyComputer pc = { (char *) "pc1", (char *) "PC1" };

    g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, &pc, NULL, &error));
    g_assert_true (hy_store_set_asset_fingerprint (store, "pc1", "v2;name=abc", &error));
  }
  hy_test_wait_until (shows_os_row, group, "the Workstation type's rows");
  os = hy_asset_fields_group_get_row (HY_ASSET_FIELDS_GROUP (group), 130, "os");
  model = adw_combo_row_get_model (os);
  /* Automatic (the field whose name matches, named), Not sent, then Halo's fields but the
   * name's. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), ==,
                   "Automatic: Operating System");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 2), ==, "Model");
  g_assert_cmpuint (adw_combo_row_get_selected (os), ==, 0);

  /* The OS to Model: saved, and the fingerprints forgotten so the assets get it there. */
  adw_combo_row_set_selected (os, 2);
  choices = hy_store_get_asset_field_choices (store, 130, &error);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (choices, "os"), ==, 148);
  g_assert_true (hy_store_get_asset_fingerprint (store, "pc1", &fingerprint, &error));
  g_assert_null (fingerprint);
  g_clear_pointer (&choices, g_hash_table_unref);

  /* The MAC address nowhere. */
  mac = hy_asset_fields_group_get_row (HY_ASSET_FIELDS_GROUP (group), 130, "mac");
  adw_combo_row_set_selected (mac, 1);
  choices = hy_store_get_asset_field_choices (store, 130, &error);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (choices, "mac"), ==, 0);
  g_clear_pointer (&choices, g_hash_table_unref);

  /* A choice made elsewhere (halyard-cli map fields) shows once the store says so, in the same
   * rows (the keyboard focus stays where it was). */
  g_assert_true (hy_store_set_asset_field_choice (store, 130, "os", -1, &error));
  hy_test_wait_until (automatic_selected, os, "the choice made elsewhere");
  g_assert_true (hy_asset_fields_group_get_row (HY_ASSET_FIELDS_GROUP (group), 130, "os") == os);
  g_assert_true (hy_asset_fields_group_get_row (HY_ASSET_FIELDS_GROUP (group), 130, "mac") == mac);
  g_assert_cmpuint (adw_combo_row_get_selected (mac), ==, 1);
  choices = hy_store_get_asset_field_choices (store, 130, &error);
  g_assert_false (g_hash_table_contains (choices, "os"));

  g_object_unref (group);
  hy_test_session_remove_tmp (&session, &dir);
}

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add_func ("/asset-fields-group/choose", test_asset_fields_group);
  return g_test_run ();
}
