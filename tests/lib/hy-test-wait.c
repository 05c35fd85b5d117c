/* hy-test-wait.c: waiting on a condition with the main context, never with a sleep
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"


#include "hy-test.h"

void
hy_test_init (int *argc, char ***argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

typedef struct
{
  const char *what;
  guint seconds;
} Deadline;

static gboolean
deadline_cb (gpointer user_data)
{
  Deadline *deadline = user_data;

  g_error ("%s did not happen within %u s", deadline->what, deadline->seconds);
  return G_SOURCE_REMOVE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until @condition holds, looking again after each source it
 * dispatches; fails the test, naming @what, after HY_TEST_WAIT_TIMEOUT_S. Whatever makes the
 * condition true must wake the context (a callback, a signal, an I/O source). */
void
hy_test_wait_until (HyTestCondition condition, gpointer user_data, const char *what)
{
  hy_test_wait_until_within (condition, user_data, HY_TEST_WAIT_TIMEOUT_S, what);
}

/* The same with a deadline of @seconds: for a program whose many waits must each fail with
 * their message within the time the test runner gives the whole program. */
void
hy_test_wait_until_within (HyTestCondition condition,
                           gpointer user_data,
                           guint seconds,
                           const char *what)
{
  Deadline deadline = { what, seconds };
  guint guard = g_timeout_add_seconds (seconds, deadline_cb, &deadline);

  while (!condition (user_data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

/* The same for a condition on another process's state, which no source of ours reports: the
 * context also wakes every @interval_ms to look again. */
void
hy_test_wait_until_polled (HyTestCondition condition,
                           gpointer user_data,
                           guint interval_ms,
                           const char *what)
{
  guint wake = g_timeout_add (interval_ms, wake_cb, NULL);

  hy_test_wait_until (condition, user_data, what);
  g_source_remove (wake);
}

static gboolean
flag_is_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

/* Until *@flag is TRUE (set by a callback). */
void
hy_test_wait_for_flag (gboolean *flag, const char *what)
{
  hy_test_wait_until (flag_is_set, flag, what);
}

/* Dispatches what is ready now, without waiting for anything. */
void
hy_test_wait_idle (void)
{
  guint dispatched = 0;

  /* What is ready now and what that makes ready, but not a source that is ready again every
   * time (it would never end): past this many dispatches, say so and go on. */
  while (g_main_context_iteration (NULL, FALSE))
    if (++dispatched == 100000)
      {
        g_test_message ("the main context was still busy after %u dispatches", dispatched);
        return;
      }
}

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult * @user_data points to. */
void
hy_test_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
slot_is_set (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

/* Waits until hy_test_result_cb has filled @slot; returns its result, which @slot keeps. */
GAsyncResult *
hy_test_wait_for (GAsyncResult **slot)
{
  hy_test_wait_until (slot_is_set, slot, "the asynchronous call's result");
  return *slot;
}

/* The same, emptying the slot: the caller owns the result. */
GAsyncResult *
hy_test_wait_result (GAsyncResult **slot)
{
  hy_test_wait_for (slot);
  return g_steal_pointer (slot);
}

/* ---- Files and JSON ---------------------------------------------------------------------- */

char *
hy_test_make_tmp_dir (const char *tmpl)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes @path and everything below it (not following links). */
void
hy_test_remove_tree (const char *path)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileEnumerator) children = NULL;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  children =
      g_file_enumerate_children (file,
                                 G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                 G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;

      if (!g_file_enumerator_iterate (children, &info, &child, NULL, NULL) || info == NULL)
        break;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          g_autofree char *child_path = g_file_get_path (child);
          hy_test_remove_tree (child_path);
        }
      else
        {
          g_autoptr (GError) error = NULL;

          /* gone already: SQLite removes its -wal and -shm files when the last connection to
           * the database closes */
          if (!g_file_delete (child, NULL, &error))
            g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
        }
    }
  {
    g_autoptr (GError) error = NULL;

    if (!g_file_delete (file, NULL, &error))
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
}

JsonNode *
hy_test_parse_json (const char *text, gssize length)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, length, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

JsonObject *
hy_test_object (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}
