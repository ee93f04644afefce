#!/usr/bin/env bash
# The one command for a fresh Debian 12 host with Node 20, as root: install everything
# (infra/install.sh), then run the main job. Until the web console exists the main job
# is the CLI: a first `berth images` initializes BERTH_ROOT (default /var/lib/berth),
# which loads the busybox base archive, so it lists busybox:latest.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/infra/install.sh"
echo "==> berth images"
exec /usr/local/bin/berth images
