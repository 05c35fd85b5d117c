/* hy-test-session.h: a session of the test's own on a private data directory, pointed at
 * halyard-sim as the demo application, and the records the tests fill its store with, written
 * as tables.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hy-sim.h"
#include "hy-test.h"
#include "session/hy-session.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

/* ---- A session of the test's own ---------------------------------------------------------- */

/* A session on a new private directory named after @tmpl; *@out_dir says where. */
HySession *hy_test_session_new_tmp (const char *tmpl, char **out_dir);
/* Closes *@session, then removes *@dir with everything in it and frees it. */
void hy_test_session_remove_tmp (HySession **session, char **dir);
/* Lets go of *@session and waits until its store is finalized (its database closed; no job of
 * the session, in this thread or another, still writes the directory), then removes *@dir
 * with everything in it and frees it. Whatever else holds the session (a window) must let go
 * of it first. */
void hy_test_session_close_tmp (HySession **session, char **dir);
/* Points @session at @sim as the demo application (tenant demo, client halyard-demo), with
 * the demo's secret in memory. */
void hy_test_session_use_sim (HySession *session, HySim *sim);

/* ---- Records, as tables ------------------------------------------------------------------- */

/* A record of the inventory: @company_id for locations and computers, @email for users. */
typedef struct
{
  HyRecordKind kind;
  const char *id;
  const char *name;
  const char *company_id;
  const char *email;
} HyTestRecord;

/* A record of Halo's in Halyard's cache: @client_id for sites and assets (whose key field is
 * @name), @email for agents, @closed for statuses. */
typedef struct
{
  HyCacheKind kind;
  gint64 id;
  const char *name;
  gint64 client_id;
  const char *email;
  gboolean closed;
} HyTestHaloRecord;

void hy_test_store_add_records (HyStore *store, const HyTestRecord *records, gsize n_records);
void
hy_test_store_add_halo_records (HyStore *store, const HyTestHaloRecord *records, gsize n_records);

G_END_DECLS
