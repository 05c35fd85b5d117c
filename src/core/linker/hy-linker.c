/* hy-linker.c: errors, results and their JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hy-linker-private.h"

GQuark
hy_linker_error_quark (void)
{
  return g_quark_from_static_string ("hy-linker-error-quark");
}

/* ------------------------------------------------------------------------- */
/* Errors                                                                    */
/* ------------------------------------------------------------------------- */

/* The store's sentence (one per kind), under the linker's domain. */
void
hy_linker_set_not_found (GError **error, HyRecordKind kind, const char *id)
{
  g_autofree char *message =
      hy_record_kind_not_found_message (kind < HY_N_RECORD_KINDS ? kind : HY_RECORD_KIND_ALERT, id);

  g_set_error_literal (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND, message);
}

void
hy_linker_set_halo_not_found (GError **error, HyCacheKind kind, gint64 halo_id)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, halo_id);

  switch (kind)
    {
      case HY_CACHE_KIND_CLIENT:
        /* Translators: %s is a Halo client id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo client %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_SITE:
        /* Translators: %s is a Halo site id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo site %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_ASSET:
        /* Translators: %s is a Halo asset id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo asset %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_AGENT:
        /* Translators: %s is a Halo agent id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo agent %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_TICKET_TYPE:
        /* Translators: %s is a Halo ticket type id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo ticket type %s is not among the Halo records Halyard knows. Check "
                        "the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_STATUS:
        /* Translators: %s is a Halo ticket status id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo status %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_PRIORITY:
        /* Translators: %s is a Halo ticket priority id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo priority %s is not among the Halo records Halyard knows. Check the "
                        "id, or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_TEAM:
        /* Translators: %s is a Halo team id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo team %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_OUTCOME:
      default:
        /* Translators: %s is a Halo action outcome id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo outcome %s is not among the Halo records Halyard knows. Check the "
                        "id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
    }
}

/* ------------------------------------------------------------------------- */
/* Records                                                                   */
/* ------------------------------------------------------------------------- */

gboolean
hy_linker_halo_kind (HyRecordKind kind, HyCacheKind *out_halo_kind)
{
  HyCacheKind halo_kind;

  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        halo_kind = HY_CACHE_KIND_CLIENT;
        break;
      case HY_RECORD_KIND_LOCATION:
        halo_kind = HY_CACHE_KIND_SITE;
        break;
      case HY_RECORD_KIND_COMPUTER:
        halo_kind = HY_CACHE_KIND_ASSET;
        break;
      case HY_RECORD_KIND_USER:
        halo_kind = HY_CACHE_KIND_AGENT;
        break;
      case HY_RECORD_KIND_GROUP:
      case HY_RECORD_KIND_POLICY:
      case HY_RECORD_KIND_ALERT:
      default:
        return FALSE;
    }

  if (out_halo_kind != NULL)
    *out_halo_kind = halo_kind;
  return TRUE;
}

void
hy_linker_ambiguous_free (HyLinkerAmbiguous *ambiguous)
{
  if (ambiguous == NULL)
    return;
  g_free (ambiguous->id);
  g_free (ambiguous->name);
  g_clear_pointer (&ambiguous->candidates, g_array_unref);
  g_free (ambiguous);
}

HyLinkerSuggestion *
hy_linker_suggestion_copy (const HyLinkerSuggestion *suggestion)
{
  HyLinkerSuggestion *copy = g_new0 (HyLinkerSuggestion, 1);

  copy->kind = suggestion->kind;
  copy->id = g_strdup (suggestion->id);
  copy->name = g_strdup (suggestion->name);
  copy->halo_id = suggestion->halo_id;
  copy->halo_name = g_strdup (suggestion->halo_name);
  copy->score = suggestion->score;
  copy->evidence = g_strdupv (suggestion->evidence);
  return copy;
}

void
hy_linker_suggestion_free (HyLinkerSuggestion *suggestion)
{
  if (suggestion == NULL)
    return;
  g_free (suggestion->id);
  g_free (suggestion->name);
  g_free (suggestion->halo_name);
  g_strfreev (suggestion->evidence);
  g_free (suggestion);
}

HyLinkerResult *
hy_linker_result_new (gboolean dry_run)
{
  HyLinkerResult *result = g_new0 (HyLinkerResult, 1);

  result->dry_run = dry_run;
  result->linked = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_link_free);
  result->ambiguous = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_ambiguous_free);
  result->suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_suggestion_free);
  return result;
}

void
hy_linker_result_free (HyLinkerResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->linked, g_ptr_array_unref);
  g_clear_pointer (&result->ambiguous, g_ptr_array_unref);
  g_clear_pointer (&result->suggestions, g_ptr_array_unref);
  g_free (result);
}

HyLink *
hy_linker_link_new (HyRecordKind kind,
                    const char *id,
                    const char *name,
                    HyLinkHow how,
                    gint64 halo_id,
                    const char *halo_name)
{
  HyLink *link = g_new0 (HyLink, 1);

  link->kind = kind;
  link->id = g_strdup (id);
  link->name = g_strdup (name);
  link->link.how = how;
  link->link.halo_id = how == HY_LINK_HOW_NONE ? 0 : halo_id;
  link->link.halo_name = how == HY_LINK_HOW_NONE ? NULL : g_strdup (halo_name);
  return link;
}

/* ------------------------------------------------------------------------- */
/* JSON                                                                      */
/* ------------------------------------------------------------------------- */

/* Opens a record's object with the members every one starts with: its kind, id and name. */
static void
begin_record (JsonBuilder *builder, HyRecordKind kind, const char *id, const char *name)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, hy_record_kind_to_string (kind));
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
}

static void
add_link (JsonBuilder *builder, const HyLink *link)
{
  gboolean linked = link->link.how != HY_LINK_HOW_NONE;

  begin_record (builder, link->kind, link->id, link->name);
  json_builder_set_member_name (builder, "linked");
  json_builder_add_boolean_value (builder, linked);
  json_builder_set_member_name (builder, "halo_id");
  if (linked)
    json_builder_add_int_value (builder, link->link.halo_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "halo_name");
  if (linked && link->link.halo_name != NULL)
    json_builder_add_string_value (builder, link->link.halo_name);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "how");
  if (linked)
    json_builder_add_string_value (builder, hy_link_how_to_string (link->link.how));
  else
    json_builder_add_null_value (builder);
  /* Computers missing from the last complete (--prune) import: kept, shown as retired. */
  if (link->kind == HY_RECORD_KIND_COMPUTER)
    {
      json_builder_set_member_name (builder, "retired");
      json_builder_add_boolean_value (builder, link->retired != 0);
    }
  json_builder_end_object (builder);
}

JsonNode *
hy_linker_link_to_json (const HyLink *link)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  add_link (builder, link);
  return json_builder_get_root (builder);
}

JsonNode *
hy_linker_links_to_json (GPtrArray *links)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; links != NULL && i < links->len; i++)
    add_link (builder, g_ptr_array_index (links, i));
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

JsonNode *
hy_linker_result_to_json (const HyLinkerResult *result)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "linked");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->linked->len; i++)
    add_link (builder, g_ptr_array_index (result->linked, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "ambiguous");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->ambiguous->len; i++)
    {
      const HyLinkerAmbiguous *ambiguous = g_ptr_array_index (result->ambiguous, i);

      begin_record (builder, ambiguous->kind, ambiguous->id, ambiguous->name);
      json_builder_set_member_name (builder, "candidates");
      json_builder_begin_array (builder);
      for (guint c = 0; c < ambiguous->candidates->len; c++)
        json_builder_add_int_value (builder, g_array_index (ambiguous->candidates, gint64, c));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "suggestions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->suggestions->len; i++)
    {
      const HyLinkerSuggestion *suggestion = g_ptr_array_index (result->suggestions, i);

      begin_record (builder, suggestion->kind, suggestion->id, suggestion->name);
      json_builder_set_member_name (builder, "halo_id");
      json_builder_add_int_value (builder, suggestion->halo_id);
      json_builder_set_member_name (builder, "halo_name");
      json_builder_add_string_value (builder, suggestion->halo_name);
      json_builder_set_member_name (builder, "score");
      json_builder_add_double_value (builder, suggestion->score);
      json_builder_set_member_name (builder, "evidence");
      json_builder_begin_array (builder);
      for (guint e = 0; suggestion->evidence != NULL && suggestion->evidence[e] != NULL; e++)
        json_builder_add_string_value (builder, suggestion->evidence[e]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "waiting");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "locations");
  json_builder_add_int_value (builder, result->waiting_locations);
  json_builder_set_member_name (builder, "computers");
  json_builder_add_int_value (builder, result->waiting_computers);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "dry_run");
  json_builder_add_boolean_value (builder, result->dry_run);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
