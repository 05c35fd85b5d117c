/* hy-cli-refresh.c: `refresh`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-cli-commands.h"
#include "hy-cli-session.h"

static const char *
kind_label (HyCacheKind kind)
{
  switch (kind)
    {
      case HY_CACHE_KIND_CLIENT:
        return _ ("Clients");
      case HY_CACHE_KIND_SITE:
        return _ ("Sites");
      case HY_CACHE_KIND_ASSET:
        return _ ("Assets");
      case HY_CACHE_KIND_AGENT:
        return _ ("Agents");
      case HY_CACHE_KIND_TICKET_TYPE:
        return _ ("Ticket types");
      case HY_CACHE_KIND_STATUS:
        return _ ("Ticket statuses");
      case HY_CACHE_KIND_OUTCOME:
        return _ ("Action outcomes");
      case HY_CACHE_KIND_PRIORITY:
        return _ ("Ticket priorities");
      case HY_CACHE_KIND_TEAM:
        return _ ("Teams");
      default:
        return "";
    }
}

int
hy_cli_refresh (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  HySessionRefresh refresh = { { 0 }, 0 };
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, NULL, NULL,
                     N_ ("Fetches the Halo clients, sites, assets, agents (API-only agents "
                         "included), ticket types, statuses, outcomes, priorities and teams that "
                         "linking and "
                         "mapping choose from."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("refresh takes no arguments"));

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;

  hy_session_refresh_async (session, NULL, hy_cli_result_cb, &result);
  if (!hy_session_refresh_finish (session, hy_cli_wait (&result), &refresh, &error))
    return hy_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (builder);
      for (int kind = 0; kind < HY_N_CACHE_KINDS; kind++)
        {
          json_builder_set_member_name (builder, hy_cache_kind_to_plural (kind));
          json_builder_add_int_value (builder, refresh.counts[kind]);
        }
      json_builder_set_member_name (builder, "requests");
      json_builder_add_int_value (builder, refresh.requests);
      json_builder_end_object (builder);

      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
      return HY_CLI_EXIT_OK;
    }

  for (int kind = 0; kind < HY_N_CACHE_KINDS; kind++)
    /* Translators: e.g. "Clients: 20" */
    hy_cli_print (cli, _ ("%s: %'u"), kind_label (kind), refresh.counts[kind]);
  hy_cli_print (cli,
                g_dngettext (GETTEXT_PACKAGE, "Fetched from Halo in %'u request.",
                             "Fetched from Halo in %'u requests.", refresh.requests),
                refresh.requests);

  return HY_CLI_EXIT_OK;
}
