#!/usr/bin/env bash
# `build` cold (--no-cache) and warm (fully cached): berth next to docker's classic builder and
# podman (buildah), same Dockerfile, same 50 MB context.
#
#   bench/build.sh          prints a markdown section (table + key ratios) on stdout
#
# The Dockerfile has 12 instructions: FROM, metadata steps (ENV, WORKDIR, LABEL, EXPOSE, USER,
# CMD), a COPY of the context's 50 MB (make-context.mjs), and three RUN steps writing a few MB.
# Each round times, in this order, docker, podman and berth: one cold build (--no-cache), then
# one warm build of the unchanged input. BENCH_BUILD_RUNS rounds (default 3); medians reported.
# RUN steps get no network (--network none for all three: loopback only). See lib.sh for the environment it honours. Progress goes to stderr.
. "$(dirname "$0")/lib.sh"

RUNS="${BENCH_BUILD_RUNS:-3}"

require podman tar
ensure_berth_built
bench_init bd
T="$BENCH_TMP"
load_before="$(load_note)"
berth_note="$(berth_build_note)"

log "writing the 50 MB context"
mkdir -p "$T/ctx"
node "$BENCH_DIR/make-context.mjs" "$T/ctx/data" 50 >&2
rm -f "$T/ctx/data/Dockerfile"
cat >"$T/ctx/Dockerfile" <<'DOCKERFILE'
FROM busybox:latest
ENV APP=/app
WORKDIR /app
COPY data/ /app/data/
RUN dd if=/dev/urandom of=/app/r1 bs=1M count=2 2>/dev/null
LABEL bench=build
RUN dd if=/dev/urandom of=/app/r2 bs=1M count=2 2>/dev/null
ENV MODE=bench
RUN mkdir -p /app/logs && echo ready > /app/logs/state
EXPOSE 8000
USER 0:0
CMD ["sh"]
DOCKERFILE

dockerd_start "$T/docker"
docker load -q -i "$BASE_IMAGE_TAR" >&2
podman_env "$T/podman"
pod load -q -i "$BASE_IMAGE_TAR" >&2
berth_fresh_root "$T/berth"

docker_build() { DOCKER_BUILDKIT=0 docker build -q --network none "$@" -t localhost/bench:build "$T/ctx"; }
podman_build() { pod build -q --layers --network none "$@" -t localhost/bench:build "$T/ctx"; }
berth_build() { BERTH_ROOT="$T/berth" "$BERTH" build -q --network none "$@" -t localhost/bench:build "$T/ctx"; }

declare -A times
for ((round = 1; round <= RUNS; round++)); do
  for tool in docker podman berth; do
    timed_sync "${tool}_build" --no-cache
    cold="$ELAPSED"
    times[$tool cold]+="$cold"$'\n'
    timed_sync "${tool}_build"
    times[$tool warm]+="$ELAPSED"$'\n'
    log "round $round: $tool cold $cold s, warm $ELAPSED s"
  done
done

med() { printf '%s' "${times[$1]}" | grep . | median; }
printf 'tool\tcold build (s, median)\twarm build (s, median)\n' >"$T/table"
for tool in docker podman berth; do printf '%s\t%s\t%s\n' "$tool" "$(med "$tool cold")" "$(med "$tool warm")" >>"$T/table"; done
cold_ratio="$(calc "$(med "berth cold") / $(med "docker cold")")"
warm_ratio="$(calc "$(med "berth warm") / $(med "docker warm")")"

cat <<EOF2
### build.sh — $(date -u +%F) — $berth_note

12-instruction Dockerfile (3 RUN writing 4 MB, a 50 MB COPY, metadata steps), $RUNS rounds;
$(machine_note); before: $load_before; after: $(load_note).

$(print_table <"$T/table")

Key ratios: berth/docker cold **${cold_ratio}x**, warm **${warm_ratio}x** (target <= 1 for both).
EOF2
