/* test-linker-fixture.c: the linker test programs' fixture, records and assertions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-linker"

#include "config.h"

#include "test-linker-fixture.h"

/* ------------------------------------------------------------------------- */
/* Fixture                                                                   */
/* ------------------------------------------------------------------------- */

void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->store =
      hy_test_store_new_tmp ("halyard-linker-XXXXXX", "halyard.db", &fixture->dir, NULL);
}

void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  hy_test_store_remove_tmp (&fixture->store, &fixture->dir, NULL);
}

/* ---- Local records ---- */

void
add_company (Fixture *f, const char *id, const char *name)
{
  hy_test_store_add_company (f->store, id, name, 0);
}

void
add_location (Fixture *f, const char *id, const char *company_id, const char *name)
{
  HyLocation *location = hy_location_new ();

  location->id = g_strdup (id);
  location->company_id = g_strdup (company_id);
  location->name = g_strdup (name);
  hy_test_store_upsert (f->store, HY_RECORD_KIND_LOCATION, location);
}

void
add_computer (Fixture *f,
              const char *id,
              const char *company_id,
              const char *name,
              const char *serial)
{
  HyComputer *computer = hy_computer_new ();

  computer->id = g_strdup (id);
  computer->company_id = g_strdup (company_id);
  computer->name = g_strdup (name);
  computer->serial = g_strdup (serial);
  hy_test_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, computer);
}

void
add_user (Fixture *f, const char *id, const char *name, const char *email)
{
  hy_test_store_add_user (f->store, id, name, email, 0);
}

void
add_group (Fixture *f, const char *id, const char *name, const char *parent_id)
{
  hy_test_store_add_group (f->store, id, name, parent_id);
}

void
add_policy (Fixture *f, const char *id, const char *name)
{
  hy_test_store_add_policy (f->store, id, name);
}

/* ---- The Halo cache ---- */

void
put_halo (Fixture *f, HyCacheRecord *record)
{
  g_autoptr (GError) error = NULL;

  hy_store_cache_upsert (f->store, record, &error);
  g_assert_no_error (error);
  hy_cache_record_free (record);
}

void
halo_client (Fixture *f, gint64 id, const char *name, gboolean inactive)
{
  HyCacheRecord *record = hy_cache_record_new (HY_CACHE_KIND_CLIENT, id, name);

  record->inactive = inactive;
  put_halo (f, record);
}

void
halo_site (Fixture *f, gint64 id, gint64 client_id, const char *name)
{
  HyCacheRecord *record = hy_cache_record_new (HY_CACHE_KIND_SITE, id, name);

  record->client_id = client_id;
  put_halo (f, record);
}

void
halo_asset (Fixture *f,
            gint64 id,
            gint64 client_id,
            const char *key_field,
            const char *inventory_number,
            const char *serial)
{
  HyCacheRecord *record = hy_cache_record_new (HY_CACHE_KIND_ASSET, id,
                                               key_field != NULL ? key_field : inventory_number);

  record->client_id = client_id;
  record->key_field = g_strdup (key_field);
  record->inventory_number = g_strdup (inventory_number);
  record->serial = g_strdup (serial);
  put_halo (f, record);
}

void
halo_agent (Fixture *f, gint64 id, const char *name, const char *email)
{
  HyCacheRecord *record = hy_cache_record_new (HY_CACHE_KIND_AGENT, id, name);

  record->email = g_strdup (email);
  put_halo (f, record);
}

void
halo_simple (Fixture *f, HyCacheKind kind, gint64 id, const char *name)
{
  put_halo (f, hy_cache_record_new (kind, id, name));
}

/* ---- Assertions ---- */

void
assert_link (Fixture *f, HyRecordKind kind, const char *id, HyLinkHow how, gint64 halo_id)
{
  g_autoptr (GError) error = NULL;
  HyLinkInfo link = { 0 };

  hy_store_link_get (f->store, kind, id, &link, &error);
  g_assert_no_error (error);
  if (link.how != how || (how != HY_LINK_HOW_NONE && link.halo_id != halo_id))
    g_error ("%s %s: link %d → %" G_GINT64_FORMAT ", expected %d → %" G_GINT64_FORMAT,
             hy_record_kind_to_string (kind), id, link.how, link.halo_id, how, halo_id);
  hy_link_info_clear (&link);
}

const HyLink *
find_linked (const HyLinkerResult *result, HyRecordKind kind, const char *id)
{
  for (guint i = 0; i < result->linked->len; i++)
    {
      const HyLink *link = g_ptr_array_index (result->linked, i);
      if (link->kind == kind && g_str_equal (link->id, id))
        return link;
    }
  return NULL;
}

const HyLinkerAmbiguous *
find_ambiguous (const HyLinkerResult *result, HyRecordKind kind, const char *id)
{
  for (guint i = 0; i < result->ambiguous->len; i++)
    {
      const HyLinkerAmbiguous *ambiguous = g_ptr_array_index (result->ambiguous, i);
      if (ambiguous->kind == kind && g_str_equal (ambiguous->id, id))
        return ambiguous;
    }
  return NULL;
}

const HyLinkerSuggestion *
find_suggestion (const HyLinkerResult *result, HyRecordKind kind, const char *id, gint64 halo_id)
{
  for (guint i = 0; i < result->suggestions->len; i++)
    {
      const HyLinkerSuggestion *suggestion = g_ptr_array_index (result->suggestions, i);
      if (suggestion->kind == kind && g_str_equal (suggestion->id, id) &&
          suggestion->halo_id == halo_id)
        return suggestion;
    }
  return NULL;
}

guint
count_suggestions_for (const HyLinkerResult *result, HyRecordKind kind, const char *id)
{
  guint n = 0;

  for (guint i = 0; i < result->suggestions->len; i++)
    {
      const HyLinkerSuggestion *suggestion = g_ptr_array_index (result->suggestions, i);
      if (suggestion->kind == kind && g_str_equal (suggestion->id, id))
        n++;
    }
  return n;
}

HyLinkerResult *
auto_link (Fixture *f, gboolean dry_run)
{
  g_autoptr (GError) error = NULL;
  HyLinkerResult *result = hy_linker_auto_link (f->store, dry_run, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpint (result->dry_run, ==, dry_run);
  return result;
}
