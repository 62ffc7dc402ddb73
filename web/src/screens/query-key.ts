/** A hash query as a stable key: the same parameters in any order give the same key. Unit-tested. */
export function queryKey(query: Readonly<Record<string, string>>): string {
  return new URLSearchParams(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString();
}
