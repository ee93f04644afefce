/** Docker's table writer settings: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
const MIN_WIDTH = 10;
const PADDING = 3;

/**
 * Lays out rows as docker's tables do: each column as wide as its widest cell plus 3 spaces
 * (at least `minWidth`: docker's 10; its `top` uses 20), the last column not padded. Every line
 * ends with a newline.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], minWidth = MIN_WIDTH): string {
  const lines = [headers, ...rows].map((cells) => cells.join("\t"));
  return alignTabs(`${lines.join("\n")}\n`, minWidth);
}

/**
 * Go's text/tabwriter with docker's settings over tab-separated text: tab-terminated cells of
 * adjacent lines form a column block padded to a common width; text after the last tab of a
 * line is not part of a column and is left as it is.
 */
export function alignTabs(text: string, minWidth = MIN_WIDTH): string {
  const lines = text.split("\n").map((line) => line.split("\t"));
  const out: string[] = [];
  formatBlock(lines, [], 0, lines.length, out, minWidth);
  return out.join("");
}

function formatBlock(lines: string[][], widths: number[], start: number, end: number, out: string[], minWidth: number): void {
  const column = widths.length;
  let line0 = start;
  for (let current = start; current < end; current++) {
    if (column >= lines[current]!.length - 1) continue;
    writeLines(lines, widths, line0, current, out);
    line0 = current;
    let width = minWidth;
    for (; current < end; current++) {
      const cells = lines[current]!;
      if (column >= cells.length - 1) break;
      width = Math.max(width, displayWidth(cells[column]!) + PADDING);
    }
    formatBlock(lines, [...widths, width], line0, current, out, minWidth);
    line0 = current;
  }
  writeLines(lines, widths, line0, end, out);
}

function writeLines(lines: string[][], widths: number[], start: number, end: number, out: string[]): void {
  for (let i = start; i < end; i++) {
    const cells = lines[i]!;
    cells.forEach((cell, j) => {
      const width = widths[j];
      out.push(width === undefined ? cell : cell + " ".repeat(Math.max(width - displayWidth(cell), 0)));
    });
    if (i + 1 < lines.length) out.push("\n");
  }
}

/** Terminal columns of a string: East Asian wide characters count 2, combining marks 0. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (/\p{Mn}|\p{Me}/u.test(char) || code === 0x200b) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

const wideRanges: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function isWide(code: number): boolean {
  return wideRanges.some(([low, high]) => code >= low && code <= high);
}
