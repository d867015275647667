/**
 * One string per distinct value. Values such as completions, times and plan ids repeat across
 * 100,000 entries of a snapshot that lives for a whole run; keeping each once saves megabytes.
 * `copy` makes the string kept from the first occurrence (a reader may hand out slices of a
 * larger text, which the kept value must not hold on to).
 */
export function interning(copy: (value: string) => string = (value) => value): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    const kept = copy(value);
    seen.set(kept, kept);
    return kept;
  };
}
