/* hy-clock.h: the time the core reads and waits on, which tests control
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HY_TYPE_CLOCK (hy_clock_get_type ())

G_DECLARE_FINAL_TYPE (HyClock, hy_clock, HY, CLOCK, GObject)

HyClock *hy_clock_get_system (void);
HyClock *hy_clock_new_manual (void);

gboolean hy_clock_is_manual (HyClock *self);
gint64 hy_clock_get_monotonic (HyClock *self);
gint64 hy_clock_get_real (HyClock *self);
void hy_clock_advance (HyClock *self, gint64 microseconds);
void hy_clock_set_offset (HyClock *self, gint64 microseconds);

GSource *hy_clock_timeout_source_new (HyClock *self, guint interval_ms);

G_END_DECLS
