import type { Logger } from 'pino';
import type { Adapter } from '../../delivery/Adapter.ts';
import type { Message } from '../../render/Message.ts';

/** A console notification as logged: the `notification` field of one JSON log line. */
export interface ConsoleRecord {
  severity: Message['severity'];
  title: string;
  summary: string;
  facts: Message['facts'];
  lines: string[];
}

/** What the console channel logs for a message (also what `render` shows for it). */
export function consoleRecord(m: Message): ConsoleRecord {
  return { severity: m.severity, title: m.title, summary: m.summary, facts: m.facts, lines: m.lines };
}

/**
 * The console channel: each notification is one JSON log line (`"msg":"notification"`) on the
 * service's log stream, at info whatever LOG_LEVEL says. Being JSON, no value from VCC can
 * start a line of its own or pose as a log line; log shippers can route on `msg`.
 */
export function consoleAdapter(log: Logger): Adapter {
  const out = log.child({}, { level: 'info' });
  return {
    async send(m, placement) {
      // On a threaded channel each line names its thread (the root's key), so logs can be grouped.
      const thread = placement ? { thread: placement.thread === 'root' ? placement.key : placement.root } : {};
      out.info({ notification: consoleRecord(m), ...thread }, 'notification');
      return placement?.thread === 'root' ? { status: 'sent', ref: placement.key } : { status: 'sent' };
    },
  };
}
