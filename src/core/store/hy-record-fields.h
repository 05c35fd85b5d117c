/* hy-record-fields.h: the fields of each inventory record kind, as the import formats name them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/hy-store-types.h"

G_BEGIN_DECLS

typedef enum
{
  HY_FIELD_TEXT,
  HY_FIELD_DATE, /* ISO 8601 date and time */
  HY_FIELD_REF,  /* the id of a record of ref_kind */
} HyFieldType;

/* One source field of an inventory record: the JSON member / CSV column @name, stored at
 * @offset (a char *) of the record struct. */
typedef struct
{
  const char *name;   /* "id", "name", "company", ... */
  const char *column; /* SQL column: "id", "name", "company_id", ... */
  gsize offset;
  HyFieldType type;
  HyRecordKind ref_kind; /* HY_FIELD_REF only */
  gboolean required;
} HyFieldInfo;

/* The source fields of @kind, id first. */
const HyFieldInfo *hy_record_kind_get_fields (HyRecordKind kind, guint *out_n_fields);
/* The field's value in @record (a struct of @kind). */
#define HY_FIELD_VALUE(record, field) (*(char **) G_STRUCT_MEMBER_P ((record), (field)->offset))

G_END_DECLS
