/* test-store-service.c: what the running service keeps in the store: "changed" after this
 * process's and another connection's commits, the deliverer's lease, the shared rate budget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/hy-store-private.h"
#include "store/hy-store-service.h"
#include "hy-test-halo.h"

typedef struct
{
  char *dir;
  char *path;
  HyStore *store;
  guint changes; /* or'ed since the last reset */
  guint emissions;
} Fixture;

static void
changed_cb (HyStore *store, guint changes, gpointer user_data)
{
  Fixture *f = user_data;

  f->changes |= changes;
  f->emissions++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = hy_test_store_new_tmp ("hy-store-service-XXXXXX", "halyard.db", &f->dir, &f->path);
  g_signal_connect (f->store, "changed", G_CALLBACK (changed_cb), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  hy_test_store_remove_tmp (&f->store, &f->dir, &f->path);
}

static gboolean
deadline_cb (gpointer user_data)
{
  g_error ("No \"changed\" with the expected flags within 5 s (got 0x%x)", *(guint *) user_data);
  return G_SOURCE_REMOVE;
}

/* Runs the main context until "changed" reported every flag of @expected (a guard fails the
 * test after 5 s; the watch interval is 100 ms). */
static void
wait_for_changes (Fixture *f, guint expected)
{
  guint guard = g_timeout_add_seconds (5, deadline_cb, &f->changes);

  while ((f->changes & expected) != expected)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

static void
reset (Fixture *f)
{
  /* What earlier commits still have pending is reported first. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  f->changes = 0;
  f->emissions = 0;
}

static void
test_own_commits (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyCompany) company = hy_company_new ();
  g_autoptr (HyGroup) group = hy_group_new ();
  g_autoptr (HyProfile) profile = hy_profile_new ();
  HyEvent event = { 0 };

  reset (f);
  company->id = g_strdup ("c1");
  company->name = g_strdup ("Acme");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, company, NULL, &error));
  wait_for_changes (f, HY_STORE_CHANGED_INVENTORY);
  g_assert_cmpuint (f->changes, ==, HY_STORE_CHANGED_INVENTORY);

  /* A transaction's writes come as one emission, once it committed. */
  reset (f);
  group->id = g_strdup ("g1");
  group->name = g_strdup ("Servers");
  g_assert_true (hy_store_begin (f->store, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_GROUP, group, NULL, &error));
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPANY, "c1", 12, "Acme Ltd",
                                    HY_LINK_HOW_MANUAL, &error));
  g_assert_true (hy_store_map_group (f->store, "g1", 12, 0, &error));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (f->emissions, ==, 0);
  g_assert_true (hy_store_commit (f->store, &error));
  wait_for_changes (f, HY_STORE_CHANGED_INVENTORY | HY_STORE_CHANGED_LINKS |
                           HY_STORE_CHANGED_MAPPINGS);
  g_assert_cmpuint (f->emissions, ==, 1);

  /* A rolled-back transaction changed nothing. */
  reset (f);
  g_assert_true (hy_store_begin (f->store, &error));
  g_assert_true (hy_store_unmap_group (f->store, "g1", &error));
  hy_store_rollback (f->store);
  hy_store_check_changes (f->store);
  g_assert_cmpuint (f->emissions, ==, 0);

  reset (f);
  g_assert_cmpint (hy_store_outbox_enqueue (f->store, "x", "k", "{}", 0, &error), >, 0);
  event.time = g_get_real_time ();
  event.method = "GET";
  event.path = "/api/Client";
  event.status = 200;
  g_assert_cmpint (hy_store_events_append (f->store, &event, &error), >, 0);
  profile->url = g_strdup ("https://h.example");
  profile->client_id = g_strdup ("cid");
  g_assert_true (hy_store_set_profile (f->store, profile, &error));
  g_assert_true (
      hy_store_set_group_sync (f->store, "g1", HY_SYNC_STATE_SYNCED, 1, 0, NULL, &error));
  wait_for_changes (f, HY_STORE_CHANGED_OUTBOX | HY_STORE_CHANGED_EVENTS |
                           HY_STORE_CHANGED_PROFILE | HY_STORE_CHANGED_GROUP_SYNC);
  g_assert_cmpuint (f->changes & (HY_STORE_CHANGED_INVENTORY | HY_STORE_CHANGED_LINKS), ==, 0);
  g_assert_no_error (error);
}

/* Commits from a worker thread are reported on the store's own main context. */
static gpointer
worker_write (gpointer user_data)
{
  HyStore *store = user_data;
  g_autoptr (HyPolicy) policy = hy_policy_new ();

  policy->id = g_strdup ("p1");
  policy->name = g_strdup ("Disk");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_POLICY, policy, NULL, NULL));
  return NULL;
}

static void
test_thread_commits (Fixture *f, gconstpointer data)
{
  GThread *thread;

  reset (f);
  thread = g_thread_new ("writer", worker_write, f->store);
  g_thread_join (thread);
  wait_for_changes (f, HY_STORE_CHANGED_INVENTORY);
}

/* Another connection (as another process would) writes: the watch notices it by
 * PRAGMA data_version and says what changed. */
static void
test_other_connection (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  sqlite3 *db;

  reset (f);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO outbox (kind, payload, next_attempt_at, created) "
                                 "VALUES ('ticket.create', '{}', 1, 1)",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  wait_for_changes (f, HY_STORE_CHANGED_OUTBOX);
  g_assert_cmpuint (f->changes, ==, HY_STORE_CHANGED_OUTBOX | HY_STORE_CHANGED_BY_OTHER);
  g_assert_no_error (error);
}

static void
set_holder (Fixture *f, gint64 pid, const char *host, gint64 expires)
{
  char *sql;
  sqlite3 *db;

  sql = sqlite3_mprintf ("INSERT OR REPLACE INTO service_lease (id, pid, host, command, since, "
                         "expires) VALUES (1, %lld, %Q, 'halyard-cli serve', 1, %lld)",
                         (long long) pid, host, (long long) expires);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  sqlite3_free (sql);
}

static void
test_lease (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyLeaseHolder) holder = NULL;
  gint64 dead_pid;
  gboolean acquired = FALSE;
  gint64 later = g_get_real_time () + 60 * G_USEC_PER_SEC;

  holder = hy_store_lease_get_holder (f->store, &error);
  g_assert_no_error (error);
  g_assert_null (holder);

  /* Free: taken, and renewed by the same process. */
  g_assert_true (hy_store_lease_acquire (f->store, "test", 30, &acquired, &holder, &error));
  g_assert_true (acquired);
  g_assert_true (holder->mine);
  g_clear_pointer (&holder, hy_lease_holder_free);
  g_assert_true (hy_store_lease_acquire (f->store, "test", 30, &acquired, NULL, &error));
  g_assert_true (acquired);
  holder = hy_store_lease_get_holder (f->store, &error);
  g_assert_nonnull (holder);
  g_assert_true (holder->mine);
  g_assert_cmpint (holder->pid, ==, getpid ());
  g_clear_pointer (&holder, hy_lease_holder_free);

  /* A live process of this host holds it: refused, and it is named. */
  set_holder (f, getppid (), g_get_host_name (), later);
  g_assert_true (hy_store_lease_acquire (f->store, "test", 30, &acquired, &holder, &error));
  g_assert_false (acquired);
  g_assert_cmpint (holder->pid, ==, getppid ());
  g_assert_cmpstr (holder->command, ==, "halyard-cli serve");
  g_assert_false (holder->mine);
  g_clear_pointer (&holder, hy_lease_holder_free);

  /* A holder of this host that died (killed, crashed) loses it at once. */
  /* A process that existed and exited (reaped, so its pid is free). */
  dead_pid = fork ();
  if (dead_pid == 0)
    _exit (0);
  g_assert_cmpint (dead_pid, >, 0);
  g_assert_cmpint (waitpid ((pid_t) dead_pid, NULL, 0), ==, dead_pid);
  set_holder (f, dead_pid, g_get_host_name (), later);
  holder = hy_store_lease_get_holder (f->store, &error);
  g_assert_null (holder);
  g_assert_true (hy_store_lease_acquire (f->store, "test", 30, &acquired, NULL, &error));
  g_assert_true (acquired);

  /* Another host: alive until its lease expires. */
  set_holder (f, 1, "elsewhere.example", later);
  g_assert_true (hy_store_lease_acquire (f->store, "test", 30, &acquired, NULL, &error));
  g_assert_false (acquired);
  set_holder (f, 1, "elsewhere.example", g_get_real_time () - 1);
  g_assert_true (hy_store_lease_acquire (f->store, "test", 30, &acquired, NULL, &error));
  g_assert_true (acquired);

  /* Released: free again; releasing someone else's lease does nothing. */
  g_assert_true (hy_store_lease_release (f->store, &error));
  holder = hy_store_lease_get_holder (f->store, &error);
  g_assert_null (holder);
  set_holder (f, getppid (), g_get_host_name (), later);
  g_assert_true (hy_store_lease_release (f->store, &error));
  holder = hy_store_lease_get_holder (f->store, &error);
  g_assert_nonnull (holder);
  g_assert_no_error (error);
}

static void
test_rate (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyStore) other = hy_store_open (f->path, &error);
  gint64 window = 10 * G_USEC_PER_SEC;
  gint64 margin = 200 * 1000; /* 1 % of 10 s is less than the 200 ms minimum */
  gint64 t0 = 1000 * G_USEC_PER_SEC;
  gint64 retry_at = 0;

  g_assert_no_error (error);
  /* Bulk work takes 9 of 10, in two "processes" sharing the budget... */
  for (guint i = 0; i < 9; i++)
    g_assert_true (
        hy_store_rate_take (i % 2 ? other : f->store, TRUE, 10, window, t0 + i, &retry_at, &error));
  g_assert_false (hy_store_rate_take (f->store, TRUE, 10, window, t0 + 9, &retry_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (retry_at, ==, t0 + window + margin);
  /* ...and leaves the last one to an alert in either. */
  g_assert_true (hy_store_rate_take (other, FALSE, 10, window, t0 + 10, &retry_at, &error));
  g_assert_false (hy_store_rate_take (f->store, FALSE, 10, window, t0 + 11, &retry_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (retry_at, ==, t0 + window + margin);
  g_assert_cmpint (hy_store_rate_used (other, window, t0 + 11, &error), ==, 10);

  /* Not at the end of the window (Halo may have counted the request a little later)... */
  g_assert_false (hy_store_rate_take (f->store, FALSE, 10, window, t0 + window, &retry_at, &error));
  /* ...but once the margin passed the oldest left: an alert may go, not bulk work yet. */
  g_assert_false (
      hy_store_rate_take (f->store, TRUE, 10, window, t0 + window + margin, &retry_at, &error));
  g_assert_true (
      hy_store_rate_take (f->store, FALSE, 10, window, t0 + window + margin, &retry_at, &error));
  g_assert_true (
      hy_store_rate_take (f->store, TRUE, 10, window, t0 + window + margin + 2, &retry_at, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/changed/own-commits", test_own_commits);
  ADD ("/store/changed/thread", test_thread_commits);
  ADD ("/store/changed/other-connection", test_other_connection);
  ADD ("/store/lease", test_lease);
  ADD ("/store/rate", test_rate);
#undef ADD

  return g_test_run ();
}
