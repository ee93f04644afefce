#!/usr/bin/env bash
# Proves build-busybox.sh is deterministic and writes the Docker 25+ save layout:
# two builds in different environments (umask, time zone, temp dir, a second
# apart) give byte-identical archives, and the archive is self-consistent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "test-deterministic: FAIL: $*" >&2; exit 1; }

mkdir -p "$work/tmp-a" "$work/tmp-b" "$work/x"
id_a="$(umask 022 && TZ=UTC TMPDIR="$work/tmp-a" bash "$here/build-busybox.sh" "$work/a.tar")"
sleep 1
id_b="$(umask 077 && TZ=Pacific/Kiritimati TMPDIR="$work/tmp-b" bash "$here/build-busybox.sh" "$work/b.tar")"

sum_a="$(sha256sum <"$work/a.tar")"
sum_b="$(sha256sum <"$work/b.tar")"
[[ "$sum_a" == "$sum_b" ]] || fail "two builds differ: ${sum_a%% *} vs ${sum_b%% *}"
[[ "$id_a" == "$id_b" ]] || fail "image IDs differ: $id_a vs $id_b"
echo "ok: two builds are byte-identical (sha256 ${sum_a%% *})"

# Every archive member: owner 0/0 and one fixed mtime.
tar --list --verbose --numeric-owner --full-time --file "$work/a.tar" >"$work/list"
awk '$2 != "0/0" { bad = 1 } END { exit bad }' "$work/list" || fail "a member is not owned by 0/0"
[[ "$(awk '{ print $4, $5 }' "$work/list" | sort -u | wc -l)" == 1 ]] || fail "members have different mtimes"

tar --extract --file "$work/a.tar" --directory "$work/x"
for f in index.json manifest.json oci-layout repositories; do
  [[ -f "$work/x/$f" ]] || fail "missing $f"
done
for blob in "$work"/x/blobs/sha256/*; do
  [[ "$(sha256sum <"$blob")" == "$(basename "$blob")  -" ]] || fail "blob $(basename "$blob") does not hash to its name"
done

node --input-type=module - "$work/x" "$id_a" <<'EOF' || fail "layout check failed"
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
const [dir, imageId] = process.argv.slice(2);
const read = (p) => readFileSync(`${dir}/${p}`);
const assert = (ok, what) => { if (!ok) { console.error(what); process.exit(1); } };

const manifestJson = read("manifest.json").toString();
assert(manifestJson.endsWith("]\n"), "manifest.json must end with a newline");
const [entry, ...rest] = JSON.parse(manifestJson);
assert(rest.length === 0, "manifest.json must hold one image");
assert(JSON.stringify(entry.RepoTags) === '["busybox:latest"]', "RepoTags");
assert(entry.Config === `blobs/sha256/${imageId.slice(7)}`, "Config path is the image ID");

const config = JSON.parse(read(entry.Config));
assert(config.architecture && config.os === "linux", "platform");
assert(JSON.stringify(config.config.Cmd) === '["sh"]', "Cmd");
assert(config.rootfs.type === "layers" && config.rootfs.diff_ids.length === 1, "rootfs");
assert(entry.Layers[0] === `blobs/sha256/${config.rootfs.diff_ids[0].slice(7)}`, "layer named by DiffID");
assert(config.history.length === 2 && config.history[1].empty_layer === true, "history");
assert(read(entry.Config).toString() === JSON.stringify(config), "config is compact JSON");

const index = JSON.parse(read("index.json"));
assert(index.manifests.length === 1, "one index descriptor");
const [desc] = index.manifests;
assert(desc.annotations["io.containerd.image.name"] === "docker.io/library/busybox:latest", "index name");
assert(desc.annotations["org.opencontainers.image.ref.name"] === "latest", "index ref name");
const manifest = JSON.parse(read(`blobs/sha256/${desc.digest.slice(7)}`));
assert(manifest.config.digest === imageId, "manifest config digest is the image ID");
assert(manifest.layers[0].digest === config.rootfs.diff_ids[0], "manifest layer digest");
assert(JSON.parse(read("oci-layout")).imageLayoutVersion === "1.0.0", "oci-layout");
assert(JSON.parse(read("repositories")).busybox.latest === config.rootfs.diff_ids[0].slice(7), "repositories");

// The layer: the rootfs the recipe promises, with no time records in PAX headers.
const layerPath = `${dir}/${entry.Layers[0]}`;
const layer = readFileSync(layerPath).toString("latin1");
assert(!/\d+ (a|c|m)time=/.test(layer), "PAX time records in the layer");
const list = execFileSync("tar", ["--list", "--verbose", "--numeric-owner", "--file", layerPath]).toString();
const modeOf = (name) => list.split("\n").find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `))?.split(" ")[0];
assert(modeOf("bin/busybox") === "-rwxr-xr-x", "bin/busybox 0755");
assert(modeOf("tmp/") === "drwxrwxrwt", "tmp 1777");
assert(modeOf("root/") === "drwx------", "root 0700");
for (const d of ["etc/", "proc/", "sys/", "dev/", "var/", "home/"]) assert(modeOf(d) === "drwxr-xr-x", `${d} 0755`);
assert(list.includes(" bin/sh -> busybox\n"), "bin/sh links to busybox");
const passwd = execFileSync("tar", ["--extract", "--to-stdout", "--file", layerPath, "etc/passwd"]).toString();
assert(passwd.startsWith("root:x:0:0:root:/root:/bin/sh\n") && passwd.includes(":65534:65534:"), "passwd");
const applets = execFileSync("/bin/busybox", ["--list-full"]).toString().trim().split("\n");
for (const a of applets) assert(list.includes(` ${a} -> `) || a === "bin/busybox", `applet link ${a}`);
EOF
echo "ok: layout, digests, config, rootfs and applet links ($id_a)"
