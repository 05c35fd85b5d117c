/* hy-alert-sources-group.h: Setup's "Alert Sources": the intake's address, token and
 * Alertmanager snippet, what it received, and the alerts waiting for a route
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "intake/hy-intake-server.h"
#include "session/hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_ALERT_SOURCES_GROUP (hy_alert_sources_group_get_type ())
G_DECLARE_FINAL_TYPE (HyAlertSourcesGroup,
                      hy_alert_sources_group,
                      HY,
                      ALERT_SOURCES_GROUP,
                      AdwPreferencesGroup)

GtkWidget *hy_alert_sources_group_new (void);

HySession *hy_alert_sources_group_get_session (HyAlertSourcesGroup *self);
void hy_alert_sources_group_set_session (HyAlertSourcesGroup *self, HySession *session);

/* The intake this process runs (the address it listens on; a rotated token goes to it), or
 * NULL: the group then shows the default address, served by `halyard-cli serve`. */
HyIntakeServer *hy_alert_sources_group_get_server (HyAlertSourcesGroup *self);
void hy_alert_sources_group_set_server (HyAlertSourcesGroup *self, HyIntakeServer *server);

G_END_DECLS
