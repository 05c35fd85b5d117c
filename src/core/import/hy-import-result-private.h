/* hy-import-result-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "import/hy-import.h"

G_BEGIN_DECLS

HyImportResult *_hy_import_result_new (void);
void _hy_import_result_count (HyImportResult *self, HyRecordKind kind, HyStoreChange change);

G_END_DECLS
