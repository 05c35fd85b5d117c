/* hy-test-session.c: a session of the test's own, and its store filled from tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-session.h"

/* ---- A session of the test's own ---------------------------------------------------------- */

HySession *
hy_test_session_new_tmp (const char *tmpl, char **out_dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = hy_test_make_tmp_dir (tmpl);
  HySession *session = hy_session_open (dir, &error);

  g_assert_no_error (error);
  *out_dir = g_steal_pointer (&dir);
  return session;
}

void
hy_test_session_remove_tmp (HySession **session, char **dir)
{
  g_clear_object (session);
  hy_test_remove_tree (*dir);
  g_clear_pointer (dir, g_free);
}

static void
set_gone_cb (gpointer flag)
{
  g_atomic_int_set ((gint *) flag, 1);
  g_main_context_wakeup (NULL);
}

static gboolean
is_gone (gpointer flag)
{
  return g_atomic_int_get ((gint *) flag) != 0;
}

void
hy_test_session_close_tmp (HySession **session, char **dir)
{
  gint store_gone = 0;

  /* Object data goes after the store's own finalize has closed the database, in whichever
   * thread lets go of it last (a sync or auto-link job runs in a thread of its own). */
  g_object_set_data_full (G_OBJECT (hy_session_get_store (*session)), "hy-test-store-gone",
                          &store_gone, set_gone_cb);
  g_clear_object (session);
  if (!is_gone (&store_gone))
    {
      gint64 start = g_get_monotonic_time ();

      hy_test_wait_until (is_gone, &store_gone,
                          "the session's store closing (every job that writes it done)");
      g_test_message ("The session's store closed %" G_GINT64_FORMAT
                      " ms after the session: a job still held it",
                      (g_get_monotonic_time () - start) / 1000);
    }
  hy_test_remove_tree (*dir);
  g_clear_pointer (dir, g_free);
}

void
hy_test_session_use_sim (HySession *session, HySim *sim)
{
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GError) error = NULL;

  profile->url = g_strdup (hy_sim_get_base_url (sim));
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  g_assert_true (hy_session_set_profile (session, profile, &error));
  g_assert_no_error (error);
  hy_session_set_secret (session, "demo-secret");
}

/* ---- Records, as tables ------------------------------------------------------------------- */

static gpointer
record_new (const HyTestRecord *r)
{
  switch (r->kind)
    {
      case HY_RECORD_KIND_COMPANY:
        return hy_company_new ();
      case HY_RECORD_KIND_LOCATION:
        {
          HyLocation *location = hy_location_new ();

          location->company_id = g_strdup (r->company_id);
          return location;
        }
      case HY_RECORD_KIND_COMPUTER:
        {
          HyComputer *computer = hy_computer_new ();

          computer->company_id = g_strdup (r->company_id);
          return computer;
        }
      case HY_RECORD_KIND_USER:
        {
          HyUser *user = hy_user_new ();

          user->email = g_strdup (r->email);
          return user;
        }
      case HY_RECORD_KIND_GROUP:
        return hy_group_new ();
      case HY_RECORD_KIND_POLICY:
        return hy_policy_new ();
      default:
        g_assert_not_reached ();
    }
}

/* Upserts each of @records, as the import does. */
void
hy_test_store_add_records (HyStore *store, const HyTestRecord *records, gsize n_records)
{
  for (gsize i = 0; i < n_records; i++)
    {
      g_autoptr (GError) error = NULL;
      gpointer record = record_new (&records[i]);
      /* Every record struct starts with its id and name (hy-store-types.h). */
      char **strings = record;

      strings[0] = g_strdup (records[i].id);
      strings[1] = g_strdup (records[i].name);
      g_assert_true (hy_store_upsert (store, records[i].kind, record, NULL, &error));
      g_assert_no_error (error);
      hy_record_free (records[i].kind, record);
    }
}

/* Upserts each of @records in Halyard's cache of Halo's records, as a refresh does. */
void
hy_test_store_add_halo_records (HyStore *store, const HyTestHaloRecord *records, gsize n_records)
{
  for (gsize i = 0; i < n_records; i++)
    {
      const HyTestHaloRecord *r = &records[i];
      g_autoptr (HyCacheRecord) record = hy_cache_record_new (r->kind, r->id, r->name);
      g_autoptr (GError) error = NULL;

      record->client_id = r->client_id;
      record->email = g_strdup (r->email);
      record->closed = r->closed;
      if (r->kind == HY_CACHE_KIND_ASSET)
        record->key_field = g_strdup (r->name);
      g_assert_true (hy_store_cache_upsert (store, record, &error));
      g_assert_no_error (error);
    }
}
