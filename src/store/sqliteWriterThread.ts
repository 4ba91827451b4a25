import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './sqliteConnection.ts';
import { SqliteWriter, type WriteOp } from './sqliteWriter.ts';

/**
 * The SQLite writer thread: commits each batch it is sent (one transaction, one fsync) and
 * answers with one result per op, so inserts and fsync never hold up request handling.
 */
const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs?: number };
const writer = new SqliteWriter(openConnection(path, { busyTimeoutMs }));
parentPort!.on('message', (ops: WriteOp[]) => {
  parentPort!.postMessage(writer.runBatch(ops));
});
parentPort!.postMessage('ready');
