#!/usr/bin/env node
// The `vcc-notify` command: runs the compiled JavaScript in dist/ (built by `npm ci` through the
// `prepare` script, or by `npm run build`). No TypeScript is transpiled at run time.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('vcc-notify: dist/ is missing: run `npm run build` (npm ci runs it too)\n');
  process.exit(1);
}
await import(main.href);
