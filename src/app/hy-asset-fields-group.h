/* hy-asset-fields-group.h: Setup's "Asset Fields": where each computer's serial, OS, IP and MAC
 * addresses and last seen go in each Halo asset type, changeable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "session/hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_ASSET_FIELDS_GROUP (hy_asset_fields_group_get_type ())
G_DECLARE_FINAL_TYPE (HyAssetFieldsGroup,
                      hy_asset_fields_group,
                      HY,
                      ASSET_FIELDS_GROUP,
                      AdwPreferencesGroup)

GtkWidget *hy_asset_fields_group_new (void);

HySession *hy_asset_fields_group_get_session (HyAssetFieldsGroup *self);
void hy_asset_fields_group_set_session (HyAssetFieldsGroup *self, HySession *session);

/* What the technician sees and does, for tests and the accessibility tree's users: the combo
 * row of @field ("os", …) in the asset type @assettype_id, or NULL. */
AdwComboRow *
hy_asset_fields_group_get_row (HyAssetFieldsGroup *self, gint64 assettype_id, const char *field);

G_END_DECLS
