/* hy-service-private.h: what hy-service.c and hy-service-intake.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hy-service.h"

G_BEGIN_DECLS

/* Whether the service runs the engine (else it only holds the lease for a command). */
gboolean _hy_service_get_automatic (HyService *self);
void _hy_service_emit_changed (HyService *self);

/* The alert intake the deliverer runs (hy-service-intake.c). */
typedef struct _HyServiceIntake HyServiceIntake;

HyServiceIntake *_hy_service_intake_new (HyService *service);
void _hy_service_intake_free (HyServiceIntake *intake);
/* Starts, moves or stops the intake as the service and the listen setting now want it: it
 * listens while this process delivers and an address is set (the service's own, else the
 * store's intake listen setting). */
void _hy_service_intake_update (HyServiceIntake *intake);
void _hy_service_intake_set_engine (HyServiceIntake *intake, HySyncEngine *engine);
void _hy_service_intake_set_address (HyServiceIntake *intake, const char *address);
HyIntakeServer *_hy_service_intake_get_server (HyServiceIntake *intake);
gboolean _hy_service_intake_get_starting (HyServiceIntake *intake);
const GError *_hy_service_intake_get_error (HyServiceIntake *intake);

G_END_DECLS
