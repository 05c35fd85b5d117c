/* hy-session-private.h: what the core's own components (the service) ask of the session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "session/hy-session.h"

G_BEGIN_DECLS

/* For hy_service_get () only: makes @service the session's (a reference; once). The session
 * disposes of it when it goes. */
void _hy_session_set_service (HySession *self, HyService *service);

G_END_DECLS
