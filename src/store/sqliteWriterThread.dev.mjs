// Entry of the SQLite writer thread when the store runs from its TypeScript source (tests and
// the bench): registers tsx in this thread, then loads the source. The built service starts
// dist/store/sqliteWriterThread.js directly and never loads tsx.
import { register } from 'tsx/esm/api';

register();
await import('./sqliteWriterThread.ts');
