// Go's strconv number parsing, as docker's flags use it (pflag int/int64, big.Rat for --cpus).

const INT64_MAX = (1n << 63n) - 1n;

/** Go's `%q` for the ASCII text flags carry (close enough: JSON's escapes). */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}

/**
 * Go's `strconv.ParseInt(text, 0, 64)`: optional sign, `0x`/`0o`/`0b` prefixes, a leading `0`
 * meaning octal, `_` between digits. Throws Error `strconv.ParseInt: parsing "x": invalid syntax`
 * or `… value out of range`.
 */
export function parseGoInt(text: string): number {
  const syntax = () => new Error(`strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`);
  const match = /^([+-]?)(0[bB]|0[oO]|0[xX]|0(?=.))?(.*)$/s.exec(text)!;
  const [, sign, prefix = "", digits = ""] = match;
  const base = prefix === "" ? 10 : ({ b: 2, o: 8, x: 16 }[prefix.slice(1).toLowerCase()] ?? 8);
  if (digits === "") throw syntax();
  if (digits.includes("_") && !isUnderscoreOk(text)) throw syntax();
  const alphabet = "0123456789abcdef".slice(0, base);
  let value = 0n;
  for (const char of digits.replaceAll("_", "").toLowerCase()) {
    const digit = alphabet.indexOf(char);
    if (digit < 0) throw syntax();
    value = value * BigInt(base) + BigInt(digit);
  }
  if (sign === "-" ? value > INT64_MAX + 1n : value > INT64_MAX) {
    throw new Error(`strconv.ParseInt: parsing ${goQuote(text)}: value out of range`);
  }
  return Number(sign === "-" ? -value : value);
}

/** Go's underscoreOK: each `_` sits between digits, or between a base prefix and a digit. */
function isUnderscoreOk(text: string): boolean {
  const unsigned = text.replace(/^[+-]/, "");
  const prefixed = /^0[bBoOxX]/.test(unsigned);
  const isHex = /^0[xX]/.test(unsigned);
  let saw: "^" | "0" | "_" | "!" = prefixed ? "0" : "^";
  for (const char of unsigned.slice(prefixed ? 2 : 0)) {
    if (/[0-9]/.test(char) || (isHex && /[a-fA-F]/.test(char))) saw = "0";
    else if (char === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

/** A rational number as Go's `big.Rat.SetString` reads it: `1.5`, `-2`, `3/2`, `1e-3`, `.5`. */
export function parseGoRational(text: string): { numerator: bigint; denominator: bigint } | undefined {
  const fraction = /^([+-]?\d+)\/(\d+)$/.exec(text);
  if (fraction !== null) {
    const denominator = BigInt(fraction[2]!);
    return denominator === 0n ? undefined : { numerator: BigInt(fraction[1]!), denominator };
  }
  const decimal = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (decimal === null) return undefined;
  const [, sign = "", whole = "", fractionDigits = "", exponentText = "0"] = decimal;
  if (whole === "" && fractionDigits === "") return undefined;
  const exponent = Number(exponentText) - fractionDigits.length;
  if (Math.abs(exponent) > 1000) return undefined;
  const mantissa = BigInt(`${sign}${whole}${fractionDigits}`);
  return exponent >= 0
    ? { numerator: mantissa * 10n ** BigInt(exponent), denominator: 1n }
    : { numerator: mantissa, denominator: 10n ** BigInt(-exponent) };
}
