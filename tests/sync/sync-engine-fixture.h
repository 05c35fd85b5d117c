/* sync-engine-fixture.h: what the sync engine suites share (test-sync-assets.c,
 * test-sync-alerts.c, test-sync-outbox.c): halyard-sim in process with three clients; a store
 * whose inventory has nine computers in four groups, g1 (and its subgroup g1a) mapped to client
 * A, g2 to client B, g3 not mapped, company c3 not linked, policy p1 mapped; an engine on the
 * simulator's clock whose back-off is in milliseconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test reads Halo's final state from the simulator (hy_sim_dump_state) and checks that
 * nothing is missing and nothing is duplicated.
 */

#pragma once

#include <string.h>

#include "hy-test-sync.h"
#include "sync/hy-sync-payload.h"

G_BEGIN_DECLS

typedef struct
{
  HyTestHalo *halo;
  HySim *sim;           /* halo's */
  HyStore *store;       /* halo's */
  HyHaloClient *client; /* halo's */
  HySyncEngine *engine;
  gint64 client_a;
  gint64 client_b;
  gint64 site_a;
  gint64 site_b;
  gint64 agent_id;
  GPtrArray *events;     /* HyHaloEvent: halo's */
  HyClock *engine_clock; /* the engine's own, when a test moves its schedule alone */
} Fixture;

#define state_array(state, member)             hy_test_state_array ((state), (member))
#define count_where(sim, table, member, value) hy_test_sim_count ((sim), (table), (member), (value))
#define find_where(state, table, member, value) \
  hy_test_state_find ((state), (table), (member), (value))

#define cache_from_sim(f, state, table, kind) \
  hy_test_store_cache_from_state ((f)->store, (state), (table), (kind))

guint asset_count (Fixture *f);
guint ticket_count (Fixture *f);
guint actions_of (Fixture *f, gint64 ticket_id);
/* Every local computer id appears exactly once as an asset number. */
void assert_assets_exactly_once (Fixture *f, const char *const *computers);
/* Delivers until nothing is pending (back-off is in milliseconds in these tests: the clock
 * moves 20 ms between rounds). */
void deliver_until_done (Fixture *f, guint max_rounds);
void upsert (Fixture *f, HyRecordKind kind, gpointer record);
void add_company (Fixture *f, const char *id, const char *name, gint64 halo_client);
void add_group (Fixture *f, const char *id, const char *parent);
void add_computer (Fixture *f, const char *id, const char *company, const char *group);
void add_user (Fixture *f, const char *id, gint64 agent);
void add_policy (Fixture *f, const char *id);
/* Each of synced_computers is one asset in Halo, and Halo has no other. */
void assert_every_device_once (Fixture *f);
/* Raises alert @id on @computer under @policy ("Disk space low", "C: at 95%", high); asserts
 * that the engine took it. */
HySyncAlertResult *
raise_alert (Fixture *f, const char *id, const char *computer, const char *policy);
/* The same when the test does not look at the result. */
void record_alert (Fixture *f, const char *id, const char *computer, const char *policy);
/* Alert @id is in @state, as the engine reports it. */
void assert_alert_state (Fixture *f, const char *id, HyAlertState state);
/* Technician @user_id's action on alert @alert_id's ticket (@resolve: closing it); asserts
 * that the engine took it. */
void record_action (Fixture *f,
                    const char *alert_id,
                    const char *user_id,
                    guint minutes,
                    const char *note,
                    gboolean resolve);
/* One delivery run, when the test does not look at its report. */
void deliver_once (Fixture *f);

/* pc1 to pc7: the computers of the mapped groups whose company is linked */
extern const char *const synced_computers[];

void fixture_setup (Fixture *f, gconstpointer data);
void fixture_teardown (Fixture *f, gconstpointer data);

G_END_DECLS
