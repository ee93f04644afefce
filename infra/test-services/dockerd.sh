#!/usr/bin/env bash
# A throwaway, private Docker daemon for interop tests.
#
#   dockerd.sh start <dir>   start it (or find it running); prints on stdout
#                              DOCKER_HOST=unix://<dir>/docker.sock
#                              DOCKERD_PID=<pid>
#                              DOCKERD_STORAGE_DRIVER=overlay2|vfs
#   dockerd.sh stop <dir>    stop it, kill what it left running, unmount what it left
#                            under <dir>, remove its cgroups; keeps the files in <dir>
#                            (dockerd.log among them) for the caller to read or delete
#
# Everything lives under <dir>: data/ (--data-root), exec/ (--exec-root, with its own
# containerd), pid, docker.sock, daemon.json, dockerd.log. No bridge, no iptables rules,
# no IP forwarding, a cgroup parent of its own, and pulls from outside loopback fail
# at once (a dead proxy), so a test can never fetch from a public registry.
# Env: DOCKERD_STORAGE_DRIVER (default: overlay2, then vfs if overlay2 fails),
#      DOCKERD_USERLAND_PROXY=true (docker-proxy publishes -p ports on a user network that the
#        test made with `docker network create`: still no iptables rules; default false),
#      DOCKER_BIN (default /usr/bin/docker, Debian's client), DOCKERD_START_TIMEOUT (60 s).
set -euo pipefail

usage() { echo "usage: $0 start|stop <dir>" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action="$1"
dir="$(realpath -m -- "$2")"
sock="$dir/docker.sock"
pidfile="$dir/pid"
cgroup_parent="dockerd-test-$(printf %s "$dir" | sha256sum | cut -c1-12)"
docker_bin="${DOCKER_BIN:-/usr/bin/docker}"
[[ -x "$docker_bin" ]] || docker_bin="$(command -v docker)"

log() { echo "dockerd.sh: $*" >&2; }
answers() { "$docker_bin" -H "unix://$sock" info >/dev/null 2>&1; }

# pid_of FILE: the pid in FILE if that process is alive and belongs to this dir.
pid_of() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$dir/"
  echo "$pid"
}

# This instance's daemons: dockerd, containerd and shims whose command line names <dir>.
pids_naming_dir() {
  local f pid comm
  for f in /proc/[0-9]*/comm; do
    { read -r comm <"$f"; } 2>/dev/null || continue
    case "$comm" in dockerd | containerd | containerd-shim*) ;; *) continue ;; esac
    pid="${f#/proc/}"; pid="${pid%/comm}"
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- " $dir/" && echo "$pid"
  done
  return 0
}

cgroup_dirs() { find /sys/fs/cgroup -maxdepth 2 -type d -name "$cgroup_parent" 2>/dev/null || true; }

mounts_under_dir() { # deepest first; mountinfo escapes spaces and such as \040
  local _ mnt
  while read -r _ _ _ _ mnt _; do
    printf -v mnt '%b' "$mnt"
    if [[ "$mnt" == "$dir"/* ]]; then echo "$mnt"; fi
  done </proc/self/mountinfo | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2-
}

is_alive() { # a zombie counts as gone: its parent may never reap it
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "${stat##*) }" != Z* ]]
}

wait_gone() { # wait_gone SECONDS PID...
  local deadline=$((SECONDS + $1)); shift
  while ((SECONDS < deadline)); do
    local alive=0 pid
    for pid in "$@"; do is_alive "$pid" && alive=1; done
    ((alive)) || return 0
    sleep 0.2
  done
  return 1
}

kill_containers() { # everything in this instance's cgroups: nothing here is worth a graceful stop
  local cg
  for cg in $(cgroup_dirs); do
    find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  done
}

cleanup() {
  local pid pids=() cg mnt
  kill_containers
  if pid="$(pid_of "$pidfile")"; then
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone 30 "$pid" || { log "dockerd did not stop in 30 s, killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  # a killed dockerd leaves its containerd and shims; containers keep running in our cgroups
  mapfile -t pids < <(pids_naming_dir)
  if ((${#pids[@]})); then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait_gone 10 "${pids[@]}" || kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  kill_containers
  for _ in 1 2 3; do
    mnt="$(mounts_under_dir)"
    [[ -n "$mnt" ]] || break
    while IFS= read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done <<<"$mnt"
  done
  [[ -z "$(mounts_under_dir)" ]] || { log "mounts left under $dir:"; mounts_under_dir >&2; return 1; }
  for cg in $(cgroup_dirs); do
    find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  rm -f "$pidfile" "$sock"
}

start_with() { # start_with DRIVER -> 0 when it answers
  local driver="$1" pid
  log "starting dockerd in $dir (storage driver $driver)"
  HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.0/8,::1 \
    setsid dockerd \
    --config-file "$dir/daemon.json" \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$pidfile" \
    -H "unix://$sock" --storage-driver "$driver" \
    --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    --userland-proxy="${DOCKERD_USERLAND_PROXY:-false}" --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$cgroup_parent" \
    </dev/null >>"$dir/dockerd.log" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + ${DOCKERD_START_TIMEOUT:-60}))
  while ((SECONDS < deadline)); do
    if answers; then
      echo "DOCKER_HOST=unix://$sock"
      echo "DOCKERD_PID=$pid"
      echo "DOCKERD_STORAGE_DRIVER=$driver"
      log "ready"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "dockerd exited while starting with $driver"; cleanup; return 1; }
    sleep 0.2
  done
  log "dockerd did not answer within ${DOCKERD_START_TIMEOUT:-60} s"
  cleanup
  return 1
}

case "$action" in
  start)
    if pid="$(pid_of "$pidfile")" && answers; then
      echo "DOCKER_HOST=unix://$sock"
      echo "DOCKERD_PID=$pid"
      echo "DOCKERD_STORAGE_DRIVER=$("$docker_bin" -H "unix://$sock" info --format '{{.Driver}}')"
      exit 0
    fi
    # containerd's sockets live under exec/containerd/; unix socket paths stop at 107 bytes
    longest_socket="$dir/exec/containerd/containerd.sock.ttrpc"
    if ((${#longest_socket} > 107)); then
      log "directory path too long for containerd's socket (keep it under 70 characters): $dir"
      exit 1
    fi
    cleanup # what a crashed earlier instance left
    mkdir -p "$dir/data" "$dir/exec"
    echo '{}' >"$dir/daemon.json"
    for driver in ${DOCKERD_STORAGE_DRIVER:-overlay2 vfs}; do
      start_with "$driver" && exit 0
    done
    log "could not start dockerd; last lines of $dir/dockerd.log:"
    tail -n 20 "$dir/dockerd.log" >&2
    exit 1
    ;;
  stop)
    cleanup
    log "stopped"
    ;;
  *) usage ;;
esac
