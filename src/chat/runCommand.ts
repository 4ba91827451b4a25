import type { Mention, Route } from '../routing/route.ts';
import type { Actions } from '../actions/Actions.ts';
import type { Actor } from '../actions/Actor.ts';
import type { ChatHours, Subscription, ThreadSettings } from '../store/Store.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { helpText, parseCommand, type Command } from './grammar.ts';
import { describeTerm } from '../routing/conditions.ts';
import type { Subscriptions } from './Subscriptions.ts';
import { utcMinute } from '../render/utcMinute.ts';
import { count } from '../render/plural.ts';

export interface CommandContext {
  /** Routing name of the channel the command was typed in (`slack:C0123`). */
  channel: string;
  /** Who typed it (their platform and user id): what the actions check and record. */
  actor: Actor;
  actions: Actions;
  /** The platform's escaping for text typed by users that the reply repeats. */
  escape: (text: string) => string;
  subscriptions: Subscriptions;
  /** File routes that deliver to this same chat channel, shown read-only by `list`. */
  fileRoutes: Array<{ name: string; route: Route }>;
  /** Extra advice after a subscribe (e.g. how to invite the bot), if any. */
  afterSubscribe?: () => Promise<string | null>;
  /**
   * The mentions in the text after `mention`, as this platform spells them, or why they cannot
   * be read. Absent: this platform cannot mention.
   */
  mentions?: (text: string) => Mention[] | string;
  /** How this platform writes mentions, for help (absent: it cannot mention). */
  mentionHelp?: string;
}

/** A refusal as the reply says it (the reason may repeat what the user typed). */
const notChanged = (ctx: CommandContext, reason: string) => ctx.escape(sanitizeLine(`Not changed: ${reason}.`));

const kindsText = (k: readonly string[] | null | undefined) => (k && k.length ? k.join(', ') : 'all kinds');

/**
 * A reply lists at most this many subscriptions of at most LINE_CHARS characters each (before
 * escaping), so it stays far below every platform's message limit (Slack 40,000 characters,
 * a Teams message ~28 KB) and readable; `list N` shows page N.
 */
export const PAGE_LINES = 20;
const LINE_CHARS = 160;

const cut = (s: string) => (s.length > LINE_CHARS ? `${s.slice(0, LINE_CHARS - 1)}…` : s);

function describe(s: Subscription, escape: (text: string) => string): string {
  const where = s.where.length ? ` where ${s.where.map(describeTerm).join(' ')}` : '';
  // Ids and names only: a reply must not page the people it lists.
  const mention = s.mention.length
    ? ` mention ${s.mention.map((m) => (typeof m === 'string' ? m : m.name)).join(' ')}`
    : '';
  return `• ${kindsText(s.events)}${escape(cut(sanitizeLine(where + mention)))}${s.review ? ' (asks the reviewers)' : ''}`;
}

/** `thread`, `thread off`, `thread agent ...` for this channel; changing needs the right to change the channel. */
async function threadReply(cmd: Extract<Command, { action: 'thread' }>, ctx: CommandContext): Promise<string> {
  if (cmd.set === 'show') {
    await ctx.subscriptions.refresh();
    const thread = ctx.subscriptions.settingOf('thread', ctx.channel);
    return thread ? `Threads: ${threadText(thread)}` : 'Threads are off: every event is its own message here.';
  }
  const r = await ctx.actions.setThread(ctx.actor, ctx.channel, cmd.set);
  if (!r.ok) return notChanged(ctx, r.reason);
  return cmd.set ? `Threads on: ${threadText(cmd.set)}` : 'Threads off: every event is its own message here again.';
}

const hoursText = (h: ChatHours) =>
  `${h.mode} ${h.intervals.join(', ')}${h.urgent.length ? `; urgent: ${h.urgent.join(', ')}` : ''}`;

/** `hours`, `hours off`, `hours quiet|active ...` for this channel; changing needs the right to change the channel. */
async function hoursReply(cmd: Extract<Command, { action: 'hours' }>, ctx: CommandContext): Promise<string> {
  if (cmd.set === 'show') {
    await ctx.subscriptions.refresh();
    const h = ctx.subscriptions.settingOf('hours', ctx.channel);
    return h ? `Hours: ${ctx.escape(hoursText(h))}` : 'No hours: events are sent here at any time.';
  }
  const r = await ctx.actions.setHours(ctx.actor, ctx.channel, cmd.set);
  if (!r.ok) return notChanged(ctx, r.reason);
  return cmd.set
    ? `Hours set: ${ctx.escape(hoursText(cmd.set))}. What arrives while quiet waits and comes as one summary.`
    : 'Hours off: events are sent here at any time again.';
}

/** `reviewers`, `reviewers off`, `reviewers ID...` for this channel; changing needs the right to change the channel. */
async function reviewersReply(cmd: Extract<Command, { action: 'reviewers' }>, ctx: CommandContext): Promise<string> {
  if (cmd.set === 'show') {
    await ctx.subscriptions.refresh();
    const r = ctx.subscriptions.settingOf('reviewers', ctx.channel);
    return r ? ctx.escape(`Reviewers: ${r.reviewers.join(', ')}`) : 'No reviewers: nobody decides on changes here.';
  }
  const r = await ctx.actions.setReviewers(ctx.actor, ctx.channel, cmd.set);
  if (!r.ok) return notChanged(ctx, r.reason);
  return cmd.set
    ? ctx.escape(`Reviewers set: ${cmd.set.join(', ')}. Subscriptions made with "review" ask them for a decision.`)
    : 'Reviewers off: nobody decides on changes here; reviewed subscriptions are sent as usual.';
}

/** `mute`, `mutes`, `unmute` for this channel; changing needs the right to change the channel. */
async function muteReply(
  cmd: Extract<Command, { action: 'mute' | 'mutes' | 'unmute' }>,
  ctx: CommandContext,
): Promise<string> {
  if (cmd.action === 'mutes') {
    const mutes = await ctx.subscriptions.mutesOf(ctx.channel);
    if (mutes.length === 0) return 'No mutes in force here.';
    return `Mutes in force here:\n${mutes.map((m) => ctx.escape(cut(sanitizeLine(`• #${m.id} until ${utcMinute(m.endsAt)}${m.channel === null ? ' (every channel)' : ''}: ${m.comment}`)))).join('\n')}`;
  }
  if (cmd.action === 'unmute') {
    const r = await ctx.actions.expireMute(ctx.actor, cmd.id, { send: cmd.send, channel: ctx.channel });
    if (!r.ok) return notChanged(ctx, r.reason.startsWith('no mute') ? `${r.reason} (mutes lists them)` : r.reason);
    const sent = r.sent ?? 0;
    if (!cmd.send)
      return `Mute #${cmd.id} ended. What it held stays recorded as muted (the admin page, or vcc-notify resend --mute ${cmd.id}, sends it).`;
    const held =
      sent === 1 ? '1 held change is on its way' : `${count(sent, 'held change', 'held changes')} are on their way`;
    return `Mute #${cmd.id} ended; ${sent === 0 ? 'it held nothing unsent' : `${held}, once`}.`;
  }
  const comment = sanitizeLine(cmd.comment);
  const r = await ctx.actions.addMute(ctx.actor, {
    channel: ctx.channel,
    ms: cmd.ms,
    kinds: cmd.kinds,
    where: cmd.where,
    comment,
  });
  if (!r.ok) return notChanged(ctx, r.reason);
  const { id, endsAt } = r;
  return `Muted here as #${id} until ${utcMinute(endsAt)}: matching events are recorded as muted (resendable). unmute ${id} ends it.`;
}

/** A channel's thread settings, for people. */
function threadText(t: ThreadSettings): string {
  const broadcast = t.broadcast.length ? ` ${t.broadcast.join(', ')} also shown in the channel;` : '';
  return `one conversation per agent (the first message about an agent is its root, later changes reply in its thread);${broadcast} a new root after ${t.days} days without a change.`;
}

/** One page of lines, with how to see the rest when there is more. */
function page(lines: string[], n: number): string {
  const pages = Math.max(1, Math.ceil(lines.length / PAGE_LINES));
  const p = Math.min(Math.max(1, n), pages);
  const shown = lines.slice((p - 1) * PAGE_LINES, p * PAGE_LINES).join('\n');
  return pages === 1
    ? shown
    : `${shown}\n(page ${p} of ${pages}, ${lines.length} in all${p < pages ? `: \`list ${p + 1}\` shows more` : ''})`;
}

/**
 * Runs one chat command for one channel and returns the reply text. Never throws for bad
 * input: mistakes come back as a reply that names them; nothing is saved then.
 */
export async function runCommand(text: string, ctx: CommandContext): Promise<string> {
  const cmd = parseCommand(text);
  const current = (n = 1) => {
    const subs = ctx.subscriptions.forChannel(ctx.channel).map((s) => describe(s, ctx.escape));
    const files = ctx.fileRoutes.map(
      ({ name, route }) =>
        `• ${kindsText(route.events)}${route.where ? ` where ${Object.keys(route.where).join(', ')}` : ''} (config file channel "${ctx.escape(cut(name))}", read-only)`,
    );
    return subs.length || files.length ? page([...subs, ...files], n) : 'Nothing: this channel hears no VCC events.';
  };
  switch (cmd.action) {
    case 'help':
      return helpText(ctx.mentionHelp ?? null);
    case 'error':
      return ctx.escape(sanitizeLine(cmd.message));
    case 'list': {
      await ctx.subscriptions.refresh();
      const thread = ctx.subscriptions.settingOf('thread', ctx.channel);
      const hours = ctx.subscriptions.settingOf('hours', ctx.channel);
      return `This channel hears:\n${current(cmd.page)}${thread ? `\nThreads: ${threadText(thread)}` : ''}${hours ? `\nHours: ${ctx.escape(hoursText(hours))}` : ''}`;
    }
    case 'mute':
    case 'mutes':
    case 'unmute':
      return muteReply(cmd, ctx);
    case 'thread':
      return threadReply(cmd, ctx);
    case 'hours':
      return hoursReply(cmd, ctx);
    case 'reviewers':
      return reviewersReply(cmd, ctx);
    case 'test': {
      const r = await ctx.actions.sendTest(ctx.actor, ctx.channel);
      return r.ok ? 'Sent a sample notification here.' : `The sample notification failed: ${r.reason}`;
    }
    case 'subscribe':
    case 'unsubscribe':
      return subscribeReply(cmd, ctx, current);
  }
}

/** `subscribe ...` and `unsubscribe ...` for this channel; the reply shows what it hears now (`current`). */
async function subscribeReply(
  cmd: Extract<Command, { action: 'subscribe' | 'unsubscribe' }>,
  ctx: CommandContext,
  current: () => string,
): Promise<string> {
  if (cmd.action === 'unsubscribe') {
    const r = await ctx.actions.unsubscribe(ctx.actor, ctx.channel, cmd.kinds);
    if (!r.ok) return notChanged(ctx, r.reason);
    return r.changed === 0
      ? `Nothing to remove. This channel hears:\n${current()}`
      : `Unsubscribed. This channel now hears:\n${current()}`;
  }
  let mention: Mention[] = [];
  if (cmd.mention !== null) {
    const read = ctx.mentions ? ctx.mentions(cmd.mention) : 'this platform cannot mention anyone';
    if (typeof read === 'string') return notChanged(ctx, read);
    mention = read;
  }
  const { kinds, where, review } = cmd;
  const r = await ctx.actions.subscribe(ctx.actor, { channel: ctx.channel, kinds, where, mention, review });
  if (!r.ok) return notChanged(ctx, r.reason);
  const advice = (await ctx.afterSubscribe?.()) ?? null;
  return `Subscribed. This channel now hears:\n${current()}${advice ? `\n${advice}` : ''}`;
}
