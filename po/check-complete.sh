#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a translatable string has no Simplified Chinese: every source file that marks
# strings must be in POTFILES.in, and every msgid xgettext finds there (with meson's glib
# preset keywords) must have a translation in zh_CN.po.
# Usage: check-complete.sh SOURCE_ROOT XGETTEXT MSGCMP
set -eu
root=$1
xgettext=$2
msgcmp=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$root"
status=0
for file in $(grep -l '_("' client/*.c server/*.c common/*.c); do
  if ! grep -qx "$file" po/POTFILES.in; then
    echo "$file marks strings for translation but is not in po/POTFILES.in"
    status=1
  fi
done

"$xgettext" --package-name=rapport --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  -D . -f po/POTFILES.in -o "$tmp/rapport.pot"
if ! "$msgcmp" po/zh_CN.po "$tmp/rapport.pot" 2>"$tmp/msgcmp.log"; then
  grep -v 'warning: this message is not used' "$tmp/msgcmp.log" || true
  echo "po/zh_CN.po lacks translations (append them at the end)"
  status=1
fi
exit $status
