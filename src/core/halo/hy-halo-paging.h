/* hy-halo-paging.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most pages a list reads, whatever Halo's answers say */
#define HY_HALO_PAGING_MAX_PAGES 100000

/* What a list knows once a page is in */
typedef struct
{
  gboolean unpaged;    /* Halo returns this kind whole, whatever the paging parameters say */
  guint page_no;       /* the page just read, from 1 */
  guint max_pages;     /* the caller's cap, 0: none */
  guint page_size;     /* the page_size asked for */
  guint len;           /* records on this page */
  guint fresh;         /* of them, records not seen on an earlier page */
  gboolean bare;       /* the page was a bare array, not wrapped with a record_count */
  gint64 record_count; /* the total Halo announced, -1: none */
  guint received;      /* fresh records over every page read, this one included */
  guint max_page_len;  /* the longest page so far, this one included */
} HyHaloPageFacts;

typedef enum
{
  HY_HALO_PAGING_NEXT,         /* read the next page */
  HY_HALO_PAGING_DONE,         /* the list is complete (or as complete as Halo makes it) */
  HY_HALO_PAGING_INCONSISTENT, /* stop: a wrapped list repeated its records for a later page */
  HY_HALO_PAGING_TRUNCATED,    /* stop: the list takes more pages than the caller's cap */
} HyHaloPaging;

HyHaloPaging hy_halo_paging_decide (const HyHaloPageFacts *facts);

G_END_DECLS
