# Shared helpers for berth's benchmarks. Source it: `. "$(dirname "$0")/lib.sh"`.
#
# Everything a bench creates lives under one temp dir (bench_init), removed on exit unless
# BENCH_KEEP=1. Docker is a private dockerd (infra/test-services/dockerd.sh) and podman gets
# its own root, runroot and config files, so nothing touches the host's daemons or defaults.
# Nothing is pulled: images come from local archives only.
#
# Env: BENCH_TMP_BASE (default /var/tmp, the disk berth's default root lives on)
#      BENCH_KEEP=1 (keep the temp dir)
#      DOCKER_BIN (default /usr/bin/docker, Debian's 20.10 client that matches its dockerd)
#      BASE_IMAGE_TAR (default /usr/local/share/berth/busybox.tar)

set -euo pipefail
shopt -s inherit_errexit

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BERTH="$REPO_DIR/apps/cli/bin/berth"
DOCKERD_SH="$REPO_DIR/infra/test-services/dockerd.sh"
DOCKER_BIN="${DOCKER_BIN:-/usr/bin/docker}"
BASE_IMAGE_TAR="${BASE_IMAGE_TAR:-/usr/local/share/berth/busybox.tar}"

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- temp dir and cleanup

BENCH_CLEANUPS=()

# on_exit CMD...: run CMD (as one eval'd string) at exit, last registered first.
on_exit() { BENCH_CLEANUPS+=("$*"); }

run_cleanups() {
  local i
  for ((i = ${#BENCH_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${BENCH_CLEANUPS[i]}" || log "cleanup failed: ${BENCH_CLEANUPS[i]}"
  done
  BENCH_CLEANUPS=()
}

# bench_init NAME: create BENCH_TMP (short path: containerd's socket path must stay < 108 bytes).
bench_init() {
  BENCH_TMP="$(mktemp -d "${BENCH_TMP_BASE:-/var/tmp}/bb-$1.XXXXXX")"
  trap 'run_cleanups' EXIT
  trap 'exit 130' INT TERM
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
    on_exit "log 'kept $BENCH_TMP'"
  else
    on_exit "rm -rf '$BENCH_TMP'"
  fi
  log "working in $BENCH_TMP"
}

require() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
}

# ---------------------------------------------------------------- berth

ensure_berth_built() {
  [[ -f "$REPO_DIR/apps/cli/dist/main.cjs" ]] && return 0
  log "apps/cli/dist is missing: building"
  (cd "$REPO_DIR" && pnpm turbo run build >&2)
}

# berth_run_dir ROOT: berth's runtime dir for ROOT (/run/berth/<first 12 hex of sha256(root)>).
berth_run_dir() { printf '/run/berth/%s' "$(printf %s "$1" | sha256sum | cut -c1-12)"; }

# berth_fresh_root DIR: a new, initialized BERTH_ROOT (the one-time migration and base-image
# load happen here, untimed). Prints nothing; removed with its runtime dir at exit.
berth_fresh_root() {
  local root="$1"
  mkdir -p "$root"
  on_exit "berth_remove_root '$root'"
  BERTH_ROOT="$root" "$BERTH" images -q >/dev/null
}

# berth_build_note: the commit the checkout is at, and whether its tree differs (other engineers
# work in the same checkout, so dist/ may hold uncommitted code).
berth_build_note() {
  local dirty
  dirty="$(git -C "$REPO_DIR" status --porcelain -- apps packages 2>/dev/null | wc -l)"
  printf 'berth %s' "$(git -C "$REPO_DIR" rev-parse --short HEAD)"
  if ((dirty > 0)); then printf ' (+%s uncommitted paths under apps/ packages/)' "$dirty"; fi
}

berth_remove_root() {
  rm -rf -- "$1" "$(berth_run_dir "$1")"
}

# ---------------------------------------------------------------- docker (private dockerd)

# dockerd_start DIR: start a private dockerd under DIR; exports DOCKER_HOST; stopped at exit.
dockerd_start() {
  local dir="$1" line
  mkdir -p "$dir"
  on_exit "bash '$DOCKERD_SH' stop '$dir' >/dev/null 2>&1"
  while IFS= read -r line; do
    case "$line" in
      DOCKER_HOST=*) export DOCKER_HOST="${line#DOCKER_HOST=}" ;;
      DOCKERD_STORAGE_DRIVER=*) DOCKERD_STORAGE_DRIVER="${line#*=}" ;;
    esac
  done < <(bash "$DOCKERD_SH" start "$dir")
  [[ -n "${DOCKER_HOST:-}" ]] || die "private dockerd did not start (see $dir/dockerd.log)"
  log "private dockerd at $DOCKER_HOST (storage driver $DOCKERD_STORAGE_DRIVER)"
}

docker() { "$DOCKER_BIN" "$@"; }

# ---------------------------------------------------------------- podman (private root)

# podman_env DIR: config files and storage under DIR; sets PODMAN (an argv prefix string)
# and exports CONTAINERS_CONF / CONTAINERS_STORAGE_CONF so host defaults are never read.
podman_env() {
  local dir="$1"
  mkdir -p "$dir/root" "$dir/run" "$dir/tmp"
  cat >"$dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
tmp_dir = "$dir/tmp"
EOF
  cat >"$dir/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$dir/root"
runroot = "$dir/run"
EOF
  export CONTAINERS_CONF="$dir/containers.conf"
  export CONTAINERS_STORAGE_CONF="$dir/storage.conf"
  PODMAN="podman --root $dir/root --runroot $dir/run"
  # overlay mounts podman may leave behind
  on_exit "podman_cleanup '$dir'"
}

podman_cleanup() {
  local dir="$1" _ mnt
  $PODMAN system reset --force >/dev/null 2>&1 || true
  while read -r _ _ _ _ mnt _; do
    if [[ "$mnt" == "$dir"/* ]]; then umount -l "$mnt" 2>/dev/null || true; fi
  done </proc/self/mountinfo
}

pod() { $PODMAN "$@"; }

# ---------------------------------------------------------------- timing and numbers

# now: seconds since the epoch with nanoseconds
now() { date +%s.%N; }

# timed_sync CMD...: run CMD, then sync; sets ELAPSED to the seconds taken (CMD's stdout goes
# to stderr; a failing CMD ends the script). The trailing sync is inside the timing so that a
# tool that leaves its writes in the page cache is not favoured over one that fsyncs; a sync
# before the start flushes what earlier steps left dirty.
timed_sync() {
  local t0 t1
  sync
  t0="$(now)"
  "$@" >&2
  sync
  t1="$(now)"
  ELAPSED="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
}

# median: the median of the numbers on stdin, one per line.
median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
    else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
  }'
}

# calc EXPR [FMT]: evaluate an awk arithmetic expression.
calc() { awk "BEGIN { printf \"${2:-%.2f}\\n\", $1 }"; }

# load_note: the load average and core count, for the tables.
load_note() {
  local one five fifteen _
  read -r one five fifteen _ </proc/loadavg
  printf 'load average %s / %s / %s (1/5/15 min) on %s cores' "$one" "$five" "$fifteen" "$(nproc)"
}

# machine_note: kernel, CPU model, memory and the file system the temp dir is on.
machine_note() {
  local cpu mem fs
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  mem="$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  fs="$(df -PT "${BENCH_TMP:-/var/tmp}" | awk 'NR == 2 { print $2 " on " $1 }')"
  printf '%s, %s cores (%s), %s RAM, temp dir on %s' "$(uname -r)" "$(nproc)" "$cpu" "$mem" "$fs"
}

# print_table: tab-separated rows on stdin (first row = header) as an aligned markdown table;
# cells that look like numbers are right-aligned, the rest left-aligned.
print_table() {
  awk -F'\t' '
    { rows[NR] = $0; if (NF > cols) cols = NF
      for (i = 1; i <= NF; i++) if (length($i) > w[i]) w[i] = length($i) }
    END {
      for (r = 1; r <= NR; r++) {
        n = split(rows[r], c, "\t"); line = "|"
        for (i = 1; i <= cols; i++) {
          cell = (i <= n) ? c[i] : ""
          if (r > 1 && cell ~ /^[-+0-9.x%]+$/) line = line sprintf(" %*s |", w[i], cell)
          else line = line sprintf(" %-*s |", w[i], cell)
        }
        print line
        if (r == 1) {
          line = "|"
          for (i = 1; i <= cols; i++) { d = ""; for (k = 0; k < w[i]; k++) d = d "-"; line = line " " d " |" }
          print line
        }
      }
    }'
}

# ---------------------------------------------------------------- hyperfine

# hyperfine_rounds OUT NAME CMD [NAME CMD]...: LIST_ROUNDS hyperfine invocations (globals the
# caller sets) of --warmup 2 --runs (LIST_RUNS / LIST_ROUNDS), the command order rotated by one each round, so
# that a change in the machine's load does not land on one tool only. Writes OUT (JSON: one
# entry per command, in the order given, with all its times, median, min and max).
hyperfine_rounds() {
  local out="$1" round i k count per_round
  shift
  local -a names=() commands=() args=()
  while (($#)); do names+=("$1"); commands+=("$2"); shift 2; done
  count="${#names[@]}"
  per_round=$((LIST_RUNS / LIST_ROUNDS))
  for ((round = 0; round < LIST_ROUNDS; round++)); do
    args=()
    for ((i = 0; i < count; i++)); do
      k=$(((i + round) % count))
      args+=(-n "${names[k]}" "${commands[k]}")
    done
    log "hyperfine round $((round + 1)) of $LIST_ROUNDS ($(load_note))"
    hyperfine --style basic --warmup 2 --runs "$per_round" --export-json "$out.$round" "${args[@]}" >&2
  done
  printf '%s\n' "${names[@]}" | jq -R . | jq -s --slurpfile runs <(cat "$out".*) '
    def median: sort | if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    [$runs[].results[]] as $all
    | map(. as $name | ([$all[] | select(.command == $name) | .times[]]) as $t
          | { command: $name, times: $t, median: ($t | median), min: ($t | min), max: ($t | max) })' >"$out"
}

# median_of JSON NAME: hyperfine's median in seconds
median_of() { jq -r --arg n "$2" '.[] | select(.command == $n) | .median' "$1"; }
ms() { calc "$1 * 1000" "%.0f"; }
