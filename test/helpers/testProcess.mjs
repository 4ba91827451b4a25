// Loaded by ava into every test worker (package.json "ava.nodeArguments") and so into the
// threads they start, before any test: the shell's environment is gone and only loopback
// addresses can be reached. Plain JavaScript: worker threads load it before tsx is ready.
import './loopbackOnly.mjs';
import { INHERITED, isTestKnob } from './inherited.mjs';

for (const k of Object.keys(process.env)) {
  if (!INHERITED.includes(k) && !isTestKnob(k)) delete process.env[k];
}
