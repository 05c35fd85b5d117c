/* hy-test-ticket.h: "Send a Test Ticket": a ticket of the chosen type on the chosen client,
 * closed again, to prove tickets can be created
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "halo/hy-halo-client.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 ticket_id;
  gint64 client_id;
  gint64 ticket_type_id;
  char *url;         /* where a technician sees it in Halo */
  gint64 status_id;  /* the status it was closed with; 0 when it could not be closed */
  char *close_error; /* why it could not be closed (Halo's text), or NULL */
} HyTestTicket;

void hy_test_ticket_free (HyTestTicket *ticket);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTestTicket, hy_test_ticket_free)

/* The defaults when the technician gives none: the client of the first mapped group (else of
 * the first linked company) and the ticket type of the first mapped policy (else Halo's
 * first ticket type). HY_SYNC_ERROR_INVALID, saying what to choose, when there is none. */
gboolean hy_test_ticket_choose (HyStore *store,
                                gint64 *inout_client_id,
                                gint64 *inout_ticket_type_id,
                                GError **error);

/* Creates the test ticket (0 ids: hy_test_ticket_choose ()), then closes it with Halo's
 * Closed status (id 9). The creation failing is an error; the close failing is reported in
 * the result (the ticket exists: its number and link are still shown). */
void hy_test_ticket_send_async (HyHaloClient *client,
                                HyStore *store,
                                gint64 client_id,
                                gint64 ticket_type_id,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
HyTestTicket *hy_test_ticket_send_finish (GAsyncResult *result, GError **error);

G_END_DECLS
