/* hy-test-halo.h: the in-process fixture most core suites need: halyard-sim on a free
 * loopback port, a real SQLite store in a temporary directory whose profile points at it, and
 * a HyHaloClient signed in as the demo application; helpers that read the simulator's state
 * and fill the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "clock/hy-clock.h"
#include "halo/hy-halo-client.h"
#include "hy-sim.h"
#include "hy-test.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

typedef struct
{
  HyClock *clock; /* the simulator's and the client's: a test moves it instead of sleeping */
  HySim *sim;
  char *dir;
  char *db_path;
  HyStore *store;       /* NULL until hy_test_halo_open_store */
  HyHaloClient *client; /* NULL until hy_test_halo_new_client */
  GPtrArray *events;    /* HyHaloEvent: every request the client finished */
} HyTestHalo;

/* Generates Halo's records with @options, starts the simulator (demo credentials) and makes
 * a temporary directory named after @tmpl. */
HyTestHalo *hy_test_halo_new (const HySimGenerateOptions *options, const char *tmpl);
/* The same with @clients clients of one site each, no assets, @agents agents, seed 7: what
 * the engine suites fill with their own inventory. */
HyTestHalo *hy_test_halo_new_empty (guint clients, guint agents, const char *tmpl);
void hy_test_halo_free (HyTestHalo *halo);

/* Opens @halo->db_path with a profile for the simulator (tenant demo, client halyard-demo,
 * integration @enabled). */
HyStore *hy_test_halo_open_store (HyTestHalo *halo, gboolean enabled);
/* A client for the simulator (tenant demo, scope all) that records its events. */
HyHaloClient *hy_test_halo_new_client (HyTestHalo *halo);

/* A HySimClockFunc reading the HyClock @clock. */
gint64 hy_test_clock_monotonic (gpointer clock);

/* Appends a copy of every event @client emits ("request-finished") to @events. */
void hy_test_record_events (HyHaloClient *client, GPtrArray *events);
/* Asserts that no text of any event of @events holds one of @secrets (NULL-terminated). */
void hy_test_assert_events_hide (GPtrArray *events, const char *const *secrets);
/* The events of @events with @method whose path starts with @path_prefix (each NULL: any), in
 * their order; the array does not own them. */
GPtrArray *hy_test_events_matching (GPtrArray *events, const char *method, const char *path_prefix);
/* The last of them, or NULL. */
HyHaloEvent *hy_test_events_last (GPtrArray *events, const char *method, const char *path_prefix);

/* A simulator with @options' records, started on a free loopback port (for suites that share
 * one in main ()). */
HySim *hy_test_sim_start (const HySimGenerateOptions *options);

/* ---- The simulator's state ---------------------------------------------------------------- */

JsonArray *hy_test_state_array (JsonNode *state, const char *table);
/* How many records of @table have @member equal to @value (a string or a number written as
 * one); every record with @member NULL. */
guint
hy_test_state_count (JsonNode *state, const char *table, const char *member, const char *value);
JsonObject *
hy_test_state_find (JsonNode *state, const char *table, const char *member, const char *value);
/* The record of @table whose id is @id, or NULL. */
JsonObject *hy_test_state_find_id (JsonNode *state, const char *table, gint64 id);
/* Asserts that every record of @table has a string @member, none the same; the values (owned
 * by @state). */
GHashTable *hy_test_state_unique (JsonNode *state, const char *table, const char *member);
guint hy_test_sim_count (HySim *sim, const char *table, const char *member, const char *value);
/* The first site of Halo client @client_id; the first agent that is not the API agent. */
gint64 hy_test_state_site_of (JsonNode *state, gint64 client_id);
gint64 hy_test_state_agent (JsonNode *state);
gint64 hy_test_state_client (JsonNode *state, guint index);

/* ---- Filling the store -------------------------------------------------------------------- */

/* Runs the main context until @condition holds, looking again after each change @store
 * reports (whoever wrote it, this process or another). */
void hy_test_store_wait_until (HyStore *store,
                               HyTestCondition condition,
                               gpointer user_data,
                               const char *what);

/* A fresh store at @relative_path in a new private directory named after @tmpl; *@out_dir and
 * *@out_path (each optional) say where. */
HyStore *hy_test_store_new_tmp (const char *tmpl,
                                const char *relative_path,
                                char **out_dir,
                                char **out_path);
/* Closes *@store, removes *@dir with everything in it, frees *@dir and *@path (optional). */
void hy_test_store_remove_tmp (HyStore **store, char **dir, char **path);

/* The fixture of the suites that start from an empty store: halyard.db in a private directory
 * (g_test_add (…, HyTestStoreFixture, data, hy_test_store_fixture_set_up, test,
 * hy_test_store_fixture_tear_down)). */
typedef struct
{
  char *dir;
  char *path;
  HyStore *store;
} HyTestStoreFixture;

void hy_test_store_fixture_set_up (HyTestStoreFixture *f, gconstpointer data);
void hy_test_store_fixture_tear_down (HyTestStoreFixture *f, gconstpointer data);

/* Opens @dir/halyard.db with a profile for the Halo at @url (tenant demo, client halyard-demo,
 * integration @enabled). */
HyStore *hy_test_store_open (const char *dir, const char *url, gboolean enabled);

/* Upserts @record of @kind into @store, asserting it worked, and frees @record. */
void hy_test_store_upsert (HyStore *store, HyRecordKind kind, gpointer record);
void
hy_test_store_add_company (HyStore *store, const char *id, const char *name, gint64 halo_client);
void hy_test_store_add_group (HyStore *store, const char *id, const char *name, const char *parent);
void hy_test_store_add_computer (HyStore *store,
                                 const char *id,
                                 const char *name,
                                 const char *company,
                                 const char *group);
void hy_test_store_add_user (HyStore *store,
                             const char *id,
                             const char *name,
                             const char *email,
                             gint64 agent);
void hy_test_store_add_policy (HyStore *store, const char *id, const char *name);
/* Halo's @table (from the simulator's @state) as Halyard's cache of @kind, as the session's
 * refresh stores it: a client's main site, an asset's client, whether a status closes (Halo's
 * Closed is 9), whether an agent is the API agent. */
void hy_test_store_cache_from_state (HyStore *store,
                                     JsonNode *state,
                                     const char *table,
                                     HyCacheKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTestHalo, hy_test_halo_free)

G_END_DECLS
