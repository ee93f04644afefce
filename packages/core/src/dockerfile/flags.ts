type FlagKind = "string" | "bool";

/** The flags each instruction accepts (classic builder, plus COPY/ADD --link and ADD --checksum). */
const flagSpecs: Readonly<Record<string, Readonly<Record<string, FlagKind>>>> = {
  FROM: { platform: "string" },
  COPY: { from: "string", chown: "string", chmod: "string", link: "bool" },
  ADD: { chown: "string", chmod: "string", link: "bool", checksum: "string" },
  HEALTHCHECK: {
    interval: "string",
    timeout: "string",
    "start-period": "string",
    "start-interval": "string",
    retries: "string",
  },
};

/**
 * Docker's BFlags: `--name=value` for string flags, `--name`, `--name=true|false` for booleans.
 * Returns the flags or an error message (unknown flag, duplicate, missing value).
 */
export function parseFlags(keyword: string, words: readonly string[]): Record<string, string> | string {
  const spec = flagSpecs[keyword] ?? {};
  const flags: Record<string, string> = {};
  for (const word of words) {
    const body = word.replace(/^--/, "");
    const equals = body.indexOf("=");
    const name = equals >= 0 ? body.slice(0, equals) : body;
    const value = equals >= 0 ? body.slice(equals + 1) : undefined;
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) return `unknown flag: ${name}`;
    if (name in flags) return `Duplicate flag specified: ${name}`;
    if (kind === "bool") {
      const normalized = (value ?? "true").toLowerCase();
      if (normalized !== "true" && normalized !== "false") {
        return `expecting boolean value for flag ${name}, not: ${value}`;
      }
      flags[name] = normalized;
    } else {
      if (value === undefined) return `Missing a value on flag: ${name}`;
      flags[name] = value;
    }
  }
  return flags;
}
