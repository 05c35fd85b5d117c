/* hy-mapping-test.h — what the Mapping view's tests share: a session whose store holds the
 * inventory and Halo's records below, the page on it in a 1000 × 700 window, and finding,
 * selecting and counting its rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hy-test-halo.h"
#include "hy-test-session.h"
#include "hy-test-views.h"
#include "hy-ui-test.h"

#include "hy-mapping-page.h"
#include "models/hy-link-item.h"

typedef struct
{
  char *dir;
  HySession *session;
  GtkWindow *window;
  HyMappingPage *page;
} Fixture;

/* The inventory: four companies, one record of every other kind. */
static const HyTestRecord inventory[] = {
  { HY_RECORD_KIND_COMPANY, "c1", "Acme Ltd" },
  { HY_RECORD_KIND_COMPANY, "c2", "Contoso" },
  { HY_RECORD_KIND_COMPANY, "c3", "Fabrikam" },
  { HY_RECORD_KIND_COMPANY, "c4", "Northwind" },
  { HY_RECORD_KIND_LOCATION, "l1", "Head Office", .company_id = "c1" },
  { HY_RECORD_KIND_COMPUTER, "pc1", "ACME-DC01", .company_id = "c1" },
  { HY_RECORD_KIND_USER, "u1", "Jane Tech", .email = "jane@msp.example" },
  { HY_RECORD_KIND_GROUP, "g1", "Servers" },
  { HY_RECORD_KIND_POLICY, "p1", "Disk space low" },
};

/* What Halo has: clients near and far from the companies' names, ACME's two sites and
 * Tailspin's one, an agent whose e-mail differs only in case, ticket types and statuses. */
static const HyTestHaloRecord halo_records[] = {
  { HY_CACHE_KIND_CLIENT, 10, "ACME Limited" },
  { HY_CACHE_KIND_CLIENT, 11, "Contoso" },
  { HY_CACHE_KIND_CLIENT, 12, "Fabrikam" },
  { HY_CACHE_KIND_CLIENT, 13, "Tailspin Toys" },
  { HY_CACHE_KIND_CLIENT, 14, "Northwind Inc" },
  { HY_CACHE_KIND_SITE, 100, "Main Office", .client_id = 10 },
  { HY_CACHE_KIND_SITE, 101, "Warehouse", .client_id = 10 },
  { HY_CACHE_KIND_SITE, 102, "Toy Shop", .client_id = 13 },
  { HY_CACHE_KIND_AGENT, 7, "Jane T.", .email = "Jane@MSP.example" },
  { HY_CACHE_KIND_TICKET_TYPE, 3, "Alert" },
  { HY_CACHE_KIND_TICKET_TYPE, 4, "Incident" },
  { HY_CACHE_KIND_STATUS, 9, "Closed", .closed = TRUE },
  { HY_CACHE_KIND_STATUS, 1, "New" },
};

static inline gboolean
page_is_idle (gpointer page)
{
  return !hy_mapping_page_get_busy (page);
}

/* Runs what is pending, then until the page is no longer busy, then what that queued. */
static inline void
wait_idle (HyMappingPage *page)
{
  hy_test_wait_idle ();
  hy_test_wait_until (page_is_idle, page, "the Mapping view idle");
  hy_test_wait_idle ();
}

static inline void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->session = hy_test_session_new_tmp ("halyard-mapping-XXXXXX", &fixture->dir);
  if (data == NULL)
    {
      HyStore *store = hy_session_get_store (fixture->session);

      hy_test_store_add_records (store, inventory, G_N_ELEMENTS (inventory));
      hy_test_store_add_halo_records (store, halo_records, G_N_ELEMENTS (halo_records));
    }

  fixture->page = HY_MAPPING_PAGE (hy_mapping_page_new ());
  fixture->window = hy_test_view_present (GTK_WIDGET (fixture->page), 1000, 700);
  g_object_set (fixture->page, "session", fixture->session, NULL);
  wait_idle (fixture->page);
}

static inline void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  hy_test_session_remove_tmp (&fixture->session, &fixture->dir);
}

static inline HyLinkItem *
find_row (HyMappingPage *page, const char *section, const char *name)
{
  GListModel *rows = hy_mapping_page_get_rows (page, section);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (HyLinkItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (hy_link_item_get_name (item), name) == 0)
        return item;
    }

  return NULL;
}

static inline gboolean
is_linked (HyMappingPage *page, const char *section, const char *name)
{
  HyLinkItem *item = find_row (page, section, name);

  g_assert_nonnull (item);
  return hy_link_item_get_linked (item);
}

static inline void
select_row (HyMappingPage *page, const char *section, const char *name)
{
  GListModel *rows = hy_mapping_page_get_rows (page, section);

  hy_mapping_page_set_section (page, section);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (HyLinkItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (hy_link_item_get_name (item), name) == 0)
        {
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), i, TRUE);
          return;
        }
    }

  g_assert_not_reached ();
}

static inline guint
n_rows (HyMappingPage *page, const char *section)
{
  return g_list_model_get_n_items (hy_mapping_page_get_rows (page, section));
}

static inline void
activate (HyMappingPage *page, const char *action)
{
  gtk_widget_activate_action (GTK_WIDGET (page), action, NULL);
}

/* The index of the suggestion for company @id, or G_MAXUINT. */
static inline guint
find_company_suggestion (HyMappingPage *page, const char *id)
{
  for (guint i = 0; i < hy_mapping_page_get_n_suggestions (page); i++)
    {
      const HyLinkerSuggestion *suggestion = hy_mapping_page_get_suggestion (page, i);

      if (suggestion->kind == HY_RECORD_KIND_COMPANY && g_strcmp0 (suggestion->id, id) == 0)
        return i;
    }
  return G_MAXUINT;
}

/* Selects the row @name of @section and opens the Halo record picker on it. */
static inline HyRecordPicker *
open_picker_on (HyMappingPage *page, const char *section, const char *name)
{
  HyRecordPicker *picker;

  select_row (page, section, name);
  picker = hy_mapping_page_open_picker (page);
  g_assert_nonnull (picker);
  return picker;
}
