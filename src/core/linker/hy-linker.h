/* hy-linker.h: links local records to Halo records, and routes groups and policies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "store/hy-store.h"

G_BEGIN_DECLS

/* The linker works on the store alone: the Halo side is the store's cache of Halo records (filled
 * by `refresh`), so nothing here talks to Halo. Every call is synchronous and may run in a worker
 * thread; hy_linker_auto_link_async () does so for the views.
 *
 * Errors: HY_LINKER_ERROR for bad input (exit 2 in the CLI), HY_STORE_ERROR from the store. A
 * call that fails changes nothing. */

#define HY_LINKER_ERROR (hy_linker_error_quark ())

typedef enum
{
  HY_LINKER_ERROR_NOT_FOUND,          /* no local record (company, group, ...) with that id */
  HY_LINKER_ERROR_NOT_LINKABLE,       /* the kind cannot be linked (group, policy, alert) */
  HY_LINKER_ERROR_HALO_NOT_FOUND,     /* no Halo record with that id in the cache */
  HY_LINKER_ERROR_NO_COMPANY,         /* the computer belongs to no company */
  HY_LINKER_ERROR_COMPANY_NOT_LINKED, /* the location's or computer's company is not linked */
  HY_LINKER_ERROR_WRONG_CLIENT,       /* the site or asset belongs to another Halo client */
  HY_LINKER_ERROR_INVALID,            /* a value Halo would refuse (a disabled team, ...) */
} HyLinkerError;

GQuark hy_linker_error_quark (void);

/* The Halo cache kind a linkable record kind links to (company → client, location → site,
 * computer → asset, user → agent). FALSE for a kind that cannot be linked. */
gboolean hy_linker_halo_kind (HyRecordKind kind, HyCacheKind *out_halo_kind);

/* ---- Auto-link ------------------------------------------------------------------------- */

/* A local record with more than one Halo record of exactly its name (or e-mail): not linked. */
typedef struct
{
  HyRecordKind kind;
  char *id;
  char *name;
  GArray *candidates; /* gint64 Halo ids, ascending */
} HyLinkerAmbiguous;

/* A near miss for an unlinked record, for the technician to accept or reject. */
typedef struct
{
  HyRecordKind kind;
  char *id;
  char *name;
  gint64 halo_id;
  char *halo_name;
  double score;   /* above 0, below 1 (1: an exact match, from hy_linker_suggest () only) */
  GStrv evidence; /* translated sentences: why the names are thought the same */
} HyLinkerSuggestion;

typedef struct
{
  gboolean dry_run;
  GPtrArray *linked;       /* HyLink *: links made (or, dry run, that would be made) */
  GPtrArray *ambiguous;    /* HyLinkerAmbiguous * */
  GPtrArray *suggestions;  /* HyLinkerSuggestion *, per record best first */
  guint waiting_locations; /* not linked: their company is not linked (yet) */
  guint waiting_computers;
} HyLinkerResult;

void hy_linker_ambiguous_free (HyLinkerAmbiguous *ambiguous);
HyLinkerSuggestion *hy_linker_suggestion_copy (const HyLinkerSuggestion *suggestion);
void hy_linker_suggestion_free (HyLinkerSuggestion *suggestion);
void hy_linker_result_free (HyLinkerResult *result);

/* Links every unlinked company, location, computer and user whose name (users: e-mail, ignoring
 * case) equals exactly one Halo record's: companies to clients; locations to sites of their
 * company's client; computers to assets of their company's client, by key field or inventory
 * number, else by serial; users to agents. Manual links are never changed; an automatic link
 * is replaced only by another exact, unambiguous match (or dropped when it points outside its
 * company's client). Nothing is linked when several Halo records match (ambiguous), nor on a
 * near miss (suggestions). @dry_run: compute the same result, write nothing. The async variants
 * run in a worker thread; cancelling them rolls back what they wrote (G_IO_ERROR_CANCELLED). */
HyLinkerResult *hy_linker_auto_link (HyStore *store, gboolean dry_run, GError **error);
void hy_linker_auto_link_async (HyStore *store,
                                gboolean dry_run,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
/* The same, limited to the records whose "kind:id" (e.g. "computer:pc1") is in @only (a set of
 * strings; NULL: every record). Records outside @only are neither linked nor reported; their
 * links (a company's client) still apply. The async variant finishes with
 * hy_linker_auto_link_finish () and holds a reference on @only: do not change it meanwhile. */
HyLinkerResult *
hy_linker_auto_link_some (HyStore *store, GHashTable *only, gboolean dry_run, GError **error);
void hy_linker_auto_link_some_async (HyStore *store,
                                     GHashTable *only,
                                     gboolean dry_run,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
HyLinkerResult *hy_linker_auto_link_finish (HyStore *store, GAsyncResult *result, GError **error);

/* ---- Manual links ---------------------------------------------------------------------- */

/* Links the local record to the cached Halo record @halo_id as a manual link, after checking
 * that both exist, that a location's or computer's company is linked, and that the site or
 * asset belongs to that company's client. Changing or clearing a company's link also clears
 * the links of its locations and computers that point outside the new client.
 * @out_link (nullable): the record's new link row. */
gboolean hy_linker_set_link (HyStore *store,
                             HyRecordKind kind,
                             const char *local_id,
                             gint64 halo_id,
                             HyLink **out_link,
                             GError **error);
/* Accepting a suggestion makes a manual link (hy_linker_set_link ()). */
gboolean hy_linker_accept_suggestion (HyStore *store,
                                      const HyLinkerSuggestion *suggestion,
                                      HyLink **out_link,
                                      GError **error);
/* Remembers that the technician rejected @suggestion: auto-link and hy_linker_suggest () no
 * longer offer that Halo record for that local record. */
gboolean
hy_linker_reject_suggestion (HyStore *store, const HyLinkerSuggestion *suggestion, GError **error);
/* The Halo records the local record could be linked to, best first: exact matches (score 1,
 * or less when inactive in Halo) then near misses, without rejected ones; sites and assets of
 * the company's client only (COMPANY_NOT_LINKED otherwise). For a view's link dialog. */
GPtrArray *
hy_linker_suggest (HyStore *store, HyRecordKind kind, const char *local_id, GError **error);
gboolean
hy_linker_clear_link (HyStore *store, HyRecordKind kind, const char *local_id, GError **error);

/* The link rows of @kind (or, when @all_kinds, of company, location, computer and user in that
 * order), each ordered by name; only the unlinked ones when @unlinked_only. */
GPtrArray *hy_linker_list_links (HyStore *store,
                                 gboolean all_kinds,
                                 HyRecordKind kind,
                                 gboolean unlinked_only,
                                 GError **error);

/* ---- Routes ---------------------------------------------------------------------------- */

/* The Halo client a location's or a computer's company is linked to (@kind: location or
 * computer); 0 when it has no company, or the company is not linked. */
gint64 hy_linker_company_client_of (HyStore *store, HyRecordKind kind, const char *id);

/* Maps the group to a Halo client and site (@site_id 0: the client's main site) after checking
 * that the group exists, the client is known and the site belongs to it. */
gboolean hy_linker_map_group (HyStore *store,
                              const char *group_id,
                              gint64 client_id,
                              gint64 site_id,
                              GError **error);
/* Maps the policy to a Halo ticket type and, when @close_status_id is not 0, the status to
 * close its tickets with when the alert clears; both must be known. */
gboolean hy_linker_map_policy (HyStore *store,
                               const char *policy_id,
                               gint64 ticket_type_id,
                               gint64 close_status_id,
                               GError **error);
/* Halo's system status Closed: id 9 in every tenant (HALO-API §11). */
#define HY_LINKER_STATUS_CLOSED 9

/* The statuses to close a policy's tickets with: the closing ones first (Closed, id 9), then
 * the tenant's others. @out_n_closing: how many of the first close a ticket. */
GPtrArray *hy_linker_list_close_statuses (HyStore *store, guint *out_n_closing, GError **error);
/* Removes the group's own mapping (it then inherits its parent's); NOT_FOUND when the group
 * does not exist. Not an error when it had none. */
gboolean hy_linker_unmap_group (HyStore *store, const char *group_id, GError **error);
gboolean hy_linker_unmap_policy (HyStore *store, const char *policy_id, GError **error);

/* The mapping that applies to the group: its own, else its nearest mapped ancestor's.
 * *out_mapping is NULL when neither the group nor an ancestor is mapped; otherwise its group_id
 * is the group the mapping comes from. FALSE with NOT_FOUND when the group does not exist. */
gboolean hy_linker_resolve_group_mapping (HyStore *store,
                                          const char *group_id,
                                          HyGroupMapping **out_mapping,
                                          GError **error);

/* ---- JSON (the CLI contract's documents) ----------------------------------------------- */

/* {"kind", "id", "name", "linked", "halo_id", "halo_name", "how"} */
JsonNode *hy_linker_link_to_json (const HyLink *link);
/* [LINK…] */
JsonNode *hy_linker_links_to_json (GPtrArray *links);
/* {"linked": [LINK…], "ambiguous": [{"kind", "id", "name", "candidates"}], "suggestions":
 * [{"kind", "id", "name", "halo_id", "halo_name", "score", "evidence"}], "waiting":
 * {"locations": N, "computers": N}, "dry_run"} */
JsonNode *hy_linker_result_to_json (const HyLinkerResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyLinkerAmbiguous, hy_linker_ambiguous_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyLinkerSuggestion, hy_linker_suggestion_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyLinkerResult, hy_linker_result_free)

G_END_DECLS
