#!/usr/bin/env bash
# `images -a` with 200 images: berth next to docker and podman, plus berth's fixed start-up cost.
#
#   bench/images-list.sh          prints a markdown section (tables + key ratios) on stdout
#
# Every store starts with busybox (berth's fresh root loads it; docker and podman load the same
# archive), then gets BENCH_IMAGES (default 200) one-layer images imported from distinct tiny
# tars. berth gets a second root where one image is imported and tagged BENCH_IMAGES times.
# Each listing is timed by hyperfine: BENCH_LIST_RUNS (default 15) runs per command, split into
# BENCH_LIST_ROUNDS (default 3) invocations of `hyperfine --warmup 2 --runs 5` with the command
# order rotated; BENCH_LIST_ROUNDS=1 is one plain `hyperfine --warmup 2 --runs 15`.
# See lib.sh for the environment it honours. Progress goes to stderr.
. "$(dirname "$0")/lib.sh"

COUNT="${BENCH_IMAGES:-200}"
LIST_RUNS="${BENCH_LIST_RUNS:-15}"

require hyperfine podman jq tar
ensure_berth_built
bench_init il
T="$BENCH_TMP"
load_before="$(load_note)"
berth_note="$(berth_build_note)"

# ---------------------------------------------------------------- populate (timed coarsely)

log "writing $COUNT tiny tars"
mkdir -p "$T/tars" "$T/src"
for ((n = 1; n <= COUNT; n++)); do
  echo "image $n" >"$T/src/id"
  tar -cf "$T/tars/i$n.tar" -C "$T/src" --mtime=@0 --owner=0 --group=0 id
done

declare -A populate_s
# populate NAME CMD...: run CMD once per image n (CMD sees $n), record the total seconds.
populate() {
  local name="$1" t0
  shift
  log "populate: $name"
  t0="$(now)"
  for ((n = 1; n <= COUNT; n++)); do "$@" >/dev/null; done
  populate_s[$name]="$(calc "$(now) - $t0" "%.1f")"
  log "populate: $name took ${populate_s[$name]} s"
}

berth_distinct="$T/bd"
berth_tagged="$T/bt"
berth_empty="$T/be"
berth_fresh_root "$berth_distinct"
berth_fresh_root "$berth_tagged"
berth_fresh_root "$berth_empty"

berth_import_n() { BERTH_ROOT="$berth_distinct" "$BERTH" import "$T/tars/i$n.tar" "localhost/bench/img-$n:latest"; }
populate "berth import" berth_import_n

BERTH_ROOT="$berth_tagged" "$BERTH" import "$T/tars/i1.tar" localhost/bench/tagged:base >/dev/null
berth_tag_n() { BERTH_ROOT="$berth_tagged" "$BERTH" tag localhost/bench/tagged:base "localhost/bench/tagged:t$n"; }
populate "berth tag" berth_tag_n

dockerd_start "$T/d"
docker load -q -i "$BASE_IMAGE_TAR" >&2
docker_import_n() { docker import "$T/tars/i$n.tar" "localhost/bench/img-$n:latest"; }
populate "docker import" docker_import_n

podman_env "$T/p"
pod load -q -i "$BASE_IMAGE_TAR" >&2
podman_import_n() { pod import -q "$T/tars/i$n.tar" "localhost/bench/img-$n:latest"; }
populate "podman import" podman_import_n

rows_berth_distinct="$(BERTH_ROOT="$berth_distinct" "$BERTH" images -a | tail -n +2 | wc -l)"
rows_berth_tagged="$(BERTH_ROOT="$berth_tagged" "$BERTH" images -a | tail -n +2 | wc -l)"
rows_docker="$(docker images -a | tail -n +2 | wc -l)"
rows_podman="$(pod images -a | tail -n +2 | wc -l)"
log "rows: berth $rows_berth_distinct (distinct), $rows_berth_tagged (tagged); docker $rows_docker; podman $rows_podman"

# ---------------------------------------------------------------- the timed listings

LIST_ROUNDS="${BENCH_LIST_ROUNDS:-3}"
((LIST_RUNS % LIST_ROUNDS == 0)) || die "BENCH_LIST_RUNS ($LIST_RUNS) must be a multiple of BENCH_LIST_ROUNDS ($LIST_ROUNDS)"

log "timing: images -a"
hyperfine_rounds "$T/list.json" \
  "berth images -a ($COUNT distinct)" "BERTH_ROOT=$berth_distinct $BERTH images -a" \
  "berth images -a (1 image, $COUNT tags)" "BERTH_ROOT=$berth_tagged $BERTH images -a" \
  "docker images -a" "$DOCKER_BIN images -a" \
  "podman images -a" "$PODMAN images -a"

log "timing: start-up"
hyperfine_rounds "$T/startup.json" \
  "berth version" "BERTH_ROOT=$berth_empty $BERTH version" \
  "berth images (fresh root: busybox only)" "BERTH_ROOT=$berth_empty $BERTH images" \
  "node -e 0 (bare Node start-up)" "node -e 0" \
  "docker version (client + daemon round trip)" "$DOCKER_BIN version"

# ---------------------------------------------------------------- the report

list_table() {
  local docker_med podman_med name med rows
  docker_med="$(median_of "$T/list.json" "docker images -a")"
  podman_med="$(median_of "$T/list.json" "podman images -a")"
  printf 'command\trows\tmedian (ms)\tmin-max (ms)\tberth/docker\tberth/podman\n'
  while IFS=$'\t' read -r name med min max; do
    case "$name" in
      *distinct*) rows="$rows_berth_distinct" ;;
      *tags*) rows="$rows_berth_tagged" ;;
      docker*) rows="$rows_docker" ;;
      podman*) rows="$rows_podman" ;;
    esac
    if [[ "$name" == berth* ]]; then
      printf '%s\t%s\t%s\t%s-%s\t%s\t%s\n' "$name" "$rows" "$(ms "$med")" "$(ms "$min")" "$(ms "$max")" \
        "$(calc "$med / $docker_med")" "$(calc "$med / $podman_med")"
    else
      printf '%s\t%s\t%s\t%s-%s\t-\t-\n' "$name" "$rows" "$(ms "$med")" "$(ms "$min")" "$(ms "$max")"
    fi
  done < <(jq -r '.[] | [.command, .median, .min, .max] | @tsv' "$T/list.json")
}

startup_table() {
  printf 'command\tmedian (ms)\tmin-max (ms)\n'
  jq -r '.[] | [.command, .median, .min, .max] | @tsv' "$T/startup.json" |
    while IFS=$'\t' read -r name med min max; do
      printf '%s\t%s\t%s-%s\n' "$name" "$(ms "$med")" "$(ms "$min")" "$(ms "$max")"
    done
}

populate_table() {
  local name
  printf 'populate (%s calls, sequential)\ttotal (s)\tper call (ms)\n' "$COUNT"
  for name in "berth import" "berth tag" "docker import" "podman import"; do
    printf '%s\t%s\t%s\n' "$name" "${populate_s[$name]}" "$(calc "${populate_s[$name]} * 1000 / $COUNT" "%.0f")"
  done
}

berth_med="$(median_of "$T/list.json" "berth images -a ($COUNT distinct)")"
docker_med="$(median_of "$T/list.json" "docker images -a")"
podman_med="$(median_of "$T/list.json" "podman images -a")"
version_med="$(median_of "$T/startup.json" "berth version")"
node_med="$(median_of "$T/startup.json" "node -e 0 (bare Node start-up)")"

cat <<EOF
#### images -a with $COUNT images, $(date '+%Y-%m-%d %H:%M %Z')

hyperfine $(hyperfine --version | awk '{ print $2 }'): $LIST_RUNS runs per command in $LIST_ROUNDS rounds of \`--warmup 2 --runs $((LIST_RUNS / LIST_ROUNDS))\`, the command
order rotated each round; medians over all $LIST_RUNS runs; output discarded. Docker $(docker version -f '{{.Server.Version}}') ($DOCKERD_STORAGE_DRIVER), $(podman --version), ${berth_note}, SQLite.
Every store holds busybox plus the imported images. Machine: $(machine_note).
At start: ${load_before}; at end: $(load_note).

$(list_table | print_table)

$(startup_table | print_table)

$(populate_table | print_table)

Key ratios: berth images -a / docker images -a **$(calc "$berth_med / $docker_med")x**,
berth / podman **$(calc "$berth_med / $podman_med")x** (below 1: berth is faster);
berth's fixed cost (\`berth version\`) is $(ms "$version_med") ms, of which bare Node start-up is $(ms "$node_med") ms.
EOF
