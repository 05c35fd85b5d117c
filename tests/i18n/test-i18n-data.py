#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop file and metainfo carry every text in French, Spanish and German: what software
centres and the desktop's launcher show comes from them, not from the .mo files. Merges the
translations of po/ into the configured templates afresh, as the build does (msgfmt --desktop,
msgfmt --xml), so a stale merged file in the build tree cannot hide a missing translation.
Prints TAP.

Usage: test-i18n-data.py DESKTOP_TEMPLATE METAINFO_TEMPLATE PO_DIR
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

desktop_in, metainfo_in, po_dir = sys.argv[1:4]
linguas_path = os.path.join(po_dir, "LINGUAS")
tmp = tempfile.mkdtemp(prefix="halyard-i18n-data-")
desktop_path = os.path.join(tmp, "app.desktop")
metainfo_path = os.path.join(tmp, "app.metainfo.xml")
subprocess.run(["msgfmt", "--desktop", "--template", desktop_in, "-d", po_dir, "-o",
                desktop_path], check=True)
subprocess.run(["msgfmt", "--xml", "--template", metainfo_in, "-d", po_dir, "-o",
                metainfo_path], check=True)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
with open(linguas_path, encoding="utf-8") as f:
    langs = [w for line in f for w in line.split("#")[0].split()]
results = []


def ok(condition, what):
    results.append(bool(condition))
    print("%s %d - %s" % ("ok" if condition else "not ok", len(results), what), flush=True)


with open(desktop_path, encoding="utf-8") as f:
    entries = dict(re.findall(r"^([A-Za-z]+(?:\[[\w@]+\])?)=(.*)$", f.read(), re.M))
for key in ("Name", "GenericName", "Comment", "Keywords"):
    if key not in entries:
        continue
    missing = [lang for lang in langs if "%s[%s]" % (key, lang) not in entries]
    ok(not missing, "the desktop file's %s is in %s (missing: %s)" % (key, ", ".join(langs),
                                                                     missing))

root = ET.parse(metainfo_path).getroot()
untranslated = []


def visit(parent):
    children = list(parent)
    for i, child in enumerate(children):
        if child.get(XML_LANG) is None and child.tag in ("name", "summary", "p", "li", "caption") \
                and child.get("translate") != "no" and (child.text or "").strip():
            # Translations follow the element as siblings of the same tag with xml:lang.
            have = {c.get(XML_LANG) for c in children if c.tag == child.tag
                    and c.get(XML_LANG) is not None}
            if child.tag in ("p", "li"):
                # Paragraphs and items are translated in place: the sibling after the block.
                have = {c.get(XML_LANG) for c in children[i + 1:i + 1 + len(langs) + 1]
                        if c.tag == child.tag}
            missing = [lang for lang in langs if lang not in have]
            if missing:
                untranslated.append("%s %r: %s" % (child.tag, child.text.strip()[:60], missing))
        visit(child)


visit(root)
ok(not untranslated, "every name, summary, paragraph, item and caption of the metainfo is in %s"
   % ", ".join(langs))
for line in untranslated:
    print("# " + line)
print("1..%d" % len(results))
subprocess.run(["rm", "-rf", tmp], check=False)
sys.exit(0 if all(results) else 1)
