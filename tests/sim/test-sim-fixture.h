/* test-sim-fixture.h: what the halyard-sim test programs share (tests/sim): a simulator on a
 * free loopback port with a clock the test moves, an HTTP session and a token for every scope,
 * and helpers that send requests and read the answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "hy-sim.h"
#include "hy-test-halo.h"

G_BEGIN_DECLS

typedef struct
{
  HyClock *clock; /* the simulator's: the test moves it instead of sleeping */
  HySim *sim;
  SoupSession *session;
  char *token;
} Fixture;

typedef struct
{
  guint status;
  char *body;
  char *content_type;
  char *retry_after;
  char *www_authenticate;
  GError *error;
} Response;

void response_clear (Response *response);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

/* Sends @method @path with @token (NULL: none) and @body of @content_type (NULL: none); fills
 * @response (its error when no answer came). */
void send_full (Fixture *f,
                const char *method,
                const char *path,
                const char *token,
                const char *content_type,
                const char *body,
                Response *response);
/* The same with the fixture's token; asserts an answer came and returns its status. */
guint api_get (Fixture *f, const char *path, Response *response);
guint api_post (Fixture *f, const char *path, const char *json, Response *response);
JsonNode *parse (const char *text);
/* The same, for what only the status or the parsed body matters of (asserted to be @status). */
guint get_status (Fixture *f, const char *path);
guint post_status (Fixture *f, const char *path, const char *json);
JsonNode *get_json (Fixture *f, const char *path);
JsonNode *post_json (Fixture *f, const char *path, const char *json, guint status);
/* POST /auth/token@query with @form: the access token on 200, else the body. */
char *get_token (Fixture *f, const char *query, const char *form, guint *status);
char *token_for_scope (Fixture *f, const char *scope);
/* The simulator's state: how many records @key has; a new reference to record @id of @key. */
guint state_count (Fixture *f, const char *key);
JsonObject *state_find (Fixture *f, const char *key, gint64 id);
/* A list answer: wrapped in an object with record_count (asserted), or a bare array. */
JsonArray *wrapped_list (const char *body, const char *key, gint64 *record_count);
JsonArray *bare_list (const char *body);
/* GET @path (asserting 200) as a list: wrapped in @key, bare, or only its record_count. */
JsonArray *get_list (Fixture *f, const char *path, const char *key, gint64 *record_count);
JsonArray *get_bare_list (Fixture *f, const char *path);
gint64 list_total (Fixture *f, const char *path, const char *key);
SoupSession *new_session (void);

void fixture_set_up (Fixture *f, gconstpointer data);
void fixture_tear_down (Fixture *f, gconstpointer data);

#define SIM_TEST_ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

G_END_DECLS
