/**
 * docker's Ellipsis: cut `text` to `maxWidth` characters, the last one being "…".
 * (Counts code points; docker counts display width, which is the same for ASCII.)
 */
export function truncateWithEllipsis(text: string, maxWidth: number): string {
  const characters = [...text];
  if (characters.length <= maxWidth) return text;
  if (maxWidth <= 1) return characters.slice(0, maxWidth).join("");
  return `${characters.slice(0, maxWidth - 1).join("")}…`;
}

/** Go's RFC3339 layout at second precision, in UTC: `2024-01-02T03:04:05Z`. */
export function formatRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Go's time.Time.String() in UTC, as docker's `{{.CreatedAt}}` prints it: `2024-01-02 03:04:05 +0000 UTC`. */
export function formatGoTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

/**
 * docker's `events` timestamp layout (jsonmessage.RFC3339NanoFixed) in UTC: always nine
 * fractional digits, `2024-01-02T03:04:05.123000000Z` (a Date holds milliseconds).
 */
export function formatRfc3339NanoFixed(date: Date): string {
  return date.toISOString().replace(/Z$/, "000000Z");
}
