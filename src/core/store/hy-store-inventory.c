/* hy-store-inventory.c: companies, locations, groups, computers, technicians, policies, alerts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "store/hy-record-fields.h"
#include "store/hy-store-private.h"
#include "store/hy-store.h"

/* ---------------------------------------------------------------------------------------------
 * Inventory
 * ------------------------------------------------------------------------------------------- */

const HyFieldInfo *
_hy_store_name_field (HyRecordKind kind)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);

  for (guint i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].column, "name") || g_str_equal (fields[i].column, "summary"))
      return &fields[i];
  g_assert_not_reached ();
}

static gboolean
check_kind (HyRecordKind kind, GError **error)
{
  if (kind < HY_N_RECORD_KINDS)
    return TRUE;
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID, _ ("Unknown kind of record."));
  return FALSE;
}

gboolean
_hy_store_check_linkable (HyRecordKind kind, GError **error)
{
  if (hy_record_kind_is_linkable (kind))
    return TRUE;
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
               _ ("Only companies, locations, computers and users can be linked to Halo "
                  "records."));
  return FALSE;
}

/* SELECT of every column of @kind's records (fields, alert state, link), as read_record () reads
 * them, from "table" t with its link l. */
static void
append_select (GString *sql, HyRecordKind kind)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);

  g_string_append (sql, "SELECT ");
  for (guint i = 0; i < n_fields; i++)
    g_string_append_printf (sql, "t.\"%s\", ", fields[i].column);
  if (kind == HY_RECORD_KIND_ALERT)
    g_string_append (sql, "t.reason, t.state, t.ticket_id, t.reason_code, ");
  if (kind == HY_RECORD_KIND_COMPUTER)
    g_string_append (sql, "t.retired, ");
  if (hy_record_kind_is_linkable (kind))
    g_string_append_printf (sql,
                            "l.how, l.halo_id, l.halo_name FROM \"%s\" t LEFT JOIN links l "
                            "ON l.kind = '%s' AND l.local_id = t.id",
                            hy_record_kind_to_plural (kind), hy_record_kind_to_string (kind));
  else
    g_string_append_printf (sql, "NULL, NULL, NULL FROM \"%s\" t", hy_record_kind_to_plural (kind));
}

void
_hy_store_read_link (HyStmt *stmt, int column, HyLinkInfo *link)
{
  const char *how = (const char *) sqlite3_column_text (stmt, column);

  if (how == NULL)
    return;
  link->how = g_str_equal (how, "manual") ? HY_LINK_HOW_MANUAL : HY_LINK_HOW_AUTO;
  link->halo_id = sqlite3_column_int64 (stmt, column + 1);
  link->halo_name = _hy_store_column_dup (stmt, column + 2);
}

static gpointer
read_record (HyRecordKind kind, HyStmt *stmt)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  gpointer record = hy_record_new (kind);
  int column = n_fields;

  for (guint i = 0; i < n_fields; i++)
    HY_FIELD_VALUE (record, &fields[i]) = _hy_store_column_dup (stmt, i);

  if (kind == HY_RECORD_KIND_ALERT)
    {
      HyAlert *alert = record;

      alert->reason = _hy_store_column_dup (stmt, column);
      hy_alert_state_from_string ((const char *) sqlite3_column_text (stmt, column + 1),
                                  &alert->state);
      alert->ticket_id = sqlite3_column_int64 (stmt, column + 2);
      alert->reason_code =
          hy_reason_from_string ((const char *) sqlite3_column_text (stmt, column + 3));
      column += 4;
    }
  if (kind == HY_RECORD_KIND_COMPUTER)
    ((HyComputer *) record)->retired = sqlite3_column_int64 (stmt, column++);

  if (hy_record_kind_is_linkable (kind))
    _hy_store_read_link (stmt, column, (HyLinkInfo *) hy_record_get_link (kind, record));

  return record;
}

/* WHERE clause of @query for @kind; binds with _hy_store_bind_query (). */
void
_hy_store_append_where (GString *sql, HyRecordKind kind, const HyStoreQuery *query)
{
  gboolean first = TRUE;

#define AND() (g_string_append (sql, first ? " WHERE " : " AND "), first = FALSE)

  if (query == NULL)
    return;
  if (query->search != NULL && *query->search != '\0')
    {
      AND ();
      if (kind == HY_RECORD_KIND_USER)
        g_string_append (sql, "(instr (t.name_key, :search) > 0 OR "
                              "instr (hy_fold (coalesce (t.email, '')), :search) > 0)");
      else
        g_string_append (sql, "instr (t.name_key, :search) > 0");
    }
  if (query->unlinked_only && hy_record_kind_is_linkable (kind))
    {
      AND ();
      g_string_append (sql, "l.local_id IS NULL");
    }
  if (query->company_id != NULL &&
      (kind == HY_RECORD_KIND_LOCATION || kind == HY_RECORD_KIND_COMPUTER))
    {
      AND ();
      g_string_append (sql, "t.company_id = :company");
    }
  if (query->group_id != NULL && kind == HY_RECORD_KIND_COMPUTER)
    {
      AND ();
      g_string_append (sql, "t.group_id = :group");
    }
  if (query->computer_id != NULL && kind == HY_RECORD_KIND_ALERT)
    {
      AND ();
      g_string_append (sql, "t.computer_id = :computer");
    }
  if (query->open_only && kind == HY_RECORD_KIND_ALERT)
    {
      AND ();
      g_string_append (sql, "t.cleared_at IS NULL");
    }
#undef AND
}

void
_hy_store_append_order_limit (GString *sql, HyRecordKind kind, const HyStoreQuery *query)
{
  if (query != NULL && query->unlinked_first && hy_record_kind_is_linkable (kind))
    g_string_append (sql, " ORDER BY l.local_id IS NOT NULL, t.name_key, t.id");
  else
    g_string_append (sql, " ORDER BY t.name_key, t.id");
  if (query != NULL && (query->limit > 0 || query->offset > 0))
    g_string_append (sql, " LIMIT :limit OFFSET :offset");
}

/* @folded_search must live until the statement is reset. */
void
_hy_store_bind_query (HyStmt *stmt, const HyStoreQuery *query, const char *folded_search)
{
  if (query == NULL)
    return;
  _hy_store_bind_named_text (stmt, ":search", folded_search);
  _hy_store_bind_named_text (stmt, ":company", query->company_id);
  _hy_store_bind_named_text (stmt, ":group", query->group_id);
  _hy_store_bind_named_text (stmt, ":computer", query->computer_id);
  _hy_store_bind_named_int (stmt, ":limit", query->limit > 0 ? (gint64) query->limit : -1);
  _hy_store_bind_named_int (stmt, ":offset", query->offset);
}

gboolean
_hy_store_exists_unlocked (HyStore *self,
                           HyRecordKind kind,
                           const char *id,
                           gboolean *out_exists,
                           GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  if (self->exists_sql[kind] == NULL)
    self->exists_sql[kind] =
        g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE id = ?", hy_record_kind_to_plural (kind));
  stmt = _hy_store_prepare (self, self->exists_sql[kind], error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, id);
  rc = _hy_store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  *out_exists = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
hy_store_exists (HyStore *self,
                 HyRecordKind kind,
                 const char *id,
                 gboolean *out_exists,
                 GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (out_exists != NULL, FALSE);
  HY_STORE_LOCK (self);

  return check_kind (kind, error) && _hy_store_exists_unlocked (self, kind, id, out_exists, error);
}

/* The messages below are one whole sentence per kind: a kind's name glued into a sentence cannot
 * agree with it in languages with grammatical gender. */

/* A required field of the record is missing or empty. */
static gboolean
missing_field (GError **error, HyRecordKind kind, const char *id, const char *field)
{
  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                     /* Translators: the first %s is an id, the second a field name */
                     _ ("The company “%s” has no “%s”, which it needs."), id, field);
        break;
      case HY_RECORD_KIND_LOCATION:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                     _ ("The location “%s” has no “%s”, which it needs."), id, field);
        break;
      case HY_RECORD_KIND_GROUP:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                     _ ("The group “%s” has no “%s”, which it needs."), id, field);
        break;
      case HY_RECORD_KIND_COMPUTER:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                     _ ("The computer “%s” has no “%s”, which it needs."), id, field);
        break;
      case HY_RECORD_KIND_USER:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                     _ ("The user “%s” has no “%s”, which it needs."), id, field);
        break;
      case HY_RECORD_KIND_POLICY:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                     _ ("The policy “%s” has no “%s”, which it needs."), id, field);
        break;
      case HY_RECORD_KIND_ALERT:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                     _ ("The alert “%s” has no “%s”, which it needs."), id, field);
        break;
      default:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                     _ ("The record “%s” has no “%s”, which it needs."), id, field);
        break;
    }
  return FALSE;
}

/* The record refers to one that does not exist: one sentence per pair of kinds the schema links. */
static gboolean
dangling_reference (GError **error,
                    HyRecordKind kind,
                    const char *id,
                    HyRecordKind ref_kind,
                    const char *value)
{
  if (kind == HY_RECORD_KIND_LOCATION && ref_kind == HY_RECORD_KIND_COMPANY)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                 /* Translators: "The location “l1” refers to the company “c9”, which does not
                  * exist." */
                 _ ("The location “%s” refers to the company “%s”, which does not exist."), id,
                 value);
  else if (kind == HY_RECORD_KIND_COMPUTER && ref_kind == HY_RECORD_KIND_COMPANY)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                 _ ("The computer “%s” refers to the company “%s”, which does not exist."), id,
                 value);
  else if (kind == HY_RECORD_KIND_COMPUTER && ref_kind == HY_RECORD_KIND_LOCATION)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                 _ ("The computer “%s” refers to the location “%s”, which does not exist."), id,
                 value);
  else if (kind == HY_RECORD_KIND_COMPUTER && ref_kind == HY_RECORD_KIND_GROUP)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                 _ ("The computer “%s” refers to the group “%s”, which does not exist."), id,
                 value);
  else if (kind == HY_RECORD_KIND_ALERT && ref_kind == HY_RECORD_KIND_COMPUTER)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                 _ ("The alert “%s” refers to the computer “%s”, which does not exist."), id,
                 value);
  else if (kind == HY_RECORD_KIND_ALERT && ref_kind == HY_RECORD_KIND_POLICY)
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                 _ ("The alert “%s” refers to the policy “%s”, which does not exist."), id, value);
  else
    g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                 /* Translators: both %s are ids of records */
                 _ ("The record “%s” refers to the record “%s”, which does not exist."), id, value);
  return FALSE;
}

/* The record cannot be deleted: others refer to it. */
static gboolean
still_referred_to (GError **error, HyRecordKind kind, const char *id)
{
  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        g_set_error (
            error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
            /* Translators: "The company “c1” cannot be deleted while other records refer to it." */
            _ ("The company “%s” cannot be deleted while other records refer to it."), id);
        break;
      case HY_RECORD_KIND_LOCATION:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                     _ ("The location “%s” cannot be deleted while other records refer to it."),
                     id);
        break;
      case HY_RECORD_KIND_GROUP:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                     _ ("The group “%s” cannot be deleted while other records refer to it."), id);
        break;
      case HY_RECORD_KIND_COMPUTER:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                     _ ("The computer “%s” cannot be deleted while other records refer to it."),
                     id);
        break;
      case HY_RECORD_KIND_USER:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                     _ ("The user “%s” cannot be deleted while other records refer to it."), id);
        break;
      case HY_RECORD_KIND_POLICY:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                     _ ("The policy “%s” cannot be deleted while other records refer to it."), id);
        break;
      case HY_RECORD_KIND_ALERT:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                     _ ("The alert “%s” cannot be deleted while other records refer to it."), id);
        break;
      default:
        g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT,
                     _ ("The record “%s” cannot be deleted while other records refer to it."), id);
        break;
    }
  return FALSE;
}

static gboolean
validate_record (HyStore *self, HyRecordKind kind, gconstpointer record, GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  const char *id = HY_FIELD_VALUE (record, &fields[0]);

  for (guint i = 0; i < n_fields; i++)
    {
      const char *value = HY_FIELD_VALUE (record, &fields[i]);

      if (fields[i].required && (value == NULL || *value == '\0'))
        {
          return missing_field (error, kind, id ? id : "", fields[i].name);
        }
      /* A group's parent may come later in the same transaction (deferred key). */
      if (value != NULL && fields[i].type == HY_FIELD_REF && fields[i].ref_kind != kind)
        {
          gboolean exists = FALSE;

          if (!_hy_store_exists_unlocked (self, fields[i].ref_kind, value, &exists, error))
            return FALSE;
          if (!exists)
            {
              return dangling_reference (error, kind, id, fields[i].ref_kind, value);
            }
        }
    }
  return TRUE;
}

/* INSERT ... ON CONFLICT DO NOTHING, then an UPDATE that only matches a row that differs: the
 * two tell added, updated and unchanged apart. */
/* The INSERT (every field; absent ones NULL) and the UPDATE (only the fields in @mask, bit i for
 * field i; id and name always) of an upsert of @kind. */
static void
upsert_sql (HyRecordKind kind, guint64 mask, char **out_insert, char **out_update)
{
  GString *insert = g_string_new (NULL);
  GString *update = g_string_new (NULL);
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  int name_index = 0;
  gboolean first = TRUE;

  for (guint i = 0; i < n_fields; i++)
    if (&fields[i] == _hy_store_name_field (kind))
      name_index = i + 1;
  mask |= 1 | (G_GUINT64_CONSTANT (1) << (name_index - 1));

  g_string_append_printf (insert, "INSERT INTO \"%s\" (", hy_record_kind_to_plural (kind));
  g_string_append_printf (update, "UPDATE \"%s\" SET ", hy_record_kind_to_plural (kind));
  for (guint i = 0; i < n_fields; i++)
    {
      g_string_append_printf (insert, "\"%s\", ", fields[i].column);
      if (i > 0 && (mask & (G_GUINT64_CONSTANT (1) << i)))
        g_string_append_printf (update, "\"%s\" = ?%u, ", fields[i].column, i + 1);
    }
  g_string_append (insert, "name_key) VALUES (");
  for (guint i = 0; i < n_fields; i++)
    g_string_append_printf (insert, "?%u, ", i + 1);
  g_string_append_printf (insert, "hy_fold (?%d)) ON CONFLICT (id) DO NOTHING", name_index);
  g_string_append_printf (update, "name_key = hy_fold (?%d) WHERE id = ?1 AND NOT (", name_index);
  for (guint i = 1; i < n_fields; i++)
    {
      if (!(mask & (G_GUINT64_CONSTANT (1) << i)))
        continue;
      g_string_append_printf (update, "%s\"%s\" IS ?%u", first ? "" : " AND ", fields[i].column,
                              i + 1);
      first = FALSE;
    }
  g_string_append (update, ")");

  *out_insert = g_string_free (insert, FALSE);
  *out_update = g_string_free (update, FALSE);
}

static void
build_upsert_sql (HyStore *self, HyRecordKind kind)
{
  upsert_sql (kind, G_MAXUINT64, &self->insert_sql[kind], &self->update_sql[kind]);
}

static gboolean
upsert (HyStore *self,
        HyRecordKind kind,
        gconstpointer record,
        guint64 mask,
        HyStoreChange *out_change,
        GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields;
  HyStoreChange change;
  const char *insert;
  const char *update;

  if (!check_kind (kind, error) || !validate_record (self, kind, record, error))
    return FALSE;

  fields = hy_record_kind_get_fields (kind, &n_fields);
  if (mask == G_MAXUINT64)
    {
      if (self->insert_sql[kind] == NULL)
        build_upsert_sql (self, kind);
      insert = self->insert_sql[kind];
      update = self->update_sql[kind];
    }
  else
    {
      char key[64];
      char **texts;

      g_snprintf (key, sizeof key, "%d:%" G_GUINT64_FORMAT, kind, mask);
      texts = g_hash_table_lookup (self->partial_upserts, key);
      if (texts == NULL)
        {
          texts = g_new0 (char *, 3);
          upsert_sql (kind, mask, &texts[0], &texts[1]);
          g_hash_table_insert (self->partial_upserts, g_strdup (key), texts);
        }
      insert = texts[0];
      update = texts[1];
    }

  {
    g_autoptr (HyStmt) stmt = _hy_store_prepare (self, insert, error);

    if (stmt == NULL)
      return FALSE;
    for (guint i = 0; i < n_fields; i++)
      _hy_store_bind_text (stmt, i + 1, HY_FIELD_VALUE (record, &fields[i]));
    if (!_hy_store_step_done (self, stmt, error))
      return FALSE;
    change = sqlite3_changes (self->db) > 0 ? HY_STORE_CHANGE_ADDED : HY_STORE_CHANGE_UNCHANGED;
  }

  if (change != HY_STORE_CHANGE_ADDED)
    {
      g_autoptr (HyStmt) stmt = _hy_store_prepare (self, update, error);

      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < n_fields; i++)
        _hy_store_bind_text (stmt, i + 1, HY_FIELD_VALUE (record, &fields[i]));
      if (!_hy_store_step_done (self, stmt, error))
        return FALSE;
      if (sqlite3_changes (self->db) > 0)
        change = HY_STORE_CHANGE_UPDATED;
    }

  if (out_change)
    *out_change = change;
  return TRUE;
}

gboolean
hy_store_upsert (HyStore *self,
                 HyRecordKind kind,
                 gconstpointer record,
                 HyStoreChange *out_change,
                 GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  HY_STORE_LOCK (self);

  return upsert (self, kind, record, G_MAXUINT64, out_change, error);
}

gboolean
hy_store_upsert_fields (HyStore *self,
                        HyRecordKind kind,
                        gconstpointer record,
                        guint64 field_mask,
                        HyStoreChange *out_change,
                        GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  HY_STORE_LOCK (self);

  return upsert (self, kind, record, field_mask, out_change, error);
}

gboolean
hy_store_update_retired (HyStore *self,
                         GHashTable *present,
                         gboolean prune,
                         guint *out_retired,
                         guint *out_returned,
                         GError **error)
{
  g_autoptr (GPtrArray) retire = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) back = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_real_time ();
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (present != NULL, FALSE);
  HY_STORE_LOCK (self);

  {
    g_autoptr (HyStmt) stmt = _hy_store_prepare (self, "SELECT id, retired FROM computers", error);

    if (stmt == NULL)
      return FALSE;
    while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
      {
        const char *id = (const char *) sqlite3_column_text (stmt, 0);
        gboolean retired = sqlite3_column_type (stmt, 1) != SQLITE_NULL;
        gboolean here = g_hash_table_contains (present, id);

        if (retired && here)
          g_ptr_array_add (back, g_strdup (id));
        else if (!retired && !here && prune)
          g_ptr_array_add (retire, g_strdup (id));
      }
    if (rc < 0)
      return FALSE;
  }

  for (guint i = 0; i < retire->len + back->len; i++)
    {
      gboolean retiring = i < retire->len;
      const char *id = retiring ? retire->pdata[i] : back->pdata[i - retire->len];
      g_autoptr (HyStmt) stmt =
          _hy_store_prepare (self, "UPDATE computers SET retired = ? WHERE id = ?", error);

      if (stmt == NULL)
        return FALSE;
      if (retiring)
        sqlite3_bind_int64 (stmt, 1, now);
      else
        sqlite3_bind_null (stmt, 1);
      _hy_store_bind_text (stmt, 2, id);
      if (!_hy_store_step_done (self, stmt, error))
        return FALSE;
    }

  if (out_retired)
    *out_retired = retire->len;
  if (out_returned)
    *out_returned = back->len;
  return TRUE;
}

gpointer
hy_store_get (HyStore *self, HyRecordKind kind, const char *id, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  HY_STORE_LOCK (self);

  if (!check_kind (kind, error))
    return NULL;
  append_select (sql, kind);
  g_string_append (sql, " WHERE t.id = ?");
  stmt = _hy_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  _hy_store_bind_text (stmt, 1, id);
  rc = _hy_store_step (self, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      _hy_store_record_not_found (error, kind, id);
      return NULL;
    }
  return read_record (kind, stmt);
}

gboolean
hy_store_delete (HyStore *self, HyRecordKind kind, const char *id, GError **error)
{
  g_autofree char *sql = NULL;
  g_autoptr (HyStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (!check_kind (kind, error))
    return FALSE;
  sql = g_strdup_printf ("DELETE FROM \"%s\" WHERE id = ?", hy_record_kind_to_plural (kind));
  stmt = _hy_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      return still_referred_to (error, kind, id);
    }
  if (rc != SQLITE_DONE)
    {
      _hy_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    return _hy_store_record_not_found (error, kind, id);
  return TRUE;
}

static GPtrArray *
list_records (HyStore *self,
              HyRecordKind kind,
              GString *sql,
              const HyStoreQuery *query,
              const char *text,
              GError **error)
{
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = _hy_store_prepare (self, sql->str, error);
  g_autoptr (GPtrArray) records = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  if (query != NULL && query->search != NULL && *query->search != '\0')
    folded = _hy_store_fold (query->search);
  _hy_store_bind_query (stmt, query, folded);
  if (text != NULL)
    _hy_store_bind_text (stmt, 1, text);

  /* The free function is set once the array is complete (hy_record_free takes the kind). */
  records = g_ptr_array_new ();
  while ((rc = _hy_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (records, read_record (kind, stmt));
  if (rc < 0)
    {
      for (guint i = 0; i < records->len; i++)
        hy_record_free (kind, records->pdata[i]);
      return NULL;
    }

  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_company_free);
        break;
      case HY_RECORD_KIND_LOCATION:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_location_free);
        break;
      case HY_RECORD_KIND_GROUP:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_group_free);
        break;
      case HY_RECORD_KIND_COMPUTER:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_computer_free);
        break;
      case HY_RECORD_KIND_USER:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_user_free);
        break;
      case HY_RECORD_KIND_POLICY:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_policy_free);
        break;
      case HY_RECORD_KIND_ALERT:
        g_ptr_array_set_free_func (records, (GDestroyNotify) hy_alert_free);
        break;
      default:
        g_assert_not_reached ();
    }
  return g_steal_pointer (&records);
}

GPtrArray *
hy_store_list (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  if (!check_kind (kind, error))
    return NULL;
  append_select (sql, kind);
  _hy_store_append_where (sql, kind, query);
  _hy_store_append_order_limit (sql, kind, query);
  return list_records (self, kind, sql, query, NULL, error);
}

gint64
hy_store_count (HyStore *self, HyRecordKind kind, const HyStoreQuery *query, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autofree char *folded = NULL;
  g_autoptr (HyStmt) stmt = NULL;
  HyStoreQuery unpaged;

  g_return_val_if_fail (HY_IS_STORE (self), -1);
  HY_STORE_LOCK (self);

  if (!check_kind (kind, error))
    return -1;
  g_string_append_printf (sql, "SELECT count(*) FROM \"%s\" t", hy_record_kind_to_plural (kind));
  if (query != NULL && query->unlinked_only && hy_record_kind_is_linkable (kind))
    g_string_append_printf (sql, " LEFT JOIN links l ON l.kind = '%s' AND l.local_id = t.id",
                            hy_record_kind_to_string (kind));
  _hy_store_append_where (sql, kind, query);

  stmt = _hy_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return -1;
  if (query != NULL)
    {
      unpaged = *query;
      unpaged.limit = unpaged.offset = 0;
      if (query->search != NULL && *query->search != '\0')
        folded = _hy_store_fold (query->search);
      _hy_store_bind_query (stmt, &unpaged, folded);
    }
  if (_hy_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

GPtrArray *
hy_store_find_by_name (HyStore *self, HyRecordKind kind, const char *name, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autofree char *key = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  HY_STORE_LOCK (self);

  if (!check_kind (kind, error))
    return NULL;
  append_select (sql, kind);
  g_string_append (sql, " WHERE t.name_key = ?1 ORDER BY t.id");
  key = _hy_store_fold (name);
  return list_records (self, kind, sql, NULL, key, error);
}

GPtrArray *
hy_store_find_users_by_email (HyStore *self, const char *email, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);
  HY_STORE_LOCK (self);

  append_select (sql, HY_RECORD_KIND_USER);
  g_string_append (sql, " WHERE t.email = ?1 COLLATE NOCASE ORDER BY t.id");
  return list_records (self, HY_RECORD_KIND_USER, sql, NULL, email, error);
}
