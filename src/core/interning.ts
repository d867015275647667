/**
 * One string per distinct value. Values such as completions, times and plan ids repeat across
 * 100,000 entries of a snapshot that lives for a whole run; keeping each once saves megabytes.
 */
export function interning(): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
}
