/* hy-halo-client-save.c
 *
 * Saves: assets and tickets posted in batches (`?returnall=true`), each record Halo answers
 * with matched to the one sent by a key of its own, never by position; for assets, the
 * look-up before a create whose answer did not say which record it made.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "hy-halo-client-private.h"

/* ------------------------------------------------------------------------- */
/* Batch writes                                                              */
/* ------------------------------------------------------------------------- */

typedef struct
{
  HyHaloKind kind;    /* HY_HALO_KIND_ASSET or HY_HALO_KIND_TICKET */
  GPtrArray *markers; /* tickets: char *, the line each one's details hold; NULL for assets */
  GPtrArray *items;   /* JsonNode (object), normalised copies */
  GPtrArray *results; /* HyHaloRecord or NULL, same order */
  GPtrArray *batches; /* GArray of guint indices */
  guint batch;
  GArray *pending; /* indices of creates whose id Halo's answers did not give */
  GArray *clients; /* gint64: the clients of @pending, each listed once */
  guint lookup;
  guint lookup_max_pages; /* > 0: try one list of every asset first, within this many pages */
  HyHaloSaveFlags flags;
  HyHaloPriority priority;
  char *record;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_ptr_array_unref (data->items);
  g_ptr_array_unref (data->results);
  g_ptr_array_unref (data->batches);
  g_array_unref (data->pending);
  g_clear_pointer (&data->clients, g_array_unref);
  g_clear_pointer (&data->markers, g_ptr_array_unref);
  g_free (data->record);
  g_free (data);
}

static void
record_unref_nullable (gpointer record)
{
  if (record)
    hy_halo_record_unref (record);
}

static JsonObject *
item_object (SaveData *data, guint index)
{
  return json_node_get_object (g_ptr_array_index (data->items, index));
}

static const char *
item_string (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* The members that identify a created asset within its client, most stable first: the asset
 * number Halyard gives every device, then the key field (the device name), then the serial. */
static const char *const asset_key_members[] = { "inventory_number", "key_field", "serial_number",
                                                 NULL };

/* The stable key of a create: which member (NULL when none) and its value. */
static const char *
create_key (JsonObject *object, const char **member)
{
  for (guint i = 0; asset_key_members[i] != NULL; i++)
    {
      const char *value = item_string (object, asset_key_members[i]);
      if (value != NULL && *value != '\0')
        {
          *member = asset_key_members[i];
          return value;
        }
    }
  *member = NULL;
  return NULL;
}

/* Whether @text has @line as one whole line (HTML-wrapped lines end at a tag). */
static gboolean
has_line (const char *text, const char *line)
{
  gsize len = strlen (line);

  for (const char *p = text; p != NULL && (p = strstr (p, line)) != NULL; p += len)
    {
      gboolean starts = p == text || p[-1] == '\n' || p[-1] == '>';
      char next = p[len];

      if (starts && (next == '\0' || next == '\n' || next == '\r' || next == '<'))
        return TRUE;
    }
  return FALSE;
}

/* "client_id/member/value" (case-folded): two creates with the same one cannot be told apart. */
static char *
create_key_string (JsonObject *object)
{
  const char *member;
  const char *value = create_key (object, &member);
  g_autofree char *folded = NULL;

  if (value == NULL || hy_halo_json_get_id (object, "client_id") <= 0)
    return NULL;
  folded = g_utf8_casefold (value, -1);
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s", hy_halo_json_get_id (object, "client_id"),
                          member, folded);
}

/* Whether @saved (a record Halo returned) is the asset created from @item: same client, same
 * stable key. Never by position in Halo's answer. */
static gboolean
create_matches (JsonObject *item, JsonObject *saved)
{
  const char *member;
  const char *value = create_key (item, &member);
  const char *saved_value;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (value == NULL || hy_halo_json_get_id (saved, "client_id") <= 0 ||
      hy_halo_json_get_id (saved, "client_id") != hy_halo_json_get_id (item, "client_id"))
    return FALSE;
  saved_value = item_string (saved, member);
  if (saved_value == NULL)
    return FALSE;
  a = g_utf8_casefold (value, -1);
  b = g_utf8_casefold (saved_value, -1);
  return g_strcmp0 (a, b) == 0;
}

/* The key of create @index, as create_key_string () says; tickets: "client_id/marker". */
static char *
item_key_string (SaveData *data, guint index)
{
  JsonObject *item = item_object (data, index);
  const char *marker;

  if (data->kind != HY_HALO_KIND_TICKET)
    return create_key_string (item);
  marker = g_ptr_array_index (data->markers, index);
  if (marker == NULL || *marker == '\0' || hy_halo_json_get_id (item, "client_id") <= 0)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%s", hy_halo_json_get_id (item, "client_id"),
                          marker);
}

/* Whether @saved is the record created from item @index: same client, and the same stable key
 * (assets) or the item's marker as a line of its details (tickets). */
static gboolean
item_matches (SaveData *data, guint index, JsonObject *saved)
{
  JsonObject *item = item_object (data, index);
  const char *marker;
  const char *details;

  if (data->kind != HY_HALO_KIND_TICKET)
    return create_matches (item, saved);
  marker = g_ptr_array_index (data->markers, index);
  details = item_string (saved, "details");
  return marker != NULL && details != NULL && hy_halo_json_get_id (saved, "client_id") > 0 &&
         hy_halo_json_get_id (saved, "client_id") == hy_halo_json_get_id (item, "client_id") &&
         has_line (details, marker);
}

static void save_next_batch (GTask *task);
static void save_next_lookup (GTask *task);

static void
save_set_result (SaveData *data, guint index, JsonObject *saved)
{
  g_ptr_array_index (data->results, index) = hy_halo_record_new (data->kind, saved);
}

/* The record as sent, with the id Halo gave it */
static void
save_set_result_from_item (SaveData *data, guint index, gint64 id)
{
  JsonObject *sent = item_object (data, index);
  g_autoptr (JsonObject) copy = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (sent);

  for (GList *l = members; l; l = l->next)
    json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (sent, l->data)));
  json_object_set_int_member (copy, "id", id);
  save_set_result (data, index, copy);
}

/* Which item of @batch is @saved: an update with its id, or the one create with its client and
 * stable key; -1 when none or several. */
static int
save_match_item (SaveData *data, GArray *batch, JsonObject *saved, gint64 saved_id)
{
  int found = -1;
  guint candidates = 0;

  if (batch->len == 1)
    {
      guint index = g_array_index (batch, guint, 0);
      gint64 id = hy_halo_json_get_id (item_object (data, index), "id");
      return id <= 0 || id == saved_id ? (int) index : -1;
    }
  for (guint i = 0; i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      JsonObject *item = item_object (data, index);
      gint64 id = hy_halo_json_get_id (item, "id");

      if (id > 0 ? id == saved_id : item_matches (data, index, saved))
        {
          found = (int) index;
          candidates++;
        }
    }
  return candidates == 1 ? found : -1;
}

/* The read-back when Halo ignored ?returnall: the assets of each client with creates its
 * answers did not identify, or — when the creates span enough clients that one list of every
 * asset may take fewer pages — that list, capped at one page fewer than the clients' lists
 * take; its first page's record_count says whether it is cheaper, and when it is not, it stops
 * there and the clients are listed one by one. Each listed asset's client and key are checked
 * here: Halo may ignore the filter. */
/* The ids of the records already given to an item of this save: not another item's */
static GHashTable *
taken_ids (SaveData *data)
{
  GHashTable *taken = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < data->results->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (data->results, i);
      if (r != NULL)
        g_hash_table_add (taken,
                          g_memdup2 (&(gint64){ hy_halo_record_get_id (r) }, sizeof (gint64)));
    }
  return taken;
}

/* The listed assets of @client_id (0: of any client) by key: "client/member/folded value" →
 * GPtrArray of the records with that key (Halo may have ignored the client filter). */
static GHashTable *
index_listed_assets (HyHaloList *list, gint64 client_id)
{
  GHashTable *by_key =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < list->records->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (list->records, i);
      gint64 r_client = hy_halo_record_get_client_id (r);

      if (r_client <= 0 || (client_id > 0 && r_client != client_id))
        continue;
      for (guint m = 0; asset_key_members[m] != NULL; m++)
        {
          const char *value = hy_halo_record_get_string (r, asset_key_members[m]);
          g_autofree char *folded = NULL;
          char *key;
          GPtrArray *same;

          if (value == NULL || *value == '\0')
            continue;
          folded = g_utf8_casefold (value, -1);
          key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s", r_client, asset_key_members[m],
                                 folded);
          same = g_hash_table_lookup (by_key, key);
          if (same == NULL)
            {
              same = g_ptr_array_new ();
              g_hash_table_insert (by_key, key, same);
            }
          else
            g_free (key);
          g_ptr_array_add (same, r);
        }
    }
  return by_key;
}

/* A created asset that its client's assets, read back, show @matches times (not once). One
 * sentence per key member: a translated member name glued into it could not agree with it. */
static GError *
not_one_match (JsonObject *item, guint matches)
{
  const char *member;
  const char *value = create_key (item, &member);

  if (g_strcmp0 (member, "inventory_number") == 0)
    return g_error_new (
        HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
        /* Translators: %s is an asset number, %u a count of assets */
        g_dngettext (GETTEXT_PACKAGE,
                     "Halo saved the asset “%s” but reading its client’s assets back found %u "
                     "asset with that asset number: check the client’s assets in Halo",
                     "Halo saved the asset “%s” but reading its client’s assets back found %u "
                     "assets with that asset number: check the client’s assets in Halo",
                     matches),
        value, matches);
  if (g_strcmp0 (member, "key_field") == 0)
    return g_error_new (
        HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
        /* Translators: %s is an asset's key field (its device name), %u a count of assets */
        g_dngettext (GETTEXT_PACKAGE,
                     "Halo saved the asset “%s” but reading its client’s assets back found %u "
                     "asset with that key field: check the client’s assets in Halo",
                     "Halo saved the asset “%s” but reading its client’s assets back found %u "
                     "assets with that key field: check the client’s assets in Halo",
                     matches),
        value, matches);
  return g_error_new (
      HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
      /* Translators: %s is a serial number, %u a count of assets */
      g_dngettext (GETTEXT_PACKAGE,
                   "Halo saved the asset “%s” but reading its client’s assets back found %u "
                   "asset with that serial number: check the client’s assets in Halo",
                   "Halo saved the asset “%s” but reading its client’s assets back found %u "
                   "assets with that serial number: check the client’s assets in Halo",
                   matches),
      value, matches);
}

/* Gives each pending create of @client_id (0: any) the one listed asset with its key that no
 * other item took; FALSE with @error when an item has none or several. */
static gboolean
match_pending (SaveData *data, gint64 client_id, GHashTable *by_key, GError **error)
{
  g_autoptr (GHashTable) taken = taken_ids (data);

  for (guint p = 0; p < data->pending->len; p++)
    {
      guint index = g_array_index (data->pending, guint, p);
      JsonObject *item = item_object (data, index);
      g_autofree char *key = NULL;
      GPtrArray *same;
      HyHaloRecord *match = NULL;
      guint matches = 0;

      if (g_ptr_array_index (data->results, index) != NULL ||
          (client_id > 0 && hy_halo_json_get_id (item, "client_id") != client_id))
        continue;
      key = create_key_string (item);
      same = key != NULL ? g_hash_table_lookup (by_key, key) : NULL;
      for (guint i = 0; same != NULL && i < same->len; i++)
        {
          HyHaloRecord *r = g_ptr_array_index (same, i);
          gint64 id = hy_halo_record_get_id (r);
          if (!g_hash_table_contains (taken, &id))
            {
              match = r;
              matches++;
            }
        }
      if (matches != 1)
        {
          g_propagate_error (error, not_one_match (item, matches));
          return FALSE;
        }
      g_ptr_array_index (data->results, index) = hy_halo_record_ref (match);
      g_hash_table_add (taken,
                        g_memdup2 (&(gint64){ hy_halo_record_get_id (match) }, sizeof (gint64)));
    }
  return TRUE;
}

static void
save_lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HyHaloClient *self = HY_HALO_CLIENT (source);
  g_autoptr (GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (HyHaloList) list = hy_halo_client_list_finish (self, result, &error);
  gint64 client_id = g_array_index (data->clients, gint64, data->lookup);
  g_autoptr (GHashTable) by_key = NULL;

  if (!list)
    {
      g_task_return_error (task, error);
      return;
    }
  if (list->truncated)
    {
      /* One list of everything would take more pages: one list per client instead (a partial
       * list cannot tell a unique key from one repeated on a later page). */
      data->lookup++;
      save_next_lookup (g_steal_pointer (&task));
      return;
    }
  by_key = index_listed_assets (list, client_id);
  if (!match_pending (data, client_id, by_key, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Read whole, the list of every asset answered for every client. */
  data->lookup = client_id == 0 ? data->clients->len : data->lookup + 1;
  save_next_lookup (g_steal_pointer (&task));
}

static void
save_next_lookup (GTask *task)
{
  HyHaloClient *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  g_autofree char *query = NULL;
  gint64 client_id;

  if (data->clients == NULL)
    {
      guint per_client_pages = 0;

      data->clients = g_array_new (FALSE, FALSE, sizeof (gint64));
      /* The caller reads the unidentified creates back itself (their results stay NULL); a
       * ticket list has no details to find the marker in (HALO-API §11). */
      if ((data->flags & HY_HALO_SAVE_NO_READ_BACK) || data->kind == HY_HALO_KIND_TICKET)
        g_array_set_size (data->pending, 0);
      for (guint p = 0; p < data->pending->len; p++)
        {
          JsonObject *item = item_object (data, g_array_index (data->pending, guint, p));
          gint64 id = hy_halo_json_get_id (item, "client_id");
          gboolean known = FALSE;

          for (guint c = 0; c < data->clients->len && !known; c++)
            known = g_array_index (data->clients, gint64, c) == id;
          if (!known)
            g_array_append_val (data->clients, id);
        }
      /* Each client's list takes at least one page per page size of its creates. */
      for (guint c = 0; c < data->clients->len; c++)
        {
          guint of_client = 0;
          for (guint p = 0; p < data->pending->len; p++)
            if (hy_halo_json_get_id (item_object (data, g_array_index (data->pending, guint, p)),
                                     "client_id") == g_array_index (data->clients, gint64, c))
              of_client++;
          per_client_pages += MAX (1u, (of_client + self->page_size - 1) / self->page_size);
        }
      /* Worth asking whether one list of every asset is cheaper only when it can save a page
       * (it costs one request to learn that it is not). */
      data->lookup_max_pages = per_client_pages >= 3 ? per_client_pages - 1 : 0;
      if (data->lookup_max_pages > 0)
        {
          gint64 all = 0;
          g_array_prepend_val (data->clients, all);
        }
      data->lookup = 0;
    }
  if (data->lookup >= data->clients->len)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  client_id = g_array_index (data->clients, gint64, data->lookup);
  if (client_id == 0)
    {
      /* Every asset, within fewer pages than the clients' lists would take */
      _hy_halo_client_list_start (self, HY_HALO_KIND_ASSET, "includeinactive=true", NULL, 0,
                                  data->lookup_max_pages, data->priority, data->record,
                                  g_task_get_cancellable (task), save_lookup_cb, task);
      return;
    }
  query = g_strdup_printf ("client_id=%" G_GINT64_FORMAT "&includeinactive=true", client_id);
  hy_halo_client_list_async (self, HY_HALO_KIND_ASSET, query, "client_id", client_id,
                             data->priority, data->record, g_task_get_cancellable (task),
                             save_lookup_cb, task);
}

static void
save_batch_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HyHaloClient *self = HY_HALO_CLIENT (source);
  g_autoptr (GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GArray *batch = g_ptr_array_index (data->batches, data->batch);
  GError *error = NULL;
  g_autoptr (JsonNode) root = _hy_halo_client_json_request_finish (self, result, &error);
  g_autoptr (GPtrArray) returned = g_ptr_array_new ();
  g_autofree char *path = g_strconcat ("/api/", _hy_halo_client_kind_entity (data->kind), NULL);
  JsonArray *array = NULL;

  if (!root)
    {
      g_task_return_error (task, error);
      return;
    }

  /* ?returnall=true: every saved record, in an array (or a wrapper); a Halo that ignores it
   * answers with the last saved record only. */
  if (JSON_NODE_HOLDS_ARRAY (root))
    array = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root) &&
           !json_object_has_member (json_node_get_object (root), "id"))
    {
      /* a wrapper: {"assets": [...]} */
      JsonNode *inner = json_object_get_member (json_node_get_object (root),
                                                _hy_halo_client_kind_plural (data->kind));
      if (inner != NULL && JSON_NODE_HOLDS_ARRAY (inner))
        array = json_node_get_array (inner);
    }
  if (array != NULL)
    {
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_task_return_error (task, _hy_halo_client_bad_shape (path));
              return;
            }
          g_ptr_array_add (returned, json_node_get_object (element));
        }
    }
  else
    {
      JsonObject *saved = _hy_halo_client_single_object (root, data->kind);
      if (saved != NULL)
        g_ptr_array_add (returned, saved);
    }
  if (returned->len == 0)
    {
      g_task_return_error (task, _hy_halo_client_bad_shape (path));
      return;
    }

  for (guint r = 0; r < returned->len; r++)
    {
      JsonObject *saved = g_ptr_array_index (returned, r);
      gint64 saved_id = hy_halo_json_get_id (saved, "id");
      int index;

      if (saved_id <= 0)
        {
          g_task_return_error (task, _hy_halo_client_bad_shape (path));
          return;
        }
      index = save_match_item (data, batch, saved, saved_id);
      if (index >= 0 && g_ptr_array_index (data->results, index) == NULL)
        save_set_result (data, index, saved);
    }

  for (guint i = 0; i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      gint64 id = hy_halo_json_get_id (item_object (data, index), "id");
      if (g_ptr_array_index (data->results, index))
        continue;
      if (id > 0)
        save_set_result_from_item (data, index, id);
      else
        g_array_append_val (data->pending, index);
    }
  data->batch++;
  save_next_batch (g_steal_pointer (&task));
}

static void
save_next_batch (GTask *task)
{
  HyHaloClient *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  GArray *batch;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;
  JsonArray *array;
  CallFlags flags = 0;

  if (data->batch >= data->batches->len)
    {
      save_next_lookup (task);
      return;
    }
  batch = g_ptr_array_index (data->batches, data->batch);
  array = json_array_new ();
  for (guint i = 0; i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      json_array_add_element (array, json_node_copy (g_ptr_array_index (data->items, index)));
      if (hy_halo_json_get_id (item_object (data, index), "id") <= 0)
        flags |= CALL_IS_CREATE;
    }
  body = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (body, array);
  path = g_strconcat ("/api/", _hy_halo_client_kind_entity (data->kind), "?returnall=true", NULL);
  _hy_halo_client_json_request_async (self, "POST", path, body, data->priority, data->record, flags,
                                      g_task_get_cancellable (task), save_batch_cb, task);
}

/**
 * hy_halo_client_save_assets_async:
 *
 * hy_halo_client_save_assets_full_async() with %HY_HALO_SAVE_NONE.
 */
void
hy_halo_client_save_assets_async (HyHaloClient *self,
                                  GPtrArray *assets,
                                  HyHaloPriority priority,
                                  const char *record,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  hy_halo_client_save_assets_full_async (self, assets, HY_HALO_SAVE_NONE, priority, record,
                                         cancellable, callback, user_data);
}

/* Starts a save of @objects (JsonObject) of @kind in POSTs of up to @batch_size; @markers:
 * tickets' marker lines. */
static void
save_start (HyHaloClient *self,
            HyHaloKind kind,
            GPtrArray *objects,
            const char *const *markers,
            guint batch_size,
            HyHaloSaveFlags flags,
            HyHaloPriority priority,
            const char *record,
            GCancellable *cancellable,
            GAsyncReadyCallback callback,
            gpointer user_data,
            gpointer source_tag)
{
  GTask *task;
  SaveData *data;
  GArray *current = NULL;
  g_autoptr (GHashTable) key_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_source_tag (task, source_tag);
  data = g_new0 (SaveData, 1);
  data->kind = kind;
  data->items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  data->results = g_ptr_array_new_with_free_func (record_unref_nullable);
  data->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  data->pending = g_array_new (FALSE, FALSE, sizeof (guint));
  data->flags = flags;
  data->priority = priority;
  data->record = g_strdup (record);
  if (markers != NULL)
    {
      data->markers = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < objects->len; i++)
        g_ptr_array_add (data->markers, g_strdup (markers[i]));
    }
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *object = g_ptr_array_index (objects, i);
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);
      g_autofree char *json = json_to_string (node, FALSE);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonNode *copy;
      char *key;

      if (!json_parser_load_from_data (parser, json, -1, NULL))
        g_assert_not_reached ();
      copy = json_node_copy (json_parser_get_root (parser));
      hy_halo_json_normalize_ids (copy);
      g_ptr_array_add (data->items, copy);
      g_ptr_array_add (data->results, NULL);
      if (hy_halo_json_get_id (json_node_get_object (copy), "id") <= 0 &&
          (key = item_key_string (data, i)) != NULL)
        {
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (key_counts, key));
          g_hash_table_insert (key_counts, key, GUINT_TO_POINTER (count + 1));
        }
    }

  /* Updates and creates with a key of their own share batches; other creates go alone */
  for (guint i = 0; i < data->items->len; i++)
    {
      JsonObject *item = item_object (data, i);
      if (hy_halo_json_get_id (item, "id") <= 0)
        {
          g_autofree char *key = item_key_string (data, i);
          if (key == NULL || GPOINTER_TO_UINT (g_hash_table_lookup (key_counts, key)) > 1)
            {
              GArray *alone = g_array_new (FALSE, FALSE, sizeof (guint));
              g_array_append_val (alone, i);
              g_ptr_array_add (data->batches, alone);
              continue;
            }
        }
      if (!current || current->len >= batch_size)
        {
          current = g_array_new (FALSE, FALSE, sizeof (guint));
          g_ptr_array_add (data->batches, current);
        }
      g_array_append_val (current, i);
    }

  save_next_batch (task);
}

/**
 * hy_halo_client_save_assets_full_async:
 * @assets: (element-type JsonObject): assets to create (no `id`) or update (with `id`)
 * @flags: %HY_HALO_SAVE_NO_READ_BACK leaves the creates Halo's answers did not identify
 *   %NULL in the results instead of listing their clients' assets
 *
 * Saves assets with POSTs of up to the batch size each, with `?returnall=true` so that Halo
 * answers with every saved record. Created ids are reconciled by each create's client and
 * stable key — its asset number (`inventory_number`), else its `key_field`, else its
 * `serial_number` — never by position. Where Halo answered with fewer records (it ignored
 * returnall and sent the last one only), the assets of each client concerned are listed once,
 * after the last POST, and the creates found there by the same key. A create without a client
 * id or a key, or with the same key as another create of the call, is sent on its own.
 */
void
hy_halo_client_save_assets_full_async (HyHaloClient *self,
                                       GPtrArray *assets,
                                       HyHaloSaveFlags flags,
                                       HyHaloPriority priority,
                                       const char *record,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (assets != NULL);

  save_start (self, HY_HALO_KIND_ASSET, assets, NULL, self->batch_size, flags, priority, record,
              cancellable, callback, user_data, hy_halo_client_save_assets_async);
}

/**
 * hy_halo_client_save_assets_finish:
 *
 * Returns: (transfer full) (element-type HyHaloRecord): the saved assets, in the order given
 *   (an unidentified create is %NULL with %HY_HALO_SAVE_NO_READ_BACK)
 */
GPtrArray *
hy_halo_client_save_assets_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_halo_client_save_assets_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hy_halo_client_create_tickets_async:
 * @tickets: (element-type JsonObject): tickets to create (without `id`)
 * @markers: for each ticket, a line its `details` hold that no other ticket's do
 * @batch_size: the most tickets per POST (0: the client's batch size)
 *
 * Creates tickets with POSTs of up to @batch_size each, with `?returnall=true` so that Halo
 * answers with every saved ticket. Each saved ticket is matched to the one sent by its client
 * and the marker line of its details, never by position. A ticket without a marker, or with the
 * marker of another ticket of the call, is sent on its own.
 */
void
hy_halo_client_create_tickets_async (HyHaloClient *self,
                                     GPtrArray *tickets,
                                     const char *const *markers,
                                     guint batch_size,
                                     HyHaloPriority priority,
                                     const char *record,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (tickets != NULL && markers != NULL);

  save_start (self, HY_HALO_KIND_TICKET, tickets, markers,
              batch_size > 0 ? MIN (batch_size, self->batch_size) : self->batch_size,
              HY_HALO_SAVE_NO_READ_BACK, priority, record, cancellable, callback, user_data,
              hy_halo_client_create_tickets_async);
}

/**
 * hy_halo_client_create_tickets_finish:
 *
 * Returns: (transfer full) (element-type HyHaloRecord): the created tickets, in the order given;
 *   %NULL for a ticket Halo's answer did not say it made (it answered with fewer records, as a
 *   Halo that ignores `returnall` does): it may exist, look it up before creating it again
 */
GPtrArray *
hy_halo_client_create_tickets_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                            hy_halo_client_create_tickets_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
