#!/usr/bin/env bash
# HTTP through a published port, berth next to docker, and container start time with and
# without networking. Prints a markdown section on stdout, progress on stderr.
#
# berth: `run -d -p PORT:8000 busybox httpd` on its default bridge (DNAT by iptables, the port
# held by a holder process). docker: a private dockerd with its userland proxy on (the only way
# it publishes without touching the host's iptables), the same busybox image and command on a
# `docker network create` bridge, `-p PORT:8000`. wrk on 127.0.0.1 only, bounded in time.
# Start time: `berth run --rm busybox true` with the default bridge vs `--network none`.
#
# Env: BENCH_WRK_SECONDS (default 10), BENCH_WRK_CONNECTIONS (default 10), BENCH_NET_ROUNDS
#      (default 3: wrk rounds per tool, alternating), BENCH_START_RUNS (default 10).
. "$(dirname "$0")/lib.sh"

require wrk hyperfine
WRK_SECONDS="${BENCH_WRK_SECONDS:-10}"
WRK_CONNECTIONS="${BENCH_WRK_CONNECTIONS:-10}"
ROUNDS="${BENCH_NET_ROUNDS:-3}"
START_RUNS="${BENCH_START_RUNS:-10}"

bench_init network
ensure_berth_built
started_load="$(load_note)"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
HTTPD_CMD=(sh -c 'mkdir -p /www && seq 1 64 > /www/index.html && exec httpd -f -p 8000 -h /www')

export BERTH_ROOT="$BENCH_TMP/berth"
berth_fresh_root "$BERTH_ROOT"
berth_port="$(free_port)"
"$BERTH" run -d --name web -p "$berth_port:8000" busybox "${HTTPD_CMD[@]}" >/dev/null
on_exit "BERTH_ROOT='$BERTH_ROOT' '$BERTH' rm -f web >/dev/null 2>&1"

export DOCKERD_USERLAND_PROXY=true
dockerd_start "$BENCH_TMP/docker"
docker load -i "$BASE_IMAGE_TAR" >/dev/null
docker network create bench >/dev/null
docker_port="$(free_port)"
docker run -d --name web --network bench -p "127.0.0.1:$docker_port:8000" busybox:latest "${HTTPD_CMD[@]}" >/dev/null
on_exit "'$DOCKER_BIN' rm -f web >/dev/null 2>&1; '$DOCKER_BIN' network rm bench >/dev/null 2>&1"

wait_up() { for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; die "nothing answers on $1"; }
wait_up "$berth_port"
wait_up "$docker_port"

# wrk_once PORT: "requests/s<TAB>avg latency ms<TAB>errors"
wrk_once() {
  local out rps latency unit errors
  out="$(wrk -t1 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency "http://127.0.0.1:$1/")"
  rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
  read -r latency unit < <(awk '/^    Latency/ { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v); print v, u }' <<<"$out")
  case "$unit" in us) latency="$(calc "$latency / 1000" %.3f)" ;; s) latency="$(calc "$latency * 1000" %.3f)" ;; esac
  errors="$(awk '/Socket errors|Non-2xx/ { n++ } END { print n + 0 }' <<<"$out")"
  printf '%s\t%s\t%s\n' "$rps" "$latency" "$errors"
}

declare -A RPS LAT ERR
med() { printf '%s' "$1" | median; }
for ((round = 1; round <= ROUNDS; round++)); do
  for tool in berth docker; do
    port="$berth_port"; [[ "$tool" == docker ]] && port="$docker_port"
    log "wrk round $round: $tool (port $port)"
    IFS=$'\t' read -r rps latency errors < <(wrk_once "$port")
    RPS[$tool]+="$rps"$'\n'; LAT[$tool]+="$latency"$'\n'; ERR[$tool]+="$errors"$'\n'
  done
done

log "start time: berth run --rm with and without networking"
hyperfine --warmup 1 --runs "$START_RUNS" --export-json "$BENCH_TMP/start.json" \
  "BERTH_ROOT='$BERTH_ROOT' '$BERTH' run --rm busybox true" \
  "BERTH_ROOT='$BERTH_ROOT' '$BERTH' run --rm --network none busybox true" >&2
read -r start_bridge start_none < <(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
  console.log(r.map((x) => Math.round(x.median * 1000)).join(" "))' "$BENCH_TMP/start.json")

berth_rps="$(med "${RPS[berth]}")"; docker_rps="$(med "${RPS[docker]}")"
berth_lat="$(med "${LAT[berth]}")"; docker_lat="$(med "${LAT[docker]}")"

cat <<MD
#### HTTP through a published port, $(date -u '+%Y-%m-%d %H:%M') UTC

busybox httpd serving a 175-byte page in a container; \`wrk -t1 -c$WRK_CONNECTIONS -d${WRK_SECONDS}s\`
on 127.0.0.1, $ROUNDS rounds per tool alternating, median shown. $(berth_build_note):
default bridge, iptables DNAT (route_localnet). Docker $("$DOCKER_BIN" version -f '{{.Server.Version}}'):
private daemon, docker-proxy (its iptables NAT is off in the test daemon), user bridge network.
Machine: $(machine_note). At start: $started_load; at end: $(load_note).

MD
{
  printf 'tool\trequests/s (median)\tavg latency ms (median)\tsocket errors\trounds (req/s)\n'
  for tool in berth docker; do
    printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$(med "${RPS[$tool]}")" "$(med "${LAT[$tool]}")" \
      "$(awk '{ s += $1 } END { print s + 0 }' <<<"${ERR[$tool]}")" "$(printf '%s' "${RPS[$tool]}" | tr '\n' ' ' | sed 's/ $//')"
  done
} | print_table
cat <<MD

berth/docker requests per second: **$(calc "$berth_rps / $docker_rps")x** (target >= 1), latency
berth $berth_lat ms vs docker $docker_lat ms.

Start time (\`hyperfine --warmup 1 --runs $START_RUNS\`, median): \`berth run --rm busybox true\`
$start_bridge ms with the default bridge (veth, lease, rules), $start_none ms with \`--network none\`.
MD
