/* hy-test-cases.c: tables of cases over the empty-store fixture, refusal messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hy-test-cases.h"

void
hy_test_add_store_cases (const char *prefix,
                         gconstpointer cases,
                         gsize n_cases,
                         gsize case_size,
                         HyTestStoreFunc test)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      gconstpointer one = (const char *) cases + i * case_size;
      g_autofree char *path = g_strdup_printf ("%s/%s", prefix, *(const char *const *) one);

      hy_test_add_store (path, one, test);
    }
}

void
hy_test_assert_message_has (const GError *error, const char *const *parts, gsize n_parts)
{
  g_assert_nonnull (error);
  for (gsize i = 0; i < n_parts && parts[i] != NULL; i++)
    if (strstr (error->message, parts[i]) == NULL)
      g_error ("“%s” is not in the message “%s”", parts[i], error->message);
}
