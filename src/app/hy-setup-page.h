/* hy-setup-page.h: the Setup view — the Halo connection, its test, the Enabled switch, the guide
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "preflight/hy-preflight.h"
#include "session/hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_SETUP_PAGE (hy_setup_page_get_type ())

G_DECLARE_FINAL_TYPE (HySetupPage, hy_setup_page, HY, SETUP_PAGE, AdwPreferencesPage)

GtkWidget *hy_setup_page_new (void);
HySession *hy_setup_page_get_session (HySetupPage *self);
void hy_setup_page_set_session (HySetupPage *self, HySession *session);
HyPreflightResult *hy_setup_page_get_result (HySetupPage *self);
void hy_setup_page_refresh_enabled (HySetupPage *self);

G_END_DECLS
