/* hy-test-ticket-row.h: Setup's "Send a Test Ticket" row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "session/hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_TEST_TICKET_ROW (hy_test_ticket_row_get_type ())
G_DECLARE_FINAL_TYPE (HyTestTicketRow, hy_test_ticket_row, HY, TEST_TICKET_ROW, AdwActionRow)

GtkWidget *hy_test_ticket_row_new (void);
HySession *hy_test_ticket_row_get_session (HyTestTicketRow *self);
void hy_test_ticket_row_set_session (HyTestTicketRow *self, HySession *session);

G_END_DECLS
