import test from 'ava';
import { READ_STEPS, runSteps, type Batch, type ReadStep, type StepContext } from '../src/delivery/readSteps.ts';
import type { ChannelSender, DueItem, Outgoing, ThreadedChannel } from '../src/delivery/ChannelSender.ts';
import type { Message } from '../src/render/Message.ts';
import type { Mute, ThreadRoot } from '../src/store/Store.ts';

const HOUR = 3_600_000;
const NOW = 1_000 * HOUR;

let n = 0;
/** A due item about `user`, created at `createdAt`. */
const item = (user: string, createdAt = NOW): DueItem => {
  n += 1;
  return {
    event: { id: n, userId: user, kinds: ['user.created'] } as unknown as DueItem['event'],
    delivery: { id: n, kinds: ['user.created'], createdAt, retrySince: null } as unknown as DueItem['delivery'],
  };
};
const msg = (title: string): Message => ({
  title,
  summary: '',
  severity: 'info',
  facts: [],
  lines: [],
  fallback: title,
  mentions: [],
});
const users = (items: readonly DueItem[]) => items.map((i) => i.event.userId).join(',');
const out = (title: string, items: readonly DueItem[]): Outgoing[] => [
  { message: msg(`${title} ${users(items)}`), deliveryIds: items.map((i) => i.delivery.id) },
];

/** A channel's sender as the steps see it: quiet before NOW (so what came before waited), threads optional. */
function sender(over: { quiet?: boolean; thread?: ThreadedChannel } = {}): Extract<ChannelSender, { ok: true }> {
  return {
    ok: true,
    adapter: { send: async () => ({ status: 'sent' }) },
    limits: [],
    messages: (items) => out('digest', items),
    away: (items) => out('away', items),
    hours: over.quiet
      ? {
          channel: { mode: 'quiet', intervals: ['nights'], urgent: [], quietAt: (at) => at < NOW - HOUR },
          routes: () => () => false,
        }
      : { routes: () => () => false },
    ...(over.thread ? { thread: over.thread } : {}),
  };
}

const threaded: ThreadedChannel = {
  settings: { broadcast: [], days: 30 },
  edit: true,
  broadcast: 'native',
  root: (items) => msg(`root ${users(items)}`),
  pointer: (reply) => msg(`pointer ${reply.title}`),
};

const MUTE = { id: 7, comment: 'bulk import' } as Mute;

function context(over: Partial<StepContext> & { quiet?: boolean; thread?: ThreadedChannel } = {}): StepContext {
  return {
    channel: 'ops',
    now: NOW,
    sender: sender(over),
    muted: async (items) => {
      const held = items.filter((i) => i.event.userId?.startsWith('import_'));
      return held.length ? [{ mute: MUTE, items: held }] : [];
    },
    roots: async () => new Map<string, ThreadRoot>(),
    openReview: async (r) => ({
      ...r,
      id: 1,
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
      reason: null,
      remindersSent: 0,
      escalatedAt: null,
      owed: null,
      owedAt: null,
      owedTries: 0,
    }),
    ...over,
  };
}

const step = (name: string): ReadStep => READ_STEPS.find(([s]) => s === name)![1];
const batch = (go: DueItem[], away: DueItem[] = []): Batch => ({ go, away, messages: [] });
const titles = (b: Batch) => b.messages.map((m) => m.message.title);

test('the steps, in order: mute, hours, review, summary, digest, thread plan', (t) => {
  t.deepEqual(
    READ_STEPS.map(([s]) => s),
    ['mute', 'hours', 'review', 'summary', 'digest', 'thread plan'],
  );
});

test('mute: what a mute in force holds is taken out and decided muted with its mute; the rest goes on', async (t) => {
  const [a, b] = [item('import_1'), item('eve')];
  const r = await step('mute')(batch([a!, b!]), context());
  t.deepEqual(r.batch.go, [b]);
  t.deepEqual(r.decided?.muted, [{ mute: MUTE, items: [a!] }]);
  t.deepEqual((await step('mute')(batch([b!]), context())).decided, undefined, 'nothing muted: nothing decided');
});

test('hours: in quiet hours an item waits (held, with when it may go); after them, what came in them is set apart for the summary', async (t) => {
  const early = item('eve', NOW - 2 * HOUR);
  const quiet = context({ quiet: true, now: NOW - 2 * HOUR });
  const held = await step('hours')(batch([early]), quiet);
  t.deepEqual(held.batch.go, []);
  t.is(held.decided?.held?.length, 1);
  t.is(held.decided?.holdUntil, NOW - HOUR);
  const later = item('bob', NOW);
  const open = await step('hours')(batch([early, later]), context({ quiet: true }));
  t.deepEqual(open.batch.away, [early]);
  t.deepEqual(open.batch.go, [later]);
  t.deepEqual((await step('hours')(batch([later]), context())).batch.go, [later], 'no hours: all go');
});

test('summary: what waited goes first, as one message; nothing waited, nothing made', async (t) => {
  const r = await step('summary')(batch([item('bob')], [item('eve'), item('ann')]), context());
  t.deepEqual(titles(r.batch), ['away eve,ann']);
  t.deepEqual(r.batch.away, []);
  t.deepEqual(titles((await step('summary')(batch([item('bob')]), context())).batch), []);
});

test('digest: on a channel without threads the items become its messages; a threaded channel leaves them to the thread plan', async (t) => {
  const items = [item('eve'), item('bob')];
  t.deepEqual(titles((await step('digest')(batch(items), context())).batch), ['digest eve,bob']);
  t.deepEqual((await step('digest')(batch(items), context({ thread: threaded }))).batch.go, items);
});

test('thread plan: on a threaded channel each agent gets a root; a channel without threads is left alone', async (t) => {
  const r = await step('thread plan')(batch([item('eve')]), context({ thread: threaded }));
  t.deepEqual(titles(r.batch), ['root eve']);
  t.is(r.batch.messages[0]!.thread?.placement?.thread, 'root');
  const plain = [item('bob')];
  t.deepEqual((await step('thread plan')(batch(plain), context())).batch.go, plain);
});

test('the whole list: muted, held and away items each end where they should, and the messages come in order', async (t) => {
  const away = item('eve', NOW - 2 * HOUR);
  const muted = item('import_2');
  const now = item('bob');
  const r = await runSteps([away, muted, now], context({ quiet: true }));
  t.deepEqual(
    r.messages.map((m) => m.message.title),
    ['away eve', 'digest bob'],
  );
  t.deepEqual(r.decided.muted, [{ mute: MUTE, items: [muted] }]);
  t.deepEqual(r.decided.held, []);
  t.is(r.decided.holdUntil, null);
});

test('a new step is one entry: a step that keeps an item out of digests sends it alone', async (t) => {
  const alone: ReadStep = async (b, c) => {
    const own = b.go.filter((i) => i.event.userId === 'rachel');
    return {
      batch: {
        ...b,
        go: b.go.filter((i) => !own.includes(i)),
        messages: [...b.messages, ...own.flatMap((i) => c.sender.messages([i]))],
      },
    };
  };
  const steps = [...READ_STEPS.slice(0, 3), ['alone', alone] as const, ...READ_STEPS.slice(3)];
  const r = await runSteps([item('eve'), item('rachel'), item('bob')], context(), steps);
  t.deepEqual(
    r.messages.map((m) => m.message.title),
    ['digest rachel', 'digest eve,bob'],
  );
});
