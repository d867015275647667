/**
 * The second half of `npm run build`: tsc has compiled src/ into build/ (one module per file);
 * this bundles build/main.js into dist/, what the package ships and `aktin-sftp` runs.
 *
 * Why: Node's ESM loader resolves, reads, compiles and links every module on its own, and a
 * run loaded ~250 of them before its first broker call. Bundled, the first broker call leaves
 * ~100 ms sooner and every run, a no-change run most of all, costs that much less CPU
 * (README, Development). The lazy imports stay lazy: each becomes a chunk of its own.
 *
 * Left outside the bundle, loaded from node_modules as before:
 * - ssh2: it loads its optional native bindings by path;
 * - yargs: it finds its locale files relative to its own modules;
 * - ws and prom-client: only `watch` loads them, and ws requires optional native add-ons.
 */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const EXTERNAL = ['ssh2', 'yargs', 'ws', 'prom-client'];

// Chunk names carry a hash of their content: without this, every build would leave the last one's behind.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['build/main.js'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external: EXTERNAL,
  sourcemap: true,
  // Bundled CommonJS modules (tweetnacl, under bcrypt-pbkdf) require Node's built-ins; an ES
  // module has no `require` of its own to give them.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
