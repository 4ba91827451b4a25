import { CHANNEL_TYPE_NAMES } from '../platforms/registry.ts';
import { ENV_NAMES } from './settings.ts';

const isVariable = (name: string) => ENV_NAMES.includes(name);

/** The generated reference of every setting (`npm run docs:config`). */
export const REFERENCE = 'docs/configuration-reference.md';

/** The reference's sections, written once: its headings, and the links errors and --help give. */
export const SECTIONS = {
  env: 'Environment variables',
  file: 'Config file (`VCC_NOTIFY_CONFIG`)',
  top: 'Top level',
  route: '`routes[]`',
  channel: '`channels.NAME` (every type)',
  interval: '`time_intervals.NAME[]`',
  types: 'Channel types',
} as const;

/** The anchor GitHub (and most Markdown renderers) give a heading. */
export const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');

const link = (heading: string) => `${REFERENCE}#${anchorOf(heading)}`;

/**
 * The reference section for a config problem's place (`routes[2].events`, `channels.ops.url`),
 * or for a variable (`PORT`). `reason` may name the channel's type ("required for type slack").
 */
export function referenceFor(place: string, reason = ''): string {
  if (isVariable(place)) return link(SECTIONS.env);
  if (place.startsWith('routes')) return link(SECTIONS.route);
  if (place.startsWith('time_intervals')) return link(SECTIONS.interval);
  const ch = /^channels\.[^.]+\.(\w+)/.exec(place);
  if (ch) {
    const type = /for type ([a-z-]+)/.exec(reason)?.[1];
    if (type && (CHANNEL_TYPE_NAMES as string[]).includes(type)) return link(`\`${type}\``);
    return /unknown key/.test(reason) ? link(SECTIONS.types) : link(SECTIONS.channel);
  }
  return place.startsWith('channels') ? link(SECTIONS.channel) : link(SECTIONS.top);
}

/**
 * A config or settings error with each problem line ending in its reference section:
 * `  channels.ops.chanel (line 2): unknown key ...` gains ` (see docs/configuration-reference.md#channel-types)`,
 * and a variable's error (`PORT: invalid value ...`) the variables' section.
 */
export function withReferences(message: string): string {
  const lines = message.split('\n');
  if (lines.length === 1) {
    const v = /^([A-Za-z][A-Za-z0-9_]*)[: ]/.exec(message)?.[1];
    return v && isVariable(v) ? `${message} (see ${link(SECTIONS.env)})` : message;
  }
  return lines
    .map((l) => {
      const m = /^ {2}(\S+?)(?: \(line \d+\))?: (.*)$/.exec(l);
      return m ? `${l} (see ${referenceFor(m[1]!, m[2])})` : l;
    })
    .join('\n');
}
