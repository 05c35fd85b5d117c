/* hy-retired-assets-row.h: Setup's "Retired computers' assets" switch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "session/hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_RETIRED_ASSETS_ROW (hy_retired_assets_row_get_type ())
G_DECLARE_FINAL_TYPE (HyRetiredAssetsRow,
                      hy_retired_assets_row,
                      HY,
                      RETIRED_ASSETS_ROW,
                      AdwActionRow)

/* The profile setting that decides whether sync sets the Halo assets of retired computers
 * (missing from a complete import) inactive, read when the session is set and saved when the
 * switch turns. */
GtkWidget *hy_retired_assets_row_new (void);
HySession *hy_retired_assets_row_get_session (HyRetiredAssetsRow *self);
void hy_retired_assets_row_set_session (HyRetiredAssetsRow *self, HySession *session);
gboolean hy_retired_assets_row_get_active (HyRetiredAssetsRow *self);
void hy_retired_assets_row_set_active (HyRetiredAssetsRow *self, gboolean active);

G_END_DECLS
