/* hy-cli-link.c: `link auto|set|clear`, `links`, `map group|policy`, `unmap group|policy`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker.h"

#include "hy-cli-asset-fields.h"
#include "hy-cli-commands.h"
#include "hy-cli-policy.h"
#include "hy-cli-session.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static const char *
linker_error_code (int code)
{
  switch ((HyLinkerError) code)
    {
      case HY_LINKER_ERROR_NOT_FOUND:
        return "not_found";
      case HY_LINKER_ERROR_NOT_LINKABLE:
        return "not_linkable";
      case HY_LINKER_ERROR_HALO_NOT_FOUND:
        return "halo_not_found";
      case HY_LINKER_ERROR_NO_COMPANY:
        return "no_company";
      case HY_LINKER_ERROR_COMPANY_NOT_LINKED:
        return "company_not_linked";
      case HY_LINKER_ERROR_WRONG_CLIENT:
        return "wrong_client";
      case HY_LINKER_ERROR_INVALID:
      default:
        return "invalid_input";
    }
}

/* Linker errors are bad input (exit 2); the rest (the store) are failures (exit 1). */
static int
fail (HyCli *cli, const GError *error)
{
  if (error->domain == HY_LINKER_ERROR)
    return hy_cli_fail_with_error (cli, HY_CLI_EXIT_USAGE, linker_error_code (error->code), error);
  return hy_cli_fail (cli, error);
}

/* map policy failed: defaults for a policy with no route, when no route was given either, say
 * which option gives it. */
static int
fail_map_policy (HyCli *cli, const GError *error, gint64 ticket_type_id)
{
  if (ticket_type_id <= 0 && g_error_matches (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND))
    return hy_cli_fail_with_hint (cli, HY_CLI_EXIT_USAGE, linker_error_code (error->code),
                                  error->message,
                                  /* Translators: added by halyard-cli under "The policy … is not
                                   * mapped to a ticket type" */
                                  _ ("Give its ticket type with --ticket-type ID."));
  return fail (cli, error);
}

static const char *
kind_label (HyRecordKind kind)
{
  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        return C_ ("record kind", "company");
      case HY_RECORD_KIND_LOCATION:
        return C_ ("record kind", "location");
      case HY_RECORD_KIND_COMPUTER:
        return C_ ("record kind", "computer");
      case HY_RECORD_KIND_USER:
        return C_ ("record kind", "user");
      case HY_RECORD_KIND_GROUP:
        return C_ ("record kind", "group");
      case HY_RECORD_KIND_POLICY:
        return C_ ("record kind", "policy");
      case HY_RECORD_KIND_ALERT:
      default:
        return C_ ("record kind", "alert");
    }
}

static const char *
halo_label (HyRecordKind kind)
{
  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        return C_ ("Halo record kind", "client");
      case HY_RECORD_KIND_LOCATION:
        return C_ ("Halo record kind", "site");
      case HY_RECORD_KIND_COMPUTER:
        return C_ ("Halo record kind", "asset");
      case HY_RECORD_KIND_USER:
        return C_ ("Halo record kind", "agent");
      case HY_RECORD_KIND_GROUP:
      case HY_RECORD_KIND_POLICY:
      case HY_RECORD_KIND_ALERT:
      default:
        return "";
    }
}

/* A linkable kind from the command line; a usage error otherwise. */
static gboolean
parse_link_kind (HyCli *cli, const char *text, HyRecordKind *out_kind, int *exit_status)
{
  if (hy_record_kind_from_string (text, out_kind) && hy_record_kind_is_linkable (*out_kind))
    return TRUE;

  {
    /* Translators: %s is what the user typed; the kinds are command-line keywords: keep them
     * in English */
    g_autofree char *message =
        g_strdup_printf (_ ("Unknown kind “%s”: use company, location, computer or user."), text);
    *exit_status = hy_cli_fail_usage (cli, message);
  }
  return FALSE;
}

static gboolean
parse_id (HyCli *cli, const char *text, const char *what, gint64 *out, int *exit_status)
{
  g_autoptr (GError) error = NULL;

  if (hy_cli_parse_int (text, what, out, &error))
    return TRUE;
  *exit_status = hy_cli_fail (cli, error);
  return FALSE;
}

static void
print_link (HyCli *cli, const HyLink *link)
{
  if (link->retired != 0 && link->link.how == HY_LINK_HOW_NONE)
    /* Translators: a row of `links` for a computer missing from the last complete import:
     * kind, local id, local name */
    hy_cli_print (cli, _ ("%s %s “%s”: not linked, retired"), kind_label (link->kind), link->id,
                  link->name);
  else if (link->retired != 0)
    /* Translators: a row of `links` for a computer missing from the last complete import:
     * kind, local id, local name, Halo record kind, Halo id, Halo name */
    hy_cli_print (cli, _ ("%s %s “%s” → %s %lld “%s” (retired)"), kind_label (link->kind), link->id,
                  link->name, halo_label (link->kind), (long long) link->link.halo_id,
                  link->link.halo_name ? link->link.halo_name : "");
  else if (link->link.how == HY_LINK_HOW_NONE)
    /* Translators: a row of `links`: kind, local id, local name; the record has no Halo link */
    hy_cli_print (cli, _ ("%s %s “%s”: not linked"), kind_label (link->kind), link->id, link->name);
  else if (link->link.how == HY_LINK_HOW_MANUAL)
    /* Translators: a row of `links`: kind, local id, local name, Halo record kind, Halo id,
     * Halo name; the link was made by hand */
    hy_cli_print (cli, _ ("%s %s “%s” → %s %lld “%s” (manual)"), kind_label (link->kind), link->id,
                  link->name, halo_label (link->kind), (long long) link->link.halo_id,
                  link->link.halo_name ? link->link.halo_name : "");
  else
    /* Translators: a row of `links`: kind, local id, local name, Halo record kind, Halo id,
     * Halo name; the link was made automatically */
    hy_cli_print (cli, _ ("%s %s “%s” → %s %lld “%s” (automatic)"), kind_label (link->kind),
                  link->id, link->name, halo_label (link->kind), (long long) link->link.halo_id,
                  link->link.halo_name ? link->link.halo_name : "");
}

static HyLink *
read_link (HyStore *store, HyRecordKind kind, const char *id, GError **error)
{
  gpointer record = hy_store_get (store, kind, id, error);
  const HyLinkInfo *info;
  HyLink *link;

  if (record == NULL)
    return NULL;
  info = hy_record_get_link (kind, record);

  link = g_new0 (HyLink, 1);
  link->kind = kind;
  link->id = g_strdup (id);
  link->name = g_strdup (hy_record_get_name (kind, record));
  link->link.how = info != NULL ? info->how : HY_LINK_HOW_NONE;
  link->link.halo_id = info != NULL ? info->halo_id : 0;
  link->link.halo_name = info != NULL ? g_strdup (info->halo_name) : NULL;
  hy_record_free (kind, record);
  return link;
}

/* ------------------------------------------------------------------------- */
/* link auto                                                                 */
/* ------------------------------------------------------------------------- */

static void
print_result (HyCli *cli, const HyLinkerResult *result)
{
  if (result->dry_run)
    hy_cli_print (cli, "%s", _ ("Dry run: nothing was written."));

  for (guint i = 0; i < result->linked->len; i++)
    {
      const HyLink *link = g_ptr_array_index (result->linked, i);

      /* Translators: kind, local id, local name, Halo record kind, Halo id, Halo name */
      hy_cli_print (cli, _ ("Linked %s %s “%s” → %s %lld “%s”"), kind_label (link->kind), link->id,
                    link->name, halo_label (link->kind), (long long) link->link.halo_id,
                    link->link.halo_name ? link->link.halo_name : "");
    }

  for (guint i = 0; i < result->ambiguous->len; i++)
    {
      const HyLinkerAmbiguous *ambiguous = g_ptr_array_index (result->ambiguous, i);
      g_autoptr (GString) ids = g_string_new (NULL);

      for (guint c = 0; c < ambiguous->candidates->len; c++)
        g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, c > 0 ? ", " : "",
                                g_array_index (ambiguous->candidates, gint64, c));
      /* Translators: kind, local id, local name, Halo record kind (plural not needed), then
       * the Halo ids separated by commas */
      hy_cli_print (cli, _ ("Not linked, several Halo records match: %s %s “%s” → %s %s"),
                    kind_label (ambiguous->kind), ambiguous->id, ambiguous->name,
                    halo_label (ambiguous->kind), ids->str);
    }

  for (guint i = 0; i < result->suggestions->len; i++)
    {
      const HyLinkerSuggestion *suggestion = g_ptr_array_index (result->suggestions, i);
      g_autofree char *evidence = g_strjoinv ("; ", suggestion->evidence);

      /* Translators: kind, local id, local name, Halo record kind, Halo id, Halo name, a score
       * between 0 and 1, then the reasons separated by semicolons */
      hy_cli_print (cli, _ ("Suggestion: %s %s “%s” → %s %lld “%s” (score %.2f): %s"),
                    kind_label (suggestion->kind), suggestion->id, suggestion->name,
                    halo_label (suggestion->kind), (long long) suggestion->halo_id,
                    suggestion->halo_name ? suggestion->halo_name : "", suggestion->score,
                    evidence);
    }

  if (result->suggestions->len > 0)
    hy_cli_print (cli, "%s",
                  _ ("Suggestions are never applied by themselves: accept one with "
                     "“link set KIND LOCAL_ID HALO_ID”, or reject it with “link reject KIND "
                     "LOCAL_ID HALO_ID”."));

  hy_cli_print (cli,
                g_dngettext (GETTEXT_PACKAGE, "%'u record linked", "%'u records linked",
                             result->linked->len),
                result->linked->len);
  hy_cli_print (cli,
                g_dngettext (GETTEXT_PACKAGE, "%'u ambiguous record", "%'u ambiguous records",
                             result->ambiguous->len),
                result->ambiguous->len);
  hy_cli_print (cli,
                g_dngettext (GETTEXT_PACKAGE, "%'u suggestion to review",
                             "%'u suggestions to review", result->suggestions->len),
                result->suggestions->len);
  if (result->waiting_locations > 0)
    hy_cli_print (cli,
                  g_dngettext (GETTEXT_PACKAGE, "%'u location waits for its company to be linked",
                               "%'u locations wait for their company to be linked",
                               result->waiting_locations),
                  result->waiting_locations);
  if (result->waiting_computers > 0)
    hy_cli_print (cli,
                  g_dngettext (GETTEXT_PACKAGE,
                               "%'u computer waits for its company to be linked (or has none)",
                               "%'u computers wait for their company to be linked (or have none)",
                               result->waiting_computers),
                  result->waiting_computers);
}

static int
link_auto (HyCli *cli, HyStore *store, gboolean dry_run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyLinkerResult) result = hy_linker_auto_link (store, dry_run, &error);

  if (result == NULL)
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_linker_result_to_json (result);
      hy_cli_print_json (cli, node);
    }
  else
    print_result (cli, result);

  return HY_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------- */
/* Command groups                                                            */
/* ------------------------------------------------------------------------- */

/* link set KIND LOCAL_ID HALO_ID */
static int
link_set (HyCli *cli, HyStore *store, HyRecordKind kind, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;
  g_autoptr (HyLink) link = NULL;
  gint64 halo_id;

  if (!parse_id (cli, argv[4], "HALO_ID", &halo_id, &status))
    return status;
  if (!hy_linker_set_link (store, kind, argv[3], halo_id, &link, &error))
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_linker_link_to_json (link);
      hy_cli_print_json (cli, node);
    }
  else
    /* Translators: kind, local id, local name, Halo record kind, Halo id, Halo name */
    hy_cli_print (cli, _ ("Linked %s %s “%s” → %s %lld “%s” (manual)"), kind_label (link->kind),
                  link->id, link->name, halo_label (link->kind), (long long) link->link.halo_id,
                  link->link.halo_name ? link->link.halo_name : "");
  return HY_CLI_EXIT_OK;
}

/* link reject KIND LOCAL_ID HALO_ID */
static int
link_reject (HyCli *cli, HyStore *store, HyRecordKind kind, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;
  HyLinkerSuggestion suggestion = { 0 };

  suggestion.kind = kind;
  suggestion.id = argv[3];
  if (!parse_id (cli, argv[4], "HALO_ID", &suggestion.halo_id, &status))
    return status;
  if (!hy_linker_reject_suggestion (store, &suggestion, &error))
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, hy_record_kind_to_string (kind));
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, argv[3]);
      json_builder_set_member_name (builder, "halo_id");
      json_builder_add_int_value (builder, suggestion.halo_id);
      json_builder_set_member_name (builder, "rejected");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
    }
  else
    /* Translators: kind, local id, Halo record kind, Halo id */
    hy_cli_print (cli, _ ("No longer suggested: %s %s → %s %lld"), kind_label (kind), argv[3],
                  halo_label (kind), (long long) suggestion.halo_id);
  return HY_CLI_EXIT_OK;
}

/* link clear KIND LOCAL_ID */
static int
link_clear (HyCli *cli, HyStore *store, HyRecordKind kind, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyLink) link = NULL;

  if (!hy_linker_clear_link (store, kind, argv[3], &error))
    return fail (cli, error);
  link = read_link (store, kind, argv[3], &error);
  if (link == NULL)
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_linker_link_to_json (link);
      hy_cli_print_json (cli, node);
    }
  else
    /* Translators: kind, local id, local name */
    hy_cli_print (cli, _ ("Unlinked %s %s “%s”"), kind_label (link->kind), link->id, link->name);
  return HY_CLI_EXIT_OK;
}

int
hy_cli_link (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  gboolean dry_run = FALSE;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_ ("link auto: show what would be linked, write nothing"), NULL },
    { NULL },
  };
  HyRecordKind kind;
  HyStore *store;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries,
                     N_ ("auto | set KIND LOCAL_ID HALO_ID | clear KIND LOCAL_ID | reject KIND "
                         "LOCAL_ID "
                         "HALO_ID"),
                     N_ ("Links local records to Halo records. KIND is company (→ Halo client), "
                         "location (→ site of the company's client), computer (→ asset of the "
                         "company's client) or user (→ agent).\n\n"
                         "auto links every record whose name (users: e-mail) matches exactly one "
                         "Halo record, never changes a manual link, and lists ambiguous records "
                         "and near-miss suggestions for review.\n"
                         "set links a record by hand; a location or computer needs its company "
                         "linked first.\n"
                         "clear removes a record's link.\n"
                         "reject stops suggesting that Halo record for that record."),
                     &status))
    return status;

  if (argc < 2)
    return hy_cli_fail_usage (cli, _ ("link needs a sub-command: auto, set, clear or reject"));

  if (g_str_equal (argv[1], "auto"))
    {
      if (argc != 2)
        return hy_cli_fail_usage (cli, _ ("link auto takes no arguments"));
    }
  else if (g_str_equal (argv[1], "set"))
    {
      if (argc != 5)
        return hy_cli_fail_usage (cli, _ ("Usage: link set KIND LOCAL_ID HALO_ID"));
    }
  else if (g_str_equal (argv[1], "clear"))
    {
      if (argc != 4)
        return hy_cli_fail_usage (cli, _ ("Usage: link clear KIND LOCAL_ID"));
    }
  else if (g_str_equal (argv[1], "reject"))
    {
      if (argc != 5)
        return hy_cli_fail_usage (cli, _ ("Usage: link reject KIND LOCAL_ID HALO_ID"));
    }
  else
    {
      /* Translators: %s is what the user typed after “link” */
      g_autofree char *message =
          g_strdup_printf (_ ("Unknown sub-command “%s”: use auto, set, clear or reject."),
                           argv[1]);
      return hy_cli_fail_usage (cli, message);
    }

  if (dry_run && !g_str_equal (argv[1], "auto"))
    return hy_cli_fail_usage (cli, _ ("--dry-run only applies to link auto"));

  if (!g_str_equal (argv[1], "auto") && !parse_link_kind (cli, argv[2], &kind, &status))
    return status;

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  store = hy_session_get_store (session);

  if (g_str_equal (argv[1], "auto"))
    return link_auto (cli, store, dry_run);

  if (g_str_equal (argv[1], "set"))
    return link_set (cli, store, kind, argv);

  if (g_str_equal (argv[1], "reject"))
    return link_reject (cli, store, kind, argv);

  return link_clear (cli, store, kind, argv);
}

int
hy_cli_links (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) links = NULL;
  gboolean unlinked = FALSE;
  const GOptionEntry entries[] = {
    { "unlinked", 0, 0, G_OPTION_ARG_NONE, &unlinked, N_ ("Only records without a link"), NULL },
    { NULL },
  };
  HyRecordKind kind = HY_RECORD_KIND_COMPANY;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries, N_ ("[KIND]"),
                     N_ ("Lists companies, locations, computers and users (or only those of "
                         "KIND) with their linked state and Halo record."),
                     &status))
    return status;
  if (argc > 2)
    return hy_cli_fail_usage (cli, _ ("links takes at most one KIND"));
  if (argc == 2 && !parse_link_kind (cli, argv[1], &kind, &status))
    return status;

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;

  links = hy_linker_list_links (hy_session_get_store (session), argc < 2, kind, unlinked, &error);
  if (links == NULL)
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_linker_links_to_json (links);
      hy_cli_print_json (cli, node);
      return HY_CLI_EXIT_OK;
    }

  for (guint i = 0; i < links->len; i++)
    print_link (cli, g_ptr_array_index (links, i));
  if (links->len == 0)
    hy_cli_print (cli, "%s", unlinked ? _ ("No unlinked records.") : _ ("No records."));

  return HY_CLI_EXIT_OK;
}

static void
print_mapping_json (HyCli *cli,
                    const char *kind,
                    const char *id,
                    gboolean mapped,
                    const char *first_name,
                    gint64 first,
                    const char *second_name,
                    gint64 second)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "mapped");
  json_builder_add_boolean_value (builder, mapped);
  if (first_name != NULL)
    {
      json_builder_set_member_name (builder, first_name);
      if (mapped)
        json_builder_add_int_value (builder, first);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, second_name);
      if (mapped && second != 0)
        json_builder_add_int_value (builder, second);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  hy_cli_print_json (cli, node);
}

/* Maps the policy (when @ticket_type_id > 0) and saves its defaults (when @options has any),
 * all or nothing. */
static gboolean
map_policy (HyStore *store,
            const char *policy_id,
            gint64 ticket_type_id,
            gint64 close_status_id,
            const HyCliPolicyOptions *options,
            GError **error)
{
  g_autoptr (HyPolicyDefaults) defaults = NULL;

  if (!hy_store_begin (store, error))
    return FALSE;
  if (ticket_type_id > 0 &&
      !hy_linker_map_policy (store, policy_id, ticket_type_id, close_status_id, error))
    goto failed;
  if (hy_cli_policy_options_given (options))
    {
      defaults = hy_store_get_policy_defaults (store, policy_id, error);
      if (defaults == NULL || !hy_cli_policy_options_apply (options, defaults, error) ||
          !hy_linker_set_policy_defaults (store, defaults, error))
        goto failed;
    }
  return hy_store_commit (store, error);

failed:
  hy_store_rollback (store);
  return FALSE;
}

static void
print_policy (HyCli *cli, HyStore *store, const char *policy_id)
{
  g_autoptr (HyPolicyMapping) mapping = hy_store_get_policy_mapping (store, policy_id, NULL);
  g_autoptr (HyPolicyDefaults) defaults = hy_store_get_policy_defaults (store, policy_id, NULL);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, "policy");
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, policy_id);
      json_builder_set_member_name (builder, "mapped");
      json_builder_add_boolean_value (builder, mapping != NULL);
      json_builder_set_member_name (builder, "ticket_type_id");
      if (mapping != NULL)
        json_builder_add_int_value (builder, mapping->ticket_type_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "close_status_id");
      if (mapping != NULL && mapping->close_status_id != 0)
        json_builder_add_int_value (builder, mapping->close_status_id);
      else
        json_builder_add_null_value (builder);
      hy_cli_policy_add_json (builder, defaults);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
      return;
    }
  if (mapping == NULL)
    return;
  if (mapping->close_status_id != 0)
    /* Translators: a policy id, a Halo ticket type id, a Halo status id */
    hy_cli_print (cli,
                  _ ("Policy %s → Halo ticket type %lld"
                     ", closed with status %lld when the alert clears"),
                  policy_id, (long long) mapping->ticket_type_id,
                  (long long) mapping->close_status_id);
  else
    /* Translators: a policy id, a Halo ticket type id */
    hy_cli_print (cli, _ ("Policy %s → Halo ticket type %lld"), policy_id,
                  (long long) mapping->ticket_type_id);
  if (defaults != NULL)
    hy_cli_policy_print (cli, defaults);
}

static gboolean
usage_failed (HyCli *cli, int *status, const char *message)
{
  *status = hy_cli_fail_usage (cli, message);
  return FALSE;
}

/* The options of map group (--client, --site) or map policy (--ticket-type, --close-status and
 * the ticket defaults), never mixed; @first and @second receive the ids (client and site, or
 * ticket type and close status). FALSE with @status set on bad usage. */
static gboolean
check_map_options (HyCli *cli,
                   gboolean group,
                   const char *client_text,
                   const char *site_text,
                   const char *ticket_type_text,
                   const char *close_status_text,
                   const HyCliPolicyOptions *policy,
                   gint64 *first,
                   gint64 *second,
                   int *status)
{
  if (group)
    {
      if (ticket_type_text != NULL || close_status_text != NULL ||
          hy_cli_policy_options_given (policy))
        return usage_failed (cli, status,
                             _ ("--ticket-type and --close-status apply to map policy, "
                                "not to map group"));
      if (client_text == NULL)
        return usage_failed (cli, status, _ ("map group needs --client ID"));
      if (!parse_id (cli, client_text, "--client", first, status) ||
          (site_text != NULL && !parse_id (cli, site_text, "--site", second, status)))
        return FALSE;
    }
  else
    {
      if (client_text != NULL || site_text != NULL)
        return usage_failed (cli, status,
                             _ ("--client and --site apply to map group, not to map policy"));
      if (ticket_type_text == NULL && !hy_cli_policy_options_given (policy))
        return usage_failed (cli, status, _ ("map policy needs --ticket-type ID"));
      if (ticket_type_text == NULL && close_status_text != NULL)
        return usage_failed (cli, status, _ ("--close-status goes with --ticket-type"));
      if ((ticket_type_text != NULL &&
           !parse_id (cli, ticket_type_text, "--ticket-type", first, status)) ||
          (close_status_text != NULL &&
           !parse_id (cli, close_status_text, "--close-status", second, status)))
        return FALSE;
    }
  return TRUE;
}

/* What map group saved: GROUP → Halo client (and site) */
static void
print_group_mapping (HyCli *cli, const char *group_id, gint64 first, gint64 second)
{
  if (cli->json)
    print_mapping_json (cli, "group", group_id, TRUE, "client_id", first, "site_id", second);
  else if (second != 0)
    /* Translators: a group id, a Halo client id, a Halo site id */
    hy_cli_print (cli, _ ("Group %s → Halo client %lld, site %lld"), group_id, (long long) first,
                  (long long) second);
  else
    /* Translators: a group id, a Halo client id */
    hy_cli_print (cli, _ ("Group %s → Halo client %lld, its main site"), group_id,
                  (long long) first);
}

int
hy_cli_map (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *client_text = NULL;
  g_autofree char *site_text = NULL;
  g_autofree char *ticket_type_text = NULL;
  g_autofree char *close_status_text = NULL;
  g_auto (HyCliPolicyOptions) policy = { 0 };
  const GOptionEntry entries[] = {
    { "client", 0, 0, G_OPTION_ARG_STRING, &client_text, N_ ("map group: the Halo client id"),
      N_ ("ID") },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site_text,
      N_ ("map group: the Halo site id (default: the client's main site)"), N_ ("ID") },
    { "ticket-type", 0, 0, G_OPTION_ARG_STRING, &ticket_type_text,
      N_ ("map policy: the Halo ticket type id"), N_ ("ID") },
    { "close-status", 0, 0, G_OPTION_ARG_STRING, &close_status_text,
      N_ ("map policy: close the ticket with this Halo status when the alert clears"), N_ ("ID") },
    { "priority", 0, 0, G_OPTION_ARG_STRING, &policy.priority,
      N_ ("map policy: the tickets' Halo priority id, or a table by the alert's severity such as "
          "critical=1,warning=3 (0: Halo's default)"),
      N_ ("ID|TABLE") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &policy.team,
      N_ ("map policy: the Halo team the tickets go to, by name (\"\": none)"), N_ ("NAME") },
    { "agent", 0, 0, G_OPTION_ARG_STRING, &policy.agent,
      N_ ("map policy: the Halo agent the tickets are assigned to (0: none)"), N_ ("ID") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &policy.category,
      N_ ("map policy: the tickets' category (\"\": none)"), N_ ("TEXT") },
    { "flap-minutes", 0, 0, G_OPTION_ARG_STRING, &policy.flap_minutes,
      N_ ("map policy: a re-raise within this many minutes of Halyard closing the ticket reopens "
          "it (default 30)"),
      N_ ("N") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &policy.user,
      N_ ("map policy: the Halo end user the tickets of that user's client are raised as (none: "
          "Halo's default)"),
      N_ ("ID|none") },
    { NULL },
  };
  gint64 first = 0;
  gint64 second = 0;
  gboolean group;
  HyStore *store;
  int status;

  /* The asset fields have options of their own. */
  if (argc >= 2 && g_str_equal (argv[1], "fields"))
    return hy_cli_map_fields (cli, argc, argv);

  if (!hy_cli_parse (cli, &argc, &argv, entries,
                     N_ ("group GROUP_ID --client ID [--site ID] | policy POLICY_ID "
                         "[--ticket-type ID] [--close-status ID] [--priority ID] [--team NAME] "
                         "[--agent ID] [--category TEXT] [--flap-minutes N] [--user ID|none] | "
                         "fields --asset-type ID [FIELD=NAME…]"),
                     N_ ("Routes devices and alerts. A group's devices are synced as assets of "
                         "the client (and site) it is mapped to; subgroups without a mapping of "
                         "their own inherit their parent's. A policy's alerts become tickets of "
                         "the ticket type it is mapped to, with its priority, team, agent, "
                         "category and end user; options not given keep what was saved."),
                     &status))
    return status;

  if (argc != 3 || (!g_str_equal (argv[1], "group") && !g_str_equal (argv[1], "policy")))
    return hy_cli_fail_usage (cli, _ ("Usage: map group GROUP_ID --client ID [--site ID] | map "
                                      "policy POLICY_ID --ticket-type ID [--close-status ID]"));
  group = g_str_equal (argv[1], "group");

  if (!check_map_options (cli, group, client_text, site_text, ticket_type_text, close_status_text,
                          &policy, &first, &second, &status))
    return status;

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  store = hy_session_get_store (session);

  if (!group)
    {
      /* The end user is read from Halo before anything is saved. */
      if (!hy_cli_policy_read_user (cli, session, &policy, &status))
        return status;
      if (!map_policy (store, argv[2], first, second, &policy, &error))
        return fail_map_policy (cli, error, first);
      print_policy (cli, store, argv[2]);
      return HY_CLI_EXIT_OK;
    }

  if (!hy_linker_map_group (store, argv[2], first, second, &error))
    return fail (cli, error);

  print_group_mapping (cli, argv[2], first, second);
  return HY_CLI_EXIT_OK;
}

int
hy_cli_unmap (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean group;
  HyStore *store;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, NULL, N_ ("group|policy ID"),
                     N_ ("Removes a group's or a policy's route. A subgroup without a mapping of "
                         "its own then inherits its parent's."),
                     &status))
    return status;

  if (argc != 3 || (!g_str_equal (argv[1], "group") && !g_str_equal (argv[1], "policy")))
    return hy_cli_fail_usage (cli, _ ("Usage: unmap group|policy ID"));
  group = g_str_equal (argv[1], "group");

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  store = hy_session_get_store (session);

  if (group ? !hy_linker_unmap_group (store, argv[2], &error)
            : !hy_linker_unmap_policy (store, argv[2], &error))
    return fail (cli, error);

  if (cli->json)
    print_mapping_json (cli, argv[1], argv[2], FALSE, NULL, 0, NULL, 0);
  else if (group)
    /* Translators: a group id */
    hy_cli_print (cli, _ ("Group %s is no longer mapped"), argv[2]);
  else
    /* Translators: a policy id */
    hy_cli_print (cli, _ ("Policy %s is no longer mapped"), argv[2]);

  return HY_CLI_EXIT_OK;
}
