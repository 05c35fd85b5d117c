/* hy-cli-asset-fields.c: `map fields --asset-type ID [FIELD=NAME …]`, and the asset fields in
 * `status`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Setup's Asset Fields does, for scripts: the type is read from Halo first (its fields as
 * Halo names them now), then each FIELD (serial, os, ip, mac, last_seen) goes to the field
 * named NAME, to none (FIELD=) or back to the one whose name matches (FIELD=auto). A name the
 * type has not is bad input (exit 2) naming the type's own fields, and nothing is saved.
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sync/hy-asset-fields.h"
#include "sync/hy-sync-error.h"

#include "hy-cli-asset-fields.h"
#include "hy-cli-session.h"

static const char *
how_text (const HyAssetFieldTarget *target)
{
  if (target->missing)
    /* Translators: a field chosen for an asset type, which Halo has removed since */
    return _ ("chosen, no longer in Halo: not sent");
  switch (target->how)
    {
      case HY_ASSET_FIELD_HOW_MANUAL:
        /* Translators: the technician chose this field */
        return _ ("chosen");
      case HY_ASSET_FIELD_HOW_NONE:
        return _ ("not sent, as chosen");
      case HY_ASSET_FIELD_HOW_AUTO:
      default:
        /* Translators: the field was found by its name */
        return _ ("by its name");
    }
}

static void
print_type (HyCli *cli, const HyAssetType *type, GHashTable *choices)
{
  HyAssetFieldTarget targets[HY_N_ASSET_FIELDS];

  hy_asset_fields_resolve (type, choices, targets);
  /* Translators: %s is a Halo asset type, %lld its id */
  hy_cli_print (cli, _ ("Asset type %s (%lld):"), type->name, (long long) type->id);
  for (guint f = 0; f < HY_N_ASSET_FIELDS; f++)
    {
      if (targets[f].halo_field_id > 0)
        /* Translators: "os → Operating System (by its name)": a computer's field, the Halo
         * field it goes to, and why */
        hy_cli_print (cli, _ ("  %s → %s (%s)"), hy_asset_field_to_string (f),
                      targets[f].halo_field_name, how_text (&targets[f]));
      else if (targets[f].how == HY_ASSET_FIELD_HOW_AUTO)
        /* Translators: %s is a computer's field (os, ip, …) */
        hy_cli_print (cli, _ ("  %s → not sent: no field of this type has a name like it"),
                      hy_asset_field_to_string (f));
      else
        /* Translators: "mac → not sent, as chosen" */
        hy_cli_print (cli, _ ("  %s → %s"), hy_asset_field_to_string (f), how_text (&targets[f]));
    }
}

/* FIELD=NAME… (argv[2] on) for @type, in one transaction: all saved, or none. */
static int
apply_choices (HyCli *cli, HyStore *store, const HyAssetType *type, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  if (!hy_store_begin (store, &error))
    return hy_cli_fail (cli, error);
  for (int i = 2; i < argc; i++)
    {
      const char *eq = strchr (argv[i], '=');
      g_autofree char *field = g_strndup (argv[i], eq - argv[i]);
      const char *name = eq + 1;

      if (!hy_asset_fields_choose (store, type, hy_asset_field_from_string (field),
                                   g_ascii_strcasecmp (name, "auto") == 0 ? NULL : name, &error))
        {
          hy_store_rollback (store);
          if (g_error_matches (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID))
            return hy_cli_fail_with (cli, HY_CLI_EXIT_USAGE, "invalid_input", error->message);
          return hy_cli_fail (cli, error);
        }
    }
  if (!hy_store_commit (store, &error))
    return hy_cli_fail (cli, error);
  return HY_CLI_EXIT_OK;
}

int
hy_cli_map_fields (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HyAssetType) type = NULL;
  g_autoptr (GHashTable) choices = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *type_text = NULL;
  const GOptionEntry entries[] = {
    { "asset-type", 0, 0, G_OPTION_ARG_STRING, &type_text, N_ ("the Halo asset type id"),
      N_ ("ID") },
    { NULL },
  };
  gint64 type_id = 0;
  HyStore *store;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries, N_ ("fields --asset-type ID [FIELD=NAME…]"),
                     N_ ("Shows and chooses which field of a Halo asset type each of the "
                         "computers' fields goes to: serial, os, ip, mac and last_seen. Each goes "
                         "to the field whose name matches unless you choose: FIELD=NAME (the "
                         "field's name in Halo), FIELD= (not sent) or FIELD=auto (by its name "
                         "again)."),
                     &status))
    return status;
  if (argc < 2 || !g_str_equal (argv[1], "fields") || type_text == NULL)
    return hy_cli_fail_usage (cli, _ ("Usage: map fields --asset-type ID [FIELD=NAME…]"));
  if (!hy_cli_parse_int (type_text, "--asset-type", &type_id, &error) || type_id <= 0)
    {
      if (error == NULL)
        return hy_cli_fail_usage (cli, _ ("--asset-type must be a Halo asset type id, such as "
                                          "130."));
      return hy_cli_fail (cli, error);
    }
  /* Every assignment is read before anything is asked of Halo. */
  for (int i = 2; i < argc; i++)
    {
      const char *eq = strchr (argv[i], '=');
      g_autofree char *field = eq != NULL ? g_strndup (argv[i], eq - argv[i]) : NULL;

      if (field == NULL || hy_asset_field_from_string (field) < 0)
        {
          g_autofree char *message = g_strdup_printf (
              /* Translators: %s is what was typed; keep serial, os, ip, mac and last_seen */
              _ ("“%s” is not FIELD=NAME with a FIELD among serial, os, ip, mac and last_seen."),
              argv[i]);
          return hy_cli_fail_usage (cli, message);
        }
    }

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  store = hy_session_get_store (session);
  hy_session_get_client_async (session, NULL, hy_cli_result_cb, &result);
  client = hy_session_get_client_finish (session, hy_cli_wait (&result), &error);
  if (client == NULL)
    return hy_cli_fail (cli, error);
  g_clear_object (&result);
  hy_asset_fields_read_type_async (client, store, type_id, NULL, hy_cli_result_cb, &result);
  type = hy_asset_fields_read_type_finish (hy_cli_wait (&result), &error);
  if (type == NULL)
    {
      if (g_error_matches (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID))
        return hy_cli_fail_with (cli, HY_CLI_EXIT_USAGE, "invalid_input", error->message);
      return hy_cli_fail (cli, error);
    }

  /* All of them or none. */
  if (argc > 2 && (status = apply_choices (cli, store, type, argc, argv)) != HY_CLI_EXIT_OK)
    return status;

  choices = hy_store_get_asset_field_choices (store, type->id, &error);
  if (choices == NULL)
    return hy_cli_fail (cli, error);
  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_asset_fields_to_json (type, choices);

      hy_cli_print_json (cli, node);
    }
  else
    print_type (cli, type, choices);
  return HY_CLI_EXIT_OK;
}

gboolean
hy_cli_asset_fields_status_json (HyStore *store, JsonBuilder *builder, GError **error)
{
  g_autoptr (GPtrArray) types = hy_store_list_asset_types (store, error);

  if (types == NULL)
    return FALSE;
  json_builder_set_member_name (builder, "asset_fields");
  json_builder_begin_array (builder);
  for (guint i = 0; i < types->len; i++)
    {
      HyAssetType *type = types->pdata[i];
      g_autoptr (GHashTable) choices = hy_store_get_asset_field_choices (store, type->id, error);

      if (choices == NULL)
        return FALSE;
      json_builder_add_value (builder, hy_asset_fields_to_json (type, choices));
    }
  json_builder_end_array (builder);
  return TRUE;
}

gboolean
hy_cli_asset_fields_status_print (HyCli *cli, HyStore *store, GError **error)
{
  g_autoptr (GPtrArray) types = hy_store_list_asset_types (store, error);

  if (types == NULL)
    return FALSE;
  if (types->len == 0)
    hy_cli_print (cli, _ ("Asset fields: none read from Halo yet (they are read by the first "
                          "sync, or by “halyard-cli map fields --asset-type ID”)"));
  for (guint i = 0; i < types->len; i++)
    {
      HyAssetType *type = types->pdata[i];
      g_autoptr (GHashTable) choices = hy_store_get_asset_field_choices (store, type->id, error);

      if (choices == NULL)
        return FALSE;
      print_type (cli, type, choices);
    }
  return TRUE;
}
