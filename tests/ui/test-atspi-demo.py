#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo, as a newcomer meets it: plain `halyard` on a machine without a profile opens the
demo (simulated Halo in-process, temporary data directory and keyring item), its connection test
passes; leaving the demo removes the directory and the keyring item and opens Halyard on the
real (empty) data; `halyard --demo` cleans up the same way when it is ended by a signal. Prints
TAP. Needs a display, a session bus with the accessibility bus, and a keyring.

Usage: test-atspi-demo.py BUILD_ROOT
"""

import os
import subprocess
import sys
import tempfile
import threading

from halyard_atspi import (Tap, frame_of, halyard_env, snapshot, spoken, stop, views,
                           wait_until)

build = sys.argv[1] if len(sys.argv) > 1 else os.environ["HALYARD_BUILD_ROOT"]
PLAN = 11
tap = Tap()
ok = tap.ok


def setup_view(frame):
    """The Setup view of frame, where the connection test lists its checks."""
    return next((page for tab, page in views(frame) if spoken(tab.name) == "Setup"), frame)


def passed_checks(setup):
    """The connection test's passed checks."""
    return [node for _, name, _, node in snapshot(setup) if name.startswith("Passed: ")]


class Halyard:
    """The real binary, with its debug lines read as they come (the demo says where it lives)."""

    def __init__(self, args, env):
        self.lines = []
        self.proc = subprocess.Popen([os.path.join(build, "src", "app", "halyard")] + args,
                                     env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def demo(self):
        """(url, data_dir) of the demo, once it has said so."""
        for line in list(self.lines):
            if "Demo: simulated Halo at " in line:
                rest = line.split("Demo: simulated Halo at ", 1)[1].strip()
                url, data_dir = rest.split(", data in ", 1)
                return url, data_dir
        return None

    def stop(self):
        return stop(self.proc, 15)


def application_id():
    """The D-Bus name of the build's application (…Halyard, or …Halyard.Devel)."""
    with open(os.path.join(build, "config.h"), encoding="utf-8") as config:
        for line in config:
            if line.startswith("#define APPLICATION_ID "):
                return line.split('"')[1]
    return "io.github.halyard.Halyard"


def keyring_has(url):
    """Whether the keyring holds the demo's secret for url (never printed)."""
    run = subprocess.run(["secret-tool", "lookup", "url", url, "client-id", "halyard-demo"],
                         capture_output=True, text=True, timeout=20)
    return run.returncode == 0 and run.stdout != ""


def main():
    print("1..%d" % PLAN, flush=True)
    home = tempfile.mkdtemp(prefix="halyard-atspi-demo-")
    env = halyard_env(build, XDG_DATA_HOME=os.path.join(home, "data"), G_MESSAGES_DEBUG="hy-demo",
                      LANGUAGE="en", LC_ALL="C.UTF-8")
    env.pop("HALYARD_DATA_DIR", None)

    app = Halyard([], env)
    try:
        demo = wait_until(app.demo, "the demo saying where it lives")
        if not ok(demo is not None, "plain halyard without a profile starts the demo"):
            return
        url, data_dir = demo
        ok(url.startswith("http://127.0.0.1:") and os.path.isdir(data_dir),
           "the demo's Halo is on loopback and its data in a temporary directory")
        frame = wait_until(lambda: frame_of(app.proc.pid, "Halyard Demo"), "the demo's window")
        ok(frame is not None, "the window says it is a demo")
        setup = setup_view(frame) if frame else None
        checks = wait_until(lambda: (lambda c: c if len(c) >= 10 else None)(passed_checks(setup)),
                            "the demo's ten passed checks") if frame else None
        ok(checks and len(checks) >= 10, "the demo's connection test passes in Setup")
        ok(wait_until(lambda: keyring_has(url), "the demo's secret in the keyring"),
           "the demo's secret is in the keyring")

        # Leave the demo (the menu's Leave the Demo, through the application's D-Bus actions).
        app_id = application_id()
        subprocess.run(["gdbus", "call", "--session", "--dest", app_id,
                        "--object-path", "/" + app_id.replace(".", "/"), "--method",
                        "org.gtk.Actions.Activate", "leave-demo", "[]", "{}"],
                       capture_output=True, timeout=20)
        ok(wait_until(lambda: frame_of(app.proc.pid, "Halyard"), "the Halyard window") is not None
           and frame_of(app.proc.pid, "Halyard Demo") is None,
           "leaving the demo opens Halyard on the real data")
        ok(wait_until(lambda: not os.path.exists(data_dir), "the demo's directory removed")
           and not keyring_has(url), "leaving the demo removes its directory and keyring item")

        # The menu's Try the Demo brings it back.
        subprocess.run(["gdbus", "call", "--session", "--dest", app_id,
                        "--object-path", "/" + app_id.replace(".", "/"), "--method",
                        "org.gtk.Actions.Activate", "start-demo", "[]", "{}"],
                       capture_output=True, timeout=20)
        ok(wait_until(lambda: frame_of(app.proc.pid, "Halyard Demo"), "the demo's window again")
           is not None
           and frame_of(app.proc.pid, "Halyard") is None,
           "Try the Demo opens the demo again after leaving it")
        ok(app.stop() == 0, "halyard ends cleanly on SIGTERM")
    finally:
        if app.proc.poll() is None:
            app.stop()

    # halyard --demo, ended by a signal, cleans up all the same.
    app = Halyard(["--demo"], env)
    try:
        demo = wait_until(app.demo, "halyard --demo saying where it lives")
        ok(demo is not None and wait_until(lambda: keyring_has(demo[0]),
                                           "the demo's secret in the keyring"),
           "halyard --demo starts the demo, its secret in the keyring")
        status = app.stop()
        ok(demo is not None and status == 0 and not os.path.exists(demo[1])
           and not keyring_has(demo[0]),
           "halyard --demo removes its directory and keyring item when ended by SIGTERM")
    finally:
        if app.proc.poll() is None:
            app.stop()
        subprocess.run(["rm", "-rf", home], check=False)


if __name__ == "__main__":
    main()
    tap.fill(PLAN)
    sys.exit(0 if tap.passed() else 1)
