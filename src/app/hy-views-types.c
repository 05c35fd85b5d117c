/* hy-views-types.c — registers the Mapping and Events page types early
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ui/hy-window.ui names HyMappingPage and HyEventsPage. GtkBuilder finds a type by name only
 * once it is registered (the executable exports no symbols for it to look up), so the types are
 * registered when the program loads, before any window template is parsed.
 */

#define G_LOG_DOMAIN "hy-views-types"

#include "config.h"

#include "hy-events-page.h"
#include "hy-mapping-page.h"
#include "hy-rate-chart.h"
#include "hy-record-picker.h"

void hy_views_ensure_types (void);

__attribute__ ((constructor)) void
hy_views_ensure_types (void)
{
  g_type_ensure (HY_TYPE_MAPPING_PAGE);
  g_type_ensure (HY_TYPE_EVENTS_PAGE);
  g_type_ensure (HY_TYPE_RATE_CHART);
  g_type_ensure (HY_TYPE_RECORD_PICKER);
}
