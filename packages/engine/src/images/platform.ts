/** Go's GOARCH name for this machine, as image configs spell it. */
export function goArchitecture(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };
  return names[arch] ?? arch;
}

