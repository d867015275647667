/**
 * Broker answers as the client gets them (bytes), read three ways, in CPU time (best and median
 * of 5 rounds): the shipped reader (src/adapters/broker/xml.ts), fast-xml-parser as the design
 * names it (XMLValidator for well-formedness, then XMLParser), and saxes alone (tokens only, no
 * mapping). Inputs: a status list of 3 rows, and a filtered request list of N requests.
 *   node --import tsx integration/bench-broker-xml.ts [N=5000]
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { EXCHANGE_NS, parseRequestIds, parseStatusList } from '../src/adapters/broker/xml.js';

const n = Number(process.argv[2] ?? 5000);
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const row = (node: number, states: string) => `<request-status-info><node>${node}</node>${states}</request-status-info>`;
const status = Buffer.from(
  `${DECL}<request-status-list xmlns="${EXCHANGE_NS}">${row(0, '<retrieved>2024-05-01T10:01:00Z</retrieved><completed>2024-05-01T10:04:00Z</completed>')}${row(1, '<retrieved>2024-05-01T10:01:00Z</retrieved><processing>2024-05-01T10:02:00Z</processing>')}${row(2, '<failed>2024-05-01T10:05:00Z</failed><type>text/plain</type>')}</request-status-list>`,
);
const request = (id: number) => `<request id="${id}"><published>2024-05-01T10:00:00.123456Z</published><targeted>true</targeted><type>application/vnd.aktin.query.request+xml</type></request>`;
const list = Buffer.from(`${DECL}<request-list xmlns="${EXCHANGE_NS}">${Array.from({ length: n }, (_, i) => request(i)).join('')}</request-list>`);

const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, processEntities: true, removeNSPrefix: false });
function viaFastXmlParser(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (XMLValidator.validate(text) !== true) throw new Error('not XML');
  return fxp.parse(text);
}
function viaSaxesAlone(bytes: Buffer): void {
  const p = new SaxesParser({ xmlns: true, position: true });
  p.on('opentag', () => undefined);
  p.on('text', () => undefined);
  p.write(bytes.toString('utf8')).close();
}

function cpu(name: string, calls: number, run: () => unknown): void {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) run();
    const used = process.cpuUsage(start);
    rounds.push((used.user + used.system) / 1e3 / calls);
  }
  rounds.sort((a, b) => a - b);
  const unit = (ms: number) => (ms < 1 ? `${(ms * 1e3).toFixed(1)} µs` : `${ms.toFixed(1)} ms`);
  console.log(`${name.padEnd(44)} ${unit(rounds[0]!).padStart(10)} best, ${unit(rounds[2]!).padStart(10)} median`);
}

if (parseStatusList(status, 'bench').length !== 3 || parseRequestIds(list, 'bench').length !== n) throw new Error('the reader missed rows');
console.log(`status list of 3 rows (${status.length} bytes)`);
cpu('  parseStatusList (shipped reader)', 20_000, () => parseStatusList(status, 'bench'));
cpu('  fast-xml-parser: validate + parse', 20_000, () => viaFastXmlParser(status));
cpu('  saxes alone: tokens, no mapping', 20_000, () => viaSaxesAlone(status));
console.log(`request list of ${n} (${(list.length / 1024).toFixed(0)} KiB)`);
cpu('  parseRequestIds (shipped reader)', 10, () => parseRequestIds(list, 'bench'));
cpu('  fast-xml-parser: validate + parse', 10, () => viaFastXmlParser(list));
cpu('  saxes alone: tokens, no mapping', 10, () => viaSaxesAlone(list));
