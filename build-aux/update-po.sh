#!/bin/sh
# Regenerates po/halyard.pot from po/POTFILES.in and merges it into every translation, so new
# strings show up (untranslated) in po/*.po for translators. The po-complete test then fails until
# each one is translated.
set -eu
cd "$(dirname "$0")/.."
grep -v '^#' po/POTFILES.in | sed '/^[[:space:]]*$/d' > po/.potfiles.tmp
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --flag=g_strdup_printf:1:c-format --flag=g_set_error:4:c-format --flag=g_error_new:3:c-format \
  --package-name=halyard --msgid-bugs-address=https://github.com/halyard/halyard/issues \
  --files-from=po/.potfiles.tmp -o po/halyard.pot
rm -f po/.potfiles.tmp
for lang in $(sed 's/#.*//' po/LINGUAS); do
  if [ -f "po/$lang.po" ]; then
    msgmerge --quiet --update --backup=none --no-fuzzy-matching "po/$lang.po" po/halyard.pot
    msgattrib --no-obsolete -o "po/$lang.po" "po/$lang.po"
  else
    msginit --no-translator --locale="$lang" --input=po/halyard.pot --output-file="po/$lang.po"
  fi
done
rm -f po/halyard.pot
for lang in $(sed 's/#.*//' po/LINGUAS); do
  printf '%s: ' "$lang"; msgfmt --check --statistics -o /dev/null "po/$lang.po"
done
