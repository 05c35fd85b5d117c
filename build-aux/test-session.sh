#!/bin/sh
# Runs a command inside the test session that build-aux/dev sets up: called by dbus-run-session
# (under xvfb-run), it gives the session a private, unlocked gnome-keyring with only the Secret
# Service, and private XDG directories, so tests never touch the user's own keyring or files.
set -eu
session=$(mktemp -d "${TMPDIR:-/tmp}/halyard-test.XXXXXX")
trap 'rm -rf "$session"' EXIT
export XDG_DATA_HOME="$session/data" XDG_CONFIG_HOME="$session/config"
export XDG_CACHE_HOME="$session/cache" XDG_RUNTIME_DIR="$session/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export GSK_RENDERER=cairo

# The password only unlocks this throw-away keyring, created inside $session.
eval "$(printf 'halyard-test\n' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
export HALYARD_TEST_KEYRING=1

"$@"
status=$?
exit $status
