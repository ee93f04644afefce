#!/usr/bin/env bash
# Builds the busybox:latest base image from Debian's busybox-static as one
# deterministic archive in the layout `docker save` writes since Docker 25.
#
#   build-busybox.sh [OUTPUT]     (default /usr/local/share/berth/busybox.tar)
#
# Same busybox-static package + same GNU tar = byte-identical output. All times
# are the date of the package's last changelog entry (the Debian convention for
# SOURCE_DATE_EPOCH), so they stay fixed for a given package version; setting
# SOURCE_DATE_EPOCH overrides it. Prints the image ID on stdout.
set -euo pipefail

out="${1:-/usr/local/share/berth/busybox.tar}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LC_ALL=C
umask 022

dpkg-query -W -f='${db:Status-Status}' busybox-static 2>/dev/null | grep -qx installed ||
  { echo "build-busybox: Debian package busybox-static is not installed" >&2; exit 1; }
version="$(dpkg-query -W -f='${Version}' busybox-static)"
busybox="$(dpkg -L busybox-static | grep -E '/s?bin/busybox$' | head -n1)"
arch="$(dpkg --print-architecture)"

package_epoch() {
  local doc=/usr/share/doc/busybox-static changelog
  # a binary-only rebuild has its own, newer changelog beside the source one
  for changelog in "$doc/changelog.Debian.$arch.gz" "$doc/changelog.Debian.gz"; do
    if [[ -r "$changelog" ]]; then
      local line
      line="$(zcat "$changelog" | grep -m1 '^ -- ')"
      date -u -d "${line##*>  }" +%s
      return
    fi
  done
  echo 0
}
epoch="${SOURCE_DATE_EPOCH:-$(package_epoch)}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tree="$work/rootfs"
image="$work/image"
mkdir -p "$image"

# --- the root filesystem -----------------------------------------------------
mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,var,home,tmp,root}
chmod 1777 "$tree/tmp"
chmod 0700 "$tree/root"
install -m 0755 "$busybox" "$tree/bin/busybox"

# One relative symlink per applet to the one binary (`bin/sh` -> `busybox`,
# `sbin/ip` -> `../bin/busybox`, `usr/bin/[` -> `../../bin/busybox`): relative, so
# the links also resolve inside an extracted layer looked at from the host.
while IFS= read -r applet; do
  case "$applet" in
    bin/busybox) continue ;;
    bin/*) target=busybox ;;
    */*/*) target=../../bin/busybox ;;
    */*) target=../bin/busybox ;;
    *) target=bin/busybox ;;
  esac
  ln -s "$target" "$tree/$applet"
done < <("$busybox" --list-full | sort)

cat >"$tree/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat >"$tree/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
chmod 0644 "$tree/etc/passwd" "$tree/etc/group"
find "$tree" -exec touch -h -d "@$epoch" {} +

# --- deterministic tar: sorted, fixed times, owner 0, no atime/ctime/sub-second mtime
tar_stable() { # tar_stable ARCHIVE DIR
  local members
  mapfile -t members < <(ls -A "$2" | sort)
  tar --create --file "$1" --directory "$2" \
    --sort=name --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime \
    --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --no-acls --no-selinux --no-xattrs \
    -- "${members[@]}"
}

tar_stable "$work/layer.tar" "$tree"
image_id="$(node "$here/write-image.mjs" --layer "$work/layer.tar" --out "$image" \
  --epoch "$epoch" --arch "$arch" --created-by "berth bootstrap: busybox-static $version")"
find "$image" -exec touch -h -d "@$epoch" {} +
chmod -R u=rwX,go=rX "$image"

mkdir -p "$(dirname "$out")"
tar_stable "$out.tmp.$$" "$image"
mv -f "$out.tmp.$$" "$out"
echo "$image_id"
