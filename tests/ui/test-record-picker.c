/* test-record-picker.c — HyRecordPicker: filtering 10 000 Halo clients, keyboard picking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-views.h"
#include "hy-ui-test.h"

#include <adwaita.h>

#include "hy-record-picker.h"

#define N_CLIENTS 10000

static GListModel *
make_clients (void)
{
  GListStore *store = g_list_store_new (HY_TYPE_HALO_ITEM);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *name =
          g_strdup_printf ("%s Client %05u", i % 100 == 0 ? "Ácme" : "Contoso", i);
      HyHaloItem *item = hy_halo_item_new (1000 + i, name, i % 2 ? "Top level" : NULL);

      hy_halo_item_set_parent_id (item, i % 10);
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (store, 0, 0, items->pdata, items->len);

  return G_LIST_MODEL (store);
}

static void
picked_cb (HyRecordPicker *picker, HyHaloItem *item, gint64 *out_id)
{
  *out_id = hy_halo_item_get_id (item);
}

/* A picker in a window of its own, the clients it picks from, and the last Halo id picked. */
typedef struct
{
  GtkWindow *window;
  HyRecordPicker *picker;
  GListModel *clients;
  gint64 picked;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->clients = make_clients ();
  f->picker = HY_RECORD_PICKER (hy_record_picker_new ());
  f->window = hy_test_view_present (GTK_WIDGET (f->picker), 0, 0);
  g_signal_connect (f->picker, "picked", G_CALLBACK (picked_cb), &f->picked);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  g_clear_object (&f->clients);
}

static void
test_record_picker_filter (Fixture *f, gconstpointer data)
{
  HyRecordPicker *picker = f->picker;
  GListModel *clients = f->clients;


  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 0);
  hy_record_picker_set_model (picker, clients);
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, N_CLIENTS);

  /* Case- and accent-insensitive, every word must match. */
  hy_record_picker_set_search_text (picker, "acme");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, N_CLIENTS / 100);
  hy_record_picker_set_search_text (picker, "ÁCME 099");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 1);
  g_assert_cmpstr (hy_halo_item_get_name (hy_record_picker_get_selected (picker)), ==,
                   "Ácme Client 09900");

  /* Looser again: the filter gives back what it hid (names 09900 to 09909 and 00990, and the
   * client whose Halo id is 10990). */
  hy_record_picker_set_search_text (picker, "client 0990");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 12);

  /* By Halo id. */
  hy_record_picker_set_search_text (picker, "#1042");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 11); /* 1042, 10420 ... 10429 */
  hy_record_picker_set_search_text (picker, "#10423");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 1);
  g_assert_true (hy_record_picker_pick_selected (picker));
  g_assert_cmpint (f->picked, ==, 10423);

  /* By detail. */
  hy_record_picker_set_search_text (picker, "top level");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, N_CLIENTS / 2);

  /* Nothing matches: the empty state, and Enter picks nothing. */
  hy_record_picker_set_search_text (picker, "no such client");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 0);
  g_assert_null (hy_record_picker_get_selected (picker));
  f->picked = 0;
  g_assert_false (hy_record_picker_pick_selected (picker));
  g_assert_cmpint (f->picked, ==, 0);

  /* Restricted to the children of one parent (the sites of a client). */
  hy_record_picker_set_search_text (picker, "");
  hy_record_picker_set_parent_id (picker, 3);
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, N_CLIENTS / 10);
  hy_record_picker_set_search_text (picker, "acme");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 0);
  hy_record_picker_set_parent_id (picker, 0);
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, N_CLIENTS / 100);
}

static gboolean
search_filtered (gpointer picker)
{
  return hy_record_picker_get_n_shown (picker) != N_CLIENTS;
}

static void
test_record_picker_keyboard (Fixture *f, gconstpointer data)
{
  HyRecordPicker *picker = f->picker;
  GtkWidget *entry;

  hy_record_picker_set_model (picker, f->clients);
  hy_test_wait_idle ();

  hy_record_picker_focus_search (picker);
  entry = gtk_widget_get_first_child (GTK_WIDGET (picker));
  g_assert_true (GTK_IS_SEARCH_ENTRY (entry));

  /* Typing into the entry filters (after the search delay). */
  gtk_editable_set_text (GTK_EDITABLE (entry), "acme client 001");
  hy_test_wait_until (search_filtered, picker, "the search (after its delay)");
  g_assert_cmpuint (hy_record_picker_get_n_shown (picker), ==, 1);
  g_assert_cmpstr (hy_record_picker_get_search_text (picker), ==, "acme client 001");

  /* Enter in the entry picks the highlighted record. */
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (f->picked, ==, 1100);
}

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add ("/record-picker/filter", Fixture, NULL, fixture_set_up, test_record_picker_filter,
              fixture_tear_down);
  g_test_add ("/record-picker/keyboard", Fixture, NULL, fixture_set_up, test_record_picker_keyboard,
              fixture_tear_down);

  return g_test_run ();
}
