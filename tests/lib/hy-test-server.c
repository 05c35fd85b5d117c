/* hy-test-server.c: a Halo of the test's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hy-test-halo.h"
#include "hy-test-server.h"

void
hy_test_server_start (HyTestServer *self, SoupServerCallback handler, gpointer user_data)
{
  self->server = soup_server_new (NULL, NULL);
  self->base = hy_test_server_listen (self->server, handler, user_data);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_halo_event_free);
}

void
hy_test_server_stop (HyTestServer *self)
{
  g_clear_pointer (&self->events, g_ptr_array_unref);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->base, g_free);
  g_assert_null (self->result);
}

HyHaloClient *
hy_test_server_new_client (HyTestServer *self,
                           const char *base,
                           const char *tenant,
                           const char *secret,
                           const char *scopes,
                           guint retries)
{
  g_autoptr (GError) error = NULL;
  HyHaloClient *client = hy_halo_client_new (base != NULL ? base : self->base, tenant, "client-id",
                                             secret, scopes, &error);

  g_assert_no_error (error);
  hy_halo_client_set_retry_policy (client, retries, 5, 20);
  hy_test_record_events (client, self->events);
  return client;
}

void
hy_test_server_respond (SoupServerMessage *msg, guint status, const char *type, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, body, strlen (body));
}
