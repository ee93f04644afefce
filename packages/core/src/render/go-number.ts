/**
 * Go's `%g` / `%.Ng` float formatting (strconv.FormatFloat with 'g'): the exponent form
 * `d.ddde+XX` (at least two exponent digits) when the exponent is < -4 or >= the precision
 * (6 for the shortest form), otherwise plain decimals; trailing zeros are dropped.
 */
export function formatGoFloat(value: number, precision?: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const sign = value < 0 ? "-" : "";
  const significant = precision === undefined ? undefined : Math.max(precision, 1);
  const rounded =
    significant === undefined ? splitExponential(Math.abs(value).toExponential()) : roundHalfEven(Math.abs(value), significant);
  const digits = rounded.digits.replace(/0+$/, "") || "0";
  const exponent = rounded.exponent;
  const limit = significant ?? 6;
  if (exponent < -4 || exponent >= limit) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const absExponent = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? "-" : "+"}${absExponent}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integer}${fraction === "" ? "" : `.${fraction}`}`;
}

/** How Go's fmt prints a number held in an `interface{}`: integers plainly, floats as `%v`. */
export function formatGoNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  return formatGoFloat(value);
}

interface DecimalDigits {
  digits: string;
  exponent: number;
}

function splitExponential(text: string): DecimalDigits {
  const [mantissa = "", exponent = "0"] = text.split("e");
  return { digits: mantissa.replace(".", ""), exponent: Number(exponent) };
}

/**
 * `significant` digits of a positive number rounded like Go's strconv: to nearest, and an exact
 * tie to even (JavaScript's toExponential rounds ties up, so 1.125 would give 1.13, Go 1.12).
 */
function roundHalfEven(value: number, significant: number): DecimalDigits {
  const wide = splitExponential(value.toExponential(Math.min(significant + 24, 100)));
  const kept = wide.digits.slice(0, significant);
  const next = wide.digits[significant] ?? "0";
  const isTie = next === "5" && /^0*$/.test(wide.digits.slice(significant + 1));
  const lastIsOdd = Number(kept[kept.length - 1] ?? "0") % 2 === 1;
  const roundUp = next > "5" || (next === "5" && (!isTie || lastIsOdd));
  if (!roundUp) return { digits: kept, exponent: wide.exponent };
  const incremented = (BigInt(kept) + 1n).toString().padStart(kept.length, "0");
  if (incremented.length > kept.length) return { digits: incremented.slice(0, significant), exponent: wide.exponent + 1 };
  return { digits: incremented, exponent: wide.exponent };
}
