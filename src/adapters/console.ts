import type { Adapter } from './Adapter.ts';
import type { Message } from '../render/Message.ts';

/** Prints messages as plain text: the embedded default target. */
export function consoleAdapter(write: (text: string) => void = (t) => process.stdout.write(t)): Adapter {
  return {
    async send(m: Message) {
      const facts = m.facts.map((f) => `  ${f.label}: ${f.value}`);
      const lines = m.lines.map((l) => `  • ${l}`);
      write([`[${m.severity}] ${m.title}`, m.summary, ...facts, ...lines, ''].filter((s) => s !== '').join('\n') + '\n\n');
      return { status: 'sent' };
    },
  };
}
