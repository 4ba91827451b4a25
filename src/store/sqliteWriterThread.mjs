// Entry of the SQLite writer thread: loads tsx so the TypeScript source runs as it is.
import { register } from 'tsx/esm/api';

register();
await import('./sqliteWriterThread.ts');
