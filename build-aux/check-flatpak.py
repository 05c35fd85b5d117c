#!/usr/bin/python3
"""Checks of the Flatpak manifest, since the GNOME runtime cannot be fetched here.

Usage: check-flatpak.py SOURCE_ROOT APP_ID            static checks (the 'data' suite)
       check-flatpak.py --build SOURCE_ROOT APP_ID    also builds natively (the 'flatpak' suite)
       check-flatpak.py --manifest PATH SOURCE_ROOT APP_ID   checks another manifest (tests)

The static checks: the manifest's id, runtime (a numbered GNOME release), command, exactly the
sandbox permissions Halyard needs, its cleanup; that its meson config-opts name options that
exist, with values they accept, and the default (non-development) profile, so the installed
files carry the manifest's id; that every dependency() of the meson build is in the GNOME runtime
or built by a module of the manifest; that the directory source holds every meson.build the
build enters, every translation po/LINGUAS names and every file the GResource bundles.

--build then does what flatpak-builder does with the halyard module, natively: `meson setup`
with flatpak-builder's --prefix=/app --libdir=lib and the manifest's exact config-opts in a
temporary directory, `meson compile`, `meson install` into a DESTDIR, and checks the installed
tree: the command and halyard-cli run, the desktop file, metainfo, schema, icons and every
translation are where the runtime looks for them, under the manifest's id, and nothing the
cleanup would have to remove (headers, static libraries, pkg-config files) or that must not ship
(the halyard-sim developer tool) is installed.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

EXPECTED_FINISH_ARGS = {
    "--share=network",      # Halo is a web service
    "--share=ipc",          # X11 shared memory, for the fallback-x11 socket
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",         # GPU rendering for GTK 4
}
# meson's own options that a manifest may pass besides the project's, with the values they take.
MESON_BUILTINS = {
    "buildtype": {"plain", "debug", "debugoptimized", "release", "minsize", "custom"},
    "optimization": {"plain", "0", "g", "1", "2", "3", "s"},
    "debug": {"true", "false"},
    "b_lto": {"true", "false"},
    "b_ndebug": {"true", "false", "if-release"},
    "b_sanitize": None,
    "werror": {"true", "false"},
    "warning_level": {"0", "1", "2", "3", "everything"},
    "strip": {"true", "false"},
    "default_library": {"shared", "static", "both"},
    "prefix": None,
    "libdir": None,
}
# The pkg-config modules org.gnome.Platform and org.gnome.Sdk provide: GLib/GIO, GTK 4,
# libadwaita, libsoup 3, json-glib and libsecret are GNOME SDK elements (gnome-build-meta's
# elements/sdk-platform.bst: sdk/glib, sdk/gtk, sdk/libadwaita, sdk/libsoup — libsoup 3 since
# GNOME 43 —, sdk/json-glib, sdk/libsecret), and SQLite comes from the freedesktop SDK under it
# (components/sqlite.bst, which libsoup itself depends on). None needs a module of its own.
RUNTIME_PROVIDES = {
    "glib-2.0", "gobject-2.0", "gio-2.0", "gio-unix-2.0", "gtk4", "libadwaita-1",
    "libsoup-3.0", "json-glib-1.0", "libsecret-1", "sqlite3",
}
# Modules that would rebuild what the runtime already has.
RUNTIME_MODULES = {"glib", "gtk", "gtk4", "libadwaita", "libsoup", "libsoup3", "json-glib",
                   "libsecret", "sqlite", "sqlite3"}
# What flatpak-builder passes to meson before the manifest's config-opts.
FLATPAK_BUILDER_ARGS = ["--prefix=/app", "--libdir=lib"]
# Entries of the source tree that are local build products, never sources.
EXPECTED_SKIP = {"_build", "_flatpak", ".flatpak-builder"}


TAP = False


def fail(message):
    print(("Bail out! " if TAP else "") + "flatpak manifest: " + message, flush=True)
    sys.exit(1)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def project_options(root):
    """{name: (type, choices or None)} from meson_options.txt."""
    options = {}
    text = read(os.path.join(root, "meson_options.txt"))
    for m in re.finditer(r"option\(\s*'([^']+)'\s*,\s*type\s*:\s*'([^']+)'(.*?)\)\s*$", text,
                         re.S | re.M):
        choices = re.search(r"choices\s*:\s*\[([^\]]*)\]", m.group(3))
        options[m.group(1)] = (m.group(2),
                               re.findall(r"'([^']*)'", choices.group(1)) if choices else None)
    return options


def meson_files(root):
    """Every meson.build the build enters, following subdir() from the top, and the missing."""
    found, missing, todo = [], [], [""]
    while todo:
        rel = todo.pop()
        path = os.path.join(root, rel, "meson.build")
        if not os.path.isfile(path):
            missing.append(os.path.join(rel, "meson.build"))
            continue
        found.append(path)
        for sub in re.findall(r"^\s*subdir\(\s*'([^']+)'\s*\)", read(path), re.M):
            todo.append(os.path.normpath(os.path.join(rel, sub)))
    return found, missing


def check_static(root, app_id, path=None):
    path = path or os.path.join(root, "flatpak", app_id + ".json")
    try:
        manifest = json.loads(read(path))
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

    cleanup = set(manifest.get("cleanup", []))
    for entry in ("/include", "/lib/pkgconfig", "*.a", "*.la"):
        if entry not in cleanup:
            fail("cleanup must remove %s (development files have no place in the app)" % entry)

    modules = manifest.get("modules", [])
    if not modules or not all(isinstance(m, dict) for m in modules):
        fail("modules must be objects (no external module files)")
    ours = [m for m in modules if m.get("name") == "halyard"]
    if len(ours) != 1 or modules[-1] is not ours[0]:
        fail("exactly one module must be named halyard, and it must come last")
    for m in modules:
        if re.sub(r"[-_.]?\d*$", "", m.get("name", "").lower()) in RUNTIME_MODULES or \
                m.get("name", "").lower() in RUNTIME_MODULES:
            fail("module %s rebuilds what org.gnome.Platform already provides" % m.get("name"))
    module = ours[0]
    if module.get("buildsystem") != "meson":
        fail("the halyard module must build with meson")

    options = project_options(root)
    given = {}
    for opt in module.get("config-opts", []):
        m = re.fullmatch(r"-D([A-Za-z0-9_]+)=(.*)", opt)
        if not m:
            fail("config-opt %r is not of the form -Dname=value" % opt)
        name, value = m.groups()
        given[name] = value
        if name in options:
            kind, choices = options[name]
            if kind == "boolean" and value not in ("true", "false"):
                fail("config-opt %r: %s is a boolean option" % (opt, name))
            if kind == "combo" and value not in (choices or []):
                fail("config-opt %r: %s takes one of %s" % (opt, name, choices))
        elif name in MESON_BUILTINS:
            if MESON_BUILTINS[name] is not None and value not in MESON_BUILTINS[name]:
                fail("config-opt %r: meson's %s takes one of %s"
                     % (opt, name, sorted(MESON_BUILTINS[name])))
        else:
            fail("config-opt %r names an option meson_options.txt does not define" % opt)
    if given.get("development", "false") != "false":
        fail("the Flatpak builds the default profile: -Ddevelopment=false (the .Devel id is for "
             "development builds)")
    if given.get("buildtype") != "release":
        fail("the Flatpak is a release build: -Dbuildtype=release")

    dirs = [s for s in module.get("sources", []) if s.get("type") == "dir"]
    if len(dirs) != 1:
        fail("the halyard module builds this tree: one dir source")
    for source in (s for m in modules for s in m.get("sources", [])):
        if source.get("type") in ("archive", "file", "git") and source.get("url"):
            if not source.get("sha256") and not source.get("commit") and not source.get("tag"):
                fail("a downloaded source must be pinned (sha256, commit or tag): %s"
                     % source.get("url"))
    src = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)),
                                        dirs[0].get("path", "")))
    if os.path.realpath(src) != os.path.realpath(root):
        fail("the dir source %s is not the source tree %s" % (src, root))
    missing_skip = EXPECTED_SKIP - set(dirs[0].get("skip", []))
    if missing_skip:
        fail("the dir source must skip the local build directories %s" % sorted(missing_skip))

    # What the meson configuration needs from the tree and from the runtime.
    builds, missing = meson_files(src)
    if missing:
        fail("the build enters directories without a meson.build: %s" % missing)
    provided = RUNTIME_PROVIDES | {m.get("name") for m in modules}
    needed = set()
    for path in builds:
        needed |= set(re.findall(r"(?<!declare_)dependency\(\s*'([^']+)'", read(path)))
    if needed - provided:
        fail("the build needs %s, which neither the GNOME runtime nor a module provides"
             % sorted(needed - provided))
    for lang in read(os.path.join(src, "po", "LINGUAS")).split():
        if not lang.startswith("#") and not os.path.isfile(os.path.join(src, "po", lang + ".po")):
            fail("po/LINGUAS names %s, but po/%s.po is missing" % (lang, lang))
    for xml in glob.glob(os.path.join(src, "data", "*.gresource.xml")):
        for name in re.findall(r"<file[^>]*>([^<]+)</file>", read(xml)):
            if not any(os.path.isfile(os.path.join(src, d, name)) for d in ("ui", "data")):
                fail("%s bundles %s, which is in neither ui/ nor data/"
                     % (os.path.basename(xml), name))

    print(("# " if TAP else "") + "flatpak manifest: %s on %s %s, %d modules, finish-args ok, %d meson.build files, "
          "dependencies %s all in the runtime"
          % (app_id, manifest["runtime"], manifest["runtime-version"], len(modules),
             len(builds), ", ".join(sorted(needed))), flush=True)
    return manifest, module


def check_build(root, app_id, module):
    """The manifest's meson configuration, built and installed natively."""
    tests = []

    def ok(condition, what):
        tests.append(bool(condition))
        print(("ok" if condition else "not ok") + " %d - %s" % (len(tests), what), flush=True)
        return condition

    tmp = tempfile.mkdtemp(prefix="halyard-flatpak-")
    try:
        build, dest = os.path.join(tmp, "build"), os.path.join(tmp, "dest")
        setup = ["meson", "setup", build, root] + FLATPAK_BUILDER_ARGS + module["config-opts"]
        res = subprocess.run(setup, capture_output=True, text=True)
        if not ok(res.returncode == 0, "meson setup %s" % " ".join(setup[4:])):
            print(res.stdout[-3000:] + res.stderr[-3000:])
            return tests
        res = subprocess.run(["meson", "compile", "-C", build], capture_output=True, text=True)
        if not ok(res.returncode == 0, "meson compile builds every target"):
            print(res.stdout[-3000:] + res.stderr[-3000:])
            return tests
        res = subprocess.run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", dest],
                             capture_output=True, text=True)
        if not ok(res.returncode == 0, "meson install"):
            print(res.stdout[-3000:] + res.stderr[-3000:])
            return tests

        app = os.path.join(dest, "app")
        installed = sorted(os.path.relpath(os.path.join(d, f), app)
                           for d, _, files in os.walk(app) for f in files)
        for path in installed:
            print("# /app/" + path)
        expected = [
            "bin/halyard", "bin/halyard-cli",
            "share/applications/%s.desktop" % app_id,
            "share/metainfo/%s.metainfo.xml" % app_id,
            "share/glib-2.0/schemas/%s.gschema.xml" % app_id,
            "share/icons/hicolor/scalable/apps/%s.svg" % app_id,
            "share/icons/hicolor/symbolic/apps/%s-symbolic.svg" % app_id,
        ] + ["share/locale/%s/LC_MESSAGES/halyard.mo" % lang
             for lang in read(os.path.join(root, "po", "LINGUAS")).split()]
        missing = [p for p in expected if p not in installed]
        ok(not missing, "the manifest's command, halyard-cli, the desktop file, metainfo, schema, "
           "icons and translations are installed under %s (missing: %s)" % (app_id, missing))
        unwanted = [p for p in installed if p.startswith(("include/", "lib/pkgconfig/"))
                    or p.endswith((".a", ".la")) or os.path.basename(p) == "halyard-sim"]
        ok(not unwanted, "nothing to clean up and no developer tool installed (%s)" % unwanted)

        for binary in ("halyard", "halyard-cli"):
            res = subprocess.run([os.path.join(app, "bin", binary), "--version"],
                                 capture_output=True, text=True, timeout=30,
                                 env=dict(os.environ, GSETTINGS_SCHEMA_DIR=os.path.join(
                                     build, "data")))
            ok(res.returncode == 0 and res.stdout.startswith(binary + " "),
               "/app/bin/%s --version: %s" % (binary, res.stdout.strip() or res.stderr.strip()))

        metainfo = os.path.join(app, "share", "metainfo", app_id + ".metainfo.xml")
        if shutil.which("appstreamcli") and os.path.exists(metainfo):
            res = subprocess.run(["appstreamcli", "validate", "--no-net", metainfo],
                                 capture_output=True, text=True)
            ok(res.returncode == 0, "the installed metainfo validates")
            if res.returncode:
                print(res.stdout + res.stderr)
        desktop = os.path.join(app, "share", "applications", app_id + ".desktop")
        if shutil.which("desktop-file-validate") and os.path.exists(desktop):
            res = subprocess.run(["desktop-file-validate", desktop], capture_output=True,
                                 text=True)
            ok(res.returncode == 0, "the installed desktop file validates")
            if res.returncode:
                print(res.stdout + res.stderr)
            text = read(desktop)
            ok(re.search(r"^Exec=halyard\b", text, re.M) and
               re.search(r"^Icon=%s$" % re.escape(app_id), text, re.M),
               "the desktop file starts the manifest's command with the app's icon")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tests


def main():
    args = sys.argv[1:]
    build = "--build" in args
    args = [a for a in args if a != "--build"]
    manifest = None
    if "--manifest" in args:
        i = args.index("--manifest")
        manifest = args[i + 1]
        del args[i:i + 2]
    root, app_id = args[0], args[1]
    global TAP
    TAP = build
    _, module = check_static(root, app_id, manifest)
    if build:
        tests = check_build(root, app_id, module)
        print("1..%d" % len(tests), flush=True)
        sys.exit(0 if tests and all(tests) else 1)


if __name__ == "__main__":
    main()
