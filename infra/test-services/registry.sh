#!/usr/bin/env bash
# A throwaway OCI registry (Debian's docker-registry) on loopback, for pull/push tests.
#
#   registry.sh start <dir> [port]   start it (or find it running); port 0 or none = a free
#                                    one. Prints on stdout
#                                      REGISTRY=127.0.0.1:<port>
#                                      REGISTRY_PID=<pid>
#   registry.sh stop <dir>           stop it; keeps <dir> (config.yml, data/, registry.log)
#
# Plain HTTP, no auth, deletes enabled; 127.0.0.0/8 counts as an insecure registry for
# docker, so it needs no daemon configuration.
set -euo pipefail

usage() { echo "usage: $0 start <dir> [port] | stop <dir>" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
action="$1"
dir="$(realpath -m -- "$2")"
port="${3:-0}"
pidfile="$dir/pid"
config="$dir/config.yml"

log() { echo "registry.sh: $*" >&2; }

pid_of() { # the registry's pid if it is alive and serves this dir
  local pid
  pid="$(cat "$pidfile" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$config"
  echo "$pid"
}

answers() { # GET /v2/ answers 200 (bash's /dev/tcp: no curl needed)
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  read -r -t 2 _ status _ <&3 || status=""
  exec 3<&- 3>&-
  [[ "$status" == 200 ]]
}

config_port() { sed -n 's/^ *addr: 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$config" 2>/dev/null; }

stop() {
  local pid
  if pid="$(pid_of)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case "$action" in
  start)
    if pid="$(pid_of)" && answers "$(config_port)"; then
      echo "REGISTRY=127.0.0.1:$(config_port)"
      echo "REGISTRY_PID=$pid"
      exit 0
    fi
    stop
    if [[ "$port" == 0 ]]; then
      port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    fi
    mkdir -p "$dir/data"
    cat >"$config" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: berth-test-registry
EOF
    log "starting docker-registry on 127.0.0.1:$port in $dir"
    setsid docker-registry serve "$config" </dev/null >>"$dir/registry.log" 2>&1 &
    pid=$!
    echo "$pid" >"$pidfile"
    for _ in $(seq 100); do
      if answers "$port" && grep -qF "listening on 127.0.0.1:$port" "$dir/registry.log"; then
        echo "REGISTRY=127.0.0.1:$port"
        echo "REGISTRY_PID=$pid"
        log "ready"
        exit 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    log "docker-registry did not come up; last lines of $dir/registry.log:"
    tail -n 20 "$dir/registry.log" >&2
    stop
    exit 1
    ;;
  stop)
    stop
    log "stopped"
    ;;
  *) usage ;;
esac
