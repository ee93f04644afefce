import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import { parseGoInt, parseGoRational } from "./go-strconv.js";
import {
  flagValue,
  parseCpus,
  parseCpuShares,
  parseEnvFile,
  parseEnvFlag,
  parseEnvOptions,
  parseKeyValues,
  parseLabels,
  parseMemoryBytes,
  parseMemorySwap,
  parsePidsLimit,
  parseRestartPolicy,
  parseStopSignal,
  parseStopTimeout,
  parseUserSpec,
} from "./run-options.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (!isBerthError(error, "INVALID_ARGUMENT")) throw error;
    return error.message;
  }
  throw new Error("expected an error");
}

describe("parseMemoryBytes (units.RAMInBytes)", () => {
  it.each([
    ["32", 32], ["32b", 32], ["32B", 32], ["32k", 32 * KiB], ["32K", 32 * KiB], ["32kb", 32 * KiB], ["32Kb", 32 * KiB],
    ["32Kib", 32 * KiB], ["32KIB", 32 * KiB], ["32Mb", 32 * MiB], ["32Gb", 32 * GiB], ["32Tb", 32 * 1024 * GiB],
    ["32Pb", 32 * 1024 * 1024 * GiB], ["32P", 32 * 1024 * 1024 * GiB], ["512m", 512 * MiB], ["1.5g", 1.5 * GiB],
    ["32.3", 32], ["32.3 mb", Math.trunc(32.3 * MiB)], ["0.3MB", Math.trunc(0.3 * MiB)], ["64MiB", 64 * MiB], ["32i", 32],
  ])("%s → %d", (text, bytes) => {
    expect(parseMemoryBytes(text)).toBe(bytes);
  });

  it.each(["", "hello", "-32", " 32 ", "32m b", "32bm", "10zz", "1e3", ".5m", "5mbb"])("rejects %j", (text) => {
    expect(errorOf(() => parseMemoryBytes(text))).toBe(`invalid size: '${text}'`);
  });

  it("reports Go's float error for dotted versions", () => {
    expect(errorOf(() => parseMemoryBytes("1.2.3m"))).toBe('strconv.ParseFloat: parsing "1.2.3": invalid syntax');
  });

  it("wraps like pflag when a flag is named", () => {
    expect(errorOf(() => flagValue("-m, --memory", "10zz", parseMemoryBytes))).toBe(
      `invalid argument "10zz" for "-m, --memory" flag: invalid size: '10zz'`,
    );
  });

  it("takes -1 for --memory-swap", () => {
    expect(parseMemorySwap("-1")).toBe(-1);
    expect(parseMemorySwap("1g")).toBe(GiB);
    expect(errorOf(() => parseMemorySwap("-2"))).toBe("invalid size: '-2'");
  });
});

describe("parseCpus (opts.ParseCPUs)", () => {
  it.each([
    ["1.5", 1_500_000_000], ["1", 1_000_000_000], ["0.25", 250_000_000], [".5", 500_000_000], ["3/2", 1_500_000_000],
    ["2e-1", 200_000_000], ["1E2", 100_000_000_000], ["0", 0], ["-1", -1_000_000_000], ["+2", 2_000_000_000],
    ["0.000000001", 1],
  ])("%s → %d", (text, nano) => {
    expect(parseCpus(text)).toBe(nano);
  });

  it.each([
    ["NaN", "failed to parse NaN as a rational number"],
    ["abc", "failed to parse abc as a rational number"],
    ["", "failed to parse  as a rational number"],
    ["1/0", "failed to parse 1/0 as a rational number"],
    ["1.5.2", "failed to parse 1.5.2 as a rational number"],
    ["0.0000000001", "value is too precise"],
    ["1/3", "value is too precise"],
  ])("rejects %j", (text, reason) => {
    expect(errorOf(() => parseCpus(text))).toBe(`invalid argument ${JSON.stringify(text)} for "--cpus" flag: ${reason}`);
  });
});

describe("Go integers (pflag int/int64)", () => {
  it.each([
    ["512", 512], ["-1", -1], ["+7", 7], ["0", 0], ["0x10", 16], ["0X1f", 31], ["010", 8], ["0o17", 15], ["0b101", 5],
    ["1_000", 1000], ["0x_1f", 31], ["0_7", 7], ["-9223372036854775808", -9223372036854775808],
  ])("%s → %d", (text, value) => {
    expect(parseGoInt(text)).toBe(value);
  });

  it.each(["", "-", "x", "1.5", "0x", "08", "1__0", "_1", "1_", "0x_", " 1", "1e3"])("rejects %j", (text) => {
    expect(() => parseGoInt(text)).toThrow(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  });

  it("reports values beyond int64", () => {
    expect(() => parseGoInt("9223372036854775808")).toThrow('parsing "9223372036854775808": value out of range');
  });

  it("names the flag in --cpu-shares, --pids-limit and --stop-timeout errors", () => {
    expect(parseCpuShares("512")).toBe(512);
    expect(parsePidsLimit("-1")).toBe(-1);
    expect(parseStopTimeout("30")).toBe(30);
    expect(errorOf(() => parseCpuShares("lots"))).toBe(
      'invalid argument "lots" for "-c, --cpu-shares" flag: strconv.ParseInt: parsing "lots": invalid syntax',
    );
    expect(errorOf(() => parsePidsLimit("1k"))).toBe(
      'invalid argument "1k" for "--pids-limit" flag: strconv.ParseInt: parsing "1k": invalid syntax',
    );
    expect(errorOf(() => parseStopTimeout("10s"))).toBe(
      'invalid argument "10s" for "--stop-timeout" flag: strconv.ParseInt: parsing "10s": invalid syntax',
    );
  });

  it("reads big.Rat texts", () => {
    expect(parseGoRational("-3/4")).toEqual({ numerator: -3n, denominator: 4n });
    expect(parseGoRational("1.")).toEqual({ numerator: 1n, denominator: 1n });
    expect(parseGoRational(".")).toBeUndefined();
    expect(parseGoRational("inf")).toBeUndefined();
  });
});

describe("parseRestartPolicy", () => {
  it.each([
    ["no", "no", 0], ["", "no", 0], ["always", "always", 0], ["unless-stopped", "unless-stopped", 0],
    ["on-failure", "on-failure", 0], ["on-failure:3", "on-failure", 3], ["on-failure:0", "on-failure", 0], ["no:0", "no", 0],
  ])("%j → %s:%d", (text, name, count) => {
    expect(parseRestartPolicy(text)).toEqual({ Name: name, MaximumRetryCount: count });
  });

  it.each([
    ["on-failure:1:2", "invalid restart policy format"],
    ["on-failure:x", "maximum retry count must be an integer"],
    ["on-failure:", "maximum retry count must be an integer"],
    ["on-failure:-1", "maximum retry count cannot be negative"],
    ["always:3", "maximum retry count cannot be used with restart policy 'always'"],
    ["unless-stopped:1", "maximum retry count cannot be used with restart policy 'unless-stopped'"],
    ["sometimes", "invalid restart policy 'sometimes'"],
    ["ALWAYS", "invalid restart policy 'ALWAYS'"],
  ])("rejects %j", (text, message) => {
    expect(errorOf(() => parseRestartPolicy(text))).toBe(message);
  });
});

describe("parseStopSignal", () => {
  it.each(["SIGQUIT", "quit", "9", "SIGRTMIN+3"])("keeps %s as typed", (text) => {
    expect(parseStopSignal(text)).toBe(text);
  });

  it.each(["SIGFOO", "0", "65", ""])("rejects %j", (text) => {
    expect(errorOf(() => parseStopSignal(text))).toBe(`Invalid signal: ${text}`);
  });
});

describe("parseUserSpec", () => {
  it.each([
    ["nobody", "nobody", undefined], ["1000", "1000", undefined], ["1000:1000", "1000", "1000"], ["app:staff", "app", "staff"],
    [":users", "", "users"], ["a:b:c", "a", "b"], ["", "", undefined],
  ])("%j", (text, user, group) => {
    expect(parseUserSpec(text)).toEqual({ user, group });
  });
});

describe("environment (-e, --env-file)", () => {
  const callerEnv = { HOME: "/root", EMPTY: "", LANG: "C.UTF-8" };

  it("takes -e NAME from the caller, else keeps the bare name", () => {
    expect(parseEnvFlag("A=1", callerEnv)).toBe("A=1");
    expect(parseEnvFlag("A=", callerEnv)).toBe("A=");
    expect(parseEnvFlag("A==b", callerEnv)).toBe("A==b");
    expect(parseEnvFlag("HOME", callerEnv)).toBe("HOME=/root");
    expect(parseEnvFlag("EMPTY", callerEnv)).toBe("EMPTY=");
    expect(parseEnvFlag("UNSET", callerEnv)).toBe("UNSET");
    expect(errorOf(() => parseEnvFlag("=x", callerEnv))).toBe(
      'invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x',
    );
  });

  it("reads env files with docker's rules", () => {
    const text = [
      "\uFEFF# a comment",
      "",
      "   # indented comment",
      "A=1",
      "  B=two words  ",
      "C=",
      "D=x=y",
      "HOME",
      "UNSET",
      "LANG\r",
      "\tE=tab",
      "F='quoted'",
    ].join("\n");
    expect(parseEnvFile(`${text}\n`, callerEnv)).toEqual([
      "A=1", "B=two words  ", "C=", "D=x=y", "HOME=/root", "LANG=C.UTF-8", "E=tab", "F='quoted'",
    ]);
  });

  it.each([
    ["A B=1", "poorly formatted environment: variable 'A B' contains whitespaces"],
    ["FOO BAR", "poorly formatted environment: variable 'FOO BAR' contains whitespaces"],
    ["HOME ", "poorly formatted environment: variable 'HOME ' contains whitespaces"],
    ["=x", "poorly formatted environment: no variable name on line '=x'"],
  ])("rejects the line %j", (line, message) => {
    expect(errorOf(() => parseEnvFile(line, callerEnv))).toBe(message);
  });

  it("puts files first and flags after, like ReadKVEnvStrings", () => {
    expect(parseEnvOptions(["A=flag", "HOME"], ["A=file\nB=2", "C=3"], callerEnv)).toEqual([
      "A=file", "B=2", "C=3", "A=flag", "HOME=/root",
    ]);
  });
});

describe("parseLabels", () => {
  it("merges label files then flags into a map", () => {
    expect(parseLabels(["a=1", "b", "c=x=y", "a=2"], ["f=file\nnovalue\n# c\nb=file"])).toEqual({
      f: "file", b: "", a: "2", "c": "x=y",
    });
  });

  it.each([
    ["=x", `invalid argument "=x" for "-l, --label" flag: invalid label '=x': empty name`],
    [" =x", `invalid argument " =x" for "-l, --label" flag: invalid label ' =x': empty name`],
    ["a b=1", `invalid argument "a b=1" for "-l, --label" flag: label 'a b' contains whitespaces`],
  ])("rejects %j", (flag, message) => {
    expect(errorOf(() => parseLabels([flag]))).toBe(message);
  });
});

describe("parseKeyValues", () => {
  it("splits at the first =, a bare key meaning an empty value, the last of a key winning", () => {
    expect(parseKeyValues(["type=tmpfs", "o=size=1m,uid=1", "flag", "type=none"])).toEqual({ type: "none", o: "size=1m,uid=1", flag: "" });
  });
});
