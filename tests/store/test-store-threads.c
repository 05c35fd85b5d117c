/* test-store-threads.c: one store used from two threads at once, as the service does (the
 * engine's worker delivers while the intake records alerts on the main thread): every read
 * finds what is there. The store's statements are cached; one thread must never reset a
 * statement another is stepping.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "store/hy-store.h"

#define ROUNDS 20000

typedef struct
{
  HyStore *store;
  const char *id;
  guint missed;
} Reader;

static gpointer
read_thread (gpointer user_data)
{
  Reader *r = user_data;

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HyPolicy) policy = hy_store_get (r->store, HY_RECORD_KIND_POLICY, r->id, &error);

      if (policy == NULL || g_strcmp0 (policy->id, r->id) != 0)
        r->missed++;
    }
  return NULL;
}

static void
test_two_threads_read (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hy-store-threads-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "halyard.db", NULL);
  g_autoptr (HyStore) store = hy_store_open (path, &error);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  Reader readers[2] = { { store, "p1", 0 }, { store, "p2", 0 } };
  GThread *thread;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_autoptr (HyPolicy) policy = hy_policy_new ();

      policy->id = g_strdup (readers[i].id);
      policy->name = g_strdup (readers[i].id);
      g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_POLICY, policy, NULL, &error));
    }
  /* The same query (a policy by id) from both threads, each for its own policy. */
  thread = g_thread_new ("reader", read_thread, &readers[1]);
  read_thread (&readers[0]);
  g_thread_join (thread);
  g_assert_cmpuint (readers[0].missed, ==, 0);
  g_assert_cmpuint (readers[1].missed, ==, 0);
  g_clear_object (&store);
  g_assert_cmpint (system (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/store/threads/read", test_two_threads_read);
  return g_test_run ();
}
