#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The static manifest check catches what it is there for: the real manifest passes, and each
of these changes to a copy of it fails with a message that names the problem. Prints TAP.

Usage: test-check-flatpak.py SOURCE_ROOT APP_ID
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

root, app_id = sys.argv[1], sys.argv[2]
check = os.path.join(root, "build-aux", "check-flatpak.py")
with open(os.path.join(root, "flatpak", app_id + ".json"), encoding="utf-8") as f:
    real = json.load(f)


def module(m):
    return next(x for x in m["modules"] if x["name"] == "halyard")


def with_finish(arg):
    def change(m):
        m["finish-args"].append(arg)
    return change


def without_finish(arg):
    def change(m):
        m["finish-args"].remove(arg)
    return change


def set_opt(opt):
    def change(m):
        module(m)["config-opts"].append(opt)
    return change


CASES = [
    ("a D-Bus hole to the keyring", with_finish("--talk-name=org.freedesktop.secrets"),
     "finish-args"),
    ("the whole session bus", with_finish("--socket=session-bus"), "finish-args"),
    ("the home folder", with_finish("--filesystem=home"), "finish-args"),
    ("no network", without_finish("--share=network"), "finish-args"),
    ("no DRI", without_finish("--device=dri"), "finish-args"),
    ("a branch instead of a numbered runtime", lambda m: m.update({"runtime-version": "master"}),
     "numbered"),
    ("another runtime", lambda m: m.update({"runtime": "org.kde.Platform"}), "org.gnome.Platform"),
    ("an option meson does not know", set_opt("-Dwith_sync=true"), "does not define"),
    ("a boolean option with a bad value", set_opt("-Ddevelopment=yes"), "boolean"),
    ("the development profile", lambda m: module(m)["config-opts"].__setitem__(
        0, "-Ddevelopment=true"), "development"),
    ("a debug build", lambda m: module(m)["config-opts"].__setitem__(1, "-Dbuildtype=debug"),
     "release"),
    ("a module rebuilding libsoup", lambda m: m["modules"].insert(0, {
        "name": "libsoup", "buildsystem": "meson",
        "sources": [{"type": "archive", "url": "https://example.invalid/libsoup.tar.xz",
                     "sha256": "0" * 64}]}), "already provides"),
    ("an unpinned download", lambda m: m["modules"].insert(0, {
        "name": "libfoo", "buildsystem": "meson",
        "sources": [{"type": "archive", "url": "https://example.invalid/libfoo.tar.xz"}]}),
     "pinned"),
    ("no cleanup of headers", lambda m: m["cleanup"].remove("/include"), "cleanup"),
    ("build directories copied into the sandbox", lambda m: module(m)["sources"][0].update(
        {"skip": [".git"]}), "skip"),
    ("another command", lambda m: m.update({"command": "halyard-cli"}), "command"),
]


def run(manifest):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, app_id + ".json")
        manifest = copy.deepcopy(manifest)
        # The copy lives elsewhere: its dir source names the tree by its absolute path.
        module(manifest)["sources"][0]["path"] = os.path.abspath(root)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(manifest, f)
        res = subprocess.run([sys.executable, check, "--manifest", path, root, app_id],
                             capture_output=True, text=True)
        return res.returncode, res.stdout + res.stderr


results = []
status, out = run(real)
results.append((status == 0, "the real manifest passes: " + out.strip()))
for what, change, expected in CASES:
    manifest = copy.deepcopy(real)
    change(manifest)
    status, out = run(manifest)
    results.append((status != 0 and expected in out,
                    "%s is refused: %s" % (what, out.strip().splitlines()[-1] if out.strip()
                                           else "(no message)")))
for i, (passed, what) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if passed else "not ok", i, what))
print("1..%d" % len(results))
sys.exit(0 if all(p for p, _ in results) else 1)
