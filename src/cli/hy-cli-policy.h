/* hy-cli-policy.h: `map policy`'s ticket defaults and flap window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "session/hy-session.h"
#include "store/hy-store-lifecycle.h"

#include "hy-cli.h"

G_BEGIN_DECLS

/* The options as typed; NULL: not given (keep what is saved). */
typedef struct
{
  char *priority;            /* a priority id, or SEVERITY=ID,…; "0": none */
  char *team;                /* a Halo team name; "": none */
  char *agent;               /* a Halo agent id; "0": none */
  char *category;            /* "": none */
  char *flap_minutes;        /* minutes */
  char *user;                /* a Halo end user id; "none" (or "0"): none */
  HyHaloRecord *user_record; /* the end user as Halo has it (hy_cli_policy_read_user ()) */
} HyCliPolicyOptions;

gboolean hy_cli_policy_options_given (const HyCliPolicyOptions *options);
void hy_cli_policy_options_clear (HyCliPolicyOptions *options);
/* Reads the end user --user names from Halo and checks a ticket can be raised as them (into
 * @options->user_record); nothing to do without --user or with --user none. On error, reports it
 * and returns FALSE with *exit_status set (2 for a user Halo does not have or would refuse). */
gboolean hy_cli_policy_read_user (HyCli *cli,
                                  HySession *session,
                                  HyCliPolicyOptions *options,
                                  int *exit_status);
/* Applies the options given to @defaults; INVALID_INPUT when a value cannot be read. */
gboolean hy_cli_policy_options_apply (const HyCliPolicyOptions *options,
                                      HyPolicyDefaults *defaults,
                                      GError **error);
/* The defaults' members of the `map policy` --json document (inside an open object). */
void hy_cli_policy_add_json (JsonBuilder *builder, const HyPolicyDefaults *defaults);
/* The defaults, one per line, after the route's line. */
void hy_cli_policy_print (HyCli *cli, const HyPolicyDefaults *defaults);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyCliPolicyOptions, hy_cli_policy_options_clear)

G_END_DECLS
