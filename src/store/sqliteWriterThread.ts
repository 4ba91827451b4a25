import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openConnection } from './sqliteConnection.ts';
import { SqliteWriter, type WriteOp } from './sqliteWriter.ts';

/**
 * The SQLite writer thread: commits what it is sent and answers each message with one result
 * per op, in order, so inserts and fsync never hold up request handling. Every message that
 * is already waiting when a commit starts joins it: the batches the service sends while a
 * commit runs share the next fsync instead of queueing one fsync each.
 */
const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs?: number };
const writer = new SqliteWriter(openConnection(path, { busyTimeoutMs }));
const port = parentPort!;
port.on('message', (first: WriteOp[]) => {
  const batches = [first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port))
    batches.push(next.message as WriteOp[]);
  const results = writer.runBatch(batches.flat());
  let at = 0;
  for (const b of batches) {
    port.postMessage(results.slice(at, at + b.length));
    at += b.length;
  }
});
port.postMessage('ready');
