/* hy-halo-paging.c
 *
 * When a list stops asking Halo for pages: a pure decision on what the pages so far showed,
 * kept apart from the requests so that every case is tested as a row of a table
 * (tests/halo/test-halo-paging.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include "hy-halo-paging.h"

/* Whether the caller's cap is already exceeded by what the first page tells: the whole list
 * (record_count, or a full page with no total) takes more pages than max_pages */
static gboolean
over_cap_on_first_page (const HyHaloPageFacts *facts)
{
  if (facts->max_pages == 0 || facts->page_no != 1)
    return FALSE;
  if (facts->record_count < 0)
    return facts->max_pages == 1;
  return (facts->record_count + facts->max_page_len - 1) / facts->max_page_len >
         (gint64) facts->max_pages;
}

/**
 * hy_halo_paging_decide:
 * @facts: what the list knows once a page is in
 *
 * Decides whether a list reads another page. It stops on an empty page, on a kind Halo does not
 * page, when a page brings no record not seen before (Halo ignored page_no: an anomaly for a
 * wrapped list, the usual for a bare one), when the announced total is reached, when with no
 * total a page is shorter than the longest one or longer than asked, after
 * %HY_HALO_PAGING_MAX_PAGES pages, and at the caller's cap (telling on the first page when the
 * whole list would need more pages than the cap).
 *
 * Returns: what the list does next
 */
HyHaloPaging
hy_halo_paging_decide (const HyHaloPageFacts *facts)
{
  g_return_val_if_fail (facts != NULL, HY_HALO_PAGING_DONE);

  if (facts->len == 0 || facts->unpaged)
    return HY_HALO_PAGING_DONE;
  if (facts->fresh == 0)
    {
      /* The same records again: Halo ignored page_no. Bare lists are often not paged at all
       * (the first page held everything); a wrapped list that repeats is a real anomaly. */
      return facts->bare ? HY_HALO_PAGING_DONE : HY_HALO_PAGING_INCONSISTENT;
    }
  if (facts->record_count >= 0 && facts->received >= facts->record_count)
    return HY_HALO_PAGING_DONE;
  if (facts->record_count < 0 &&
      (facts->len < facts->max_page_len || facts->len > facts->page_size))
    return HY_HALO_PAGING_DONE;
  if (facts->page_no >= HY_HALO_PAGING_MAX_PAGES)
    return HY_HALO_PAGING_DONE;
  if (over_cap_on_first_page (facts))
    return HY_HALO_PAGING_TRUNCATED;
  if (facts->max_pages > 0 && facts->page_no >= facts->max_pages)
    return HY_HALO_PAGING_DONE;
  return HY_HALO_PAGING_NEXT;
}
