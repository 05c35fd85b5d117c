/* hy-suggestions-list.c — the near matches the linker suggests, to accept or reject
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The content of the Mapping view's Suggestions popover: one row per suggestion, "local name →
 * Halo name" over the kind of record and how alike the names are, then the linker's evidence,
 * with Reject and Accept beside it. The labels wrap at a readable width (the list asks for its
 * natural width, so a popover never squeezes them to a syllable per line) and the buttons stay
 * in view. Answering is the page's business: the list only says which row was answered.
 */

#define G_LOG_DOMAIN "hy-suggestions-list"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-suggestions-list.h"

struct _HySuggestionsList
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkScrolledWindow *scroller;
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (HySuggestionsList, hy_suggestions_list, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_ANSWERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static GtkWidget *
make_label (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* Room for a short name per line at the least, a sentence at the most. */
  gtk_label_set_width_chars (GTK_LABEL (label), 20);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 44);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static void
button_clicked_cb (GtkButton *button, HySuggestionsList *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  gboolean accept = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "accept"));

  if (row != NULL)
    g_signal_emit (self, signals[SIGNAL_ANSWERED], 0,
                   (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)), accept);
}

/* ------------------------------------------------------------------------- */
/* GObject overrides                                                         */
/* ------------------------------------------------------------------------- */

static void
hy_suggestions_list_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), HY_TYPE_SUGGESTIONS_LIST);

  G_OBJECT_CLASS (hy_suggestions_list_parent_class)->dispose (object);
}

static void
hy_suggestions_list_class_init (HySuggestionsListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_suggestions_list_dispose;

  /**
   * HySuggestionsList::answered:
   * @index: the suggestion's position in the list set last
   * @accept: Accept (link as suggested) or Reject
   */
  signals[SIGNAL_ANSWERED] =
      g_signal_new ("answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/halyard/Halyard/hy-suggestions-list.ui");
  gtk_widget_class_bind_template_child (widget_class, HySuggestionsList, scroller);
  gtk_widget_class_bind_template_child (widget_class, HySuggestionsList, list);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hy-suggestions-list");
}

static void
hy_suggestions_list_init (HySuggestionsList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_suggestions_list_new (void)
{
  return g_object_new (HY_TYPE_SUGGESTIONS_LIST, NULL);
}

/**
 * hy_suggestions_list_format_kind_score:
 *
 * Returns: (transfer full): "<kind of record> · <n> % alike", in one sentence per kind (the
 *   words around the kind agree with it in languages with grammatical gender)
 */
char *
hy_suggestions_list_format_kind_score (HyRecordKind kind, double score)
{
  int percent = (int) (score * 100 + 0.5);

  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        /* Translators: under a suggested link: a company whose name is that many percent alike
         * the Halo client's */
        return g_strdup_printf (_ ("Company · %d%% alike"), percent);
      case HY_RECORD_KIND_LOCATION:
        /* Translators: under a suggested link: a location whose name is that many percent alike
         * the Halo site's */
        return g_strdup_printf (_ ("Location · %d%% alike"), percent);
      case HY_RECORD_KIND_COMPUTER:
        /* Translators: under a suggested link: a computer whose name is that many percent alike
         * the Halo asset's */
        return g_strdup_printf (_ ("Computer · %d%% alike"), percent);
      case HY_RECORD_KIND_USER:
        /* Translators: under a suggested link: a technician whose name or e-mail is that many
         * percent alike the Halo agent's */
        return g_strdup_printf (_ ("Technician · %d%% alike"), percent);
      case HY_RECORD_KIND_GROUP:
      case HY_RECORD_KIND_POLICY:
      case HY_RECORD_KIND_ALERT:
      default:
        /* Translators: under a suggested link of another kind of record */
        return g_strdup_printf (_ ("%d%% alike"), percent);
    }
}

/**
 * hy_suggestions_list_set_suggestions:
 * @suggestions: (element-type HyLinkerSuggestion): what to list, in that order
 */
void
hy_suggestions_list_set_suggestions (HySuggestionsList *self, GPtrArray *suggestions)
{
  GtkWidget *child;

  g_return_if_fail (HY_IS_SUGGESTIONS_LIST (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; suggestions != NULL && i < suggestions->len; i++)
    {
      const HyLinkerSuggestion *suggestion = g_ptr_array_index (suggestions, i);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *accept = gtk_button_new_with_mnemonic (_ ("_Accept"));
      GtkWidget *reject = gtk_button_new_with_mnemonic (_ ("_Reject"));
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *accept_name = NULL;
      g_autofree char *reject_name = NULL;

      /* Translators: a suggested link: "<local name> → <Halo name>" */
      title = g_strdup_printf (_ ("%s → %s"), suggestion->name, suggestion->halo_name);
      subtitle = hy_suggestions_list_format_kind_score (suggestion->kind, suggestion->score);

      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (text), make_label (title, "heading"));
      gtk_box_append (GTK_BOX (text), make_label (subtitle, "dim-label"));
      for (guint j = 0; suggestion->evidence != NULL && suggestion->evidence[j] != NULL; j++)
        gtk_box_append (GTK_BOX (text), make_label (suggestion->evidence[j], "caption"));

      /* Translators: the accessible names of a suggestion's buttons: local and Halo names */
      accept_name = g_strdup_printf (_ ("Accept the link of %s to %s"), suggestion->name,
                                     suggestion->halo_name);
      reject_name = g_strdup_printf (_ ("Reject the link of %s to %s"), suggestion->name,
                                     suggestion->halo_name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (accept), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accept_name, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (reject), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      reject_name, -1);
      gtk_widget_set_tooltip_text (accept, accept_name);
      gtk_widget_set_tooltip_text (reject, reject_name);
      gtk_widget_add_css_class (accept, "suggested-action");
      g_object_set_data (G_OBJECT (accept), "accept", GINT_TO_POINTER (TRUE));
      g_object_set_data (G_OBJECT (reject), "accept", GINT_TO_POINTER (FALSE));
      g_signal_connect (accept, "clicked", G_CALLBACK (button_clicked_cb), self);
      g_signal_connect (reject, "clicked", G_CALLBACK (button_clicked_cb), self);
      gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (buttons), reject);
      gtk_box_append (GTK_BOX (buttons), accept);

      gtk_widget_set_margin_top (box, 9);
      gtk_widget_set_margin_bottom (box, 9);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_box_append (GTK_BOX (box), text);
      gtk_box_append (GTK_BOX (box), buttons);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                      -1);
      gtk_list_box_append (self->list, row);
    }
}

guint
hy_suggestions_list_get_n_rows (HySuggestionsList *self)
{
  guint n = 0;

  g_return_val_if_fail (HY_IS_SUGGESTIONS_LIST (self), 0);

  while (gtk_list_box_get_row_at_index (self->list, (int) n) != NULL)
    n++;

  return n;
}

/**
 * hy_suggestions_list_get_row:
 *
 * Returns: (transfer none) (nullable): the row of the suggestion at @index
 */
GtkWidget *
hy_suggestions_list_get_row (HySuggestionsList *self, guint index)
{
  g_return_val_if_fail (HY_IS_SUGGESTIONS_LIST (self), NULL);

  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, (int) index));
}

/**
 * hy_suggestions_list_get_button:
 *
 * Returns: (transfer none) (nullable): the Accept or Reject button of the row at @index
 */
GtkWidget *
hy_suggestions_list_get_button (HySuggestionsList *self, guint index, gboolean accept)
{
  GtkWidget *row;
  GtkWidget *buttons;

  g_return_val_if_fail (HY_IS_SUGGESTIONS_LIST (self), NULL);

  row = hy_suggestions_list_get_row (self, index);
  if (row == NULL)
    return NULL;

  buttons = gtk_widget_get_last_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row)));
  return accept ? gtk_widget_get_last_child (buttons) : gtk_widget_get_first_child (buttons);
}
