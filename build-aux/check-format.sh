#!/bin/sh
# Fails when a C file of the project is not formatted with the project's .clang-format.
set -eu
cd "${1:-$(dirname "$0")/..}"
files=$(find src tests bench -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | LC_ALL=C sort)
[ -n "$files" ] || exit 0
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
echo "$(echo "$files" | wc -l) C files formatted"
