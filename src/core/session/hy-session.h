/* hy-session.h: the store, the profile and the Halo client of one data directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "halo/hy-halo-client.h"
#include "preflight/hy-preflight.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

#define HY_SESSION_ERROR (hy_session_error_quark ())

/**
 * HySessionError:
 * @HY_SESSION_ERROR_NOT_CONNECTED: no connection profile was saved yet
 * @HY_SESSION_ERROR_INVALID_PROFILE: the profile lacks a URL or Client ID
 */
typedef enum
{
  HY_SESSION_ERROR_NOT_CONNECTED,
  HY_SESSION_ERROR_INVALID_PROFILE,
} HySessionError;

GQuark hy_session_error_quark (void);

#define HY_TYPE_SESSION (hy_session_get_type ())
G_DECLARE_FINAL_TYPE (HySession, hy_session, HY, SESSION, GObject)

/* The integration as a running service (service/hy-service.h), which the session owns. */
typedef struct _HyService HyService;

/*
 * HySession is what the CLI and the GUI both hold: the store of one data directory, the
 * connection profile saved in it, and the HyHaloClient built from the profile and the client
 * secret (handed over in memory with hy_session_set_secret(), else looked up in the keyring).
 * Every request the client sends is recorded in the store's events log (the "event-added"
 * signal then carries the HyEvent), with the record tag of the call.
 */

/* Opens (creating it when needed) the store in @data_dir; NULL: $HALYARD_DATA_DIR, else
 * $XDG_DATA_HOME/halyard. */
HySession *hy_session_open (const char *data_dir, GError **error);

const char *hy_session_get_data_dir (HySession *self);
HyStore *hy_session_get_store (HySession *self);

/* The session's one service, NULL until hy_service_get () made it (transfer none). */
HyService *hy_session_get_service (HySession *self);

/* The saved profile, NULL when none was saved (transfer none). */
const HyProfile *hy_session_get_profile (HySession *self);
/* Saves the profile (never a secret) and drops the current client. */
gboolean hy_session_set_profile (HySession *self, const HyProfile *profile, GError **error);
/* Saves the profile's Enabled flag only and keeps the current client (and its token): the
 * switch changes nothing about the connection. HY_SESSION_ERROR_NOT_CONNECTED without a
 * profile. */
gboolean hy_session_set_enabled (HySession *self, gboolean enabled, GError **error);

/* Hands the client secret over in memory (NULL forgets it) and drops the current client. The
 * copy is wiped when replaced or when the session is finalized. */
void hy_session_set_secret (HySession *self, const char *secret);
gboolean hy_session_has_secret (HySession *self);

/* Stores the in-memory secret in the keyring under the profile's URL and Client ID. */
void hy_session_save_secret_async (HySession *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean hy_session_save_secret_finish (HySession *self, GAsyncResult *result, GError **error);

/* The Halo client for the profile: built on first use with the in-memory secret, else the one
 * in the keyring (HY_CREDENTIALS_ERROR_NOT_FOUND when there is none). */
void hy_session_get_client_async (HySession *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
HyHaloClient *hy_session_get_client_finish (HySession *self, GAsyncResult *result, GError **error);
/* The client already built, or NULL (transfer none). */
HyHaloClient *hy_session_peek_client (HySession *self);
/* Drops the client, so the next hy_session_get_client_async() builds one that signs in anew
 * (what a "Test connection" wants: the pre-flight then sees the sign-in). */
void hy_session_forget_client (HySession *self);

/* What hy_session_refresh_async() fetched: the number of records per HyCacheKind now in the
 * cache, and the HTTP requests it took (token requests included). */
typedef struct
{
  guint counts[HY_N_CACHE_KINDS];
  guint requests;
} HySessionRefresh;

/* Fetches Halo clients, sites, assets, agents (API-only agents included), ticket types,
 * statuses and outcomes, and replaces each kind's Halo cache in one transaction each. */
void hy_session_refresh_async (HySession *self,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean hy_session_refresh_finish (HySession *self,
                                    GAsyncResult *result,
                                    HySessionRefresh *out_refresh,
                                    GError **error);

/* Runs the pre-flight against @profile and @secret without saving anything (a Halo client of
 * its own; the saved profile and the session's client are untouched); the requests are
 * recorded in the events log. */
void hy_session_test_profile_async (HySession *self,
                                    const HyProfile *profile,
                                    const char *secret,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
HyPreflightResult *
hy_session_test_profile_finish (HySession *self, GAsyncResult *result, GError **error);

/**
 * HySessionConnectFlags:
 * @HY_SESSION_CONNECT_NONE: the defaults
 * @HY_SESSION_CONNECT_NO_KEYRING: the secret is not stored (machines without a keyring: every
 *   later use then needs it handed over), and the keyring is not touched
 * @HY_SESSION_CONNECT_SET_RATE_LIMIT: the values' rate_max and rate_window replace the saved
 *   ones (else they are kept)
 * @HY_SESSION_CONNECT_SET_REFRESH_INTERVAL: the values' refresh_interval replaces the saved one
 */
typedef enum
{
  HY_SESSION_CONNECT_NONE = 0,
  HY_SESSION_CONNECT_NO_KEYRING = 1 << 0,
  HY_SESSION_CONNECT_SET_RATE_LIMIT = 1 << 1,
  HY_SESSION_CONNECT_SET_REFRESH_INTERVAL = 1 << 2,
} HySessionConnectFlags;

/* Connecting (hy-session-connect.c), what Setup's Save and `halyard-cli connect` both do: tests
 * the connection of @values with @secret (NULL: the keyring's for its URL and Client ID), and
 * only when Halo signs it in, stores the secret in the keyring and saves the profile (the
 * Enabled switch stays on only for the same Halo application). Nothing changes when the test
 * does not sign in (*@out_saved FALSE; the result says why) or on an error. */
void hy_session_connect_async (HySession *self,
                               const HyProfile *values,
                               const char *secret,
                               HySessionConnectFlags flags,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
HyPreflightResult *hy_session_connect_finish (HySession *self,
                                              GAsyncResult *result,
                                              gboolean *out_saved,
                                              GError **error);

/* Converts a list of HyHaloRecord of one kind to HyCacheRecord (exposed for the sync engine). */
HyCacheRecord *hy_session_cache_record_from_halo (HyCacheKind kind, HyHaloRecord *record);

G_END_DECLS
