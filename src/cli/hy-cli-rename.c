/* hy-cli-rename.c: `rename company ID NAME`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window's Rename does, for scripts: the store renames the company (an empty name or
 * an unknown id is bad input, exit 2, and changes nothing).
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-cli-commands.h"
#include "hy-cli-session.h"

static void
print_json (HyCli *cli, const char *id, const char *name, const char *old_name)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "company");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "old_name");
  json_builder_add_string_value (builder, old_name);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  hy_cli_print_json (cli, node);
}

int
hy_cli_rename (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyCompany) company = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *old_name = NULL;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, NULL, N_ ("company ID NAME"),
                     N_ ("Renames a local company, for instance to match its Halo client's name "
                         "before linking. Its id and its link stay as they are."),
                     &status))
    return status;

  if (argc != 4 || !g_str_equal (argv[1], "company"))
    return hy_cli_fail_usage (cli, _ ("Usage: rename company ID NAME"));

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;

  if (!hy_store_rename_company (hy_session_get_store (session), argv[2], argv[3], &old_name,
                                &error))
    return hy_cli_fail (cli, error);

  company = hy_store_get (hy_session_get_store (session), HY_RECORD_KIND_COMPANY, argv[2], &error);
  if (company == NULL)
    return hy_cli_fail (cli, error);

  if (cli->json)
    print_json (cli, argv[2], company->name, old_name);
  else
    /* Translators: after `rename company`: the company's id, its old and its new name */
    hy_cli_print (cli, _ ("Company %s renamed from “%s” to “%s”"), argv[2], old_name,
                  company->name);

  return HY_CLI_EXIT_OK;
}
