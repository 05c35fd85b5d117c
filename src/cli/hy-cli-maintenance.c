/* hy-cli-maintenance.c: `maintenance add|list|remove`: windows during which a group's alerts
 * open no ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "session/hy-session.h"
#include "store/hy-store-lifecycle.h"
#include "sync/hy-maintenance.h"

#include "hy-cli-commands.h"
#include "hy-cli-session.h"

static char *
format_time (gint64 unix_time, gboolean iso)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr (GDateTime) local = g_date_time_to_local (utc);

  if (iso)
    return g_date_time_format_iso8601 (local);
  /* Translators: a date and time in the user's locale (strftime format) */
  return g_date_time_format (local, _ ("%x %H:%M"));
}

static void
add_window_json (JsonBuilder *builder, const HyMaintenanceWindow *window, gint64 now)
{
  g_autofree char *from = format_time (window->starts_at, TRUE);
  g_autofree char *until = format_time (window->ends_at, TRUE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, window->id);
  json_builder_set_member_name (builder, "group");
  json_builder_add_string_value (builder, window->group_id);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "until");
  json_builder_add_string_value (builder, until);
  json_builder_set_member_name (builder, "reason");
  if (window->reason != NULL)
    json_builder_add_string_value (builder, window->reason);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, window->starts_at <= now && now < window->ends_at);
  json_builder_end_object (builder);
}

static void
print_window (HyCli *cli, const HyMaintenanceWindow *window, gint64 now)
{
  g_autofree char *from = format_time (window->starts_at, FALSE);
  g_autofree char *until = format_time (window->ends_at, FALSE);
  const char *reason = window->reason != NULL ? window->reason : "";

  if (window->starts_at <= now && now < window->ends_at)
    /* Translators: a maintenance window: its id, group id, start, end, reason (may be empty) */
    hy_cli_print (cli, _ ("%lld  group %s  %s → %s  (active)  %s"), (long long) window->id,
                  window->group_id, from, until, reason);
  else
    /* Translators: a maintenance window: its id, group id, start, end, reason (may be empty) */
    hy_cli_print (cli, _ ("%lld  group %s  %s → %s  %s"), (long long) window->id, window->group_id,
                  from, until, reason);
}

static int
maintenance_add (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *group = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "group", 0, 0, G_OPTION_ARG_STRING, &group,
      N_ ("The device group (its subgroups are included)"), N_ ("ID") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_ ("When it starts: ISO 8601, local “YYYY-MM-DD HH:MM”, or now"), N_ ("TIME") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until,
      N_ ("When it ends: ISO 8601, local “YYYY-MM-DD HH:MM”, or +DURATION such as +2h"),
      N_ ("TIME") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_ ("Why (shown with the window)"),
      N_ ("TEXT") },
    { NULL },
  };
  g_autoptr (HyMaintenanceWindow) window = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 starts_at, ends_at, id;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries,
                     N_ ("--group ID --from TIME --until TIME [--reason TEXT]"),
                     N_ ("Adds a maintenance window: while it lasts, alerts of the group's "
                         "devices (and of its subgroups') are kept without opening a ticket; an "
                         "alert still firing when it ends opens its ticket then."),
                     &status))
    return status;
  if (argc != 1)
    return hy_cli_fail_usage (cli, _ ("maintenance add takes no arguments besides its options"));
  if (group == NULL || from == NULL || until == NULL)
    return hy_cli_fail_usage (cli, _ ("maintenance add needs --group, --from and --until"));
  if (!hy_maintenance_parse_time (from, "--from", now, 0, &starts_at, &error) ||
      !hy_maintenance_parse_time (until, "--until", now, starts_at, &ends_at, &error))
    return hy_cli_fail_with (cli, HY_CLI_EXIT_USAGE, "invalid_input", error->message);
  if (ends_at <= starts_at)
    return hy_cli_fail_with (cli, HY_CLI_EXIT_USAGE, "invalid_input",
                             _ ("--until must be after --from"));
  if (ends_at <= now)
    return hy_cli_fail_with (cli, HY_CLI_EXIT_USAGE, "invalid_input",
                             _ ("The window would be over already: --until must be in the "
                                "future"));

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  id = hy_store_add_maintenance (hy_session_get_store (session), group, starts_at, ends_at, reason,
                                 &error);
  if (id == 0)
    return hy_cli_fail (cli, error);

  window = g_new0 (HyMaintenanceWindow, 1);
  window->id = id;
  window->group_id = g_strdup (group);
  window->starts_at = starts_at;
  window->ends_at = ends_at;
  window->reason = reason != NULL && *reason != '\0' ? g_strdup (reason) : NULL;
  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      add_window_json (builder, window, now);
      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
    }
  else
    print_window (cli, window, now);
  return HY_CLI_EXIT_OK;
}

static int
maintenance_list (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) windows = NULL;
  g_autofree char *group = NULL;
  const GOptionEntry entries[] = {
    { "group", 0, 0, G_OPTION_ARG_STRING, &group, N_ ("Only this group's windows"), N_ ("ID") },
    { NULL },
  };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Lists the active and coming maintenance windows, soonest first."),
                     &status))
    return status;
  if (argc != 1)
    return hy_cli_fail_usage (cli, _ ("maintenance list takes no arguments"));

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  windows = hy_store_list_maintenance (hy_session_get_store (session), group, now, &error);
  if (windows == NULL)
    return hy_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < windows->len; i++)
        add_window_json (builder, g_ptr_array_index (windows, i), now);
      json_builder_end_array (builder);
      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
      return HY_CLI_EXIT_OK;
    }
  for (guint i = 0; i < windows->len; i++)
    print_window (cli, g_ptr_array_index (windows, i), now);
  if (windows->len == 0)
    hy_cli_print (cli, "%s", _ ("No active or coming maintenance windows."));
  return HY_CLI_EXIT_OK;
}

static int
maintenance_remove (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, NULL, N_ ("ID"),
                     N_ ("Removes a maintenance window: alerts it held open their tickets now."),
                     &status))
    return status;
  if (argc != 2)
    return hy_cli_fail_usage (cli, _ ("Usage: maintenance remove ID"));
  if (!hy_cli_parse_int (argv[1], "ID", &id, &error))
    return hy_cli_fail (cli, error);

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  if (!hy_store_remove_maintenance (hy_session_get_store (session), id, &error))
    return hy_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, id);
      json_builder_set_member_name (builder, "removed");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
    }
  else
    /* Translators: %lld is a maintenance window's id */
    hy_cli_print (cli, _ ("Maintenance window %lld removed"), (long long) id);
  return HY_CLI_EXIT_OK;
}

int
hy_cli_maintenance (HyCli *cli, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return maintenance_add (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return maintenance_list (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "remove"))
    return maintenance_remove (cli, argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      int status = HY_CLI_EXIT_OK;

      /* The group's own help (hy_cli_parse () prints it and says to exit). */
      hy_cli_parse (cli, &argc, &argv, NULL, N_ ("add|list|remove …"),
                    N_ ("Maintenance windows: while one lasts, alerts of its group's devices (and "
                        "of its subgroups') open no ticket. “maintenance add --help”, "
                        "“maintenance list --help” and “maintenance remove --help” say more."),
                    &status);
      return status;
    }
  return hy_cli_fail_usage (cli, _ ("Use “maintenance add”, “maintenance list” or “maintenance "
                                    "remove” (see --help)"));
}
