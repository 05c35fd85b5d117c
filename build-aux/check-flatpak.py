#!/usr/bin/python3
"""Static check of the Flatpak manifest, since the GNOME runtime cannot be fetched here.

Usage: check-flatpak.py SOURCE_ROOT APP_ID
"""
import json
import os
import re
import sys

EXPECTED_FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
}
# meson's own options that a manifest may pass besides the project's.
MESON_BUILTINS = {
    "buildtype", "prefix", "libdir", "optimization", "debug", "b_lto", "b_ndebug",
    "b_sanitize", "werror", "warning_level", "strip", "default_library",
}


def fail(message):
    print("flatpak manifest: " + message)
    sys.exit(1)


def main():
    root, app_id = sys.argv[1], sys.argv[2]
    path = os.path.join(root, "flatpak", app_id + ".json")
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        fail("cannot read %s: %s" % (path, e))

    if manifest.get("id") != app_id:
        fail("id is %r, meson's application id is %r" % (manifest.get("id"), app_id))
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        fail("runtime and sdk must be org.gnome.Platform and org.gnome.Sdk")
    if not re.fullmatch(r"\d+", str(manifest.get("runtime-version", ""))):
        fail("runtime-version must be a numbered GNOME release, not %r"
             % manifest.get("runtime-version"))
    if manifest.get("command") != "halyard":
        fail("command must be halyard")

    finish = manifest.get("finish-args", [])
    if set(finish) != EXPECTED_FINISH_ARGS or len(finish) != len(EXPECTED_FINISH_ARGS):
        fail("finish-args must be exactly %s, got %s" % (sorted(EXPECTED_FINISH_ARGS), finish))

    with open(os.path.join(root, "meson_options.txt"), encoding="utf-8") as f:
        options = set(re.findall(r"option\(\s*'([^']+)'", f.read()))

    modules = manifest.get("modules", [])
    ours = [m for m in modules if isinstance(m, dict) and m.get("name") == "halyard"]
    if len(ours) != 1:
        fail("exactly one module must be named halyard")
    module = ours[0]
    if module.get("buildsystem") != "meson":
        fail("the halyard module must build with meson")
    for opt in module.get("config-opts", []):
        m = re.fullmatch(r"-D([A-Za-z0-9_]+)=(.*)", opt)
        if not m:
            fail("config-opt %r is not of the form -Dname=value" % opt)
        if m.group(1) not in options and m.group(1) not in MESON_BUILTINS:
            fail("config-opt %r names an option meson_options.txt does not define" % opt)
    for source in module.get("sources", []):
        if source.get("type") == "dir":
            src = os.path.normpath(os.path.join(root, "flatpak", source.get("path", "")))
            if not os.path.isfile(os.path.join(src, "meson.build")):
                fail("dir source %s holds no meson.build" % src)
        elif source.get("type") in ("archive", "file", "git"):
            if not source.get("sha256") and not source.get("commit") and not source.get("tag"):
                fail("a downloaded source must be pinned (sha256, commit or tag)")

    print("flatpak manifest: %s on %s %s, %d modules, finish-args ok"
          % (app_id, manifest["runtime"], manifest["runtime-version"], len(modules)))


if __name__ == "__main__":
    main()
