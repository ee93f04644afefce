#!/bin/sh
# Builds berth-init, berth's static C helper, into native/build/ (fast when up to date).
# Needs only the system C compiler and libc's static archive (Debian: gcc, libc6-dev).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/build/berth-init"
cc=${CC:-gcc}

if [ -x "$out" ]; then
  stale=$(find "$here" -maxdepth 1 \( -name '*.c' -o -name '*.h' -o -name build.sh \) -newer "$out" | head -n 1)
  [ -z "$stale" ] && exit 0
fi

mkdir -p "$here/build"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$cc" -std=gnu11 -D_GNU_SOURCE -O2 -static -s -Wall -Wextra -Werror \
  -o "$tmp" "$here"/*.c
mv -f "$tmp" "$out"
