/* hy-policy-defaults-dialog.h: a mapped policy's ticket defaults (priority, team, agent,
 * category, flap window), chosen from Halo's own lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/hy-store.h"

G_BEGIN_DECLS

#define HY_TYPE_POLICY_DEFAULTS_DIALOG (hy_policy_defaults_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyPolicyDefaultsDialog,
                      hy_policy_defaults_dialog,
                      HY,
                      POLICY_DEFAULTS_DIALOG,
                      AdwWindow)

/* A dialog for @policy_id (mapped) over @parent; it saves to @store on Save. */
HyPolicyDefaultsDialog *hy_policy_defaults_dialog_new (GtkWindow *parent,
                                                       HyStore *store,
                                                       const char *policy_id,
                                                       const char *policy_name);
/* Saves what is chosen (what Save does); FALSE with the reason shown in the dialog. */
gboolean hy_policy_defaults_dialog_save (HyPolicyDefaultsDialog *self);

G_END_DECLS
