import type { Change, EventKind } from '../vcc/changes.ts';
import type { Liquid, Template } from 'liquidjs';
import { primaryKind, PRIMARY, TemplateError, type DigestTemplates, type KindTemplates } from './templateFiles.ts';
import { loadTemplates, type TargetOptions } from './loadTemplates.ts';
import { CONTACT_FIELDS, WAGE_FIELDS, type UserField } from '../vcc/user.ts';
import type { Delivery, StoredEvent } from '../store/Store.ts';
import { uniqueMentions } from '../routing/route.ts';
import { changeView, fullUser, withChange, type Scope } from './templateScope.ts';
import type { Labels } from './labels.ts';
import { KIND_WORDS, NEW_AGENTS } from './words.ts';
import type { Message, Severity } from './Message.ts';
import { utcMinute } from './utcMinute.ts';

type RenderedDelivery = Pick<Delivery, 'kinds' | 'show' | 'mention'>;

/** The templates/ folder shipped with the package (the same path from src/ and from dist/). */
export { TemplateError };

export const DEFAULT_TEMPLATES = new URL('../../templates/', import.meta.url).pathname;

export type { TargetOptions };
type Target = string;

/**
 * Renders events into neutral Messages from the files in `templates/`: one `KIND.yaml` per
 * event kind and `digest.yaml`; `templates/TARGET/FILE.yaml` overrides one file for one
 * target. Templates are LiquidJS with strict variables and render neutral text (sanitized, not
 * escaped: each platform's payload builder escapes for its target). Loading throws
 * TemplateError naming the file.
 */
export class Renderer {
  private constructor(
    private readonly engine: Liquid,
    private readonly kinds: Record<Target, Record<EventKind, KindTemplates>>,
    private readonly digests: Record<Target, DigestTemplates>,
    private readonly roots: Record<Target, KindTemplates>,
    private readonly hidesContacts: ReadonlySet<Target>,
    private readonly labels: () => Labels,
  ) {}

  /** hiddenFields by target and `show`: a handful of combinations, asked once per event. */
  private readonly hidden = new Map<string, ReadonlySet<UserField>>();

  /** `labels`: the config's labels in force, read at each render. */
  static load(dir: string, targets: readonly TargetOptions[], labels: () => Labels = () => ({})): Renderer {
    const t = loadTemplates(dir, targets, labels);
    return new Renderer(
      t.engine,
      t.kinds,
      t.digests,
      t.roots,
      new Set(targets.filter((x) => x.hidesContacts).map((x) => x.target)),
      labels,
    );
  }

  /** `table[target]`, or a clear error for a target no platform registered. */
  private of<T>(table: Record<Target, T>, target: Target): T {
    const v = table[target];
    if (v === undefined) throw new Error(`no templates for target "${target}"`);
    return v;
  }

  /** One event as one message, showing only the changes of `delivery.kinds`. */
  event(event: StoredEvent, delivery: RenderedDelivery, target: Target): Message {
    const primary = primaryKind(delivery.kinds);
    const { scope, changes } = this.scope(event, delivery, primary, target);
    const lines = this.changeLines(changes, scope, delivery.show, target);
    const m = this.message(this.of(this.kinds, target)[primary], scope, lines, delivery.mention ?? []);
    // The title names the main change; one event that carries others says so (its lines list them).
    const others = changes.filter((c) => c.kind !== primary).length;
    return others === 0
      ? m
      : { ...m, title: `${m.title} (and ${others} other ${others === 1 ? 'change' : 'changes'})` };
  }

  /**
   * An agent's thread root (`agent.yaml`): the agent as the newest of `items` shows them, the
   * thread's count of changes, and the change lines of every item.
   */
  root(
    items: ReadonlyArray<{ event: StoredEvent; delivery: RenderedDelivery }>,
    changes: number,
    target: Target,
  ): Message {
    const newest = items.at(-1)!;
    const last = this.event(newest.event, newest.delivery, target);
    const { scope } = this.scope(newest.event, newest.delivery, primaryKind(newest.delivery.kinds), target);
    const { user, old, event, kinds, change } = scope;
    const rootScope = {
      user,
      old,
      event,
      kinds,
      change,
      thread: { changes, last: last.title, severity: last.severity, lastAt: utcMinute(newest.event.receivedAt) },
    };
    const lines = items.length === 1 ? last.lines : items.flatMap((i) => this.event(i.event, i.delivery, target).lines);
    const mentions = uniqueMentions(items.flatMap((i) => i.delivery.mention ?? []));
    return this.message(this.of(this.roots, target), rootScope, lines, mentions);
  }

  /** A kind-shaped template file rendered with `scope`: title, summary, severity and facts, with the lines given. */
  private message(t: KindTemplates, scope: object, lines: string[], mentions: Message['mentions']): Message {
    const out = (tpl: Template[]) => this.engine.renderSync(tpl, scope).trim();
    const title = out(t.title);
    return {
      title,
      summary: out(t.summary),
      severity: severityOf(out(t.severity)),
      facts: t.facts.map((f) => ({ label: f.label, value: out(f.value) })).filter((f) => f.value !== ''),
      lines,
      fallback: title,
      mentions,
    };
  }

  /** The `line` template of each of `changes` (the delivery's); empty lines dropped. */
  private changeLines(changes: readonly Change[], scope: Scope, show: readonly string[], target: Target): string[] {
    const kinds = this.of(this.kinds, target);
    const hide = this.hiddenFields(target, show);
    return changes.flatMap((c) => {
      const line = kinds[c.kind].line;
      const text = line
        ? this.engine.renderSync(line, withChange(scope, changeView(c, hide, this.labels()))).trim()
        : '';
      return text ? [text] : [];
    });
  }

  /**
   * Several events as one digest message, grouped by kind in event order, listing each event
   * with its change lines. How many events a message takes is the caller's (digestChunks).
   * `away`: the events waited out the channel's quiet hours (the title says so). `part`: this
   * chunk's place among the messages of one summary the platform's size split, and the
   * summary's whole count (the template's `part`, `parts`, `total`).
   */
  digest(
    chunk: Array<{ event: StoredEvent; delivery: Pick<Delivery, 'kinds' | 'show' | 'mention'> }>,
    target: Target,
    away = false,
    part: { part: number; parts: number; total: number } = { part: 1, parts: 1, total: chunk.length },
  ): Message {
    const engine = this.engine;
    const d = this.of(this.digests, target);
    const groups = new Map<
      EventKind,
      { kind: EventKind; label: string; count: number; agents: number; lines: string[] }
    >();
    for (const { event, delivery } of chunk) {
      const primary = primaryKind(delivery.kinds);
      const g = groups.get(primary) ?? { kind: primary, label: '', count: 0, agents: 0, lines: [] };
      const { scope: itemScope, changes } = this.scope(event, delivery, primary, target);
      const who = engine.renderSync(d.item, itemScope).trim();
      // A new user's item names them; for the other kinds the item carries its change lines.
      const changeLines = primary === 'user.created' ? [] : this.changeLines(changes, itemScope, delivery.show, target);
      g.count += 1;
      if (event.new.isAgent === true) g.agents += 1;
      g.lines.push(changeLines.length === 0 ? who : `${who}: ${changeLines.join('; ')}`);
      groups.set(primary, g);
    }
    const ordered = PRIMARY.flatMap((k) => (groups.has(k) ? [groups.get(k)!] : []));
    for (const g of ordered) g.label = groupLabel(d.labels, g);
    const scope = { count: chunk.length, away, ...part, groups: ordered.map(({ lines: _l, ...g }) => g) };
    const title = engine.renderSync(d.title, scope).trim();
    // One kind: the title names it, so no group line repeats it.
    const lines =
      ordered.length === 1
        ? ordered[0]!.lines.map((l) => `• ${l}`)
        : ordered.flatMap((g) => [
            `${engine.renderSync(d.group, { ...scope, group: g }).trim()}:`,
            ...g.lines.map((l) => `• ${l}`),
          ]);
    return {
      title,
      summary: engine.renderSync(d.summary, scope).trim(),
      severity: severityOf(engine.renderSync(d.severity, scope).trim()),
      facts: [],
      lines,
      fallback: title,
      mentions: uniqueMentions(chunk.flatMap((x) => x.delivery.mention ?? [])),
    };
  }

  /**
   * The fields a delivery must not print: wages unless the route shows `wages`; on a target
   * that hides contacts (the console, a log stream) emails and phones unless it shows `contacts`.
   */
  private hiddenFields(target: Target, show: readonly string[]): ReadonlySet<UserField> {
    const key = `${target}\n${show.join('\n')}`;
    const known = this.hidden.get(key);
    if (known) return known;
    const hide = new Set<UserField>();
    if (!show.includes('wages')) for (const f of WAGE_FIELDS) hide.add(f);
    if (this.hidesContacts.has(target) && !show.includes('contacts')) for (const f of CONTACT_FIELDS) hide.add(f);
    this.hidden.set(key, hide);
    return hide;
  }

  /**
   * The variables templates see for one event and delivery, and the changes the delivery
   * carries. `user`, `old` and `change` are built when a template first reads them (a digest
   * item usually prints only a name).
   */
  private scope(
    event: StoredEvent,
    delivery: Pick<Delivery, 'kinds' | 'show' | 'mention'>,
    primary: EventKind,
    target: Target,
  ): { scope: Scope; changes: Change[] } {
    const hide = this.hiddenFields(target, delivery.show);
    const changes = event.changes.filter((c) => delivery.kinds.includes(c.kind));
    const first = event.changes.find((c) => c.kind === primary);
    let user: Record<UserField, unknown> | undefined;
    let old: Record<UserField, unknown> | null | undefined, change: Scope['change'] | undefined;
    const labels = this.labels;
    const scope: Scope = {
      get user() {
        return (user ??= fullUser(event.new, hide));
      },
      get old() {
        return old === undefined ? (old = event.old ? fullUser(event.old, hide) : null) : old;
      },
      event: {
        id: event.id,
        userId: event.userId,
        // Formatted only when a template prints it.
        get receivedAt() {
          return new Date(event.receivedAt).toISOString();
        },
        vccTimestamp: event.vccTimestamp,
      },
      kinds: [...new Set(changes.map((c) => c.kind))],
      get change() {
        return (change ??= first
          ? changeView(first, hide, labels())
          : { field: null, label: '', before: null, after: null, beforeCode: null, afterCode: null, hidden: false });
      },
    };
    return { scope, changes };
  }
}

function severityOf(s: string): Severity {
  return s === 'warning' || s === 'notice' ? s : 'info';
}

/** A digest group's word: digest.yaml's `labels:` when it names the kind, else KIND_WORDS ("new agents" when all are). */
function groupLabel(own: DigestTemplates['labels'], g: { kind: EventKind; count: number; agents: number }): string {
  const mine = own?.[g.kind];
  if (mine) return mine[g.count === 1 ? 0 : 1];
  const words = g.kind === 'user.created' && g.agents === g.count ? NEW_AGENTS : KIND_WORDS[g.kind];
  return g.count === 1 ? words.one : words.many;
}
