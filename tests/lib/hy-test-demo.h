/* hy-test-demo.h: the demo's window, as the tests of the demo open it: the simulated Halo and
 * its temporary data directory (HyDemo), a session with the demo's profile and secret, and a
 * HyWindow on it that imports the sample inventory and refreshes Halo's records, while Setup's
 * connection test runs by itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hy-demo.h"
#include "hy-test-ui.h"
#include "hy-window.h"
#include "session/hy-session.h"

G_BEGIN_DECLS

typedef struct
{
  HyDemo *demo;
  HySession *session;
  HyWindow *window; /* NULL until hy_test_demo_open_window () */
  int tested;       /* Setup's connection test: 0 while it runs, then 1 passed or -1 failed */
} HyTestDemo;

/* Starts the demo and opens a session on its data directory, with its profile and secret. */
HyTestDemo *hy_test_demo_new (void);
/* The demo's window at @width × @height (0: the default size) on Setup, presented; the sample
 * inventory imported through the window and win.refresh activated. */
void hy_test_demo_open_window (HyTestDemo *demo, int width, int height);
/* Until Setup's connection test has passed, the inventory and Halo's records are in the store,
 * and the toasts of the import and the refresh have come; then none is left (closed, as a user
 * would, so that what the test looks at is the views). */
void hy_test_demo_wait_ready (HyTestDemo *demo);
/* Destroys the window (asserting it is finalized), closes the session and stops the demo. */
void hy_test_demo_free (HyTestDemo *demo);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTestDemo, hy_test_demo_free)

G_END_DECLS
