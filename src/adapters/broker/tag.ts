/**
 * The tag filter as the broker evaluates it: `//tag='<tag>'` (XPath 1.0, exact match).
 * XPath 1.0 has no escapes, so a tag with `'` is quoted with `"`, and one with both uses concat().
 */
export function tagPredicate(tag: string): string {
  if (!tag.includes("'")) return `//tag='${tag}'`;
  if (!tag.includes('"')) return `//tag="${tag}"`;
  const parts = tag.split("'").map((part) => `'${part}'`);
  return `//tag=concat(${parts.join(`, "'", `)})`;
}
