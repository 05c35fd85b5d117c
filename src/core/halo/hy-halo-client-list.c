/* hy-halo-client-list.c
 *
 * Lists: paged GETs of Halo's lists, with the checks that a page is what was asked for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "hy-halo-client-private.h"
#include "hy-halo-paging.h"

/* ------------------------------------------------------------------------- */
/* Lists                                                                     */
/* ------------------------------------------------------------------------- */

typedef struct
{
  HyHaloKind kind;
  char *query;
  char *check_member;
  gint64 check_value;
  HyHaloPriority priority;
  char *record;
  guint page_no;
  guint max_pages; /* 0: no cap */
  guint received;
  guint max_page_len;
  gboolean bare;
  GHashTable *seen;
  HyHaloList *list;
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->query);
  g_free (data->check_member);
  g_free (data->record);
  g_hash_table_unref (data->seen);
  hy_halo_list_free (data->list);
  g_free (data);
}

/* Lists Halo returns whole, as one bare array, whatever the paging parameters say (HALO-API §3,
 * §11): asking for a second page of them only repeats the first and costs a request of the rate
 * budget, so the first answer is the whole list. */
static gboolean
kind_is_unpaged (HyHaloKind kind)
{
  switch (kind)
    {
      case HY_HALO_KIND_AGENT:
      case HY_HALO_KIND_ASSET_TYPE:
      case HY_HALO_KIND_TEAM:
      case HY_HALO_KIND_TICKET_TYPE:
      case HY_HALO_KIND_STATUS:
      case HY_HALO_KIND_OUTCOME:
      case HY_HALO_KIND_PRIORITY:
        return TRUE;
      case HY_HALO_KIND_CLIENT:
      case HY_HALO_KIND_SITE:
      case HY_HALO_KIND_ASSET:
      case HY_HALO_KIND_USER:
      case HY_HALO_KIND_TICKET:
      case HY_HALO_KIND_ACTION:
      default:
        return FALSE;
    }
}

static char *
list_path (HyHaloClient *self, ListData *data)
{
  return g_strdup_printf ("/api/%s?%s%spageinate=true&page_size=%u&page_no=%u",
                          _hy_halo_client_kind_entity (data->kind), data->query ? data->query : "",
                          data->query && *data->query ? "&" : "", self->page_size, data->page_no);
}

static void list_next_page (GTask *task);

static JsonArray *
find_array (JsonNode *root, HyHaloKind kind, gint64 *record_count, gboolean *bare)
{
  JsonObject *object;
  JsonNode *node;

  *record_count = -1;
  *bare = FALSE;
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      *bare = TRUE;
      return json_node_get_array (root);
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (json_object_has_member (object, "record_count") &&
      !hy_halo_json_parse_id (json_object_get_member (object, "record_count"), record_count))
    *record_count = -1;

  node = json_object_get_member (object, _hy_halo_client_kind_plural (kind));
  if (node && JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);
  {
    /* Tolerate another spelling of the wrapper: the only array member */
    g_autoptr (GList) members = json_object_get_members (object);
    JsonArray *found = NULL;
    for (GList *l = members; l; l = l->next)
      {
        node = json_object_get_member (object, l->data);
        if (JSON_NODE_HOLDS_ARRAY (node))
          {
            if (found)
              return NULL;
            found = json_node_get_array (node);
          }
      }
    return found;
  }
}

/* Adds the records of @array to the list: a record seen on an earlier page is skipped, one that
 * fails the caller's check is dropped and counted. @fresh is set to the records not seen before.
 * Returns FALSE when an element is not an object. */
static gboolean
list_take_page (ListData *data, JsonArray *array, guint *fresh)
{
  guint len = json_array_get_length (array);

  *fresh = 0;
  for (guint i = 0; i < len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      object = json_node_get_object (element);
      id = hy_halo_json_get_id (object, "id");
      if (id != 0)
        {
          if (g_hash_table_contains (data->seen, &id))
            continue;
          g_hash_table_add (data->seen, g_memdup2 (&id, sizeof id));
        }
      (*fresh)++;
      if (data->check_member &&
          hy_halo_json_get_id (object, data->check_member) != data->check_value)
        {
          data->list->dropped++;
          continue;
        }
      g_ptr_array_add (data->list->records, hy_halo_record_new (data->kind, object));
    }
  return TRUE;
}

/* Warns in the events log about a complete list Halo did not send as asked: totals that do not
 * add up, pages repeated, a filter ignored */
static void
list_warn (HyHaloClient *self, ListData *data, const char *path)
{
  if (data->list->record_count >= 0 && data->received != data->list->record_count)
    data->list->inconsistent = TRUE;
  if (data->list->inconsistent)
    {
      g_autofree char *message = NULL;

      if (data->list->record_count >= 0)
        {
          g_autofree char *announced =
              g_strdup_printf ("%" G_GINT64_FORMAT, data->list->record_count);
          message = g_strdup_printf (
              /* Translators: the first %s is an entity such as "Client", the second and %u are
               record counts */
              _ ("Halo’s totals for %s do not add up: it announced %s records but sent %u "
                 "different "
                 "ones; the list may be incomplete"),
              _hy_halo_client_kind_entity (data->kind), announced, data->received);
        }
      else
        message = g_strdup_printf (
            /* Translators: %s is an entity such as "Agent", %u a count */
            _ ("Halo sent the same %s records again for a later page: it may not page this list; "
               "%u "
               "records were kept"),
            _hy_halo_client_kind_entity (data->kind), data->received);
      _hy_halo_client_emit_warning (self, path, data->record, message);
    }
  if (data->list->dropped > 0)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, data->check_value);
      g_autofree char *message = g_strdup_printf (
          /* Translators: the first %s is a filter such as "client_id", the second its value, %u a
           count of records */
          g_dngettext (GETTEXT_PACKAGE,
                       "Halo ignored the %s=%s filter: %u record that does not match was dropped",
                       "Halo ignored the %s=%s filter: %u records that do not match were dropped",
                       data->list->dropped),
          data->check_member, value, data->list->dropped);
      _hy_halo_client_emit_warning (self, path, data->record, message);
    }
}

static void
list_page_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HyHaloClient *self = HY_HALO_CLIENT (source);
  g_autoptr (GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) root = _hy_halo_client_json_request_finish (self, result, &error);
  g_autofree char *path = NULL;
  JsonArray *array;
  HyHaloPageFacts facts = { 0 };
  gint64 record_count;
  gboolean bare;
  guint fresh;

  if (!root)
    {
      g_task_return_error (task, error);
      return;
    }
  path = list_path (self, data);
  data->list->requests++;
  array = find_array (root, data->kind, &record_count, &bare);
  if (!array || !list_take_page (data, array, &fresh))
    {
      g_task_return_error (task, _hy_halo_client_bad_shape (path));
      return;
    }
  facts.len = json_array_get_length (array);
  data->received += fresh;
  data->bare = bare;
  if (record_count >= 0)
    data->list->record_count = record_count;
  data->max_page_len = MAX (data->max_page_len, facts.len);

  facts.unpaged = kind_is_unpaged (data->kind);
  facts.page_no = data->page_no;
  facts.max_pages = data->max_pages;
  facts.page_size = self->page_size;
  facts.fresh = fresh;
  facts.bare = bare;
  facts.record_count = data->list->record_count;
  facts.received = data->received;
  facts.max_page_len = data->max_page_len;
  switch (hy_halo_paging_decide (&facts))
    {
      case HY_HALO_PAGING_NEXT:
        data->page_no++;
        list_next_page (g_steal_pointer (&task));
        return;
      case HY_HALO_PAGING_TRUNCATED:
        /* Capped: the whole list takes more pages than the caller allows (known from the
         * first page's record_count); it has this page and reads another way. */
        data->list->truncated = TRUE;
        g_task_return_pointer (task, g_steal_pointer (&data->list),
                               (GDestroyNotify) hy_halo_list_free);
        return;
      case HY_HALO_PAGING_INCONSISTENT:
        data->list->inconsistent = TRUE;
        break;
      case HY_HALO_PAGING_DONE:
      default:
        break;
    }
  list_warn (self, data, path);
  g_task_return_pointer (task, g_steal_pointer (&data->list), (GDestroyNotify) hy_halo_list_free);
}

static void
list_next_page (GTask *task)
{
  HyHaloClient *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autofree char *path = list_path (self, data);

  _hy_halo_client_json_request_async (self, "GET", path, NULL, data->priority, data->record, 0,
                                      g_task_get_cancellable (task), list_page_cb, task);
}

void
_hy_halo_client_list_start (HyHaloClient *self,
                            HyHaloKind kind,
                            const char *query,
                            const char *check_member,
                            gint64 check_value,
                            guint max_pages,
                            HyHaloPriority priority,
                            const char *record,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task;
  ListData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_source_tag (task, hy_halo_client_list_async);
  data = g_new0 (ListData, 1);
  data->kind = kind;
  data->query = g_strdup (query);
  data->check_member = g_strdup (check_member);
  data->check_value = check_value;
  data->priority = priority;
  data->record = g_strdup (record);
  data->page_no = 1;
  data->max_pages = max_pages;
  data->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  data->list = hy_halo_list_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  list_next_page (task);
}

/**
 * hy_halo_client_list_async:
 * @kind: the entity to list
 * @query: (nullable): extra query parameters, already escaped ("client_id=12&includeassetfields=true")
 * @check_member: (nullable): a member every returned record must have equal to @check_value
 *   (Halo ignores filters it does not know: records that do not match are dropped and counted)
 * @check_value: the value for @check_member
 * @record: (nullable): the local record the list is read for ("computer:pc1"), shown with each
 *   of its requests in the events log
 *
 * Lists every record, page by page (pageinate=true), paging by what Halo actually returns.
 */
void
hy_halo_client_list_async (HyHaloClient *self,
                           HyHaloKind kind,
                           const char *query,
                           const char *check_member,
                           gint64 check_value,
                           HyHaloPriority priority,
                           const char *record,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  _hy_halo_client_list_start (self, kind, query, check_member, check_value, 0, priority, record,
                              cancellable, callback, user_data);
}

/**
 * hy_halo_client_list_within_async:
 * @max_pages: the most pages the caller will pay for (at least 1)
 *
 * Like hy_halo_client_list_async(), when the whole list takes at most @max_pages pages. When
 * the first page's `record_count` says it takes more, the list stops there, marked
 * `truncated`, with that page's records: the caller reads what it needs another way (one list
 * per client instead of one of everything) and has paid one request to learn it. Finish with
 * hy_halo_client_list_finish().
 */
void
hy_halo_client_list_within_async (HyHaloClient *self,
                                  HyHaloKind kind,
                                  const char *query,
                                  const char *check_member,
                                  gint64 check_value,
                                  guint max_pages,
                                  HyHaloPriority priority,
                                  const char *record,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  _hy_halo_client_list_start (self, kind, query, check_member, check_value, MAX (max_pages, 1u),
                              priority, record, cancellable, callback, user_data);
}

/**
 * hy_halo_client_list_finish:
 *
 * Returns: (transfer full): the list, or %NULL with @error set
 */
HyHaloList *
hy_halo_client_list_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_halo_client_list_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hy_halo_client_list_clients_async (HyHaloClient *self,
                                   HyHaloPriority priority,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_CLIENT, NULL, NULL, 0, priority, NULL, cancellable,
                             callback, user_data);
}

/**
 * hy_halo_client_list_sites_async:
 * @client_id: a Halo client id (checked on every returned site), or 0 for every client's sites
 *
 * Inactive sites are included (their `inactive` member says so): links to them must stay
 * resolvable.
 */
void
hy_halo_client_list_sites_async (HyHaloClient *self,
                                 gint64 client_id,
                                 HyHaloPriority priority,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *query =
      client_id > 0
          ? g_strdup_printf ("client_id=%" G_GINT64_FORMAT "&includeinactive=true", client_id)
          : g_strdup ("includeinactive=true");

  hy_halo_client_list_async (self, HY_HALO_KIND_SITE, query, client_id > 0 ? "client_id" : NULL,
                             client_id, priority, NULL, cancellable, callback, user_data);
}

void
hy_halo_client_list_assets_async (HyHaloClient *self,
                                  gint64 client_id,
                                  HyHaloPriority priority,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autofree char *query = NULL;

  if (client_id > 0)
    query = g_strdup_printf ("client_id=%" G_GINT64_FORMAT "&includeassetfields=true", client_id);
  else
    query = g_strdup ("includeassetfields=true");
  hy_halo_client_list_async (self, HY_HALO_KIND_ASSET, query, client_id > 0 ? "client_id" : NULL,
                             client_id, priority, NULL, cancellable, callback, user_data);
}

void
hy_halo_client_list_asset_types_async (HyHaloClient *self,
                                       HyHaloPriority priority,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_ASSET_TYPE, NULL, NULL, 0, priority, NULL,
                             cancellable, callback, user_data);
}

void
hy_halo_client_list_agents_async (HyHaloClient *self,
                                  HyHaloPriority priority,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_AGENT, "includeapiagents=true", NULL, 0, priority,
                             NULL, cancellable, callback, user_data);
}

void
hy_halo_client_list_teams_async (HyHaloClient *self,
                                 HyHaloPriority priority,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_TEAM, NULL, NULL, 0, priority, NULL, cancellable,
                             callback, user_data);
}

void
hy_halo_client_list_ticket_types_async (HyHaloClient *self,
                                        HyHaloPriority priority,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_TICKET_TYPE, NULL, NULL, 0, priority, NULL,
                             cancellable, callback, user_data);
}

void
hy_halo_client_list_statuses_async (HyHaloClient *self,
                                    HyHaloPriority priority,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_STATUS, NULL, NULL, 0, priority, NULL, cancellable,
                             callback, user_data);
}

/* Halo's ticket priorities: `GET /Priority`, a bare array. */
void
hy_halo_client_list_priorities_async (HyHaloClient *self,
                                      HyHaloPriority priority,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_PRIORITY, NULL, NULL, 0, priority, NULL,
                             cancellable, callback, user_data);
}

void
hy_halo_client_list_outcomes_async (HyHaloClient *self,
                                    HyHaloPriority priority,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_OUTCOME, NULL, NULL, 0, priority, NULL, cancellable,
                             callback, user_data);
}

/**
 * hy_halo_client_list_users_async:
 * @client_id: a Halo client id, or 0 for every user
 */
void
hy_halo_client_list_users_async (HyHaloClient *self,
                                 gint64 client_id,
                                 HyHaloPriority priority,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *query =
      client_id > 0 ? g_strdup_printf ("client_id=%" G_GINT64_FORMAT, client_id) : NULL;

  hy_halo_client_list_async (self, HY_HALO_KIND_USER, query, client_id > 0 ? "client_id" : NULL,
                             client_id, priority, NULL, cancellable, callback, user_data);
}

/**
 * hy_halo_client_search_tickets_async:
 * @client_id: a Halo client id (checked on every returned ticket), or 0
 * @search: (nullable): free text Halo searches in
 * @open_only: only tickets that are not closed
 */
void
hy_halo_client_search_tickets_async (HyHaloClient *self,
                                     gint64 client_id,
                                     const char *search,
                                     gboolean open_only,
                                     HyHaloPriority priority,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr (GString) query = g_string_new (NULL);

  if (client_id > 0)
    g_string_append_printf (query, "client_id=%" G_GINT64_FORMAT, client_id);
  if (search && *search)
    {
      g_autofree char *escaped = g_uri_escape_string (search, NULL, FALSE);
      g_string_append_printf (query, "%ssearch=%s", query->len ? "&" : "", escaped);
    }
  if (open_only)
    g_string_append_printf (query, "%sopen_only=true", query->len ? "&" : "");
  hy_halo_client_list_async (self, HY_HALO_KIND_TICKET, query->str,
                             client_id > 0 ? "client_id" : NULL, client_id, priority, NULL,
                             cancellable, callback, user_data);
}
