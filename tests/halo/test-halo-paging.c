/* test-halo-paging.c: when a list stops asking Halo for pages (hy_halo_paging_decide), one row
 * per case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "halo/hy-halo-paging.h"

typedef struct
{
  const char *name;
  HyHaloPageFacts facts;
  HyHaloPaging expected;
} PagingCase;

/* The facts in the order of HyHaloPageFacts: unpaged, page_no, max_pages, page_size, len, fresh,
 * bare, record_count, received, max_page_len */
static const PagingCase cases[] = {
  { "empty-page", { FALSE, 3, 0, 50, 0, 0, FALSE, -1, 100, 50 }, HY_HALO_PAGING_DONE },
  { "empty-first-page", { FALSE, 1, 0, 50, 0, 0, FALSE, 0, 0, 0 }, HY_HALO_PAGING_DONE },
  { "unpaged-kind", { TRUE, 1, 0, 50, 50, 50, TRUE, -1, 50, 50 }, HY_HALO_PAGING_DONE },
  { "unpaged-kind-under-cap", { TRUE, 1, 1, 50, 50, 50, FALSE, 500, 50, 50 }, HY_HALO_PAGING_DONE },
  { "bare-page-repeated", { FALSE, 2, 0, 50, 50, 0, TRUE, -1, 50, 50 }, HY_HALO_PAGING_DONE },
  { "wrapped-page-repeated",
    { FALSE, 2, 0, 50, 50, 0, FALSE, 120, 50, 50 },
    HY_HALO_PAGING_INCONSISTENT },
  { "total-reached", { FALSE, 3, 0, 50, 20, 20, FALSE, 120, 120, 50 }, HY_HALO_PAGING_DONE },
  { "total-passed", { FALSE, 2, 0, 50, 50, 50, FALSE, 90, 100, 50 }, HY_HALO_PAGING_DONE },
  { "total-not-reached", { FALSE, 2, 0, 50, 50, 50, FALSE, 120, 100, 50 }, HY_HALO_PAGING_NEXT },
  { "no-total-full-page", { FALSE, 1, 0, 50, 50, 50, TRUE, -1, 50, 50 }, HY_HALO_PAGING_NEXT },
  { "no-total-short-page", { FALSE, 2, 0, 50, 30, 30, TRUE, -1, 80, 50 }, HY_HALO_PAGING_DONE },
  /* Halo's page may be shorter than asked yet full: only a page shorter than the longest stops */
  { "no-total-short-first-page",
    { FALSE, 1, 0, 50, 30, 30, TRUE, -1, 30, 30 },
    HY_HALO_PAGING_NEXT },
  { "no-total-page-over-size", { FALSE, 1, 0, 50, 60, 60, TRUE, -1, 60, 60 }, HY_HALO_PAGING_DONE },
  { "short-page-with-total", { FALSE, 2, 0, 50, 30, 30, FALSE, 120, 80, 50 }, HY_HALO_PAGING_NEXT },
  { "page-limit",
    { FALSE, HY_HALO_PAGING_MAX_PAGES, 0, 1, 1, 1, FALSE, -1, HY_HALO_PAGING_MAX_PAGES, 1 },
    HY_HALO_PAGING_DONE },
  { "below-page-limit",
    { FALSE, HY_HALO_PAGING_MAX_PAGES - 1, 0, 1, 1, 1, FALSE, -1, HY_HALO_PAGING_MAX_PAGES - 1, 1 },
    HY_HALO_PAGING_NEXT },
  { "cap-exceeded-by-total",
    { FALSE, 1, 2, 50, 50, 50, FALSE, 101, 50, 50 },
    HY_HALO_PAGING_TRUNCATED },
  { "cap-met-by-total", { FALSE, 1, 2, 50, 50, 50, FALSE, 100, 50, 50 }, HY_HALO_PAGING_NEXT },
  { "cap-of-one-no-total",
    { FALSE, 1, 1, 50, 50, 50, TRUE, -1, 50, 50 },
    HY_HALO_PAGING_TRUNCATED },
  { "cap-of-two-no-total", { FALSE, 1, 2, 50, 50, 50, TRUE, -1, 50, 50 }, HY_HALO_PAGING_NEXT },
  { "cap-reached-later", { FALSE, 2, 2, 50, 50, 50, TRUE, -1, 100, 50 }, HY_HALO_PAGING_DONE },
  { "cap-of-one-whole-list", { FALSE, 1, 1, 50, 50, 50, FALSE, 50, 50, 50 }, HY_HALO_PAGING_DONE },
};

static void
test_paging_case (gconstpointer user_data)
{
  const PagingCase *c = user_data;

  g_assert_cmpint (hy_halo_paging_decide (&c->facts), ==, c->expected);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/halo/paging/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_paging_case);
    }
  return g_test_run ();
}
