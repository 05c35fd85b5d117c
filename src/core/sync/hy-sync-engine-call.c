/* hy-sync-engine-call.c: the call bridge: the worker hands each Halo call over to the client's
 * main context and waits for the answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include "sync/hy-sync-engine-private.h"

/* ------------------------------------------------------------------------- */
/* Calling the Halo client from the worker                                   */
/* ------------------------------------------------------------------------- */

static void
call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HySyncCall *call = user_data;
  HyHaloClient *client = HY_HALO_CLIENT (source);

  switch (call->op)
    {
      case OP_LIST_ASSETS:
      case OP_LIST_ASSET_TYPES:
      case OP_LIST:
      case OP_SEARCH_TICKETS:
        call->list = hy_halo_client_list_finish (client, result, &call->error);
        break;
      case OP_GET_TICKET:
      case OP_GET_RECORD:
      case OP_CREATE_TICKET:
      case OP_UPDATE_TICKET:
      case OP_CREATE_ACTION:
      case OP_AGENT_ME:
        call->rec = hy_halo_client_record_finish (client, result, &call->error);
        break;
      case OP_SAVE_ASSETS:
        call->saved = hy_halo_client_save_assets_finish (client, result, &call->error);
        break;
      case OP_CREATE_TICKETS:
        call->saved = hy_halo_client_create_tickets_finish (client, result, &call->error);
        break;
      default:
        g_assert_not_reached ();
    }
  g_mutex_lock (&call->lock);
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->lock);
}

static gboolean
call_start_cb (gpointer user_data)
{
  HySyncCall *call = user_data;
  HyHaloClient *c = call->self->client;

  switch (call->op)
    {
      case OP_LIST_ASSETS:
        {
          /* hy_halo_client_list_assets_async (), with the record the look-up is made for */
          g_autofree char *query = call->id > 0 ? g_strdup_printf ("client_id=%" G_GINT64_FORMAT
                                                                   "&includeassetfields=true",
                                                                   call->id)
                                                : g_strdup ("includeassetfields=true");
          if (call->max_pages > 0)
            hy_halo_client_list_within_async (c, HY_HALO_KIND_ASSET, query,
                                              call->id > 0 ? "client_id" : NULL, call->id,
                                              call->max_pages, call->priority, call->record,
                                              call->cancellable, call_done_cb, call);
          else
            hy_halo_client_list_async (c, HY_HALO_KIND_ASSET, query,
                                       call->id > 0 ? "client_id" : NULL, call->id, call->priority,
                                       call->record, call->cancellable, call_done_cb, call);
        }
        break;
      case OP_LIST_ASSET_TYPES:
        hy_halo_client_list_async (c, HY_HALO_KIND_ASSET_TYPE, NULL, NULL, 0, call->priority,
                                   call->record, call->cancellable, call_done_cb, call);
        break;
      case OP_LIST:
        if (call->max_pages > 0)
          hy_halo_client_list_within_async (c, call->kind, call->query, call->check_member,
                                            call->check_value, call->max_pages, call->priority,
                                            call->record, call->cancellable, call_done_cb, call);
        else
          hy_halo_client_list_async (c, call->kind, call->query, call->check_member,
                                     call->check_value, call->priority, call->record,
                                     call->cancellable, call_done_cb, call);
        break;
      case OP_SEARCH_TICKETS:
        {
          /* The tickets whose details contain @search: search_details is a text filter
           * (HALO-API §11), with the record the look-up is made for */
          g_autoptr (GString) query = g_string_new (NULL);
          g_autofree char *escaped = g_uri_escape_string (call->search, NULL, FALSE);

          if (call->id > 0)
            g_string_append_printf (query, "client_id=%" G_GINT64_FORMAT "&", call->id);
          g_string_append_printf (query, "search_details=%s", escaped);
          hy_halo_client_list_async (c, HY_HALO_KIND_TICKET, query->str,
                                     call->id > 0 ? "client_id" : NULL, call->id, call->priority,
                                     call->record, call->cancellable, call_done_cb, call);
        }
        break;
      case OP_GET_TICKET:
        hy_halo_client_get_ticket_async (c, call->id, call->priority, call->record,
                                         call->cancellable, call_done_cb, call);
        break;
      case OP_GET_RECORD:
        hy_halo_client_get_record_async (c, call->kind, call->id, call->query, call->priority,
                                         call->record, call->cancellable, call_done_cb, call);
        break;
      case OP_CREATE_TICKET:
        hy_halo_client_create_ticket_async (c, call->object, call->priority, call->record,
                                            call->cancellable, call_done_cb, call);
        break;
      case OP_UPDATE_TICKET:
        hy_halo_client_update_ticket_async (c, call->id, call->object, call->priority, call->record,
                                            call->cancellable, call_done_cb, call);
        break;
      case OP_CREATE_ACTION:
        hy_halo_client_create_action_async (c, call->object, call->priority, call->record,
                                            call->cancellable, call_done_cb, call);
        break;
      case OP_SAVE_ASSETS:
        hy_halo_client_save_assets_full_async (c, call->assets, call->save_flags, call->priority,
                                               call->record, call->cancellable, call_done_cb, call);
        break;
      case OP_CREATE_TICKETS:
        hy_halo_client_create_tickets_async (c, call->assets, call->markers, call->batch_size,
                                             call->priority, call->record, call->cancellable,
                                             call_done_cb, call);
        break;
      case OP_AGENT_ME:
        hy_halo_client_get_agent_me_async (c, call->priority, call->cancellable, call_done_cb,
                                           call);
        break;
      default:
        g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

/* Runs @call on the client's context and waits for it (worker thread only). While it waits for
 * a bulk request, alert writes recorded meanwhile are delivered: theirs take the rate budget's
 * next free slot, ahead of the bulk request, which goes on waiting. */
gboolean
_hy_sync_engine_call_run (HySyncCall *call)
{
  HySyncEngine *self = call->self;
  HySyncRun *overtaking = call->priority == HY_HALO_PRIORITY_BULK ? self->overtaking : NULL;

  g_mutex_init (&call->lock);
  g_cond_init (&call->cond);
  if (overtaking != NULL)
    {
      g_mutex_lock (&self->wait_lock);
      self->waiting = call;
      g_mutex_unlock (&self->wait_lock);
    }
  g_main_context_invoke (self->client_context, call_start_cb, call);
  g_mutex_lock (&call->lock);
  while (!call->done)
    {
      if (overtaking != NULL && g_atomic_int_get (&self->alert_poke))
        {
          g_mutex_unlock (&call->lock);
          _hy_sync_engine_deliver_alerts_first (overtaking);
          g_mutex_lock (&call->lock);
          continue;
        }
      g_cond_wait (&call->cond, &call->lock);
    }
  g_mutex_unlock (&call->lock);
  if (overtaking != NULL)
    {
      g_mutex_lock (&self->wait_lock);
      self->waiting = NULL;
      g_mutex_unlock (&self->wait_lock);
    }
  g_mutex_clear (&call->lock);
  g_cond_clear (&call->cond);
  return call->error == NULL;
}

void
_hy_sync_engine_call_clear (HySyncCall *call)
{
  g_clear_pointer (&call->list, hy_halo_list_free);
  g_clear_pointer (&call->rec, hy_halo_record_unref);
  g_clear_pointer (&call->saved, g_ptr_array_unref);
  g_clear_error (&call->error);
}

/* call_run (); when it fails, its error goes to @error and @call is cleared. */
gboolean
_hy_sync_engine_call_run_or_propagate (HySyncCall *call, GError **error)
{
  if (_hy_sync_engine_call_run (call))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&call->error));
  _hy_sync_engine_call_clear (call);
  return FALSE;
}

typedef struct
{
  HyHaloClient *client;
  char *method;
  char *path;
  char *record;
  char *message;
} Warning;

static void
warning_free (gpointer data)
{
  Warning *w = data;

  g_object_unref (w->client);
  g_free (w->method);
  g_free (w->path);
  g_free (w->record);
  g_free (w->message);
  g_free (w);
}

static gboolean
warning_cb (gpointer data)
{
  Warning *w = data;

  hy_halo_client_report_warning (w->client, w->method, w->path, w->record, w->message);
  return G_SOURCE_REMOVE;
}

/* Adds a warning to the events log, from the worker (the client's events belong to its
 * context). */
void
_hy_sync_engine_report_warning (HySyncEngine *self,
                                const char *method,
                                const char *path,
                                const char *record,
                                const char *message)
{
  Warning *w = g_new0 (Warning, 1);

  w->client = g_object_ref (self->client);
  w->method = g_strdup (method);
  w->path = g_strdup (path);
  w->record = g_strdup (record);
  w->message = g_strdup (message);
  g_main_context_invoke_full (self->client_context, G_PRIORITY_DEFAULT, warning_cb, w,
                              warning_free);
}
