/* hy-link-model.c — the links of one kind of local record as a lazy GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hundred thousand computers must list at once: the model counts the records matching the
 * search and the Unlinked only filter (the store does both in SQL), then reads pages of
 * PAGE_SIZE rows with the store's paged query only when the list asks for them, keeping the
 * MAX_PAGES pages used last.
 */

#define G_LOG_DOMAIN "hy-link-model"

#include "config.h"

#include "models/hy-link-item.h"
#include "models/hy-link-model.h"

#define PAGE_SIZE 200
#define MAX_PAGES 16

struct _HyLinkModel
{
  GObject parent_instance;

  HyStore *store;
  HyRecordKind kind;
  char *search;
  gboolean unlinked_only;

  guint n_items;
  GHashTable *pages; /* page index → GPtrArray of HyLinkItem */
  GQueue lru;        /* page indexes, most recent first */
  guint n_queries;
  guint reload_idle;
};

static void hy_link_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HyLinkModel,
                               hy_link_model,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hy_link_model_list_model_init))

static void
fill_query (HyLinkModel *self, HyStoreQuery *query)
{
  query->search = self->search;
  query->unlinked_only = self->unlinked_only;
}

static GPtrArray *
fetch_page (HyLinkModel *self, guint page_index)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *page;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page_index));
  if (page != NULL)
    {
      g_queue_remove (&self->lru, GUINT_TO_POINTER (page_index));
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (page_index));
      return page;
    }

  fill_query (self, &query);
  query.limit = PAGE_SIZE;
  query.offset = page_index * PAGE_SIZE;
  self->n_queries++;
  links = hy_store_list_links (self->store, self->kind, &query, &error);
  if (links == NULL)
    {
      g_warning ("Cannot read the %s links: %s", hy_record_kind_to_string (self->kind),
                 error->message);
      return NULL;
    }

  page = g_ptr_array_new_full (links->len, g_object_unref);
  for (guint i = 0; i < links->len; i++)
    g_ptr_array_add (page, hy_link_item_new_from_link (g_ptr_array_index (links, i)));

  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page_index), page);
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (page_index));
  while (g_queue_get_length (&self->lru) > MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));

  return page;
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  HyLinkModel *self = user_data;
  g_autoptr (GError) error = NULL;

  self->reload_idle = 0;
  if (!hy_link_model_reload (self, &error))
    g_warning ("Cannot read the %s links: %s", hy_record_kind_to_string (self->kind),
               error->message);

  return G_SOURCE_REMOVE;
}

static GType
hy_link_model_get_item_type (GListModel *model)
{
  return HY_TYPE_LINK_ITEM;
}

static guint
hy_link_model_get_n_items (GListModel *model)
{
  return HY_LINK_MODEL (model)->n_items;
}

static gpointer
hy_link_model_get_item (GListModel *model, guint position)
{
  HyLinkModel *self = HY_LINK_MODEL (model);
  GPtrArray *page;

  if (position >= self->n_items)
    return NULL;

  page = fetch_page (self, position / PAGE_SIZE);
  if (page == NULL || position % PAGE_SIZE >= page->len)
    {
      /* The store changed under the count (records linked or deleted meanwhile): a list view
       * must get an item for every position it was told of, so an empty row stands in until
       * the model counts again. */
      if (self->reload_idle == 0)
        self->reload_idle = g_idle_add (reload_idle_cb, self);
      return hy_link_item_new (self->kind, "", "");
    }

  return g_object_ref (g_ptr_array_index (page, position % PAGE_SIZE));
}

static void
hy_link_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hy_link_model_get_item_type;
  iface->get_n_items = hy_link_model_get_n_items;
  iface->get_item = hy_link_model_get_item;
}

static void
hy_link_model_dispose (GObject *object)
{
  HyLinkModel *self = HY_LINK_MODEL (object);

  g_clear_handle_id (&self->reload_idle, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hy_link_model_parent_class)->dispose (object);
}

static void
hy_link_model_finalize (GObject *object)
{
  HyLinkModel *self = HY_LINK_MODEL (object);

  g_hash_table_unref (self->pages);
  g_queue_clear (&self->lru);
  g_free (self->search);

  G_OBJECT_CLASS (hy_link_model_parent_class)->finalize (object);
}

static void
hy_link_model_class_init (HyLinkModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_link_model_dispose;
  object_class->finalize = hy_link_model_finalize;
}

static void
hy_link_model_init (HyLinkModel *self)
{
  self->pages = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->lru);
}

/**
 * hy_link_model_new:
 * @kind: company, location, computer or user
 *
 * Returns: (transfer full): an empty model; hy_link_model_reload () fills it
 */
HyLinkModel *
hy_link_model_new (HyStore *store, HyRecordKind kind)
{
  HyLinkModel *self;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);
  g_return_val_if_fail (hy_record_kind_is_linkable (kind), NULL);

  self = g_object_new (HY_TYPE_LINK_MODEL, NULL);
  self->store = g_object_ref (store);
  self->kind = kind;

  return self;
}

HyRecordKind
hy_link_model_get_kind (HyLinkModel *self)
{
  g_return_val_if_fail (HY_IS_LINK_MODEL (self), 0);

  return self->kind;
}

/* Filters take effect at the next hy_link_model_reload (). */
void
hy_link_model_set_search (HyLinkModel *self, const char *search)
{
  g_return_if_fail (HY_IS_LINK_MODEL (self));

  g_free (self->search);
  self->search = search != NULL && search[0] != '\0' ? g_strstrip (g_strdup (search)) : NULL;
}

void
hy_link_model_set_unlinked_only (HyLinkModel *self, gboolean unlinked_only)
{
  g_return_if_fail (HY_IS_LINK_MODEL (self));

  self->unlinked_only = !!unlinked_only;
}

/**
 * hy_link_model_reload:
 *
 * Counts the matching records again (one query) and drops the cached pages; the rows are read
 * when the list shows them.
 */
gboolean
hy_link_model_reload (HyLinkModel *self, GError **error)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  guint old_n;
  gint64 count;

  g_return_val_if_fail (HY_IS_LINK_MODEL (self), FALSE);

  g_clear_handle_id (&self->reload_idle, g_source_remove);
  fill_query (self, &query);
  self->n_queries++;
  count = hy_store_count (self->store, self->kind, &query, error);
  if (count < 0)
    return FALSE;

  old_n = self->n_items;
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);

  /* Two steps: a list view that sees rows removed and added in one change asks for every added
   * row (to reuse the widgets of rows that stayed), which would read the whole list. */
  self->n_items = 0;
  if (old_n != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
  self->n_items = (guint) MIN (count, G_MAXUINT);
  if (self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);

  return TRUE;
}

/* How many store queries the model made (for tests and benchmarks). */
guint
hy_link_model_get_n_queries (HyLinkModel *self)
{
  g_return_val_if_fail (HY_IS_LINK_MODEL (self), 0);

  return self->n_queries;
}
