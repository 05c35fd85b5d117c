#!/bin/sh
# Fails when po/POTFILES.in is incomplete, unsorted or names missing files, or when a
# translation in po/LINGUAS has an untranslated or fuzzy entry against the strings in the code
# as it is now.
set -eu
top=${1:-$(dirname "$0")/..}
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

grep -v '^#' po/POTFILES.in | sed '/^[[:space:]]*$/d' > "$tmp/listed"
if ! LC_ALL=C sort -c "$tmp/listed" 2>/dev/null; then
  echo "po/POTFILES.in is not sorted (LC_ALL=C sort)"; status=1
fi
while read -r f; do
  [ -f "$f" ] || { echo "po/POTFILES.in names a missing file: $f"; status=1; }
done < "$tmp/listed"

# Every source file with a marked string must be listed.
find src ui -type f \( -name '*.c' -o -name '*.ui' \) 2>/dev/null | LC_ALL=C sort > "$tmp/sources"
while read -r f; do
  if grep -q -E '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext|ngettext) ?\(|translatable="yes"' "$f"; then
    grep -qxF "$f" "$tmp/listed" || { echo "$f has translatable strings but is not in po/POTFILES.in"; status=1; }
  fi
done < "$tmp/sources"

# The same extraction as meson's glib preset.
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --keyword=ngettext:1,2 --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format \
  --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format --flag=g_print:1:c-format \
  --flag=g_printerr:1:c-format --flag=g_printf:1:c-format --flag=g_fprintf:2:c-format \
  --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format \
  -o "$tmp/halyard.pot" --files-from="$tmp/listed"

for lang in $(sed 's/#.*//' po/LINGUAS); do
  if [ ! -f "po/$lang.po" ]; then echo "po/$lang.po is missing"; status=1; continue; fi
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/halyard.pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "po/$lang.po is incomplete: $stats"
      msgattrib --only-fuzzy "$tmp/$lang.po" 2>/dev/null | grep '^msgid' | head -n 20 || true
      msgattrib --untranslated "$tmp/$lang.po" 2>/dev/null | grep '^msgid' | head -n 20 || true
      status=1 ;;
    *) echo "po/$lang.po: $stats" ;;
  esac
done
exit $status
