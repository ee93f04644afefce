#!/usr/bin/env bash
# Proves real Docker accepts the base archive: a private dockerd loads it, reports
# the image ID = sha256 of the config bytes, and runs `echo hi` in it. Nothing is pulled.
#
#   test-docker-load.sh [ARCHIVE]   (default: a fresh build from build-busybox.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
services="$here/../test-services"
work="$(mktemp -d /tmp/berth-dl.XXXXXX)"
fail() { echo "test-docker-load: FAIL: $*" >&2; exit 1; }
cleanup() { bash "$services/dockerd.sh" stop "$work/d" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

archive="${1:-}"
if [[ -z "$archive" ]]; then
  archive="$work/busybox.tar"
  bash "$here/build-busybox.sh" "$archive" >/dev/null
fi

mkdir -p "$work/x"
tar --extract --file "$archive" --directory "$work/x" manifest.json
config_path="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1]))[0].Config' "$work/x/manifest.json")"
tar --extract --file "$archive" --directory "$work/x" "$config_path"
expected_id="sha256:$(sha256sum <"$work/x/$config_path" | cut -d' ' -f1)"

eval "$(bash "$services/dockerd.sh" start "$work/d")"
export DOCKER_HOST
docker=(/usr/bin/docker)
[[ -x "${docker[0]}" ]] || docker=(docker)

loaded="$("${docker[@]}" load --input "$archive")"
[[ "$loaded" == "Loaded image: busybox:latest" ]] || fail "docker load said: $loaded"
actual_id="$("${docker[@]}" image inspect --format '{{.Id}}' busybox:latest)"
[[ "$actual_id" == "$expected_id" ]] || fail "image ID $actual_id, expected $expected_id"
out="$("${docker[@]}" run --rm --pull=never --network=none busybox:latest echo hi)"
[[ "$out" == hi ]] || fail "docker run printed: $out"
echo "ok: docker ($DOCKERD_STORAGE_DRIVER) loads the archive as $actual_id and runs it"
