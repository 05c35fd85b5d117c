/* hy-cli-import.c: `import`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "import/hy-import.h"
#include "sync/hy-sync-payload.h"

#include "service/hy-service.h"
#include "sync/hy-sync-intake.h"

#include "hy-cli-commands.h"
#include "hy-cli-session.h"

/* Raises the intake's waiting alerts this import made routable, with the service's engine;
 * their tickets go out now when this process may deliver, else the deliverer sends them. */
static void
route_intake (HySession *session)
{
  HySyncEngine *engine = hy_service_get_engine (hy_service_get (session));
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HyLeaseHolder) holder = NULL;
  gint routed;

  routed = hy_sync_engine_route_intake (engine, &error);
  if (routed < 0)
    g_warning ("%s", error->message);
  if (routed <= 0 || !hy_sync_engine_get_enabled (engine, NULL))
    return;
  /* Halo unreachable or no secret here: the alerts stay queued, which is not a failure. */
  if (!hy_cli_run_as_deliverer (session, "halyard-cli import", FALSE, FALSE, &report, &holder,
                                &error))
    g_debug ("Not delivered now: %s", error->message);
}

/* The human form of an import's result: the CSV columns read, the counts per kind, the
 * computers retired or back, the total */
static void
print_result (HyCli *cli, HyImportResult *result)
{
  if (hy_import_result_get_headers (result) != NULL)
    {
      const char *const *headers = hy_import_result_get_headers (result);
      const char *const *fields = hy_import_result_get_header_fields (result);

      /* Translators: followed by one line per column of the CSV file */
      hy_cli_print (cli, _ ("Columns:"));
      for (guint c = 0; headers[c] != NULL; c++)
        {
          if (fields[c] != NULL)
            /* Translators: "  Hostname → name": a CSV column and the field it was read into
             * (the field name stays untranslated) */
            hy_cli_print (cli, _ ("  %s → %s"), headers[c], fields[c]);
          else
            /* Translators: a CSV column that no field was read from */
            hy_cli_print (cli, _ ("  %s (not imported)"), headers[c]);
        }
    }

  for (int kind = 0; kind < HY_N_RECORD_KINDS; kind++)
    {
      guint added = hy_import_result_get_added (result, kind);
      guint updated = hy_import_result_get_updated (result, kind);
      guint unchanged = hy_import_result_get_unchanged (result, kind);

      if (added + updated + unchanged == 0)
        continue;

      /* Translators: e.g. "computers: 3 added, 1 updated, 0 unchanged"; the kind stays
       * untranslated (it is the file's key) */
      hy_cli_print (cli, _ ("%s: %'u added, %'u updated, %'u unchanged"),
                    hy_record_kind_to_plural (kind), added, updated, unchanged);
    }

  if (hy_import_result_get_retired (result) > 0)
    hy_cli_print (cli,
                  g_dngettext (GETTEXT_PACKAGE,
                               "%'u computer missing from the file is now retired.",
                               "%'u computers missing from the file are now retired.",
                               hy_import_result_get_retired (result)),
                  hy_import_result_get_retired (result));
  if (hy_import_result_get_returned (result) > 0)
    hy_cli_print (cli,
                  g_dngettext (GETTEXT_PACKAGE,
                               "%'u retired computer is back in the file: active again.",
                               "%'u retired computers are back in the file: active again.",
                               hy_import_result_get_returned (result)),
                  hy_import_result_get_returned (result));

  hy_cli_print (cli,
                g_dngettext (GETTEXT_PACKAGE, "Imported %'u record.", "Imported %'u records.",
                             hy_import_result_get_total_added (result) +
                                 hy_import_result_get_total_updated (result) +
                                 hy_import_result_get_total_unchanged (result)),
                hy_import_result_get_total_added (result) +
                    hy_import_result_get_total_updated (result) +
                    hy_import_result_get_total_unchanged (result));
}

/* --kind and --retired-assets: known values, or a usage error (FALSE, @status set) */
static gboolean
parse_import_values (HyCli *cli,
                     const char *kind_name,
                     const char *retired_assets,
                     HyImportOptions *options,
                     int *status)
{
  if (kind_name != NULL)
    {
      if (!hy_record_kind_from_string (kind_name, &options->kind))
        {
          g_autofree char *message = NULL;

          /* Translators: %s is what the user gave to --kind; keep the kind names untranslated */
          message = g_strdup_printf (_ ("Unknown kind “%s”: use companies, locations, groups, "
                                        "computers, users, policies or alerts"),
                                     kind_name);
          *status = hy_cli_fail_usage (cli, message);
          return FALSE;
        }
      options->has_kind = TRUE;
    }

  if (retired_assets != NULL && g_strcmp0 (retired_assets, "inactive") != 0 &&
      g_strcmp0 (retired_assets, "keep") != 0)
    {
      g_autofree char *message =
          /* Translators: %s is what the user gave; keep inactive and keep untranslated */
          g_strdup_printf (_ ("Unknown value “%s” for --retired-assets: use inactive or keep"),
                           retired_assets);
      *status = hy_cli_fail_usage (cli, message);
      return FALSE;
    }
  return TRUE;
}

int
hy_cli_import (HyCli *cli, int argc, char **argv)
{
  g_autofree char *kind_name = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *company = NULL;
  gboolean prune = FALSE;
  g_autofree char *retired_assets = NULL;
  const GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name,
      N_ ("CSV: the kind of the file’s records (companies, locations, groups, computers, users, "
          "policies, alerts)"),
      N_ ("KIND") },
    { "columns", 0, 0, G_OPTION_ARG_STRING, &columns,
      /* Translators: keep name=Hostname and company="Site Name" as they are (an example) */
      N_ ("CSV: which column gives which field, e.g. name=Hostname,company=\"Site Name\" "
          "(without it, the headers of common RMM exports are recognised)"),
      N_ ("FIELD=HEADER,…") },
    { "company", 0, 0, G_OPTION_ARG_STRING, &company,
      N_ ("XML inventories: the company of the computers (its id; without it, the file’s TAG)"),
      N_ ("ID") },
    { "prune", 0, 0, G_OPTION_ARG_NONE, &prune,
      N_ ("The file lists every computer: retire the computers missing from it (they are kept, "
          "marked retired)"),
      NULL },
    { "retired-assets", 0, 0, G_OPTION_ARG_STRING, &retired_assets,
      /* Translators: keep "inactive" and "keep" untranslated (the values of the option) */
      N_ ("What sync does with the Halo assets of retired computers, from now on: inactive "
          "(set them inactive, active again when the computer returns) or keep (the default)"),
      N_ ("inactive|keep") },
    { NULL },
  };
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autoptr (GAsyncResult) async_result = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries, N_ ("FILE"),
                     N_ ("Imports inventory from a JSON document (any kinds), a CSV file (one "
                         "kind, with a header row: Halyard’s column names, an RMM export’s, or "
                         "a --columns map) or FusionInventory/OCS XML (a file or a folder of "
                         "them: computers). The import is all or nothing: a bad record is "
                         "reported with its line or index and field, and nothing is written. "
                         "Records already imported are updated by their id."),
                     &status))
    return status;

  if (argc != 2)
    return hy_cli_fail_usage (cli, _ ("import needs exactly one FILE"));

  if (!parse_import_values (cli, kind_name, retired_assets, &options, &status))
    return status;

  options.columns = columns;
  options.company_id = company;
  options.prune = prune;

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;

  file = g_file_new_for_commandline_arg (argv[1]);
  hy_import_file_async (hy_session_get_store (session), file, &options, NULL, hy_cli_result_cb,
                        &async_result);
  result = hy_import_file_finish (hy_cli_wait (&async_result), &error);
  if (result == NULL)
    return hy_cli_fail (cli, error);

  /* Saved once the import went through (a refused file changes nothing). */
  if (retired_assets != NULL &&
      !hy_store_set_setting (hy_session_get_store (session), HY_SYNC_SETTING_RETIRED_ASSETS,
                             g_str_equal (retired_assets, "inactive") ? "inactive" : NULL, &error))
    return hy_cli_fail (cli, error);

  /* Alerts the intake keeps waiting for a computer or policy this import may have brought. */
  route_intake (session);

  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_import_result_to_json (result);

      hy_cli_print_json (cli, node);
      return HY_CLI_EXIT_OK;
    }

  print_result (cli, result);
  return HY_CLI_EXIT_OK;
}
