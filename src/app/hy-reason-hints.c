/* hy-reason-hints.c — what the window adds to a stored reason: the control of its own that fixes
 * it. The core's reason says what is wrong and what to do in words any front end can show, and
 * gives its code (HyReason); halyard-cli names its commands from the same code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "hy-reason-hints.h"

/* Indexed by HyReason; NULL where the window has no control for it (the intake's labels are
 * set with halyard-cli only). */
static const char *const hints[] = {
  [HY_REASON_NONE] = NULL,
  /* Translators: added by the window to "Policy … is not mapped to a Halo ticket type" */
  [HY_REASON_POLICY_NOT_MAPPED] = N_ ("In Mapping, map the policy to a ticket type."),
  /* Translators: added by the window to "No status to close the ticket with" */
  [HY_REASON_NO_CLOSE_STATUS] = N_ ("In Mapping, refresh from Halo, or pick the policy’s close "
                                    "status."),
  [HY_REASON_COMPUTER_LABEL] = NULL,
  [HY_REASON_POLICY_LABEL] = NULL,
  /* Translators: added by the window to "No Halo site is known for …" */
  [HY_REASON_NO_SITE] = N_ ("In Mapping, refresh from Halo, or pick the group’s site."),
  /* Translators: added by the window to a computer linked to another client's Halo asset */
  [HY_REASON_ASSET_ELSEWHERE] = N_ ("In Mapping, link the computer to its asset under "
                                    "Computers."),
  /* Translators: added by the window to "Several Halo assets of the client match …" */
  [HY_REASON_ASSET_AMBIGUOUS] = N_ ("In Mapping, link the computer to its asset under "
                                    "Computers."),
};

/**
 * hy_reason_window_hint:
 * @reason: what fixes a stored reason
 *
 * Returns: (nullable): the translated control of the window that fixes it
 */
const char *
hy_reason_window_hint (HyReason reason)
{
  if (reason >= G_N_ELEMENTS (hints) || hints[reason] == NULL)
    return NULL;
  return _ (hints[reason]);
}

/**
 * hy_reason_with_window_hint:
 * @text: (nullable): a text that ends with a stored reason
 * @reason: what fixes that reason
 *
 * Returns: (transfer full) (nullable): @text, then the window's hint for @reason when it has one
 */
char *
hy_reason_with_window_hint (const char *text, HyReason reason)
{
  const char *hint = hy_reason_window_hint (reason);

  if (text == NULL || hint == NULL)
    return g_strdup (text);
  return g_strconcat (text, " ", hint, NULL);
}
