import type { VersionInfo } from "@berth/core";

export function formatVersion(info: VersionInfo): string {
  return [
    `Version:       ${info.version}`,
    `Git commit:    ${info.gitCommit}`,
    `Node version:  ${info.node}`,
    `OS/Arch:       ${info.os}/${info.arch}`,
    "",
  ].join("\n");
}

/** The object `version --format` templates see; `.Client` keeps docker scripts working. */
export function versionTemplateData(info: VersionInfo) {
  const fields = { Version: info.version, GitCommit: info.gitCommit, NodeVersion: info.node, Os: info.os, Arch: info.arch };
  return { ...fields, Client: fields };
}
