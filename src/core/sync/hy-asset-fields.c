/* hy-asset-fields.c: which field of a Halo asset type each of the computers' fields goes to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sync/hy-asset-fields.h"
#include "sync/hy-sync-error.h"
#include "sync/hy-sync-payload.h"

static const char *const field_names[HY_N_ASSET_FIELDS] = {
  [HY_ASSET_FIELD_SERIAL] = "serial",
  [HY_ASSET_FIELD_OS] = "os",
  [HY_ASSET_FIELD_IP] = "ip",
  [HY_ASSET_FIELD_MAC] = "mac",
  [HY_ASSET_FIELD_LAST_SEEN] = "last_seen",
};

/* What a field's name says, folded (lower case, letters and digits only): a whole name, or a
 * part of one ("Primary IP Address"). */
typedef struct
{
  const char *const *whole;
  const char *const *part;
} Names;

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const Names names[HY_N_ASSET_FIELDS] = {
  [HY_ASSET_FIELD_SERIAL] = { LIST ("sn", "servicetag"), LIST ("serial") },
  [HY_ASSET_FIELD_OS] = { LIST ("os", "osname", "platform"), LIST ("operatingsystem") },
  [HY_ASSET_FIELD_IP] = { LIST ("ip", "ipv4", "lanip", "localip"), LIST ("ipaddress") },
  [HY_ASSET_FIELD_MAC] = { LIST ("mac", "macs"), LIST ("macaddress", "physicaladdress") },
  [HY_ASSET_FIELD_LAST_SEEN] = { LIST ("lastseen"), LIST ("lastseen",
                                                          "lastonline",
                                                          "lastcontact",
                                                          "lastcheckin",
                                                          "lastcheckedin",
                                                          "lastresponse") },
};

const char *
hy_asset_field_to_string (HyAssetField field)
{
  g_return_val_if_fail (field < HY_N_ASSET_FIELDS, NULL);
  return field_names[field];
}

int
hy_asset_field_from_string (const char *name)
{
  for (guint i = 0; name != NULL && i < HY_N_ASSET_FIELDS; i++)
    if (g_ascii_strcasecmp (field_names[i], name) == 0)
      return (int) i;
  return -1;
}

static char *
fold (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text != NULL ? text : "", -1);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
name_matches (const char *name, HyAssetField field)
{
  g_autofree char *folded = fold (name);

  for (guint i = 0; names[field].whole[i] != NULL; i++)
    if (g_str_equal (folded, names[field].whole[i]))
      return TRUE;
  for (guint i = 0; names[field].part[i] != NULL; i++)
    if (strstr (folded, names[field].part[i]) != NULL)
      return TRUE;
  return FALSE;
}

gint64
hy_asset_fields_guess (const HyAssetType *type, HyAssetField field)
{
  g_return_val_if_fail (type != NULL, 0);
  g_return_val_if_fail (field < HY_N_ASSET_FIELDS, 0);

  for (guint i = 0; i < type->fields->len; i++)
    {
      const HyAssetTypeField *f = type->fields->pdata[i];

      if (f->id > 0 && f->id != type->keyfield_id && name_matches (f->name, field))
        return f->id;
    }
  return 0;
}

static const HyAssetTypeField *
find_field (const HyAssetType *type, gint64 id)
{
  for (guint i = 0; i < type->fields->len; i++)
    {
      const HyAssetTypeField *f = type->fields->pdata[i];

      if (f->id == id)
        return f;
    }
  return NULL;
}

void
hy_asset_fields_resolve (const HyAssetType *type,
                         GHashTable *choices,
                         HyAssetFieldTarget targets[HY_N_ASSET_FIELDS])
{
  g_return_if_fail (type != NULL);

  for (guint i = 0; i < HY_N_ASSET_FIELDS; i++)
    {
      HyAssetFieldTarget *t = &targets[i];
      const gint64 *chosen = choices != NULL ? g_hash_table_lookup (choices, field_names[i]) : NULL;
      const HyAssetTypeField *f;

      memset (t, 0, sizeof *t);
      if (chosen != NULL && *chosen <= 0)
        {
          t->how = HY_ASSET_FIELD_HOW_NONE;
          continue;
        }
      if (chosen != NULL)
        {
          t->how = HY_ASSET_FIELD_HOW_MANUAL;
          f = find_field (type, *chosen);
          if (f == NULL)
            {
              /* Removed from the type in Halo since: sent nowhere rather than to a field
               * that is not there. */
              t->missing = TRUE;
              continue;
            }
        }
      else
        {
          t->how = HY_ASSET_FIELD_HOW_AUTO;
          f = find_field (type, hy_asset_fields_guess (type, i));
          if (f == NULL)
            continue;
        }
      t->halo_field_id = f->id;
      t->halo_field_name = f->name;
    }
}

HyAssetType *
hy_asset_type_from_details (JsonObject *details)
{
  g_autoptr (HyAssetType) type = NULL;
  JsonNode *fields;
  gint64 id;

  if (details == NULL)
    return NULL;
  id = hy_sync_json_int (details, "id");
  if (id <= 0)
    return NULL;
  type = hy_asset_type_new (id, hy_sync_json_string (details, "name"),
                            hy_sync_json_int (details, "keyfield_id"));
  fields = json_object_get_member (details, "fields");
  if (fields != NULL && JSON_NODE_HOLDS_ARRAY (fields))
    {
      JsonArray *array = json_node_get_array (fields);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *name;
          gint64 field_id;

          if (hy_sync_asset_type_field (json_array_get_element (array, i), &field_id, &name) &&
              find_field (type, field_id) == NULL)
            hy_asset_type_add_field (type, field_id, name);
        }
    }
  return g_steal_pointer (&type);
}

/* “Device Name”, “Serial Number”, … */
static char *
field_name_list (const HyAssetType *type)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < type->fields->len; i++)
    {
      const HyAssetTypeField *f = type->fields->pdata[i];

      if (out->len > 0)
        g_string_append (out, ", ");
      /* Translators: a field name of a Halo asset type, in a list of them */
      g_string_append_printf (out, _ ("“%s”"), f->name);
    }
  return g_string_free (out, FALSE);
}

/* Saves the choice; a choice that moves the field forgets every fingerprint, so that each
 * asset gets its field again, where it now goes. */
static gboolean
save_choice (HyStore *store, const HyAssetType *type, HyAssetField field, gint64 id, GError **error)
{
  g_autoptr (GHashTable) choices = hy_store_get_asset_field_choices (store, type->id, error);
  HyAssetFieldTarget before[HY_N_ASSET_FIELDS];
  HyAssetFieldTarget after[HY_N_ASSET_FIELDS];

  if (choices == NULL)
    return FALSE;
  hy_asset_fields_resolve (type, choices, before);
  if (!hy_store_begin (store, error))
    return FALSE;
  if (!hy_store_set_asset_field_choice (store, type->id, field_names[field], id, error))
    goto failed;
  {
    g_autoptr (GHashTable) now = hy_store_get_asset_field_choices (store, type->id, error);

    if (now == NULL)
      goto failed;
    hy_asset_fields_resolve (type, now, after);
  }
  if (before[field].halo_field_id != after[field].halo_field_id &&
      !hy_store_clear_asset_fingerprints (store, error))
    goto failed;
  return hy_store_commit (store, error);

failed:
  hy_store_rollback (store);
  return FALSE;
}

gboolean
hy_asset_fields_choose (HyStore *store,
                        const HyAssetType *type,
                        HyAssetField field,
                        const char *halo_name,
                        GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (store), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (field < HY_N_ASSET_FIELDS, FALSE);

  if (halo_name == NULL)
    return save_choice (store, type, field, -1, error);
  if (*halo_name == '\0')
    return save_choice (store, type, field, 0, error);

  for (guint i = 0; i < type->fields->len; i++)
    {
      const HyAssetTypeField *f = type->fields->pdata[i];
      g_autofree char *a = g_utf8_casefold (f->name, -1);
      g_autofree char *b = g_utf8_casefold (halo_name, -1);

      if (g_strcmp0 (a, b) != 0)
        continue;
      if (f->id == type->keyfield_id)
        {
          g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                       /* Translators: the first %s is a field of a Halo asset type, the second
                        * the asset type */
                       _ ("“%s” is the key field of Halo’s asset type “%s”: it holds the "
                          "computer’s name. Choose another field."),
                       f->name, type->name);
          return FALSE;
        }
      return save_choice (store, type, field, f->id, error);
    }

  {
    g_autofree char *list = field_name_list (type);

    if (type->fields->len == 0)
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                   /* Translators: the first %s is the field a technician typed, the second a
                    * Halo asset type, %lld its id */
                   _ ("Halo’s asset type “%s” (%lld) has no fields at all, so “%s” cannot be "
                      "chosen: add the field in Halo (Configuration > Asset Management > Asset "
                      "Types)."),
                   type->name, (long long) type->id, halo_name);
    else
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                   /* Translators: the first %s is a Halo asset type, %lld its id, the second
                    * %s the field a technician typed, the third the type's own field names */
                   _ ("Halo’s asset type “%s” (%lld) has no field “%s”. Its fields are: %s."),
                   type->name, (long long) type->id, halo_name, list);
  }
  return FALSE;
}

static const char *
how_to_string (HyAssetFieldHow how)
{
  switch (how)
    {
      case HY_ASSET_FIELD_HOW_MANUAL:
        return "manual";
      case HY_ASSET_FIELD_HOW_NONE:
        return "none";
      case HY_ASSET_FIELD_HOW_AUTO:
      default:
        return "auto";
    }
}

JsonNode *
hy_asset_fields_to_json (const HyAssetType *type, GHashTable *choices)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  HyAssetFieldTarget targets[HY_N_ASSET_FIELDS];

  g_return_val_if_fail (type != NULL, NULL);

  hy_asset_fields_resolve (type, choices, targets);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "asset_type");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, type->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, type->name);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "fields");
  json_builder_begin_array (b);
  for (guint i = 0; i < HY_N_ASSET_FIELDS; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, field_names[i]);
      json_builder_set_member_name (b, "halo_field_id");
      if (targets[i].halo_field_id > 0)
        json_builder_add_int_value (b, targets[i].halo_field_id);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "halo_field_name");
      if (targets[i].halo_field_name != NULL)
        json_builder_add_string_value (b, targets[i].halo_field_name);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "how");
      json_builder_add_string_value (b, how_to_string (targets[i].how));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "halo_fields");
  json_builder_begin_array (b);
  for (guint i = 0; i < type->fields->len; i++)
    json_builder_add_string_value (b, ((HyAssetTypeField *) type->fields->pdata[i])->name);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---------------------------------------------------------------------------------------------
 * Reading a type from Halo
 * ------------------------------------------------------------------------------------------- */

typedef struct
{
  HyStore *store;
  gint64 id;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_object_unref (data->store);
  g_free (data);
}

static void
type_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ReadData *data = g_task_get_task_data (task);
  g_autoptr (HyHaloRecord) record = NULL;
  g_autoptr (HyAssetType) type = NULL;
  GError *error = NULL;

  record = hy_halo_client_record_finish (HY_HALO_CLIENT (source), result, &error);
  if (record == NULL)
    {
      if (g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          g_set_error (&error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                       /* Translators: %lld is an asset type id */
                       _ ("Halo has no asset type %lld: see the ids in Halo (Configuration > "
                          "Asset Management > Asset Types)."),
                       (long long) data->id);
        }
      g_task_return_error (task, error);
      return;
    }
  type = hy_asset_type_from_details (hy_halo_record_get_object (record));
  if (type == NULL)
    {
      g_task_return_new_error (task, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                               /* Translators: %lld is an asset type id */
                               _ ("Halo’s answer for asset type %lld is not an asset type."),
                               (long long) data->id);
      return;
    }
  if (!hy_store_save_asset_type (data->store, type, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&type), (GDestroyNotify) hy_asset_type_free);
}

void
hy_asset_fields_read_type_async (HyHaloClient *client,
                                 HyStore *store,
                                 gint64 id,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ReadData *data;

  g_return_if_fail (HY_IS_HALO_CLIENT (client));
  g_return_if_fail (HY_IS_STORE (store));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_asset_fields_read_type_async);
  data = g_new0 (ReadData, 1);
  data->store = g_object_ref (store);
  data->id = id;
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  hy_halo_client_get_record_async (client, HY_HALO_KIND_ASSET_TYPE, id, "includedetails=true",
                                   HY_HALO_PRIORITY_INTERACTIVE, NULL, cancellable, type_read_cb,
                                   g_steal_pointer (&task));
}

HyAssetType *
hy_asset_fields_read_type_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
