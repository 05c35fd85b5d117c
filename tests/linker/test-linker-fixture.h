/* test-linker-fixture.h: what the linker test programs share (tests/linker): an empty store in
 * a private directory, local records and Halo's cached records added in one line, and
 * assertions on links and on a HyLinkerResult.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker.h"
#include "hy-test-halo.h"

G_BEGIN_DECLS

typedef struct
{
  char *dir;
  HyStore *store;
} Fixture;

void fixture_set_up (Fixture *fixture, gconstpointer data);
void fixture_tear_down (Fixture *fixture, gconstpointer data);

#define LINKER_TEST_ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

/* ---- Local records ---- */

void add_company (Fixture *f, const char *id, const char *name);
void add_location (Fixture *f, const char *id, const char *company_id, const char *name);
void add_computer (Fixture *f,
                   const char *id,
                   const char *company_id,
                   const char *name,
                   const char *serial);
void add_user (Fixture *f, const char *id, const char *name, const char *email);
void add_group (Fixture *f, const char *id, const char *name, const char *parent_id);
void add_policy (Fixture *f, const char *id, const char *name);

/* ---- The Halo cache ---- */

void put_halo (Fixture *f, HyCacheRecord *record);
void halo_client (Fixture *f, gint64 id, const char *name, gboolean inactive);
void halo_site (Fixture *f, gint64 id, gint64 client_id, const char *name);
void halo_asset (Fixture *f,
                 gint64 id,
                 gint64 client_id,
                 const char *key_field,
                 const char *inventory_number,
                 const char *serial);
void halo_agent (Fixture *f, gint64 id, const char *name, const char *email);
void halo_simple (Fixture *f, HyCacheKind kind, gint64 id, const char *name);

/* ---- Assertions ---- */

void assert_link (Fixture *f, HyRecordKind kind, const char *id, HyLinkHow how, gint64 halo_id);
const HyLink *find_linked (const HyLinkerResult *result, HyRecordKind kind, const char *id);
const HyLinkerAmbiguous *
find_ambiguous (const HyLinkerResult *result, HyRecordKind kind, const char *id);
const HyLinkerSuggestion *
find_suggestion (const HyLinkerResult *result, HyRecordKind kind, const char *id, gint64 halo_id);
guint count_suggestions_for (const HyLinkerResult *result, HyRecordKind kind, const char *id);
HyLinkerResult *auto_link (Fixture *f, gboolean dry_run);

G_END_DECLS
