#!/usr/bin/env bash
# Installs everything berth and its tests need on a Debian 12 host with Node 20, as root:
# Debian packages, pnpm, the workspace's dependencies and build, the busybox base image
# archive, and /usr/local/bin/berth. Idempotent: a second run skips what is in place.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
started=$SECONDS
step() { printf '==> %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "run me as root"
command -v node >/dev/null || die "Node.js 20 is required (node not found)"

PNPM_VERSION=12.4.2
BASE_ARCHIVE=/usr/local/share/berth/busybox.tar

# What berth runs on (mounts, namespaces, tar, xattrs, compression, the C toolchain for
# native modules) and what its tests run against (PostgreSQL, Docker, a registry,
# skopeo/umoci/podman for interop, wrk/hyperfine for bench/).
PACKAGES=(
  busybox-static attr coreutils util-linux iproute2 procps tar gzip zstd xz-utils bzip2
  gcc g++ make python3 ca-certificates uidmap
  postgresql-15 docker.io docker-registry skopeo umoci podman wrk hyperfine
)

# --- Debian packages -----------------------------------------------------------------
mapfile -t installed < <(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null |
  awk '$1 == "installed" { print $2 }')
missing=()
for p in "${PACKAGES[@]}"; do
  [[ " ${installed[*]} " == *" $p "* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  step "Debian packages: all ${#PACKAGES[@]} present"
else
  step "Debian packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Tests start their own dockerd, PostgreSQL clusters and registries: keep package
  # scripts from starting the system services, and PostgreSQL from creating a cluster.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  if [[ " ${missing[*]} " == *" postgresql-15 "* && ! -d /etc/postgresql/15 ]]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/berth.conf
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- pnpm (pinned) -----------------------------------------------------------------------
if [[ "$(pnpm --version 2>/dev/null || true)" == "$PNPM_VERSION" ]]; then
  step "pnpm $PNPM_VERSION: present"
else
  step "pnpm $PNPM_VERSION: installing with npm"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi

# --- workspace: dependencies and build -----------------------------------------------------
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
cd "$repo"
step "pnpm install --frozen-lockfile"
# native modules (better-sqlite3) build against the local Node headers, never downloaded ones
npm_config_nodedir=/usr pnpm install --frozen-lockfile
step "pnpm turbo run build"
pnpm turbo run build --output-logs=errors-only

# --- base image ------------------------------------------------------------------------------
recipe="$({
  cat infra/base-image/build-busybox.sh infra/base-image/write-image.mjs
  dpkg-query -W -f='${Version} ${Architecture}\n' busybox-static
  tar --version | head -n1
} | sha256sum | cut -d' ' -f1)"
if [[ -f "$BASE_ARCHIVE" && "$(cat "$BASE_ARCHIVE.recipe" 2>/dev/null)" == "$recipe" ]]; then
  step "base image $BASE_ARCHIVE: up to date"
else
  step "base image: building $BASE_ARCHIVE"
  image_id="$(bash infra/base-image/build-busybox.sh "$BASE_ARCHIVE")"
  echo "$recipe" >"$BASE_ARCHIVE.recipe"
  step "base image: busybox:latest $image_id"
fi

# --- the CLI on PATH ---------------------------------------------------------------------------
ln -sfn "$repo/apps/cli/bin/berth" /usr/local/bin/berth
[[ -e /usr/local/bin/berth ]] || die "/usr/local/bin/berth -> $repo/apps/cli/bin/berth, which does not exist"
step "berth: /usr/local/bin/berth -> $repo/apps/cli/bin/berth"

# --- the boot unit (berth system boot after a host start) ----------------------------------------
install -m 0644 "$repo/infra/berth-boot.service" /etc/systemd/system/berth-boot.service
if [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
  systemctl enable berth-boot.service
  step "boot unit: /etc/systemd/system/berth-boot.service enabled (runs at the next host start)"
else
  # A container host (like CI's) whose PID 1 is not systemd: installed, not enabled or started.
  step "boot unit: /etc/systemd/system/berth-boot.service installed; systemd is not PID 1, not enabled"
fi
step "done in $((SECONDS - started)) s"
