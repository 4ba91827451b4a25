#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=35
// The V8 flags above (also in `npm start` and docs/vcc-notify.service; a test keeps the three
// equal) size the heap for what the service holds: ~15 MiB live. By default V8 lets the young
// generation grow to 2 x 16 MiB and old-generation garbage pile up to ~4x the live size before a
// full collection; under a webhook flood that was ~190 MiB resident for 15 MiB of data.
// The `vcc-notify` command: runs the compiled JavaScript in dist/ (built by `npm ci` through the
// `prepare` script, or by `npm run build`). No TypeScript is transpiled at run time.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('vcc-notify: dist/ is missing: run `npm run build` (npm ci runs it too)\n');
  process.exit(1);
}
await import(main.href);
