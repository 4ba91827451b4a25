// `npm run build` (and `prepare`, so `npm ci` builds too): bundles src/ into dist/ with esbuild.
// One bundle instead of ~80 modules and the packages they pull in saved about a quarter of the
// start-up time (module resolution and CommonJS export detection dominate it). Type-checking
// is `npm run typecheck` (tsc); esbuild only strips types.
//
// Layout: every output file sits two folders below the package root (dist/cli/main.js,
// dist/store/sqliteWriterThread.js, dist/chunks/*.js), so `new URL('../../templates/',
// import.meta.url)` means the same from src/ and from any output file.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

/**
 * Left as imports from node_modules: the native SQLite binding (it finds its .node file
 * relative to its package), and the SDKs and RE2 loaded only when the configuration needs them
 * (a bundled package is parsed with the file that holds it, at start-up, used or not).
 */
const EXTERNAL = [
  'better-sqlite3',
  'pg',
  'botbuilder',
  'botframework-connector',
  '@microsoft/agents-hosting',
  '@microsoft/agents-activity',
  '@slack/bolt',
  '@slack/web-api',
  '@slack/socket-mode',
  're2js',
];

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts', 'store/sqliteWriterThread': 'src/store/sqliteWriterThread.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // Bundled CommonJS packages call require(); ESM has none, so each output file makes one.
  banner: {
    js: "import { createRequire as __vccCreateRequire } from 'node:module'; const require = __vccCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
