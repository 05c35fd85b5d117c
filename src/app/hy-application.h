/* hy-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HY_TYPE_APPLICATION (hy_application_get_type ())

G_DECLARE_FINAL_TYPE (HyApplication, hy_application, HY, APPLICATION, AdwApplication)

HyApplication *hy_application_new (void);

G_END_DECLS
