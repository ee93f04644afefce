/** Go's path.Clean for `/`-separated paths: no `.`/`..` segments, no doubled or trailing slash. */
export function cleanPosixPath(path: string): string {
  if (path === "") return ".";
  const isAbsolute = path.startsWith("/");
  const parts: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") parts.push(segment);
    else if (parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else if (!isAbsolute) parts.push("..");
  }
  const joined = parts.join("/");
  if (isAbsolute) return `/${joined}`;
  return joined === "" ? "." : joined;
}

/** Go's path.Join: the non-empty elements joined with `/`, then cleaned. */
export function joinPosixPath(...elements: string[]): string {
  const nonEmpty = elements.filter((element) => element !== "");
  return nonEmpty.length === 0 ? "" : cleanPosixPath(nonEmpty.join("/"));
}
