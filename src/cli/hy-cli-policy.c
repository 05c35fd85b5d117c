/* hy-cli-policy.c: `map policy`'s ticket defaults and flap window, and how a policy's route
 * is shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker-user.h"
#include "linker/hy-linker.h"
#include "store/hy-store-lifecycle.h"

#include "hy-cli-policy.h"
#include "hy-cli-session.h"

gboolean
hy_cli_policy_options_given (const HyCliPolicyOptions *options)
{
  return options->priority != NULL || options->team != NULL || options->agent != NULL ||
         options->category != NULL || options->flap_minutes != NULL || options->user != NULL;
}

void
hy_cli_policy_options_clear (HyCliPolicyOptions *options)
{
  g_clear_pointer (&options->priority, g_free);
  g_clear_pointer (&options->team, g_free);
  g_clear_pointer (&options->agent, g_free);
  g_clear_pointer (&options->category, g_free);
  g_clear_pointer (&options->flap_minutes, g_free);
  g_clear_pointer (&options->user, g_free);
  g_clear_pointer (&options->user_record, hy_halo_record_unref);
}

/* --user none (or 0): no end user. */
static gboolean
user_is_none (const char *text)
{
  return g_ascii_strcasecmp (text, "none") == 0 || g_strcmp0 (text, "0") == 0;
}

gboolean
hy_cli_policy_read_user (HyCli *cli,
                         HySession *session,
                         HyCliPolicyOptions *options,
                         int *exit_status)
{
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gint64 user_id;

  if (options->user == NULL || user_is_none (options->user))
    return TRUE;
  if (!hy_cli_parse_int (options->user, "--user", &user_id, &error))
    {
      *exit_status = hy_cli_fail (cli, error);
      return FALSE;
    }
  client = hy_cli_get_client (cli, session, exit_status);
  if (client == NULL)
    return FALSE;
  hy_linker_fetch_policy_user_async (client, user_id, NULL, hy_cli_result_cb, &result);
  options->user_record = hy_linker_fetch_policy_user_finish (hy_cli_wait (&result), &error);
  if (options->user_record == NULL)
    {
      /* A user Halo does not have or would refuse is bad input; Halo failing is a failure. */
      *exit_status =
          error->domain == HY_LINKER_ERROR
              ? hy_cli_fail_with (cli, HY_CLI_EXIT_USAGE,
                                  error->code == HY_LINKER_ERROR_HALO_NOT_FOUND ? "halo_not_found"
                                                                                : "invalid_input",
                                  error->message)
              : hy_cli_fail (cli, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, HY_CLI_ERROR, HY_CLI_ERROR_INVALID_INPUT, message);
  return FALSE;
}

gboolean
hy_cli_policy_options_apply (const HyCliPolicyOptions *options,
                             HyPolicyDefaults *defaults,
                             GError **error)
{
  gint64 value;

  if (options->priority != NULL)
    {
      const char *text = options->priority;

      g_clear_pointer (&defaults->severity_priorities, g_free);
      defaults->priority_id = 0;
      if (strchr (text, '=') != NULL)
        {
          g_autoptr (GHashTable) table = hy_policy_defaults_parse_severities (text);
          if (table == NULL)
            return invalid (error, _ ("--priority takes a Halo priority id, or a severity table "
                                      "such as critical=1,warning=3 (0 clears it)"));
          defaults->severity_priorities = g_strdup (text);
        }
      else if (!hy_cli_parse_int (text, "--priority", &value, error))
        return FALSE;
      else
        defaults->priority_id = value;
    }
  if (options->team != NULL)
    {
      g_free (defaults->team);
      defaults->team = *options->team != '\0' ? g_strdup (options->team) : NULL;
    }
  if (options->agent != NULL)
    {
      if (!hy_cli_parse_int (options->agent, "--agent", &value, error))
        return FALSE;
      defaults->agent_id = value;
    }
  if (options->category != NULL)
    {
      g_free (defaults->category);
      defaults->category = *options->category != '\0' ? g_strdup (options->category) : NULL;
    }
  if (options->user != NULL)
    {
      if (user_is_none (options->user))
        hy_policy_defaults_set_user (defaults, NULL);
      else if (options->user_record != NULL)
        hy_policy_defaults_set_user (defaults, options->user_record);
      else
        return invalid (error, _ ("--user takes a Halo user id, or none"));
    }
  if (options->flap_minutes != NULL)
    {
      if (!hy_cli_parse_int (options->flap_minutes, "--flap-minutes", &value, error))
        return FALSE;
      if (value > G_MAXINT)
        return invalid (error, _ ("--flap-minutes is too large"));
      defaults->flap_minutes = (gint) value;
    }
  return TRUE;
}

static void
add_id_or_null (JsonBuilder *builder, const char *name, gint64 id)
{
  json_builder_set_member_name (builder, name);
  if (id > 0)
    json_builder_add_int_value (builder, id);
  else
    json_builder_add_null_value (builder);
}

static void
add_string_or_null (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
hy_cli_policy_add_json (JsonBuilder *builder, const HyPolicyDefaults *defaults)
{
  g_autoptr (GHashTable) table =
      defaults != NULL ? hy_policy_defaults_parse_severities (defaults->severity_priorities) : NULL;

  add_id_or_null (builder, "priority_id", defaults ? defaults->priority_id : 0);
  json_builder_set_member_name (builder, "severity_priorities");
  if (table != NULL)
    {
      g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) strcmp);

      json_builder_begin_object (builder);
      for (GList *l = keys; l != NULL; l = l->next)
        {
          json_builder_set_member_name (builder, l->data);
          json_builder_add_int_value (builder, (gint64) GPOINTER_TO_SIZE (
                                                   g_hash_table_lookup (table, l->data)));
        }
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  add_string_or_null (builder, "team", defaults ? defaults->team : NULL);
  add_id_or_null (builder, "agent_id", defaults ? defaults->agent_id : 0);
  add_string_or_null (builder, "category", defaults ? defaults->category : NULL);
  add_id_or_null (builder, "user_id", defaults ? defaults->user_id : 0);
  add_id_or_null (builder, "user_client_id",
                  defaults != NULL && defaults->user_id > 0 ? defaults->user_client_id : 0);
  json_builder_set_member_name (builder, "flap_minutes");
  json_builder_add_int_value (builder, hy_policy_defaults_get_flap_minutes (defaults));
}

void
hy_cli_policy_print (HyCli *cli, const HyPolicyDefaults *defaults)
{
  if (defaults->severity_priorities != NULL)
    /* Translators: %s is a severity table such as critical=1,warning=3 */
    hy_cli_print (cli, _ ("  priority by severity: %s"), defaults->severity_priorities);
  if (defaults->priority_id > 0)
    /* Translators: %lld is a Halo priority id */
    hy_cli_print (cli, _ ("  priority: %lld"), (long long) defaults->priority_id);
  if (defaults->team != NULL)
    /* Translators: %s is a Halo team's name */
    hy_cli_print (cli, _ ("  team: %s"), defaults->team);
  if (defaults->agent_id > 0)
    /* Translators: %lld is a Halo agent id */
    hy_cli_print (cli, _ ("  agent: %lld"), (long long) defaults->agent_id);
  if (defaults->category != NULL)
    /* Translators: %s is a ticket category */
    hy_cli_print (cli, _ ("  category: %s"), defaults->category);
  if (defaults->user_id > 0)
    /* Translators: the Halo end user the tickets are raised as, then that user's client (a
     * user belongs to one client: tickets of other clients keep Halo's default user) */
    hy_cli_print (cli, _ ("  raised as Halo user %lld on the tickets of client %lld"),
                  (long long) defaults->user_id, (long long) defaults->user_client_id);
  hy_cli_print (cli,
                g_dngettext (GETTEXT_PACKAGE,
                             "  a re-raise within %u minute of the close reopens the ticket",
                             "  a re-raise within %u minutes of the close reopens the ticket",
                             hy_policy_defaults_get_flap_minutes (defaults)),
                hy_policy_defaults_get_flap_minutes (defaults));
}
