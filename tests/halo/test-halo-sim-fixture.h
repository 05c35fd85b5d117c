/* test-halo-sim-fixture.h: what the programs testing HyHaloClient against halyard-sim share
 * (tests/halo): the simulator in-process on a free port with a client signed in to it, whose
 * events the tear-down checks for secrets and tokens; helpers that wait for a call's result and
 * read the simulator's state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <locale.h>

#include "hy-test-halo.h"

G_BEGIN_DECLS

#define SIM_SECRET "demo-secret"

typedef struct
{
  HyTestHalo *halo;
  HySim *sim; /* halo's */
  HyHaloClient *client;
  GPtrArray *events; /* halo's */
  GAsyncResult *result;
  GRegex *token_like;
} Fixture;

HyHaloClient *new_client (Fixture *f, const char *secret);
void fixture_set_up (Fixture *f, gconstpointer data);
void fixture_tear_down (Fixture *f, gconstpointer data);

#define HALO_SIM_TEST_ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

#define wait_result(f) hy_test_wait_result (&(f)->result)

HyHaloList *finish_list (Fixture *f, HyHaloClient *client, GError **error);
HyHaloRecord *finish_record (Fixture *f, HyHaloClient *client, GError **error);
JsonArray *state_array (HySim *sim, const char *key, JsonNode **keep);
guint state_count (HySim *sim, const char *key);
gint64 state_first_id (HySim *sim, const char *key);
guint count_events (Fixture *f, const char *path_prefix, guint status, HyHaloEventLevel level);
JsonObject *ticket_for (HySim *sim, const char *summary);
HyHaloRecord *create_ticket (Fixture *f, const char *summary, GError **error);

G_END_DECLS
