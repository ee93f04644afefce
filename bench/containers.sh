#!/usr/bin/env bash
# Containers: berth next to docker and podman (and a raw floor) on busybox from the local archive.
#
#   bench/containers.sh           prints a markdown section (tables + key ratios) on stdout
#
# (a) `run --rm busybox true`, hyperfine, with the raw floor (overlay mount + unshare + chroot
#     true + unmount); (b) run -d / stop / rm cycles, each step timed; (c) a burst of
#     BENCH_BURST (default 20) detached starts in parallel, then rm -f of them all; (d) RSS and PSS
#     of the per-container monitor (berth-init monitor, containerd-shim, conmon: the parent of
#     each container's PID 1) with BENCH_IDLE (default 5) idle `sleep` containers; (e) `ps -a`
#     with BENCH_CONTAINERS (default 200) created containers, hyperfine.
# Every tool runs every container with `--network none` (a loopback-only namespace; bench/network.sh
# times berth's bridge). Nothing is pulled. See lib.sh for the environment it honours;
# BENCH_LIST_RUNS / BENCH_LIST_ROUNDS as in images-list.sh, BENCH_CYCLES (default 5) cycles of (b),
# BENCH_BURST_ROUNDS (default 3) bursts. Progress goes to stderr.
. "$(dirname "$0")/lib.sh"

LIST_RUNS="${BENCH_LIST_RUNS:-15}"
LIST_ROUNDS="${BENCH_LIST_ROUNDS:-3}"
CYCLES="${BENCH_CYCLES:-5}"
BURST="${BENCH_BURST:-20}"
BURST_ROUNDS="${BENCH_BURST_ROUNDS:-3}"
IDLE="${BENCH_IDLE:-5}"
COUNT="${BENCH_CONTAINERS:-200}"
((LIST_RUNS % LIST_ROUNDS == 0)) || die "BENCH_LIST_RUNS ($LIST_RUNS) must be a multiple of BENCH_LIST_ROUNDS ($LIST_ROUNDS)"

require hyperfine podman jq tar unshare chroot
ensure_berth_built
bench_init ct
T="$BENCH_TMP"
load_before="$(load_note)"
berth_note="$(berth_build_note)"

# ---------------------------------------------------------------- the three stores

B="$T/b"
berth_fresh_root "$B"
on_exit "berth_remove_containers"
berth() { BERTH_ROOT="$B" "$BERTH" "$@"; }
berth_remove_containers() {
  local ids
  ids="$(berth ps -aq 2>/dev/null)" || return 0
  if [[ -n "$ids" ]]; then berth rm -f $ids >/dev/null 2>&1 || true; fi
}
berth load -q -i "$BASE_IMAGE_TAR" >&2

dockerd_start "$T/d"
docker load -q -i "$BASE_IMAGE_TAR" >&2

podman_env "$T/p"
pod load -q -i "$BASE_IMAGE_TAR" >&2

# tool_cmd TOOL: the command prefix of a tool (as one string, for hyperfine and eval)
tool_cmd() {
  case "$1" in
    berth) printf 'BERTH_ROOT=%s %s' "$B" "$BERTH" ;;
    docker) printf '%s' "$DOCKER_BIN" ;;
    podman) printf '%s' "$PODMAN" ;;
  esac
}
# run_flags TOOL: what every container of every tool gets: no network, only its own loopback
run_flags() { printf -- '--network none'; }
TOOLS=(berth docker podman)
# tool TOOL ARGS...: run the tool's CLI
tool() {
  local name="$1"
  shift
  case "$name" in
    berth) berth "$@" ;;
    docker) docker "$@" ;;
    podman) pod "$@" ;;
  esac
}

# ---------------------------------------------------------------- (a) run --rm, and the floor

# The floor: what any runtime must do at least, in one shell: mount an overlay of busybox's
# layer, make the namespaces, chroot and run true, unmount.
F="$T/floor"
mkdir -p "$F/lower"
busybox_layer="$(tar -xOf "$BASE_IMAGE_TAR" manifest.json | jq -r '.[0].Layers[0]')"
tar -xOf "$BASE_IMAGE_TAR" "$busybox_layer" | tar -x -C "$F/lower"
cat >"$F/run.sh" <<EOF
set -e
d=\$(mktemp -d "$F/r.XXXXXX"); mkdir "\$d/u" "\$d/w" "\$d/m"
mount -t overlay overlay -o "lowerdir=$F/lower,upperdir=\$d/u,workdir=\$d/w" "\$d/m"
unshare --mount --uts --ipc --net --pid --fork chroot "\$d/m" /bin/true
umount "\$d/m"; rm -rf "\$d"
EOF

log "timing (a): run --rm busybox true"
hyperfine_rounds "$T/run.json" \
  "berth run --rm --network none busybox true" "$(tool_cmd berth) run --rm --network none busybox true" \
  "docker run --rm --network none busybox true" "$(tool_cmd docker) run --rm --network none busybox true" \
  "podman run --rm --network none busybox true" "$(tool_cmd podman) run --rm --network none busybox true" \
  "raw floor (overlay + unshare + chroot true)" "sh $F/run.sh"

# ---------------------------------------------------------------- (b) run -d / stop / rm

# The command stops on SIGTERM (a shell as PID 1 ignores it unless it traps it), so `stop`
# measures the runtime, not the stop timeout.
IDLE_CMD=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')
declare -A cycle_s
log "timing (b): $CYCLES run -d / stop / rm cycles per tool"
for ((c = 0; c < CYCLES; c++)); do
  for name in "${TOOLS[@]}"; do
    t0="$(now)"
    id="$(tool "$name" run -d $(run_flags "$name") busybox "${IDLE_CMD[@]}")"
    t1="$(now)"
    tool "$name" stop "$id" >/dev/null
    t2="$(now)"
    tool "$name" rm "$id" >/dev/null
    t3="$(now)"
    cycle_s[$name.run]+="$(calc "$t1 - $t0" "%.3f") "
    cycle_s[$name.stop]+="$(calc "$t2 - $t1" "%.3f") "
    cycle_s[$name.rm]+="$(calc "$t3 - $t2" "%.3f") "
    cycle_s[$name.all]+="$(calc "$t3 - $t0" "%.3f") "
  done
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }

# ---------------------------------------------------------------- (c) a burst of detached starts

declare -A burst_s burst_failed
log "timing (c): $BURST_ROUNDS bursts of $BURST parallel run -d per tool"
for ((r = 0; r < BURST_ROUNDS; r++)); do
  for name in "${TOOLS[@]}"; do
    rm -f "$T/burst.ids"
    t0="$(now)"
    for ((n = 0; n < BURST; n++)); do
      tool "$name" run -d $(run_flags "$name") busybox sleep 1000 >>"$T/burst.ids" 2>>"$T/burst.$name.err" &
    done
    wait || true
    t1="$(now)"
    # A failed start is counted (and its error kept for the log), not hidden.
    started="$(grep -c . "$T/burst.ids" || true)"
    burst_failed[$name]=$((${burst_failed[$name]:-0} + BURST - started))
    burst_s[$name]+="$(calc "$t1 - $t0" "%.3f") "
    if ((started > 0)); then tool "$name" rm -f $(cat "$T/burst.ids") >/dev/null; fi
    # docker and podman name a container in a failed burst: remove whatever is left.
    leftover="$(tool "$name" ps -aq)"
    if [[ -n "$leftover" ]]; then tool "$name" rm -f $leftover >/dev/null; fi
  done
done
for name in "${TOOLS[@]}"; do
  if [[ -s "$T/burst.$name.err" ]]; then log "$name: burst errors:"; sort "$T/burst.$name.err" | uniq -c | sort -rn | head -5 >&2; fi
done

# ---------------------------------------------------------------- (d) monitor memory

# kib FIELD FILE: N of a "FIELD:   N kB" line (/proc/PID/status, /proc/PID/smaps_rollup)
kib() { awk -v f="$1:" '$1 == f { print $2 }' "$2"; }
declare -A mem_rss mem_pss mem_name
log "measuring (d): the monitors of $IDLE idle containers per tool"
for name in "${TOOLS[@]}"; do
  ids=()
  for ((n = 0; n < IDLE; n++)); do ids+=("$(tool "$name" run -d $(run_flags "$name") busybox sleep 1000)"); done
  sleep 2
  rss=0 pss=0
  for id in "${ids[@]}"; do
    pid="$(tool "$name" inspect -f '{{.State.Pid}}' "$id")"
    parent="$(awk '$1 == "PPid:" { print $2 }' "/proc/$pid/status")"
    mem_name[$name]="$(cat "/proc/$parent/comm")"
    rss=$((rss + $(kib VmRSS "/proc/$parent/status")))
    pss=$((pss + $(kib Pss "/proc/$parent/smaps_rollup")))
  done
  mem_rss[$name]="$(calc "$rss / $IDLE / 1024")"
  mem_pss[$name]="$(calc "$pss / $IDLE / 1024")"
  tool "$name" rm -f "${ids[@]}" >/dev/null
done

# ---------------------------------------------------------------- (e) ps -a with many containers

log "populating (e): $COUNT created containers per tool (4 in parallel)"
declare -A rows
export -f tool berth pod docker
export B BERTH PODMAN DOCKER_BIN
for name in "${TOOLS[@]}"; do
  seq "$COUNT" | xargs -P 4 -I{} bash -c "tool $name create $(run_flags "$name") busybox true >/dev/null" || log "$name: some creates failed"
  rows[$name]="$(tool "$name" ps -a | tail -n +2 | wc -l)"
  log "$name ps -a: ${rows[$name]} rows"
done
log "timing (e): ps -a"
hyperfine_rounds "$T/ps.json" \
  "berth ps -a" "$(tool_cmd berth) ps -a" \
  "docker ps -a" "$(tool_cmd docker) ps -a" \
  "podman ps -a" "$(tool_cmd podman) ps -a"

# ---------------------------------------------------------------- the report

run_table() {
  local docker_med podman_med floor_med name med min max
  docker_med="$(median_of "$T/run.json" "docker run --rm --network none busybox true")"
  podman_med="$(median_of "$T/run.json" "podman run --rm --network none busybox true")"
  floor_med="$(median_of "$T/run.json" "raw floor (overlay + unshare + chroot true)")"
  printf 'command\tmedian (ms)\tmin-max (ms)\tvs docker\tvs podman\tvs floor\n'
  while IFS=$'\t' read -r name med min max; do
    printf '%s\t%s\t%s-%s\t%s\t%s\t%s\n' "$name" "$(ms "$med")" "$(ms "$min")" "$(ms "$max")" \
      "$(calc "$med / $docker_med")" "$(calc "$med / $podman_med")" "$(calc "$med / $floor_med")"
  done < <(jq -r '.[] | [.command, .median, .min, .max] | @tsv' "$T/run.json")
}

cycle_table() {
  local name
  printf 'tool (median of %s cycles, ms)\trun -d\tstop\trm\tcycle\tcycle vs docker\n' "$CYCLES"
  for name in "${TOOLS[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(ms "$(med "${cycle_s[$name.run]}")")" \
      "$(ms "$(med "${cycle_s[$name.stop]}")")" "$(ms "$(med "${cycle_s[$name.rm]}")")" \
      "$(ms "$(med "${cycle_s[$name.all]}")")" \
      "$(calc "$(med "${cycle_s[$name.all]}") / $(med "${cycle_s[docker.all]}")")"
  done
}

burst_table() {
  local name
  printf 'tool\t%s parallel run -d, median of %s (s)\truns (s)\tvs docker\tfailed starts\n' "$BURST" "$BURST_ROUNDS"
  for name in "${TOOLS[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s of %s\n' "$name" "$(med "${burst_s[$name]}")" "${burst_s[$name]% }" \
      "$(calc "$(med "${burst_s[$name]}") / $(med "${burst_s[docker]}")")" "${burst_failed[$name]}" "$((BURST * BURST_ROUNDS))"
  done
}

memory_table() {
  local name
  printf 'tool\tmonitor process\tRSS per container (MiB)\tPSS per container (MiB)\n'
  for name in "${TOOLS[@]}"; do
    printf '%s\t%s\t%s\t%s\n' "$name" "${mem_name[$name]}" "${mem_rss[$name]}" "${mem_pss[$name]}"
  done
}

ps_table() {
  local docker_med podman_med name med min max tool_name
  docker_med="$(median_of "$T/ps.json" "docker ps -a")"
  podman_med="$(median_of "$T/ps.json" "podman ps -a")"
  printf 'command\trows\tmedian (ms)\tmin-max (ms)\tvs docker\tvs podman\n'
  while IFS=$'\t' read -r name med min max; do
    tool_name="${name%% *}"
    printf '%s\t%s\t%s\t%s-%s\t%s\t%s\n' "$name" "${rows[$tool_name]}" "$(ms "$med")" "$(ms "$min")" "$(ms "$max")" \
      "$(calc "$med / $docker_med")" "$(calc "$med / $podman_med")"
  done < <(jq -r '.[] | [.command, .median, .min, .max] | @tsv' "$T/ps.json")
}

berth_run="$(median_of "$T/run.json" "berth run --rm --network none busybox true")"
docker_run="$(median_of "$T/run.json" "docker run --rm --network none busybox true")"
podman_run="$(median_of "$T/run.json" "podman run --rm --network none busybox true")"
floor_run="$(median_of "$T/run.json" "raw floor (overlay + unshare + chroot true)")"

cat <<EOF
#### containers, $(date '+%Y-%m-%d %H:%M %Z')

hyperfine $(hyperfine --version | awk '{ print $2 }'): $LIST_RUNS runs per command in $LIST_ROUNDS rounds of \`--warmup 2 --runs $((LIST_RUNS / LIST_ROUNDS))\`, the command
order rotated each round; medians over all runs; output discarded. Docker $(docker version -f '{{.Server.Version}}') ($DOCKERD_STORAGE_DRIVER), $(podman --version) (runc), ${berth_note}, SQLite.
Every container of every tool runs with \`--network none\` (its own loopback only).
Machine: $(machine_note).
At start: ${load_before}; at end: $(load_note).

$(run_table | print_table)

$(cycle_table | print_table)

$(burst_table | print_table)

$(memory_table | print_table)

$(ps_table | print_table)

Key ratios: berth run --rm / docker **$(calc "$berth_run / $docker_run")x** (target <= 1, stretch <= 0.5),
berth / podman **$(calc "$berth_run / $podman_run")x**, berth / raw floor **$(calc "$berth_run / $floor_run")x** (below 1: berth is faster).
EOF
