/**
 * docker's `label` filter value against an object's labels: `key` (present, any value) or
 * `key=value` (present with that value).
 */
export function matchesLabelFilter(labels: Readonly<Record<string, string>>, filter: string): boolean {
  const equals = filter.indexOf("=");
  if (equals < 0) return Object.hasOwn(labels, filter);
  return labels[filter.slice(0, equals)] === filter.slice(equals + 1);
}

/** docker's prune filters `label=…` (all must match) and `label!=…` (none may match). */
export function matchesPruneLabels(labels: Readonly<Record<string, string>>, filters: Readonly<Record<string, readonly string[]>>): boolean {
  return (filters["label"] ?? []).every((filter) => matchesLabelFilter(labels, filter))
    && !(filters["label!"] ?? []).some((filter) => matchesLabelFilter(labels, filter));
}
