/* hy-cli-asset-fields.h: `map fields`, and the asset fields in `status`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store/hy-store.h"

#include "hy-cli.h"

G_BEGIN_DECLS

/* `map fields --asset-type ID [FIELD=NAME…]` (argv[1] is "fields") */
int hy_cli_map_fields (HyCli *cli, int argc, char **argv);
/* The "asset_fields" member of `status --json` (inside an open object): every asset type read,
 * as `map fields --json` shows it. */
gboolean hy_cli_asset_fields_status_json (HyStore *store, JsonBuilder *builder, GError **error);
/* The asset types' fields, after the other lines of `status`. */
gboolean hy_cli_asset_fields_status_print (HyCli *cli, HyStore *store, GError **error);

G_END_DECLS
