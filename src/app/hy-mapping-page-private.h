/* hy-mapping-page-private.h: what the Mapping page's files share: its sections, the picker's
 * steps, the Undo of the last link or mapping, and the page's structure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hy-adaptive-toolbar.h"
#include "hy-mapping-page.h"
#include "hy-record-picker.h"
#include "hy-suggestions-list.h"
#include "linker/hy-linker-defaults.h"
#include "models/hy-link-item.h"
#include "sync/hy-sync-engine.h"

G_BEGIN_DECLS

typedef enum
{
  SECTION_COMPANIES,
  SECTION_LOCATIONS,
  SECTION_COMPUTERS,
  SECTION_TECHNICIANS,
  SECTION_GROUPS,
  SECTION_POLICIES,
  N_SECTIONS
} SectionId;

typedef enum
{
  COLUMN_NAME,
  COLUMN_LINKED,
  COLUMN_HALO,
  COLUMN_STATE,
  COLUMN_EXTRA,
  N_COLUMNS
} Column;

typedef struct
{
  HyMappingPage *page;
  SectionId id;
  HyRecordKind kind;
  GListModel *source;        /* HyLinkModel, or GListStore for groups and policies */
  GtkFilterListModel *local; /* groups and policies: the search and unlinked filters */
  GtkMultiSelection *selection;
  GtkColumnView *view;
  GtkColumnViewColumn *columns[N_COLUMNS]; /* NULL: the section has no such column */
  gboolean stale;                          /* the filters changed while another section was shown */
} Section;

typedef enum
{
  PICK_LINK,
  PICK_GROUP_CLIENT,
  PICK_GROUP_SITE,
  PICK_POLICY_TICKET_TYPE,
  PICK_POLICY_STATUS,
} PickStep;

/* What the toast of the last link or mapping undoes: the record's link or route before it. */
typedef struct
{
  SectionId section;
  HyRecordKind kind;
  char *id;
  char *name;
  gboolean had;     /* linked or mapped before */
  HyLinkHow how;    /* links: how it was linked */
  gint64 first_id;  /* the Halo record linked to; the group's client; the policy's ticket type */
  gint64 second_id; /* the group's site; the policy's close status */
  char *halo_name;  /* links: the Halo record's name */
  HyPolicyRoute *route; /* policies: the mapping and its ticket defaults */
} Undo;

static void
undo_free (Undo *undo)
{
  g_clear_pointer (&undo->route, hy_policy_route_free);
  g_free (undo->id);
  g_free (undo->name);
  g_free (undo->halo_name);
  g_free (undo);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Undo, undo_free)

struct _HyMappingPage
{
  GtkWidget parent_instance;

  HySession *session;
  HySyncEngine *engine;
  guint groups_idle;
  Section sections[N_SECTIONS];
  GtkCustomFilter *local_filter;
  char **words;
  GHashTable *halo_lists; /* HyCacheKind → GListStore of HyHaloItem */
  GPtrArray *suggestions; /* HyLinkerSuggestion */
  GCancellable *cancellable;
  GCancellable *refresh_cancellable;
  guint refresh_requests;
  guint busy;
  /* A reload asked for while busy, done once idle (see reload_all ()). */
  gboolean reload_pending;
  guint reload_idle;
  guint store_reload;
  guint search_idle;

  /* The picker's current job */
  PickStep pick_step;
  HyLinkItem *pick_item;
  gint64 pick_first_id;

  Undo *undo;
  AdwToast *undo_toast;
  gboolean unlinked_only;

  /* Narrow: the sections in a drop-down, the name and state columns only, the actions in a menu
   * (see hy_mapping_page_size_allocate ()). */
  HyAdaptiveMode narrow_mode;
  gboolean updating_dropdown;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  GtkWidget *toolbar;
  GtkWidget *toolbar_filters;
  GtkWidget *toolbar_actions;
  GtkWidget *switcher_scroller;
  GtkWidget *section_switcher;
  GtkDropDown *section_dropdown;
  GtkButton *auto_button;
  GtkButton *unlink_button;
  GtkButton *refresh_button;
  GtkSearchEntry *search_entry;
  GtkToggleButton *unlinked_button;
  GtkMenuButton *link_to_button;
  GtkPopover *picker_popover;
  GtkLabel *picker_title;
  HyRecordPicker *picker;
  GtkButton *picker_extra_button;
  GtkButton *picker_back_button;
  GtkMenuButton *more_button;
  GtkPopoverMenu *row_menu;
  GtkRevealer *rename_revealer;
  GtkLabel *rename_title;
  GtkEntry *rename_entry;
  GtkRevealer *details_revealer;
  GtkLabel *details_label;
  GtkMenuButton *suggestions_button;
  HySuggestionsList *suggestions_list;
  GtkRevealer *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkLabel *progress_label;
  AdwViewStack *sections_stack;
  GtkLabel *count_label;
};

static const char *const G_GNUC_UNUSED section_names[N_SECTIONS] = {
  "companies", "locations", "computers", "technicians", "groups", "policies",
};

static const char *const G_GNUC_UNUSED section_icons[N_SECTIONS] = {
  "x-office-address-book-symbolic",
  "mark-location-symbolic",
  "computer-symbolic",
  "avatar-default-symbolic",
  "folder-symbolic",
  /* Policies: the alerts they raise, not an error of Halyard's */
  "preferences-system-notifications-symbolic",
};

static inline HyStore *
get_store (HyMappingPage *self)
{
  return self->session != NULL ? hy_session_get_store (self->session) : NULL;
}

static inline gboolean
section_is_linkable (Section *section)
{
  return section->id < SECTION_GROUPS;
}

static inline GListModel *
section_rows (Section *section)
{
  return section->local != NULL ? G_LIST_MODEL (section->local) : section->source;
}

/* hy-mapping-section.c: a section's column view, its columns and their cells */
void _hy_mapping_section_build (HyMappingPage *self, SectionId id);
void _hy_mapping_section_attach_model (HyMappingPage *self, Section *section);

/* hy-mapping-page.c: what a section's view and selection tell the page */
void _hy_mapping_page_row_activated_cb (GtkColumnView *view, guint position, HyMappingPage *self);
void _hy_mapping_page_selection_changed_cb (GtkSelectionModel *model,
                                            guint position,
                                            guint n_items,
                                            HyMappingPage *self);
void _hy_mapping_page_rows_changed_cb (GListModel *model,
                                       guint position,
                                       guint removed,
                                       guint added,
                                       HyMappingPage *self);

/* hy-mapping-page.c: what the page's other files call */
void _hy_mapping_page_show_error (HyMappingPage *self, const char *message);
void _hy_mapping_page_show_info (HyMappingPage *self, const char *message);
Section *_hy_mapping_page_current_section (HyMappingPage *self);
void _hy_mapping_page_reload_section (HyMappingPage *self, Section *section);
void _hy_mapping_page_reload_all (HyMappingPage *self);
GPtrArray *_hy_mapping_page_get_selected_items (Section *section);

void _hy_mapping_page_set_busy (HyMappingPage *self, gboolean busy);

void _hy_mapping_page_set_suggestions (HyMappingPage *self, GPtrArray *suggestions);

/* hy-mapping-picker.c: the picker of Halo records and the Undo of the last link or mapping */
void _hy_mapping_page_picker_connect (HyMappingPage *self);
gboolean _hy_mapping_page_picker_prepare (HyMappingPage *self);
void _hy_mapping_page_picker_popover_shown_cb (HyMappingPage *self, GtkPopover *popover);
void _hy_mapping_page_undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

/* hy-mapping-page-actions.c: the page's actions */
void _hy_mapping_page_install_actions (GtkWidgetClass *widget_class);
void
_hy_mapping_page_event_added_cb (HyMappingPage *self, const HyEvent *event, HySession *session);
void _hy_mapping_page_rename_entry_activated_cb (HyMappingPage *self, GtkEntry *entry);

G_END_DECLS
