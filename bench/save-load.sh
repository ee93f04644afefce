#!/usr/bin/env bash
# save/load of a ~300 MB multi-layer image: berth next to docker and next to plain GNU tar.
#
#   bench/save-load.sh            prints a markdown section (table + key ratios) on stdout
#
# Env: BENCH_RUNS (default 5) repetitions of each operation, run round-robin (one of each per
#      round) so that a change in the machine's load hits every tool alike;
#      BENCH_IMAGE_MB (default 300) payload of the test image;
#      BENCH_DROP_CACHES=1 drop the page cache before every timed operation (off by default:
#      it slows every other process on a shared machine; then every run reads warm caches).
# See lib.sh for the rest. Progress goes to stderr.
. "$(dirname "$0")/lib.sh"

RUNS="${BENCH_RUNS:-5}"
IMAGE_MB="${BENCH_IMAGE_MB:-300}"
IMAGE=localhost/bench/big:latest

require node tar sync awk
ensure_berth_built
bench_init sl
T="$BENCH_TMP"
load_before="$(load_note)"
berth_note="$(berth_build_note)"

# ---------------------------------------------------------------- the test image (untimed)

dockerd_start "$T/d"
docker load -q -i "$BASE_IMAGE_TAR" >&2
log "writing a ${IMAGE_MB} MB build context"
shape="$(node "$BENCH_DIR/make-context.mjs" "$T/ctx" "$IMAGE_MB")"
log "context: $shape"
log "docker build (legacy builder, no pull)"
DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" "$T/ctx" >&2
rm -rf "$T/ctx"
docker save -o "$T/image.tar" "$IMAGE"
docker rmi -f "$IMAGE" >/dev/null
archive_bytes="$(stat -c %s "$T/image.tar")"
layer_count="$(tar -xOf "$T/image.tar" manifest.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].Layers.length))')"
file_count="$(node -e 'console.log(JSON.parse(process.argv[1]).files)' "$shape")"
log "archive: $archive_bytes bytes, $layer_count layers (busybox's included)"

# ---------------------------------------------------------------- the timed operations

mkdir -p "$T/times" "$T/bytes"

maybe_drop_caches() {
  if [[ "${BENCH_DROP_CACHES:-0}" == 1 ]]; then sync && echo 3 >/proc/sys/vm/drop_caches; fi
}

# record OP SECONDS BYTES
record() {
  echo "$2" >>"$T/times/$1"
  echo "$3" >"$T/bytes/$1"
  log "$1: $2 s"
}

docker_load() { docker load -q -i "$T/image.tar"; }
docker_save() { docker save -o "$T/docker-out.tar" "$IMAGE"; }
berth_load() { BERTH_ROOT="$root" "$BERTH" load -q -i "$T/image.tar"; }
berth_save() { BERTH_ROOT="$root" "$BERTH" save -o "$T/berth-out.tar" "$IMAGE"; }
tar_create() { tar -cf "$T/floor.tar" -C "$root/layers" "${layer_dirs[@]}"; }
tar_extract() { tar -xf "$T/floor.tar" -C "$T/x"; }

image_id_docker=""
image_id_berth=""
for ((round = 1; round <= RUNS; round++)); do
  log "round $round of $RUNS ($(load_note))"

  # docker: the image is absent before each load (busybox, its base, stays, as in berth's root)
  docker rmi -f "$IMAGE" >/dev/null 2>&1 || true
  maybe_drop_caches
  timed_sync docker_load
  record "docker load" "$ELAPSED" "$archive_bytes"
  image_id_docker="$(docker image inspect -f '{{.Id}}' "$IMAGE")"

  rm -f "$T/docker-out.tar"
  maybe_drop_caches
  timed_sync docker_save
  record "docker save" "$ELAPSED" "$(stat -c %s "$T/docker-out.tar")"
  rm -f "$T/docker-out.tar"

  # berth: a fresh, initialized root on the same disk for each load
  root="$T/br$round"
  berth_fresh_root "$root"
  maybe_drop_caches
  timed_sync berth_load
  record "berth load" "$ELAPSED" "$archive_bytes"
  image_id_berth="$(BERTH_ROOT="$root" "$BERTH" image inspect -f '{{.Id}}' "$IMAGE")"

  rm -f "$T/berth-out.tar"
  maybe_drop_caches
  timed_sync berth_save
  record "berth save" "$ELAPSED" "$(stat -c %s "$T/berth-out.tar")"
  rm -f "$T/berth-out.tar"

  # the floor: the same files (the image's extracted layers in berth's root) through plain tar
  mapfile -t layer_dirs < <(cd "$root/layers" && find . -mindepth 2 -maxdepth 2 -name diff -type d | sed 's|^\./||' | sort)
  ((${#layer_dirs[@]} == layer_count)) || die "expected $layer_count layer dirs in $root/layers, found ${#layer_dirs[@]}"
  rm -f "$T/floor.tar"
  maybe_drop_caches
  timed_sync tar_create
  record "tar -cf" "$ELAPSED" "$(stat -c %s "$T/floor.tar")"

  rm -rf "$T/x" && mkdir "$T/x"
  maybe_drop_caches
  timed_sync tar_extract
  record "tar -xf" "$ELAPSED" "$(stat -c %s "$T/floor.tar")"

  root_bytes="$(du -sb "$root" | cut -f1)"
  rm -rf "$T/x" "$T/floor.tar"
  berth_remove_root "$root"
done
docker_data_bytes="$(du -sb "$T/d/data/$DOCKERD_STORAGE_DRIVER" 2>/dev/null | cut -f1 || echo 0)"
[[ "$image_id_docker" == "$image_id_berth" ]] || log "warning: image IDs differ: docker $image_id_docker, berth $image_id_berth"

# ---------------------------------------------------------------- the report

med() { median <"$T/times/$1"; }
bytes_of() { cat "$T/bytes/$1"; }
mbps() { calc "$(bytes_of "$1") / 1000000 / $(med "$1")" "%.1f"; }
runs_of() { sort -g "$T/times/$1" | tr '\n' ' ' | sed 's/ $//'; }
# ratio A B: A's throughput over B's (above 1: A is faster)
ratio() { calc "$(mbps "$1") / $(mbps "$2")"; }

{
  printf 'operation\tseconds (median)\tMB/s\tvs docker\tvs tar\truns (s)\n'
  for op in "docker load" "berth load" "tar -xf" "docker save" "berth save" "tar -cf"; do
    case "$op" in
      *load) vs_docker="$(ratio "$op" "docker load")"; vs_tar="$(ratio "$op" "tar -xf")" ;;
      *save) vs_docker="$(ratio "$op" "docker save")"; vs_tar="$(ratio "$op" "tar -cf")" ;;
      *) vs_docker="-"; vs_tar="1.00" ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$op" "$(med "$op")" "$(mbps "$op")" "$vs_docker" "$vs_tar" "$(runs_of "$op")"
  done
} >"$T/table.tsv"

verdict() { awk -v v="$1" -v min="$2" 'BEGIN { print (v >= min) ? "met" : "MISSED" }'; }
load_docker="$(ratio "berth load" "docker load")"
save_docker="$(ratio "berth save" "docker save")"
save_tar="$(ratio "berth save" "tar -cf")"
load_tar="$(ratio "berth load" "tar -xf")"

cat <<EOF
#### save / load, $(date '+%Y-%m-%d %H:%M %Z')

Image: ${layer_count} layers (busybox + ${file_count} files of random bytes in $((layer_count - 1)) layers),
docker-save archive $(calc "$archive_bytes / 1000000" "%.0f") MB. $RUNS runs of each operation, round-robin, median shown;
each timing includes a final \`sync\`; page cache $([[ "${BENCH_DROP_CACHES:-0}" == 1 ]] && echo "dropped before every operation" || echo "not dropped (warm)").
MB/s = bytes of the archive read or written / seconds (MB = 10^6 B); "vs" columns are throughput
ratios (above 1: faster than the reference). Docker $(docker version -f '{{.Server.Version}}') ($DOCKERD_STORAGE_DRIVER), GNU tar $(tar --version | awk 'NR==1 { print $4 }'), ${berth_note}.
Machine: $(machine_note). At start: ${load_before}; at end: $(load_note).

$(print_table <"$T/table.tsv")

Key ratios: berth load vs docker load **${load_docker}x** (target >= 1: $(verdict "$load_docker" 1)),
berth save vs docker save **${save_docker}x** (target >= 1: $(verdict "$save_docker" 1)),
berth save vs tar -cf **${save_tar}x** (target >= 0.70: $(verdict "$save_tar" 0.70)),
berth load vs tar -xf **${load_tar}x** (stretch >= 0.70: $(verdict "$load_tar" 0.70)).
Disk after one load: berth root $(calc "$root_bytes / 1000000" "%.0f") MB for a $(calc "$archive_bytes / 1000000" "%.0f") MB image; docker's $DOCKERD_STORAGE_DRIVER dir $(calc "$docker_data_bytes / 1000000" "%.0f") MB (busybox included).
Image ID the same in both: $([[ "$image_id_docker" == "$image_id_berth" ]] && echo yes || echo "NO (docker ${image_id_docker}, berth ${image_id_berth})").
EOF
