/* hy-demo.h: the demo — a simulated Halo on loopback, a throw-away data directory and keyring item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HY_TYPE_DEMO (hy_demo_get_type ())

G_DECLARE_FINAL_TYPE (HyDemo, hy_demo, HY, DEMO, GObject)

/* The resources the demo ships: the simulated Halo's records and the sample inventory. */
#define HY_DEMO_HALO_RESOURCE      "/io/github/halyard/Halyard/demo/halo.json"
#define HY_DEMO_INVENTORY_RESOURCE "/io/github/halyard/Halyard/demo/inventory.json"

HyDemo *hy_demo_new (void);

/* Creates the temporary data directory, seeds the simulator and starts it on 127.0.0.1. */
gboolean hy_demo_start (HyDemo *self, GError **error);

const char *hy_demo_get_data_dir (HyDemo *self);
const char *hy_demo_get_url (HyDemo *self);
const char *hy_demo_get_client_id (HyDemo *self);
const char *hy_demo_get_tenant (HyDemo *self);
/* The simulator's secret: the demo's only, known to everyone, stored in a temporary keyring
 * item by the caller. */
const char *hy_demo_get_secret (HyDemo *self);

/* Removes the demo's keyring item, stops the simulator and deletes the data directory; waits
 * (iterating the default main context) for the keyring at most @timeout_ms. */
void hy_demo_stop (HyDemo *self, guint timeout_ms);

G_END_DECLS
