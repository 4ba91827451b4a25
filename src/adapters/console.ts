import type { Adapter } from './Adapter.ts';
import type { Message } from '../render/Message.ts';

/** A message as the console channel prints it. */
export function consoleText(m: Message): string {
  const facts = m.facts.map((f) => `  ${f.label}: ${f.value}`);
  const lines = m.lines.map((l) => `  • ${l}`);
  return `${[`[${m.severity}] ${m.title}`, m.summary, ...facts, ...lines].filter((s) => s !== '').join('\n')}\n\n`;
}

/** Prints messages as plain text: the embedded default target. */
export function consoleAdapter(write: (text: string) => void = (t) => process.stdout.write(t)): Adapter {
  return {
    async send(m: Message) {
      write(consoleText(m));
      return { status: 'sent' };
    },
  };
}
