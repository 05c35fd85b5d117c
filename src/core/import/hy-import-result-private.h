/* hy-import-result-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "import/hy-import.h"

G_BEGIN_DECLS

HyImportResult *_hy_import_result_new (void);
void _hy_import_result_count (HyImportResult *self, HyRecordKind kind, HyStoreChange change);
/* The CSV header and, per field of @kind, its column (-1: none). */
void _hy_import_result_set_columns (HyImportResult *self,
                                    HyRecordKind kind,
                                    GPtrArray *header,
                                    const int *columns);
void _hy_import_result_set_retired (HyImportResult *self, guint retired, guint returned);

G_END_DECLS
