/* hy-policy-defaults-dialog.h: a mapped policy's ticket defaults (priority, team, agent,
 * category, flap window, severity → priority table, end user), chosen from Halo's own lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "session/hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_POLICY_DEFAULTS_DIALOG (hy_policy_defaults_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HyPolicyDefaultsDialog,
                      hy_policy_defaults_dialog,
                      HY,
                      POLICY_DEFAULTS_DIALOG,
                      AdwWindow)

/* A dialog for @policy_id (mapped) over @parent; it saves to the session's store on Save, and
 * reads the end users to choose from Halo through the session's client. */
HyPolicyDefaultsDialog *hy_policy_defaults_dialog_new (GtkWindow *parent,
                                                       HySession *session,
                                                       const char *policy_id,
                                                       const char *policy_name);
/* Saves what is chosen (what Save does); FALSE with the reason shown in the dialog. */
gboolean hy_policy_defaults_dialog_save (HyPolicyDefaultsDialog *self);
/* How many users of the chosen client were read from Halo (0 while none were). */
guint hy_policy_defaults_dialog_get_n_users (HyPolicyDefaultsDialog *self);

G_END_DECLS
