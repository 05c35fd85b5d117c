/* hy-bench.c: what the benches share (GLib and GIO only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "hy-bench.h"

/* ---- Waiting ------------------------------------------------------------------------------ */

/* A GAsyncReadyCallback: keeps a reference to @result in the GAsyncResult * slot @user_data
 * points to, for hy_bench_wait (). */
void
hy_bench_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the default main context until hy_bench_result_cb () filled @slot; returns its result
 * (still owned by @slot). */
gpointer
hy_bench_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* ---- Measuring ---------------------------------------------------------------------------- */

/* The peak resident set of this process so far (getrusage's ru_maxrss). */
long
hy_bench_peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/* User + system CPU time of this process so far, in seconds: on a shared machine the wall time
 * also counts the other processes. */
double
hy_bench_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Milliseconds, then seconds, since @start (g_get_monotonic_time ()). */
double
hy_bench_ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

double
hy_bench_seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* A GCompareFunc for g_array_sort () over doubles. */
int
hy_bench_compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The value at @percent (50: the median, 100: the largest) of a sorted, non-empty array of
 * doubles. */
double
hy_bench_percentile (GArray *sorted, guint percent)
{
  g_return_val_if_fail (sorted->len > 0, 0);
  return g_array_index (sorted, double, MIN (sorted->len - 1, sorted->len * percent / 100));
}

/* ---- Files -------------------------------------------------------------------------------- */

/* A new temporary directory (g_dir_make_tmp () with @tmpl); the bench stops if there is none. */
char *
hy_bench_make_dir (const char *tmpl)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  if (dir == NULL)
    g_error ("%s", error->message);
  return dir;
}

/* Removes @path and everything below it (links are removed, not followed). */
void
hy_bench_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        hy_bench_remove_tree (child);
      else if (g_unlink (child) != 0)
        g_warning ("could not remove %s: %s", child, g_strerror (errno));
    }
  if (g_rmdir (path) != 0)
    g_warning ("could not remove %s: %s", path, g_strerror (errno));
}

/* ---- Processes ---------------------------------------------------------------------------- */

/* A GSubprocessLauncher child setup: the child gets SIGTERM when the bench dies, whatever
 * happens to it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts @argv with its stdout piped (@launcher's environment, or a new launcher when NULL),
 * the child dying with the bench, and reads the first line it prints into *@out_line. The
 * bench stops if it does not start or prints nothing. */
GSubprocess *
hy_bench_spawn (GSubprocessLauncher *launcher, const char *const *argv, char **out_line)
{
  g_autoptr (GSubprocessLauncher) own = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;

  if (launcher == NULL)
    launcher = own = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    g_error ("%s: %s", argv[0], error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  /* The pipe stays open with the process: a child writing more must not get SIGPIPE. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  *out_line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (*out_line == NULL)
    g_error ("%s did not start: %s", argv[0], error != NULL ? error->message : "no output");
  return g_steal_pointer (&process);
}

/* Starts halyard-sim (@argv: its path and options, `--port 0` among them) as a separate
 * process, so its memory and CPU time do not count, and returns it with the URL it listens on
 * in *@out_url. */
GSubprocess *
hy_bench_spawn_sim (const char *const *argv, char **out_url)
{
  g_autofree char *line = NULL;
  GSubprocess *sim = hy_bench_spawn (NULL, argv, &line);
  const char *url = strstr (line, "http://");

  if (url == NULL)
    g_error ("halyard-sim did not start: %s", line);
  *out_url = g_strdup (url);
  return sim;
}

/* Asks @process to end (SIGTERM) and waits until it has. */
void
hy_bench_stop (GSubprocess *process)
{
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}
