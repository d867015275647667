/**
 * The architecture, checked on every `npm test`: cli → app → core, adapters at the edge.
 * See docs/architecture.md. A rule broken here fails the run with the offending import.
 */
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
      comment: 'Adapters implement ports: they may import core, src/app/ports.ts and generated code, never other use-case code or the CLI.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/', pathNot: ['^src/adapters/', '^src/core/', '^src/app/ports\\.ts$', '^src/generated/'] },
    },
    {
      name: 'no-cross-family-adapters',
      comment:
        'An adapter family (a folder under src/adapters) never imports another: the composition root combines them. ' +
        'XML and files are formats, not technologies: any family may use them, through their index.ts.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/', '^src/adapters/(xml|files)/index\\.ts$'] },
    },
    {
      name: 'adapter-families-through-their-index',
      comment: 'Outside its folder an adapter family is its index.ts: what that module exports is all the rest of the code may use.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/' },
      to: { path: '^src/adapters/', pathNot: '^src/adapters/[^/]+/index\\.ts$' },
    },
    {
      name: 'only-the-composition-root-knows-adapters',
      comment: 'Only src/cli/open-world.ts imports adapters.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/adapters/', '^src/cli/open-world\\.ts$'] },
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
