/* hy-bench.h: what the benches share (GLib and GIO only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* ---- Waiting ------------------------------------------------------------------------------ */

void hy_bench_result_cb (GObject *source, GAsyncResult *result, gpointer user_data);
gpointer hy_bench_wait (GAsyncResult **slot);

/* ---- Measuring ---------------------------------------------------------------------------- */

long hy_bench_peak_rss_kib (void);
double hy_bench_cpu_seconds (void);
double hy_bench_ms_since (gint64 start);
double hy_bench_seconds_since (gint64 start);
int hy_bench_compare_doubles (gconstpointer a, gconstpointer b);
double hy_bench_percentile (GArray *sorted, guint percent);

/* ---- Files -------------------------------------------------------------------------------- */

char *hy_bench_make_dir (const char *tmpl);
void hy_bench_remove_tree (const char *path);

/* ---- Processes ---------------------------------------------------------------------------- */

GSubprocess *
hy_bench_spawn (GSubprocessLauncher *launcher, const char *const *argv, char **out_line);
GSubprocess *hy_bench_spawn_sim (const char *const *argv, char **out_url);
void hy_bench_stop (GSubprocess *process);

G_END_DECLS
