import test from 'ava';
import { planThreads, THREAD_BURST } from '../src/delivery/threadPlan.ts';
import type { DueItem, Outgoing, ThreadedChannel } from '../src/delivery/ChannelSender.ts';
import type { ThreadRoot } from '../src/store/Store.ts';
import type { EventKind } from '../src/vcc/changes.ts';
import type { Message } from '../src/render/Message.ts';

const DAY = 86_400_000;
const NOW = 100 * DAY;

let id = 0;
const item = (user: string | null, kind: EventKind = 'user.role_changed'): DueItem => {
  id += 1;
  return {
    event: { id, userId: user, kinds: [kind] } as DueItem['event'],
    delivery: { id, kinds: [kind], show: [], mention: [] } as unknown as DueItem['delivery'],
  };
};
/** A change that asks for a decision (the plan's `alone` picks it). */
const ask = (user: string | null): DueItem => {
  const i = item(user);
  return { ...i, delivery: { ...i.delivery, review: true } };
};
const alone = (i: DueItem) => i.delivery.review === true;
const msg = (title: string): Message => ({
  title,
  summary: '',
  severity: 'info',
  facts: [],
  lines: [],
  fallback: title,
  mentions: [],
});
/** One message per item, or one digest of several (as a channel's messages are). */
const messages = (items: DueItem[]): Outgoing[] =>
  items.length === 1
    ? [{ message: msg(`event ${items[0]!.event.id}`), deliveryIds: [items[0]!.delivery.id] }]
    : [{ message: msg(`digest of ${items.length}`), deliveryIds: items.map((i) => i.delivery.id) }];
const channel = (over: Partial<ThreadedChannel> = {}): ThreadedChannel => ({
  settings: { broadcast: ['user.state_changed'], days: 30 },
  edit: true,
  broadcast: 'native',
  root: (items, changes) => msg(`root of ${items.at(-1)!.event.userId} (${changes})`),
  pointer: (reply) => msg(`pointer to ${reply.title}`),
  ...over,
});
const root = (userId: string, over: Partial<ThreadRoot> = {}): ThreadRoot => ({
  channel: 'ops',
  userId,
  ref: `ts-${userId}`,
  startedAt: NOW - DAY,
  lastAt: NOW - DAY,
  changes: 1,
  lastEventId: 0,
  editDueAt: null,
  editAttempts: 0,
  editError: null,
  editedAt: null,
  replaced: 0,
  ...over,
});

/** What a plan comes to, readably: `role title [placement]`. */
const shape = (out: Outgoing[]) =>
  out.map((o) => {
    const p = o.thread?.placement;
    const under = o.thread?.underNewRoot ? ' [reply in the new root]' : '';
    const where = !p
      ? under
      : p.thread === 'root'
        ? ' [root]'
        : ` [reply to ${p.root}${p.broadcast ? ', broadcast' : ''}]`;
    return `${o.courtesy ? 'courtesy' : (o.thread?.sent.role ?? '-')} ${o.message.title}${where}`;
  });

const cases: Array<{
  name: string;
  items: () => DueItem[];
  roots: ThreadRoot[];
  ch?: Partial<ThreadedChannel>;
  expect: RegExp[];
}> = [
  {
    name: 'a first event starts the root',
    items: () => [item('1', 'user.created')],
    roots: [],
    expect: [/^root root of 1 \(1\) \[root\]$/],
  },
  {
    name: 'a later event replies in the live thread',
    items: () => [item('1')],
    roots: [root('1')],
    expect: [/^reply event \d+ \[reply to ts-1\]$/],
  },
  {
    name: 'several changes of one agent together are one reply',
    items: () => [item('1'), item('1'), item('1')],
    roots: [root('1')],
    expect: [/^reply digest of 3 \[reply to ts-1\]$/],
  },
  {
    name: 'a broadcast kind is marked for the channel',
    items: () => [item('1', 'user.state_changed')],
    roots: [root('1')],
    expect: [/^reply event \d+ \[reply to ts-1, broadcast\]$/],
  },
  {
    name: 'without native broadcast, a pointer follows the reply',
    items: () => [item('1', 'user.state_changed')],
    roots: [root('1')],
    ch: { broadcast: 'pointer' },
    expect: [/^reply event \d+ \[reply to ts-1, broadcast\]$/, /^courtesy pointer to event \d+$/],
  },
  {
    name: 'a thread quiet for thread_days is left: a new root',
    items: () => [item('1')],
    roots: [root('1', { lastAt: NOW - 31 * DAY })],
    expect: [/^root root of 1 \(1\) \[root\]$/],
  },
  {
    name: 'a root deleted in the chat is replaced',
    items: () => [item('1')],
    roots: [root('1', { ref: '' })],
    expect: [/^root root of 1 \(1\) \[root\]$/],
  },
  {
    name: 'agents in order of their first event, each in their own thread',
    items: () => [item('2'), item('1'), item('2')],
    roots: [root('1')],
    expect: [/^root root of 2 \(2\) \[root\]$/, /^reply event \d+ \[reply to ts-1\]$/],
  },
  {
    name: 'a burst of agents goes to the channel as digests',
    items: () => Array.from({ length: THREAD_BURST + 1 }, (_, i) => item(String(i))),
    roots: [root('3')],
    expect: [/^channel digest of 11$/],
  },
  {
    name: "a change that asks is a reply of its own in the live thread, after the agent's other changes",
    items: () => [ask('1'), item('1'), item('1')],
    roots: [root('1')],
    expect: [/^reply digest of 2 \[reply to ts-1\]$/, /^reply event \d+ \[reply to ts-1\]$/],
  },
  {
    name: 'a change that asks, of an agent without a thread: the root, then the request in its thread',
    items: () => [item('1', 'user.created'), ask('1')],
    roots: [],
    expect: [/^root root of 1 \(2\) \[root\]$/, /^reply event \d+ \[reply in the new root\]$/],
  },
  {
    name: 'changes that ask in a burst go to the channel, each alone',
    items: () => [...Array.from({ length: THREAD_BURST + 1 }, (_, i) => item(String(i))), ask('1'), ask('2')],
    roots: [],
    expect: [/^channel digest of 11$/, /^channel event \d+$/, /^channel event \d+$/],
  },
  {
    name: 'events without a user id go to the channel',
    items: () => [item(null), item('1')],
    roots: [root('1')],
    expect: [/^channel event \d+$/, /^reply event \d+ \[reply to ts-1\]$/],
  },
];

for (const c of cases)
  test(`plan: ${c.name}`, (t) => {
    const roots = new Map(c.roots.map((r) => [r.userId, r]));
    const out = planThreads(c.items(), roots, channel(c.ch), NOW, messages, alone);
    const got = shape(out);
    t.is(got.length, c.expect.length, got.join('\n'));
    c.expect.forEach((re, i) => t.regex(got[i] ?? '', re));
  });

test('plan: a burst counts its changes in the threads it touches, and no root is started', (t) => {
  const agents = THREAD_BURST + 1;
  const items = Array.from({ length: 2 * agents }, (_, i) => item(String(i % agents)));
  const out = planThreads(items, new Map([['3', root('3')]]), channel(), NOW, messages);
  t.is(out.length, 1);
  t.is(out[0]!.thread!.placement, undefined);
  t.deepEqual(out[0]!.thread!.sent, {
    role: 'channel',
    roots: [{ userId: '3', changes: 2, lastEventId: items[3 + agents]!.event.id }],
    edit: true,
  });
});

test('plan: a root carries every delivery of its agent, with the thread key as its ref until sent', (t) => {
  const items = [item('7', 'user.created'), item('7')];
  const [out] = planThreads(items, new Map(), channel(), NOW, messages);
  t.deepEqual(
    out!.deliveryIds,
    items.map((i) => i.delivery.id),
  );
  const p = out!.thread!.placement!;
  t.is(p.thread, 'root');
  t.deepEqual(out!.thread!.sent.roots, [
    { userId: '7', ref: p.thread === 'root' ? p.key : '', changes: 2, lastEventId: items[1]!.event.id },
  ]);
});

test('plan: a request in a live thread keeps the thread root as its thread; one in a new thread waits for the root', (t) => {
  const [, request] = planThreads([item('5'), ask('5')], new Map([['5', root('5')]]), channel(), NOW, messages, alone);
  t.is(request!.thread!.sent.threadRef, 'ts-5');
  const asked = ask('6');
  const [first, reply] = planThreads([item('6', 'user.created'), asked], new Map(), channel(), NOW, messages, alone);
  t.false(first!.deliveryIds.includes(asked.delivery.id), 'the root does not carry the request');
  t.is(first!.thread!.sent.roots[0]!.changes, 2, 'but counts it');
  t.is(first!.thread!.dependents, undefined);
  const key = first!.thread!.placement!.thread === 'root' ? first!.thread!.placement!.key : '';
  t.deepEqual(reply!.thread!.underNewRoot, { key, userId: '6' });
  t.deepEqual(reply!.deliveryIds, [asked.delivery.id]);
});

test('plan: a root whose every change asks carries none; its requests depend on it', (t) => {
  const asks = [ask('8'), ask('8')];
  const [first, ...requests] = planThreads(asks, new Map(), channel(), NOW, messages, alone);
  t.deepEqual(first!.deliveryIds, []);
  t.deepEqual(
    first!.thread!.dependents,
    asks.map((i) => i.delivery.id),
  );
  t.deepEqual(
    requests.map((r) => r.deliveryIds),
    asks.map((i) => [i.delivery.id]),
  );
});
