/* hy-halo-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <math.h>
#include <string.h>

#include "hy-halo-record.h"

/* Compact on purpose: a record keeps Halo's JSON as text plus the few members every
 * consumer reads; the JSON object is parsed on first use only (50 000 assets as JsonObjects
 * cost ~6 KiB each, as text ~0.6 KiB). */
struct _HyHaloRecord
{
  gatomicrefcount ref_count;
  HyHaloKind kind;
  gint64 id;
  gint64 client_id;
  gint64 site_id;
  char *name;
  char *email;
  char *inventory_number;
  char *json;
  JsonObject *object; /* parsed lazily, then sealed */
};

G_DEFINE_BOXED_TYPE (HyHaloRecord, hy_halo_record, hy_halo_record_ref, hy_halo_record_unref)
G_DEFINE_BOXED_TYPE (HyHaloList, hy_halo_list, hy_halo_list_copy, hy_halo_list_free)

/* ------------------------------------------------------------------------- */
/* Robust numbers                                                            */
/* ------------------------------------------------------------------------- */

/**
 * hy_halo_json_parse_id:
 * @node: (nullable): a JSON value
 * @out_id: (out): the id
 *
 * Parses an id as Halo sends it: `12`, `12.0` or `"12"` (a fractional or non-numeric value
 * is not an id).
 *
 * Returns: whether @node held an integral number
 */
gboolean
hy_halo_json_parse_id (JsonNode *node, gint64 *out_id)
{
  GType type;

  *out_id = 0;
  if (!node || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *out_id = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      if (!isfinite (d) || d != floor (d) || fabs (d) > 9007199254740992.0)
        return FALSE;
      *out_id = (gint64) d;
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      g_autofree char *s = g_strstrip (g_strdup (json_node_get_string (node)));
      g_autoptr (GError) error = NULL;
      char *end = NULL;
      double d;

      if (!*s)
        return FALSE;
      if (g_ascii_string_to_signed (s, 10, G_MININT64, G_MAXINT64, out_id, NULL))
        return TRUE;
      d = g_ascii_strtod (s, &end);
      if (end && *end == '\0' && isfinite (d) && d == floor (d) && fabs (d) <= 9007199254740992.0)
        {
          *out_id = (gint64) d;
          return TRUE;
        }
      return FALSE;
    }
  return FALSE;
}

/**
 * hy_halo_json_get_id:
 * @object: a JSON object
 * @member: a member name
 *
 * Returns: the member parsed with hy_halo_json_parse_id(), 0 when absent or not a number
 */
gint64
hy_halo_json_get_id (JsonObject *object, const char *member)
{
  gint64 id = 0;

  if (!object || !json_object_has_member (object, member))
    return 0;
  hy_halo_json_parse_id (json_object_get_member (object, member), &id);
  return id;
}

/* "12" but not "012", " 12" or "12.0": a string id that is a number written as Halo writes
 * one (external ids such as "00123" stay strings) */
static gboolean
canonical_integer (const char *text, gint64 *out)
{
  g_autofree char *back = NULL;

  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, NULL))
    return FALSE;
  back = g_strdup_printf ("%" G_GINT64_FORMAT, *out);
  return g_strcmp0 (back, text) == 0;
}

static gboolean
is_id_member (const char *name)
{
  gsize len = strlen (name);

  return g_strcmp0 (name, "id") == 0 || (len > 3 && strcmp (name + len - 3, "_id") == 0) ||
         (len > 2 && strcmp (name + len - 2, "id") == 0 && g_str_has_prefix (name, "who_agent"));
}

/**
 * hy_halo_json_normalize_ids:
 * @node: a JSON document about to be sent
 *
 * Rewrites, recursively, every `id` and `*_id` member holding an integral number (`12.0`,
 * `"12"`, but not `"0012"`) as a JSON integer, so Halo never sees `95.0` (which it rejects).
 */
void
hy_halo_json_normalize_ids (JsonNode *node)
{
  if (!node)
    return;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        hy_halo_json_normalize_ids (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (object);

      for (GList *l = members; l; l = l->next)
        {
          JsonNode *member = json_object_get_member (object, l->data);
          gint64 id;

          if (JSON_NODE_HOLDS_VALUE (member) && is_id_member (l->data))
            {
              GType type = json_node_get_value_type (member);
              if (type == G_TYPE_DOUBLE && hy_halo_json_parse_id (member, &id))
                json_object_set_int_member (object, l->data, id);
              else if (type == G_TYPE_STRING &&
                       canonical_integer (json_node_get_string (member), &id))
                json_object_set_int_member (object, l->data, id);
            }
          else
            hy_halo_json_normalize_ids (member);
        }
    }
}

/* ------------------------------------------------------------------------- */
/* HyHaloRecord                                                              */
/* ------------------------------------------------------------------------- */

static const char *
object_string (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static const char *
display_name (HyHaloKind kind, JsonObject *object)
{
  const char *name;

  if (kind == HY_HALO_KIND_TICKET && (name = object_string (object, "summary")))
    return name;
  if ((name = object_string (object, "name")))
    return name;
  if (kind == HY_HALO_KIND_OUTCOME)
    {
      if ((name = object_string (object, "outcome")))
        return name;
      return object_string (object, "buttonname");
    }
  if (kind == HY_HALO_KIND_ASSET)
    {
      if ((name = object_string (object, "key_field")))
        return name;
      return object_string (object, "inventory_number");
    }
  return NULL;
}

/**
 * hy_halo_record_new:
 * @kind: the entity
 * @object: the JSON object (copied: later changes to it do not show)
 *
 * Returns: (transfer full): a new record
 */
HyHaloRecord *
hy_halo_record_new (HyHaloKind kind, JsonObject *object)
{
  HyHaloRecord *self = g_new0 (HyHaloRecord, 1);
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);
  const char *email;

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->id = hy_halo_json_get_id (object, "id");
  /* A priority's integer id is `priorityid` (tickets nest {"id": GUID, "priorityid": N}). */
  if (kind == HY_HALO_KIND_PRIORITY && hy_halo_json_get_id (object, "priorityid") > 0)
    self->id = hy_halo_json_get_id (object, "priorityid");
  self->client_id = hy_halo_json_get_id (object, "client_id");
  self->site_id = hy_halo_json_get_id (object, "site_id");
  self->name = g_strdup (display_name (kind, object));
  email = object_string (object, "email");
  self->email = g_strdup (email ? email : object_string (object, "emailaddress"));
  self->inventory_number = g_strdup (object_string (object, "inventory_number"));
  self->json = json_to_string (node, FALSE);
  return self;
}

HyHaloRecord *
hy_halo_record_ref (HyHaloRecord *self)
{
  g_return_val_if_fail (self, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hy_halo_record_unref (HyHaloRecord *self)
{
  g_return_if_fail (self);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      if (self->object)
        json_object_unref (self->object);
      g_free (self->name);
      g_free (self->email);
      g_free (self->inventory_number);
      g_free (self->json);
      g_free (self);
    }
}

HyHaloKind
hy_halo_record_get_kind (HyHaloRecord *self)
{
  return self->kind;
}

/**
 * hy_halo_record_get_object:
 *
 * Parses the record's JSON on first use (thread-safe).
 *
 * Returns: (transfer none): the (sealed, read-only) JSON object as Halo sent it
 */
JsonObject *
hy_halo_record_get_object (HyHaloRecord *self)
{
  if (g_once_init_enter (&self->object))
    {
      g_autoptr (JsonNode) node = json_from_string (self->json, NULL);
      JsonObject *object;

      /* The text was generated from an object whose numbers the client checked
       * (hy_json_guard_numbers): it parses. A record made from anything else that json-glib
       * cannot read back is empty rather than a crash: the data came from outside. */
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        object = json_object_ref (json_node_get_object (node));
      else
        {
          g_debug ("Record %" G_GINT64_FORMAT " (kind %d) cannot be read back from its JSON text",
                   self->id, (int) self->kind);
          object = json_object_new ();
        }
      json_object_seal (object);
      g_once_init_leave (&self->object, object);
    }
  return self->object;
}

gint64
hy_halo_record_get_int (HyHaloRecord *self, const char *member)
{
  return hy_halo_json_get_id (hy_halo_record_get_object (self), member);
}

gint64
hy_halo_record_get_id (HyHaloRecord *self)
{
  return self->id;
}

gint64
hy_halo_record_get_client_id (HyHaloRecord *self)
{
  return self->client_id;
}

gint64
hy_halo_record_get_site_id (HyHaloRecord *self)
{
  return self->site_id;
}

/**
 * hy_halo_record_get_string:
 *
 * Returns: (nullable): the member if it is a JSON string
 */
const char *
hy_halo_record_get_string (HyHaloRecord *self, const char *member)
{
  if (g_strcmp0 (member, "inventory_number") == 0)
    return self->inventory_number;
  return object_string (hy_halo_record_get_object (self), member);
}

/**
 * hy_halo_record_get_boolean:
 *
 * Returns: the member as a boolean (true, 1, "true"); %FALSE when absent
 */
gboolean
hy_halo_record_get_boolean (HyHaloRecord *self, const char *member)
{
  JsonObject *object = hy_halo_record_get_object (self);
  JsonNode *node;
  GType type;

  if (!json_object_has_member (object, member))
    return FALSE;
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  if (type == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (node), "true") == 0 ||
           g_strcmp0 (json_node_get_string (node), "1") == 0;
  return FALSE;
}

/**
 * hy_halo_record_get_name:
 *
 * Returns: (nullable): the display name: `name`, for tickets `summary`, for outcomes `outcome`
 *   or `buttonname`, for assets `key_field` or `inventory_number` when `name` is missing
 */
const char *
hy_halo_record_get_name (HyHaloRecord *self)
{
  return self->name;
}

/**
 * hy_halo_record_get_email:
 *
 * Returns: (nullable): `email` (agents) or `emailaddress` (users)
 */
const char *
hy_halo_record_get_email (HyHaloRecord *self)
{
  return self->email;
}

/**
 * hy_halo_record_get_json:
 *
 * Returns: (transfer none): the record as compact JSON (what a cache can store as is)
 */
const char *
hy_halo_record_get_json (HyHaloRecord *self)
{
  return self->json;
}

/**
 * hy_halo_record_to_json:
 *
 * Returns: (transfer full): the record as compact JSON
 */
char *
hy_halo_record_to_json (HyHaloRecord *self)
{
  return g_strdup (self->json);
}

/* ------------------------------------------------------------------------- */
/* HyHaloList                                                                */
/* ------------------------------------------------------------------------- */

HyHaloList *
hy_halo_list_new (void)
{
  HyHaloList *self = g_new0 (HyHaloList, 1);

  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_halo_record_unref);
  self->record_count = -1;
  return self;
}

HyHaloList *
hy_halo_list_copy (HyHaloList *self)
{
  HyHaloList *copy = hy_halo_list_new ();

  for (guint i = 0; i < self->records->len; i++)
    g_ptr_array_add (copy->records, hy_halo_record_ref (g_ptr_array_index (self->records, i)));
  copy->record_count = self->record_count;
  copy->requests = self->requests;
  copy->inconsistent = self->inconsistent;
  copy->dropped = self->dropped;
  copy->truncated = self->truncated;
  return copy;
}

void
hy_halo_list_free (HyHaloList *self)
{
  if (!self)
    return;
  g_ptr_array_unref (self->records);
  g_free (self);
}

static const char *
field_string (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
hy_halo_asset_field_value (JsonObject *asset, const char *name_like)
{
  JsonArray *fields;
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (name_like != NULL, NULL);
  if (asset == NULL || !json_object_has_member (asset, "fields") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (asset, "fields")))
    return NULL;
  wanted = g_utf8_casefold (name_like, -1);
  fields = json_object_get_array_member (asset, "fields");
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonNode *element = json_array_get_element (fields, i);
      const char *name;
      const char *value;
      g_autofree char *folded = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      name = field_string (json_node_get_object (element), "name");
      value = field_string (json_node_get_object (element), "value");
      if (name == NULL || value == NULL || *value == '\0')
        continue;
      folded = g_utf8_casefold (name, -1);
      if (strstr (folded, wanted) != NULL)
        return value;
    }
  return NULL;
}
