import { invalidArgument } from "../errors.js";

// `-u` against the container's /etc/passwd and /etc/group, as runc's libcontainer/user
// GetExecUser and docker's getUser do it. The engine reads the two files (in-root) and passes
// their text; `undefined` means the file does not exist.

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** The primary gid first, then the user's supplementary groups, then `--group-add` (docker's order). */
  additionalGids: number[];
  /** The passwd entry's home directory, "" when the user has none. */
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const MAX_ID = 2 ** 31 - 1;
const rangeError = () => invalidArgument(`uids and gids must be in range 0-${MAX_ID}`);

/** Go's strconv.Atoi: a signed decimal int64, else undefined. */
function atoi(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value > (1n << 63n) - 1n || value < -(1n << 63n) ? undefined : Number(value);
}

/** runc's parseLine: fields split on `:`, missing ones empty, numbers that do not parse are 0. */
const field = (fields: string[], index: number) => fields[index] ?? "";
const number = (text: string) => atoi(text) ?? 0;

function parsePasswd(text: string): PasswdEntry[] {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "").map((line) => {
    const fields = line.split(":");
    return { name: field(fields, 0), uid: number(field(fields, 2)), gid: number(field(fields, 3)), home: field(fields, 5) };
  });
}

function parseGroup(text: string): GroupEntry[] {
  return text.split("\n").filter((line) => line !== "").map((line) => {
    const fields = line.split(":");
    const list = field(fields, 3);
    return { name: field(fields, 0), gid: number(field(fields, 2)), members: list === "" ? [] : list.split(",") };
  });
}

/**
 * Resolves `-u user[:group]` (names or numbers; empty = root) like docker: a numeric user needs no
 * passwd entry; a named one does (`unable to find user app: no matching entries in passwd file`);
 * an explicit group replaces the primary gid (`unable to find group x: no matching entries in
 * group file`), otherwise the user's supplementary groups come from /etc/group. `groupAdd`
 * (`--group-add`) names or numbers extra groups (`Unable to find group x`).
 */
export function resolveUser(
  spec: string,
  passwdText: string | undefined,
  groupText: string | undefined,
  groupAdd: readonly string[] = [],
): ResolvedUser {
  const [userArg = "", groupArg = ""] = spec.split(":");
  const uidArg = atoi(userArg);
  const gidArg = atoi(groupArg);
  let uid = 0;
  let gid = 0;
  let home = "";
  let supplementary: number[] = [];

  const users = passwdText === undefined ? [] : parsePasswd(passwdText).filter((entry) => {
    if (userArg === "") return entry.uid === 0;
    return uidArg !== undefined ? entry.uid === uidArg : entry.name === userArg;
  });
  const matched = users[0];
  if (matched !== undefined) {
    ({ uid, gid, home } = matched);
  } else if (userArg !== "") {
    if (uidArg === undefined) throw invalidArgument(`unable to find user ${userArg}: no matching entries in passwd file`);
    if (uidArg < 0 || uidArg > MAX_ID) throw rangeError();
    uid = uidArg;
  }

  if (groupArg !== "" || (matched !== undefined && matched.name !== "")) {
    const groups = groupText === undefined ? [] : parseGroup(groupText).filter((entry) => {
      if (groupArg === "") return entry.members.includes(matched!.name);
      return gidArg !== undefined ? entry.gid === gidArg : entry.name === groupArg;
    });
    if (groupArg !== "") {
      if (groups[0] !== undefined) gid = groups[0].gid;
      else if (gidArg === undefined) throw invalidArgument(`unable to find group ${groupArg}: no matching entries in group file`);
      else if (gidArg < 0 || gidArg > MAX_ID) throw rangeError();
      else gid = gidArg;
    } else {
      supplementary = groups.map((entry) => entry.gid);
    }
  }

  return { uid, gid, additionalGids: [gid, ...supplementary, ...resolveAdditionalGroups(groupAdd, groupText)], home };
}

/** runc's GetAdditionalGroups: names or gids from /etc/group, bare numbers accepted, no duplicates. */
function resolveAdditionalGroups(names: readonly string[], groupText: string | undefined): number[] {
  if (names.length === 0) return [];
  const groups = groupText === undefined ? [] : parseGroup(groupText);
  const gids: number[] = [];
  for (const name of names) {
    const found = groups.find((entry) => (entry.name === name || String(entry.gid) === name) && !gids.includes(entry.gid));
    if (found !== undefined) {
      gids.push(found.gid);
      continue;
    }
    const gid = atoi(name);
    if (gid === undefined) throw invalidArgument(`Unable to find group ${name}`);
    if (gid < 0 || gid > MAX_ID) throw rangeError();
    if (!gids.includes(gid)) gids.push(gid);
  }
  return gids;
}
