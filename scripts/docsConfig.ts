// `npm run docs:config`: writes docs/configuration-reference.md from the code (src/config/configReference.ts).
import { writeFileSync } from 'node:fs';
import { configReference } from '../src/config/configReference.ts';

const out = new URL('../docs/configuration-reference.md', import.meta.url);
writeFileSync(out, `${configReference()}\n`);
console.log(`wrote ${out.pathname}`);
