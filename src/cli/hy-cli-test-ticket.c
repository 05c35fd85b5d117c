/* hy-cli-test-ticket.c: `test --ticket`: creates a ticket, shows its number and link, closes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sync/hy-sync-error.h"
#include "sync/hy-test-ticket.h"

#include "hy-cli-commands.h"
#include "hy-cli-session.h"

int
hy_cli_test_ticket (HyCli *cli, HySession *session, gint64 client_id, gint64 ticket_type_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HyTestTicket) ticket = NULL;
  g_autoptr (GError) error = NULL;

  /* Bad choices are bad input: say so before signing in, with the option that gives what
   * could not be chosen (what is still unset). */
  if (!hy_test_ticket_choose (hy_session_get_store (session), &client_id, &ticket_type_id, &error))
    {
      const char *hint = NULL;

      if (error->domain == HY_SYNC_ERROR && client_id <= 0)
        /* Translators: added by halyard-cli under "Choose the Halo client for the test ticket" */
        hint = _ ("Give it with --client ID.");
      else if (error->domain == HY_SYNC_ERROR && ticket_type_id <= 0)
        /* Translators: added by halyard-cli under "Choose the ticket type of the test ticket" */
        hint = _ ("Or give it with --ticket-type ID.");
      return hy_cli_fail_with_hint (cli, HY_CLI_EXIT_USAGE, "invalid_input", error->message, hint);
    }

  hy_session_get_client_async (session, NULL, hy_cli_result_cb, &result);
  client = hy_session_get_client_finish (session, hy_cli_wait (&result), &error);
  if (client == NULL)
    return hy_cli_fail (cli, error);
  g_clear_object (&result);
  hy_test_ticket_send_async (client, hy_session_get_store (session), client_id, ticket_type_id,
                             NULL, hy_cli_result_cb, &result);
  ticket = hy_test_ticket_send_finish (hy_cli_wait (&result), &error);
  if (ticket == NULL)
    return hy_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ticket_id");
      json_builder_add_int_value (builder, ticket->ticket_id);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, ticket->url);
      json_builder_set_member_name (builder, "client_id");
      json_builder_add_int_value (builder, ticket->client_id);
      json_builder_set_member_name (builder, "ticket_type_id");
      json_builder_add_int_value (builder, ticket->ticket_type_id);
      json_builder_set_member_name (builder, "closed");
      json_builder_add_boolean_value (builder, ticket->status_id > 0);
      json_builder_set_member_name (builder, "error");
      if (ticket->close_error != NULL)
        json_builder_add_string_value (builder, ticket->close_error);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
    }
  else if (ticket->status_id > 0)
    /* Translators: %lld is a Halo ticket number, %s its link */
    hy_cli_print (cli, _ ("Test ticket %lld created and closed: %s"), (long long) ticket->ticket_id,
                  ticket->url);
  else
    /* Translators: %lld is a Halo ticket number, the first %s its link, the second Halo's
     * error */
    hy_cli_print (cli, _ ("Test ticket %lld created, but Halo did not close it: %s\n%s"),
                  (long long) ticket->ticket_id, ticket->url, ticket->close_error);
  return ticket->status_id > 0 ? HY_CLI_EXIT_OK : HY_CLI_EXIT_FAILED;
}
