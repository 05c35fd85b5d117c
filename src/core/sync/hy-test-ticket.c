/* hy-test-ticket.c: "Send a Test Ticket"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sync/hy-sync-error.h"
#include "sync/hy-test-ticket.h"

/* Halo's system status Closed: id 9 in every tenant. */
#define CLOSED_STATUS_ID 9

typedef struct
{
  HyHaloClient *client;
  HyTestTicket *result;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_object (&data->client);
  g_clear_pointer (&data->result, hy_test_ticket_free);
  g_free (data);
}

void
hy_test_ticket_free (HyTestTicket *ticket)
{
  if (ticket == NULL)
    return;
  g_free (ticket->url);
  g_free (ticket->close_error);
  g_free (ticket);
}

gboolean
hy_test_ticket_choose (HyStore *store,
                       gint64 *inout_client_id,
                       gint64 *inout_ticket_type_id,
                       GError **error)
{
  if (*inout_client_id <= 0)
    {
      g_autoptr (GPtrArray) groups = hy_store_list_group_mappings (store, error);
      g_autoptr (GPtrArray) links = NULL;

      if (groups == NULL)
        return FALSE;
      if (groups->len > 0)
        *inout_client_id = ((HyGroupMapping *) g_ptr_array_index (groups, 0))->client_id;
      else
        {
          HyStoreQuery query = HY_STORE_QUERY_INIT;

          links = hy_store_list_links (store, HY_RECORD_KIND_COMPANY, &query, error);
          if (links == NULL)
            return FALSE;
          for (guint i = 0; i < links->len && *inout_client_id <= 0; i++)
            {
              HyLink *link = g_ptr_array_index (links, i);
              if (link->link.how != HY_LINK_HOW_NONE)
                *inout_client_id = link->link.halo_id;
            }
        }
      if (*inout_client_id <= 0)
        {
          g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                               _ ("Choose the Halo client for the test ticket: no group is mapped "
                                  "and no company is linked yet."));
          return FALSE;
        }
    }
  if (*inout_ticket_type_id <= 0)
    {
      g_autoptr (GPtrArray) policies = hy_store_list_policy_mappings (store, error);
      g_autoptr (GPtrArray) types = NULL;

      if (policies == NULL)
        return FALSE;
      if (policies->len > 0)
        *inout_ticket_type_id =
            ((HyPolicyMapping *) g_ptr_array_index (policies, 0))->ticket_type_id;
      else
        {
          types = hy_store_cache_list (store, HY_CACHE_KIND_TICKET_TYPE, NULL, error);
          if (types == NULL)
            return FALSE;
          if (types->len > 0)
            *inout_ticket_type_id = ((HyCacheRecord *) g_ptr_array_index (types, 0))->id;
        }
      if (*inout_ticket_type_id <= 0)
        {
          g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                               _ ("Choose the ticket type of the test ticket: map a policy to a "
                                  "ticket type, or refresh the Halo records first."));
          return FALSE;
        }
    }
  return TRUE;
}

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr (HyHaloRecord) record = NULL;
  g_autoptr (GError) error = NULL;

  record = hy_halo_client_record_finish (HY_HALO_CLIENT (source), res, &error);
  if (record == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      data->result->close_error = g_strdup (error->message);
    }
  else
    data->result->status_id = CLOSED_STATUS_ID;
  g_task_return_pointer (task, g_steal_pointer (&data->result),
                         (GDestroyNotify) hy_test_ticket_free);
}

static void
created_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr (HyHaloRecord) record = NULL;
  g_autoptr (JsonObject) fields = json_object_new ();
  GCancellable *cancellable;
  GError *error = NULL;

  record = hy_halo_client_record_finish (HY_HALO_CLIENT (source), res, &error);
  if (record == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->result->ticket_id = hy_halo_record_get_id (record);
  if (data->result->ticket_id <= 0)
    {
      g_task_return_new_error (task, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                               _ ("Halo did not return the new ticket’s id"));
      return;
    }
  data->result->url =
      g_strdup_printf ("%s/ticket?id=%" G_GINT64_FORMAT, data->result->url ? data->result->url : "",
                       data->result->ticket_id);
  json_object_set_int_member (fields, "status_id", CLOSED_STATUS_ID);
  cancellable = g_task_get_cancellable (task);
  hy_halo_client_update_ticket_async (data->client, data->result->ticket_id, fields,
                                      HY_HALO_PRIORITY_INTERACTIVE, "test-ticket", cancellable,
                                      closed_cb, g_steal_pointer (&task));
}

void
hy_test_ticket_send_async (HyHaloClient *client,
                           HyStore *store,
                           gint64 client_id,
                           gint64 ticket_type_id,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (client, cancellable, callback, user_data);
  g_autoptr (HyProfile) profile = NULL;
  g_autoptr (JsonObject) ticket = json_object_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);
  g_autofree char *details = NULL;
  SendData *data = g_new0 (SendData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, hy_test_ticket_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  data->client = g_object_ref (client);
  data->result = g_new0 (HyTestTicket, 1);
  if (!hy_test_ticket_choose (store, &client_id, &ticket_type_id, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  data->result->client_id = client_id;
  data->result->ticket_type_id = ticket_type_id;
  profile = hy_store_get_profile (store, NULL);
  if (profile != NULL && profile->url != NULL)
    {
      g_autofree char *base = g_strdup (profile->url);
      gsize len = strlen (base);
      while (len > 0 && base[len - 1] == '/')
        base[--len] = '\0';
      data->result->url = g_steal_pointer (&base);
    }

  /* Translators: the details of the test ticket; %s is a date and time (ISO 8601) */
  details = g_strdup_printf (_ ("Halyard sent this ticket at %s to check that it can create "
                                "tickets in Halo, and closed it at once. Nothing needs doing."),
                             when);
  /* Translators: the summary of the test ticket */
  json_object_set_string_member (ticket, "summary", _ ("Halyard test ticket"));
  json_object_set_string_member (ticket, "details", details);
  json_object_set_int_member (ticket, "tickettype_id", ticket_type_id);
  json_object_set_int_member (ticket, "client_id", client_id);
  hy_halo_client_create_ticket_async (client, ticket, HY_HALO_PRIORITY_INTERACTIVE, "test-ticket",
                                      cancellable, created_cb, g_steal_pointer (&task));
}

HyTestTicket *
hy_test_ticket_send_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_test_ticket_send_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
