/* hy-linker-user.h: the Halo end user a policy's tickets are raised as, read from Halo and
 * checked as Halo checks a ticket's user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "halo/hy-halo-client.h"
#include "store/hy-store-lifecycle.h"

G_BEGIN_DECLS

/* Reads Halo's end user @user_id (`GET /Users/{id}`) and checks that a ticket can be raised as
 * them: Halo knows the user (HY_LINKER_ERROR_HALO_NOT_FOUND otherwise), the user is active
 * and belongs to a client and a site, which Halo requires with a ticket's user_id
 * (HY_LINKER_ERROR_INVALID otherwise, with the user's name). Halo's own failures are
 * HY_HALO_ERROR. Finishes with Halo's record of the user. */
void hy_linker_fetch_policy_user_async (HyHaloClient *client,
                                        gint64 user_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
HyHaloRecord *hy_linker_fetch_policy_user_finish (GAsyncResult *result, GError **error);

/* Halo's end users of @client_id that a ticket can be raised as (active, with a site), sorted
 * by name: a #GPtrArray of #HyHaloRecord. */
void hy_linker_list_policy_users_async (HyHaloClient *client,
                                        gint64 client_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *hy_linker_list_policy_users_finish (GAsyncResult *result, GError **error);

/* The Halo clients Halyard raises tickets on (linked to a company, or a group's route), from
 * the cache, by name: a #GPtrArray of #HyCacheRecord. */
GPtrArray *hy_linker_list_ticket_clients (HyStore *store, GError **error);

/* Whether Halo's @user can be a ticket's user; FALSE with the reason (HY_LINKER_ERROR_INVALID). */
gboolean hy_linker_check_policy_user (HyHaloRecord *user, GError **error);

/* Sets the end user of @defaults from Halo's record @user (NULL: none): its id, client and
 * site. */
void hy_policy_defaults_set_user (HyPolicyDefaults *defaults, HyHaloRecord *user);

G_END_DECLS
