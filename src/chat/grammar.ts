import { enums, is } from 'superstruct';
import { SHORT_KINDS, kindNamed, type EventKind } from '../vcc/changes.ts';
import { USER_FIELDS, type UserField } from '../vcc/user.ts';
import { termCondition, type WhereTerm } from '../routing/conditions.ts';
import { DEFAULT_THREAD_DAYS, type ThreadSettings } from '../delivery/ChannelSender.ts';
import type { ChatHours } from '../store/Store.ts';

export type Command =
  /** `mention`: the text after the word `mention` (each platform reads its own mentions there), or null. */
  | { action: 'subscribe'; kinds: EventKind[]; where: WhereTerm[]; mention: string | null; review: boolean }
  /** `reviewers ...`: who may decide on this channel's reviewed changes (null: none; 'show'). */
  | { action: 'reviewers'; set: string[] | null | 'show' }
  | { action: 'unsubscribe'; kinds: EventKind[] }
  | { action: 'list'; page: number }
  | { action: 'mute'; ms: number; kinds: EventKind[]; where: WhereTerm[]; comment: string }
  | { action: 'mutes' }
  | { action: 'unmute'; id: number; send: boolean }
  /** `set`: new settings, null to turn threads off, 'show' to say what they are. */
  | { action: 'thread'; set: ThreadSettings | null | 'show' }
  /** `set`: new hours (interval names are checked against the config when run), null to remove them, 'show'. */
  | { action: 'hours'; set: ChatHours | null | 'show' }
  | { action: 'test' | 'help' }
  | { action: 'error'; message: string };

export const EXAMPLE = 'subscribe created state where isAgent=true privGroup=4,5';

/** The help text; `mentionHelp` is how this platform writes mentions (null: it cannot mention). */
export const helpText = (mentionHelp: string | null): string =>
  [
    'Commands:',
    '• subscribe [kinds...] [where FIELD=VALUE[,VALUE...] ...]: this channel hears those kinds (none = all) for users that match',
    `   kinds: ${Object.keys(SHORT_KINDS).join(', ')} (or full names like user.created)`,
    '   where terms: privGroup=4,5 (any of) · isAgent=true · username!=admin (none of) · email~@example\\.com$ (regex)',
    ...(mentionHelp ? [`   mention ${mentionHelp}: page them for these events`] : []),
    `   example: ${EXAMPLE}`,
    '   review (last): these changes ask the reviewers for a decision (Expected / Not expected)',
    "• reviewers ID...: who may decide on this channel's reviewed changes · reviewers off · reviewers: show them",
    '• unsubscribe [kinds...]: stop those kinds (none = everything) for this channel',
    '• list [PAGE]: what this channel hears, 20 at a time (file routes are shown read-only)',
    '• thread agent [broadcast KINDS] [days N]: one conversation per agent here (a root per agent, changes as replies); broadcast kinds show in the channel too; a new root after N days quiet (30)',
    '• thread off: every event its own message again · thread: show the setting',
    "• hours quiet INTERVALS [urgent KINDS] | hours active INTERVALS [urgent KINDS]: hold events here inside (quiet) or outside (active) the config file's time intervals, then send them as one summary; urgent kinds go at once",
    '• hours off: no hours · hours: show them (example: hours quiet nights,weekend urgent role)',
    '• mute DURATION [kinds...] [where TERMS...] because WHY: hold matching events back here for 90m, 2h, 1d (recorded as muted, resendable)',
    '   example: mute 2h where username~^import_ because bulk import',
    '• mutes: the mutes in force here · unmute ID: end one of them now · unmute ID send: and send what it held, once',
    '• test: send a sample notification here',
    '• help: this text',
  ].join('\n');

const fieldName = enums(USER_FIELDS as UserField[]);

/** Longest command text read (Slack caps slash commands near this; Teams messages are longer). */
export const MAX_COMMAND_LENGTH = 2_000;

/**
 * Parses the text after `/vcc` (or after the bot mention in Teams). Never throws: a mistake
 * is an `error` command whose message names the mistake and shows a correct example.
 */
export function parseCommand(text: string): Command {
  if (text.length > MAX_COMMAND_LENGTH) return error(`the command is longer than ${MAX_COMMAND_LENGTH} characters`);
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [verb = 'help', ...rest] = words;
  switch (verb.toLowerCase()) {
    case 'help':
      return { action: 'help' };
    case 'list': {
      const [n, ...more] = rest;
      if (more.length || (n !== undefined && !/^[1-9]\d{0,5}$/.test(n)))
        return error('list takes a page number or nothing (list 2)');
      return { action: 'list', page: n === undefined ? 1 : Number(n) };
    }
    case 'test':
      return { action: 'test' };
    case 'thread':
      return threadCommand(rest);
    case 'hours':
      return hoursCommand(rest);
    case 'mute':
      return muteCommand(rest);
    case 'mutes':
      return rest.length ? error('mutes takes nothing') : { action: 'mutes' };
    case 'unmute': {
      const [id, send, ...more] = rest;
      const sends = send?.toLowerCase() === 'send';
      return id !== undefined && /^[1-9]\d{0,15}$/.test(id) && (send === undefined || sends) && more.length === 0
        ? { action: 'unmute', id: Number(id), send: sends }
        : error('unmute takes the id that mutes lists, and "send" to send what it held (unmute 12 send)');
    }
    case 'reviewers':
      return reviewersCommand(rest);
    case 'subscribe':
    case 'unsubscribe': {
      const m = rest.findIndex((w) => w.toLowerCase() === 'mention');
      const mention = m < 0 ? null : rest.slice(m + 1).join(' ');
      if (m >= 0) rest.splice(m);
      const review = rest.at(-1)?.toLowerCase() === 'review';
      if (review) rest.pop();
      if (mention === '') return error('"mention" needs someone to mention (@group, @person, here)');
      const at = rest.findIndex((w) => w.toLowerCase() === 'where');
      const kindWords = at < 0 ? rest : rest.slice(0, at);
      const kinds = kindsNamed(kindWords);
      if (typeof kinds === 'string') return error(kinds);
      if (verb.toLowerCase() === 'unsubscribe') {
        return at < 0 && mention === null && !review
          ? { action: 'unsubscribe', kinds }
          : error('unsubscribe takes kinds only, no where terms, mentions or review');
      }
      const where = whereTerms(at < 0 ? [] : rest.slice(at + 1));
      if (typeof where === 'string') return error(where);
      if (at >= 0 && where.length === 0) return error('"where" needs at least one term');
      return { action: 'subscribe', kinds, where, mention, review };
    }
    default:
      return error(`unknown command "${verb}"`);
  }
}

/**
 * The kinds `words` name (short or full names, any case), each once in first-seen order, or
 * what is wrong: the first unknown one, with the names there are.
 */
export function kindsNamed(words: readonly string[]): EventKind[] | string {
  const kinds: EventKind[] = [];
  for (const k of words) {
    const kind = kindNamed(k.toLowerCase());
    if (!kind) return `unknown kind "${k}" (kinds: ${Object.keys(SHORT_KINDS).join(', ')})`;
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}

/**
 * Where terms as chat and the CLI write them (`privGroup=4,5`, `username!=admin`,
 * `email~REGEX`), or what is wrong with one.
 */
export function whereTerms(words: readonly string[]): WhereTerm[] | string {
  const where: WhereTerm[] = [];
  for (const term of words) {
    const m = /^([A-Za-z]+)(!=|=|~)(.+)$/.exec(term);
    if (!m) return `cannot read where term "${term}" (write FIELD=VALUE, FIELD!=VALUE or FIELD~REGEX)`;
    const [, field, op, value] = m as unknown as [string, string, WhereTerm['op'], string];
    if (!is(field, fieldName)) return `unknown field "${field}" (fields: ${USER_FIELDS.join(', ')})`;
    if (where.some((w) => w.field === field)) return `field "${field}" appears twice; list values with commas instead`;
    const values = op === '~' ? [value] : value.split(',').filter((v) => v !== '');
    if (values.length === 0) return `no value for "${field}"`;
    const t: WhereTerm = { field, op, values };
    const compiled = termCondition(t);
    if (!compiled.ok) return `${field}: ${compiled.error}`;
    where.push(t);
  }
  return where;
}

const MUTE_UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const satisfies Record<string, number>;
const MUTE_USAGE =
  'mute takes DURATION [kinds] [where TERMS] because WHY (mute 2h where username~^import_ because bulk import)';

/** A mute's duration as chat and the CLI write it (`90m`, `2h`, `1d`, at most 90 days) in ms, or null. */
export function muteDuration(s: string): number | null {
  const d = /^([1-9]\d{0,4})([mhd])$/.exec(s.trim().toLowerCase());
  const ms = d ? Number(d[1]) * MUTE_UNITS[d[2] as keyof typeof MUTE_UNITS] : NaN;
  return ms <= 90 * MUTE_UNITS.d ? ms : null;
}

/** `mute 2h [kinds...] [where TERMS...] because WHY` (at most 90 days, a reason of at most 500 characters). */
function muteCommand(rest: string[]): Command {
  const because = rest.findIndex((w) => w.toLowerCase() === 'because');
  const comment =
    because < 0
      ? ''
      : rest
          .slice(because + 1)
          .join(' ')
          .trim();
  if (because < 0 || comment === '') return error(`${MUTE_USAGE}: say why after "because"`);
  if (comment.length > 500) return error('the reason after "because" is longer than 500 characters');
  const [duration = '', ...words] = rest.slice(0, because);
  const ms = muteDuration(duration);
  if (ms === null) return error(`${MUTE_USAGE}: "${duration}" is not a duration such as 90m, 2h or 1d (at most 90d)`);
  const at = words.findIndex((w) => w.toLowerCase() === 'where');
  const kinds = kindsNamed(at < 0 ? words : words.slice(0, at));
  if (typeof kinds === 'string') return error(kinds);
  const where = whereTerms(at < 0 ? [] : words.slice(at + 1));
  if (typeof where === 'string') return error(where);
  return { action: 'mute', ms, kinds, where, comment };
}

const THREAD_USAGE =
  'thread takes agent [broadcast KINDS] [days N], off, or nothing (thread agent broadcast state days 30)';

/** `thread`, `thread off`, `thread agent [broadcast KIND[,KIND...]] [days N]`. */
function threadCommand(rest: string[]): Command {
  const [mode, ...opts] = rest.map((w) => w.toLowerCase());
  if (mode === undefined) return { action: 'thread', set: 'show' };
  if (mode === 'off' && opts.length === 0) return { action: 'thread', set: null };
  if (mode !== 'agent') return error(THREAD_USAGE);
  const broadcast: EventKind[] = [];
  let days = DEFAULT_THREAD_DAYS;
  for (let i = 0; i < opts.length; i += 1) {
    if (opts[i] === 'days' && /^[1-9]\d{0,3}$/.test(opts[i + 1] ?? '') && Number(opts[i + 1]) <= 3650) {
      days = Number(opts[(i += 1)]);
      continue;
    }
    if (opts[i] !== 'broadcast') return error(THREAD_USAGE);
    for (; i + 1 < opts.length && opts[i + 1] !== 'days'; i += 1) {
      const named = kindsNamed(opts[i + 1]!.split(',').filter(Boolean));
      if (typeof named === 'string') return error(named);
      for (const kind of named) if (!broadcast.includes(kind)) broadcast.push(kind);
    }
  }
  return { action: 'thread', set: { broadcast, days } };
}

const HOURS_USAGE =
  'hours takes quiet or active with interval names and optional urgent kinds, off, or nothing (hours quiet nights,weekend urgent role)';

/** `hours`, `hours off`, `hours quiet|active NAME[,NAME...] [urgent KIND[,KIND...] ...]`. */
function hoursCommand(rest: string[]): Command {
  const [mode, names, ...opts] = rest;
  const m = mode?.toLowerCase();
  if (m === undefined) return { action: 'hours', set: 'show' };
  if (m === 'off' && names === undefined) return { action: 'hours', set: null };
  if ((m !== 'quiet' && m !== 'active') || names === undefined) return error(HOURS_USAGE);
  const intervals = [...new Set(names.split(',').filter(Boolean))];
  if (intervals.length === 0 || intervals.length > 20 || intervals.some((n) => n.length > 80))
    return error(HOURS_USAGE);
  if (opts.length > 0 && opts[0]!.toLowerCase() !== 'urgent') return error(HOURS_USAGE);
  const urgent = kindsNamed(
    opts
      .slice(1)
      .flatMap((w) => w.split(','))
      .filter(Boolean),
  );
  if (typeof urgent === 'string') return error(urgent);
  return { action: 'hours', set: { mode: m, intervals, urgent } };
}

/**
 * `reviewers` (show), `reviewers off`, or `reviewers ID...`: Slack's `<@U…|name>` and
 * `<!subteam^S…|@group>` are read as their ids; at most 20, each at most 64 characters
 * (the action checks them against the platform's ids).
 */
function reviewersCommand(rest: string[]): Command {
  if (rest.length === 0) return { action: 'reviewers', set: 'show' };
  if (rest.length === 1 && rest[0]!.toLowerCase() === 'off') return { action: 'reviewers', set: null };
  if (rest.length > 20) return error('reviewers takes at most 20 ids');
  const ids = rest.map((w) => /^<[@!](?:subteam\^)?([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(w)?.[1] ?? w);
  const long = ids.find((id) => id.length > 64);
  if (long) return error(`"${long.slice(0, 20)}…" is not an id`);
  return { action: 'reviewers', set: [...new Set(ids)] };
}

function error(what: string): Command {
  return { action: 'error', message: `${what}. Nothing was changed. Example: /vcc ${EXAMPLE}` };
}
