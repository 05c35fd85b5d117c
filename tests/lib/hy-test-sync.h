/* hy-test-sync.h: the sync engine in a test (libhy-test-sync, on top of hy-test-halo.h): an
 * engine on a clock the test moves, and its runs taken to their end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hy-test-halo.h"
#include "sync/hy-sync-engine.h"

G_BEGIN_DECLS

/* An engine for @store and @client on @clock whose back-off unit is a millisecond: the test
 * moves @clock a few milliseconds past a retry's back-off instead of waiting seconds. */
HySyncEngine *hy_test_sync_engine_new (HyStore *store, HyHaloClient *client, HyClock *clock);

/* A client for @halo (hy_test_halo_new_client) that tries a failed request @retries times, 5
 * to 20 ms apart, and an engine for @halo's store (opened) and that client on @clock. */
HySyncEngine *hy_test_sync_engine_for (HyTestHalo *halo, guint retries, HyClock *clock);

/* The customers of the suites that drive halyard-cli, in @store from the simulator's @state:
 * for each of Halo's first two clients, company cN ("Company N") linked to it (c0 only when
 * @link_first) and group gN ("Group N") mapped to its main site; then @devices computers
 * alternating between them, pcNNN named DEV-NNN with @width digits. */
void hy_test_sync_add_customers (HyStore *store,
                                 JsonNode *state,
                                 guint devices,
                                 guint width,
                                 gboolean link_first);

/* One sync of @engine (@dry_run: planned, nothing sent), to its end. */
HySyncReport *hy_test_sync_run (HySyncEngine *engine, gboolean dry_run, GError **error);
/* One delivery run of @engine, to its end; asserts that it did not fail. */
HySyncReport *hy_test_sync_deliver (HySyncEngine *engine);

G_END_DECLS
