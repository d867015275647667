/**
 * The architecture, checked on every `npm test`: cli → app → core, adapters at the edge.
 * See docs/architecture.md. A rule broken here fails the run with the offending import.
 */
// Adapters of one technology may use each other; across technologies they may not. The XML
// cursor (xml-*) is a format, not a technology: the ledger and the broker adapters share it; the
// capped file reader (capped-read) is the one way every adapter reads a file it does not control.
const FAMILIES = {
  broker: '(broker-|bundle-)',
  config: 'config-',
  fernet: '(fernet|key-file)',
  sftp: '(sftp-|ssh-|host-key|known-hosts)',
  ledger: 'ledger-',
  files: '(plan-file|metrics-file|text-file)',
  'system-clock': 'system-clock',
  'watch-http': 'watch-http',
};

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core imports nothing outside src/core but node:crypto (hashing) and node:path (string functions on absolute paths).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', '^(crypto|path)$'] },
    },
    {
      name: 'app-uses-core-only',
      comment: 'Use cases see the world through src/app/ports.ts; they import core and Node streams, nothing else.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { pathNot: ['^src/app/', '^src/core/', '^(stream|stream/promises|crypto)$'] },
    },
    {
      name: 'adapters-use-core-and-ports-only',
      comment: 'Adapters implement ports: they may import core and src/app/ports.ts, never other use-case code or the CLI.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(app|cli)/', pathNot: '^src/app/ports\\.ts$' },
    },
    ...Object.entries(FAMILIES).map(([family, prefix]) => ({
      name: `no-cross-technology-adapters (${family})`,
      comment: 'An adapter never imports an adapter of another technology: the composition root combines them.',
      severity: 'error',
      from: { path: `^src/adapters/${prefix}` },
      to: { path: '^src/adapters/', pathNot: [`^src/adapters/${prefix}`, '^src/adapters/xml-', '^src/adapters/capped-read\\.ts$'] },
    })),
    {
      name: 'cli-reaches-adapters-through-the-composition-root',
      comment: 'Only src/cli/open-world.ts knows the adapters.',
      severity: 'error',
      from: { path: '^src/cli/', pathNot: '^src/cli/open-world\\.ts$' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'nothing-imports-the-cli-but-main',
      severity: 'error',
      from: { path: '^src/(core|app|adapters)/' },
      to: { path: '^src/(cli|main)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|integration)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
