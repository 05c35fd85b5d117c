/* hy-halo-budget.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "clock/hy-clock.h"

G_BEGIN_DECLS

/**
 * HyHaloPriority:
 * @HY_HALO_PRIORITY_INTERACTIVE: a technician is waiting (setup, test connection, a view)
 * @HY_HALO_PRIORITY_ALERT: alert delivery (tickets, actions)
 * @HY_HALO_PRIORITY_BULK: bulk sync and paging
 *
 * The lanes of the rate budget: a waiting request of a higher lane always goes first.
 */
typedef enum
{
  HY_HALO_PRIORITY_INTERACTIVE,
  HY_HALO_PRIORITY_ALERT,
  HY_HALO_PRIORITY_BULK,
  HY_HALO_N_PRIORITIES,
} HyHaloPriority;

typedef struct _HyHaloBudget HyHaloBudget;
typedef struct _HyHaloBudgetWaiter HyHaloBudgetWaiter;

/* Called once, from the budget's main context, when the waiter may send its request */
typedef void (*HyHaloBudgetFunc) (gpointer user_data);

/* A budget shared with other processes: asked for each request the local budget would grant
 * (@bulk: the bulk lane), at real time @now µs; TRUE grants it, FALSE sets *@retry_at (real
 * time µs) when to ask again. */
typedef gboolean (*HyHaloBudgetLedgerFunc) (gpointer user_data,
                                            gboolean bulk,
                                            guint max_requests,
                                            gint64 window_us,
                                            gint64 now,
                                            gint64 *retry_at);

HyHaloBudget *hy_halo_budget_new (guint max_requests, guint window_ms);
/* Every grant also asks @func (NULL: none); @destroy frees @user_data. */
void hy_halo_budget_set_ledger (HyHaloBudget *self,
                                HyHaloBudgetLedgerFunc func,
                                gpointer user_data,
                                GDestroyNotify destroy);
void hy_halo_budget_free (HyHaloBudget *self);
void hy_halo_budget_set_clock (HyHaloBudget *self, HyClock *clock);
void hy_halo_budget_set_limit (HyHaloBudget *self, guint max_requests, guint window_ms);
HyHaloBudgetWaiter *hy_halo_budget_acquire (HyHaloBudget *self,
                                            HyHaloPriority priority,
                                            HyHaloBudgetFunc func,
                                            gpointer user_data);
void hy_halo_budget_dispatch (HyHaloBudget *self);
gboolean hy_halo_budget_withdraw (HyHaloBudget *self, HyHaloBudgetWaiter *waiter);
void hy_halo_budget_block_until (HyHaloBudget *self, gint64 monotonic_us);
void hy_halo_budget_saturate (HyHaloBudget *self);
gint64 hy_halo_budget_get_blocked_until (HyHaloBudget *self);
guint hy_halo_budget_get_window_ms (HyHaloBudget *self);
guint hy_halo_budget_get_used (HyHaloBudget *self);
guint hy_halo_budget_get_max (HyHaloBudget *self);
guint hy_halo_budget_get_waiting (HyHaloBudget *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyHaloBudget, hy_halo_budget_free)

G_END_DECLS
