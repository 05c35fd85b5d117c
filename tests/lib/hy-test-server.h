/* hy-test-server.h: a Halo of the test's own: a SoupServer on a free loopback port whose
 * handler the test writes, the events of the clients it makes for it, and the slot their
 * calls' results arrive in. For what halyard-sim does not do (hostile answers, error bodies,
 * TLS, caps).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "halo/hy-halo-client.h"
#include "hy-test.h"

G_BEGIN_DECLS

typedef struct
{
  SoupServer *server;
  char *base;           /* its URL, such as http://127.0.0.1:41234 */
  GPtrArray *events;    /* HyHaloEvent: every request the test's clients finished */
  GAsyncResult *result; /* where hy_test_result_cb puts a call's result */
} HyTestServer;

/* Listens with @handler for every path. */
void hy_test_server_start (HyTestServer *self, SoupServerCallback handler, gpointer user_data);
/* Stops listening and frees what it holds; asserts that no result was left unread. */
void hy_test_server_stop (HyTestServer *self);

/* A client of @base (NULL: the server's own URL) as "client-id" with @secret, that retries
 * @retries times (5 to 20 ms apart) and records its events in @self->events. */
HyHaloClient *hy_test_server_new_client (HyTestServer *self,
                                         const char *base,
                                         const char *tenant,
                                         const char *secret,
                                         const char *scopes,
                                         guint retries);

/* Answers @msg with @status and @body (a string) of @type. */
void
hy_test_server_respond (SoupServerMessage *msg, guint status, const char *type, const char *body);

G_END_DECLS
