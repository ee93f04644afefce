#!/usr/bin/env bash
# Run every bench and append their tables to bench/README.md under a dated heading.
#
#   bench/run-all.sh               (as root; about 20 minutes on a quiet 2-core machine, an hour on a busy one)
#
# A bench that fails is recorded as failed, with the last lines of its log; the others still run.
# BENCH_NO_APPEND=1 prints the section instead of appending it.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
README="$BENCH_DIR/README.md"
out="$(mktemp -d "${BENCH_TMP_BASE:-/var/tmp}/bb-all.XXXXXX")"
trap 'rm -rf "$out"' EXIT

{
  echo
  echo "### Run of $(date '+%Y-%m-%d %H:%M %Z'), commit $(git -C "$BENCH_DIR" rev-parse --short HEAD)"
  echo
} >"$out/section.md"

for bench in save-load images-list containers build network; do
  echo "== $bench" >&2
  set +e
  bash "$BENCH_DIR/$bench.sh" 2>&1 >"$out/$bench.md" | tee "$out/$bench.log" >&2
  status="${PIPESTATUS[0]}"
  set -e
  if ((status == 0)); then
    cat "$out/$bench.md" >>"$out/section.md"
  else
    {
      echo "#### $bench: FAILED (exit $status)"
      echo
      echo '```'
      tail -n 15 "$out/$bench.log"
      echo '```'
    } >>"$out/section.md"
  fi
  echo >>"$out/section.md"
done

if [[ "${BENCH_NO_APPEND:-0}" == 1 ]]; then
  cat "$out/section.md"
else
  cat "$out/section.md" >>"$README"
  echo "appended to $README" >&2
fi
