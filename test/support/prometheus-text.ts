/**
 * A strict reader of the Prometheus text exposition format, enough to check what
 * render-metrics.ts writes: every sample belongs to a metric announced by HELP and TYPE before
 * it, names and labels are well-formed, values are numbers, no series appears twice.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly help: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the text must end with a newline');
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const where = `line ${index + 1}`;
      const meta = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
      if (meta) {
        const [, what, name, rest] = meta as unknown as [string, string, string, string];
        if (!NAME.test(name)) throw new Error(`${where}: bad metric name ${name}`);
        const map = what === 'HELP' ? help : types;
        if (map.has(name)) throw new Error(`${where}: second ${what} for ${name}`);
        if (what === 'TYPE' && !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`${where}: bad type ${rest}`);
        map.set(name, rest);
        return;
      }
      if (line.startsWith('#') || line === '') throw new Error(`${where}: unexpected ${JSON.stringify(line)}`);
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!sample) throw new Error(`${where}: not a sample: ${line}`);
      const [, name, labelText, valueText] = sample as unknown as [string, string, string | undefined, string];
      if (!types.has(name) || !help.has(name)) throw new Error(`${where}: ${name} has no HELP and TYPE before it`);
      const value = Number(valueText);
      if (!Number.isFinite(value)) throw new Error(`${where}: value ${valueText} is not a finite number`);
      const labels = parseLabels(labelText ?? '', where);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) throw new Error(`${where}: series repeated`);
      seen.add(key);
      samples.push({ name, labels, value });
    });
  return { types, help, samples };
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
  let at = 0;
  while (at < text.length) {
    pair.lastIndex = at;
    const match = pair.exec(text);
    if (!match) throw new Error(`${where}: bad labels {${text}}`);
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    at = pair.lastIndex;
  }
  return labels;
}

/** The one sample of `name` whose labels include `labels`; throws when none or several. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = exposition.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]!.value;
}
