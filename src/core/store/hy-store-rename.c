/* hy-store-rename.c — renaming a local record, for the window's Rename and halyard-cli rename
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A technician renames a company to match its Halo client's name before linking (or to correct
 * an import). The name is the only thing that changes: the id, the link and every record that
 * refers to the company stay as they are.
 */

#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "store/hy-store.h"

/**
 * hy_store_rename_company:
 * @name: the new name; leading and trailing white space is dropped
 * @out_old_name: (out) (optional) (transfer full): the name it had
 *
 * Renames the company @id. An empty name is HY_STORE_ERROR_INVALID, an unknown id
 * HY_STORE_ERROR_NOT_FOUND; either way nothing changes. Renaming to the same name succeeds and
 * writes nothing.
 */
gboolean
hy_store_rename_company (HyStore *self,
                         const char *id,
                         const char *name,
                         char **out_old_name,
                         GError **error)
{
  g_autoptr (HyCompany) company = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  stripped = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                           _ ("A company needs a name: give the name to use."));
      return FALSE;
    }

  company = hy_store_get (self, HY_RECORD_KIND_COMPANY, id, error);
  if (company == NULL)
    return FALSE;

  if (out_old_name != NULL)
    *out_old_name = g_strdup (company->name);
  if (g_strcmp0 (company->name, stripped) == 0)
    return TRUE;

  g_free (company->name);
  company->name = g_steal_pointer (&stripped);
  if (!hy_store_upsert (self, HY_RECORD_KIND_COMPANY, company, NULL, error))
    {
      if (out_old_name != NULL)
        g_clear_pointer (out_old_name, g_free);
      return FALSE;
    }

  return TRUE;
}
