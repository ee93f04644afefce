import { invalidArgument } from "./errors.js";

/** Linux signal numbers by name (without the SIG prefix), as docker's signal map has them. */
export const LINUX_SIGNALS: Readonly<Record<string, number>> = buildSignalTable();

function buildSignalTable(): Record<string, number> {
  const table: Record<string, number> = {
    HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
    SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18,
    STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27,
    WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31, RTMIN: 34, RTMAX: 64,
  };
  for (let i = 1; i <= 15; i++) table[`RTMIN+${i}`] = 34 + i;
  for (let i = 1; i <= 14; i++) table[`RTMAX-${i}`] = 64 - i;
  return table;
}

/**
 * Docker's signal.ParseSignal: a number (1–64) or a name with or without `SIG`, any case
 * (`SIGTERM`, `term`, `RTMIN+3`). Throws INVALID_ARGUMENT `Invalid signal: X`.
 */
export function parseSignal(text: string): number {
  if (/^[+-]?\d+$/.test(text)) {
    const number = Number(text);
    if (number >= 1 && number <= 64) return number;
    throw invalidArgument(`Invalid signal: ${text}`);
  }
  const upper = text.toUpperCase();
  const signal = LINUX_SIGNALS[upper.startsWith("SIG") ? upper.slice(3) : upper];
  if (signal === undefined) throw invalidArgument(`Invalid signal: ${text}`);
  return signal;
}
