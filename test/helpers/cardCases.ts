import { acceptVccBody } from '../../src/vcc/acceptVccBody.ts';
import { DEFAULT_TEMPLATES, Renderer } from '../../src/render/Renderer.ts';
import { TARGETS } from '../../src/platforms/registry.ts';
import type { Message } from '../../src/render/Message.ts';
import type { StoredEvent } from '../../src/store/Store.ts';
import type { EventKind } from '../../src/vcc/changes.ts';
import { agentStory } from './agentStory.ts';
import { withReview } from '../../src/render/reviewText.ts';

let id = 0;
/** A VCC body through the real ingest path, as the store would give it back. */
function stored(body: unknown): StoredEvent {
  const r = acceptVccBody(body, Date.UTC(2026, 11, 1, 9, 30));
  if (!r.ok) throw new Error(`${r.path}: ${r.message}`);
  id += 1;
  return { ...r.event, id };
}

const item = (e: StoredEvent, over: { mention?: Array<{ id: string; name: string }>; show?: string[] } = {}) => ({
  event: e,
  delivery: { kinds: e.kinds, show: over.show ?? [], ...(over.mention ? { mention: over.mention } : {}) },
});

/**
 * Every kind of Teams card we can produce, by name: each template and event kind, labels,
 * mentions, a digest, an away summary, a thread root, the size-overflow case and the longest
 * names, with markup in names; `kinds`: the event's kinds for a single event. For the
 * conformance test and `npm run docs:cards`.
 */
export function teamsCardMessages(): Array<{ name: string; message: Message; kinds: EventKind[] }> {
  const labels = { privGroup: { '1': 'Agent', '4': 'Supervisor' }, messageLists: { technical: 'Technical' } };
  const r = Renderer.load(DEFAULT_TEMPLATES, TARGETS, () => labels);
  const ann = agentStory(9101, 'rachel_smith', 'Rachel *Smith*');
  const created = stored(ann.created());
  const role = stored(ann.change({ privGroup: 4 }));
  const state = stored(ann.change({ state: 'inactive' }));
  const transport = stored(ann.change({ registerTransport: 'sip-udp' }));
  const pw = ann.change({});
  const password = stored({ ...pw, new: { ...pw.new, password: 'hunter2-never-shown' } });
  const lists = stored(ann.change({ messageLists: ['technical', 'sales'], email: 'r.smith@example.com' }));
  const several = stored(
    ann.change({ privGroup: 1, state: 'active', registerTransport: 'encrypted-dip', isAgent: false }),
  );
  const longest = 'W'.repeat(120) + ' [x](https://e.example) <at>x</at> _x_';
  const long = stored(agentStory(9102, `${'u_'.repeat(40)}x`, longest).created());
  const one = (e: StoredEvent, over?: Parameters<typeof item>[1]) => {
    const i = item(e, over);
    return { message: r.event(i.event, i.delivery, 'teams'), kinds: e.kinds };
  };
  const many = (message: Message) => ({ message, kinds: [] });
  const burst = (n: number, name: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => item(stored(agentStory(9200 + i, `agent_${i}`, name(i)).created())));
  return [
    { name: 'created', ...one(created) },
    { name: 'role-changed', ...one(role) },
    { name: 'state-changed', ...one(state) },
    { name: 'transport-changed', ...one(transport) },
    { name: 'password-changed', ...one(password) },
    { name: 'updated-lists', ...one(lists) },
    { name: 'several-changes', ...one(several) },
    { name: 'mention', ...one(role, { mention: [{ id: '29:1abc', name: 'Dana Supervisor' }] }) },
    { name: 'longest-names', ...one(long) },
    {
      name: 'digest',
      ...many(
        r.digest(
          burst(12, (i) => `Agent ${i}`),
          'teams',
        ),
      ),
    },
    {
      name: 'away-summary',
      ...many(
        r.digest(
          burst(6, (i) => `Night ${i}`),
          'teams',
          true,
        ),
      ),
    },
    { name: 'thread-root', ...many(r.root([item(created), item(role), item(state)], 3, 'teams')) },
    {
      name: 'size-overflow',
      ...many(
        r.digest(
          burst(400, (i) => `${'N'.repeat(180)} ${i}`),
          'teams',
        ),
      ),
    },
  ];
}

/**
 * The review cards as the Teams bot posts them (interactive): a request, an expected one and a
 * not-expected one, each the role change's card with its review. For `npm run docs:cards`.
 */
export function teamsReviewCards(): Array<{ name: string; message: Message }> {
  const role = teamsCardMessages().find((c) => c.name === 'role-changed')!.message;
  const review = {
    id: 12,
    eventId: 2,
    channel: 'security',
    userId: '9101',
    username: 'rachel_smith',
    email: null,
    what: ['Privilege group: Agent (1) → Supervisor (4)'],
    askedAt: Date.UTC(2026, 11, 1, 9, 30),
    status: 'pending' as const,
    decidedBy: null,
    decidedAt: null,
    reason: null,
    remindersSent: 0,
    nextRemindAt: null,
    escalatedAt: null,
    owed: null,
    owedAt: null,
    owedTries: 0,
  };
  const alice = { platform: 'teams', id: '00000000-0000-0000-0000-0000000a11ce', name: 'Alice Owner' };
  const at = Date.UTC(2026, 11, 1, 10, 42);
  const reviewers = ['Alice Owner', 'Security team'];
  const open = 'https://vcc-notify.example.com/admin/events/2';
  return [
    { name: 'review-request', message: withReview(role, review, reviewers, open) },
    {
      name: 'review-expected',
      message: withReview(role, { ...review, status: 'expected', decidedBy: alice, decidedAt: at }, reviewers, open),
    },
    {
      name: 'review-not-expected',
      message: withReview(
        role,
        { ...review, status: 'not-expected', decidedBy: alice, decidedAt: at, reason: 'not requested by HR' },
        reviewers,
        open,
      ),
    },
  ];
}
