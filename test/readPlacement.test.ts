import test from 'ava';
import { ReadPlacement } from '../src/delivery/threadWork.ts';
import type { Outgoing } from '../src/delivery/ChannelSender.ts';
import type { SendOutcome } from '../src/delivery/Adapter.ts';
import type { Message } from '../src/render/Message.ts';

const message = { title: 't' } as Message;
const ROOT: Outgoing = {
  message,
  deliveryIds: [],
  thread: {
    placement: { thread: 'root', key: 'agent-7-k' },
    sent: { role: 'root', roots: [{ userId: '7', ref: 'agent-7-k', changes: 1, lastEventId: 1 }], edit: true },
    dependents: [11],
  },
};
const REQUEST: Outgoing = {
  message,
  deliveryIds: [11],
  thread: { sent: { role: 'reply', roots: [], edit: true }, underNewRoot: { key: 'agent-7-k', userId: '7' } },
};
const sent: SendOutcome = { status: 'sent', ref: '1700.0001' };
const retry: SendOutcome = { status: 'retry', reason: '429' };
const dead: SendOutcome = { status: 'permanent', reason: 'channel_not_found' };

const cases: Array<{ name: string; root: SendOutcome; rootIds: number[]; request: Partial<Outgoing['thread']> }> = [
  {
    name: 'the root went: the request is a reply under its ref, with it as its thread',
    root: sent,
    rootIds: [],
    request: {
      placement: { thread: 'reply', root: '1700.0001', broadcast: false },
      sent: { role: 'reply', roots: [], edit: true, threadRef: '1700.0001' },
      replyTo: { userId: '7', ref: '1700.0001' },
    },
  },
  {
    name: "the root failed for good: its failure is the request's; were it sent, it goes to the channel",
    root: dead,
    rootIds: [11],
    request: { sent: { role: 'channel', roots: [], edit: true } },
  },
  {
    name: 'the root is to be retried: the retry is recorded for the request',
    root: retry,
    rootIds: [11],
    request: { sent: { role: 'channel', roots: [], edit: true } },
  },
];

for (const c of cases)
  test(`placement: ${c.name}`, (t) => {
    const placing = new ReadPlacement();
    t.is(placing.place(ROOT), ROOT, 'a root is sent as planned');
    t.deepEqual(placing.settled(ROOT, c.root), c.rootIds);
    t.deepEqual(placing.place(REQUEST).thread, c.request);
    t.deepEqual(placing.place(REQUEST).deliveryIds, [11]);
  });

test('placement: a message planned with no new root is sent as it is, and its outcome is its own', (t) => {
  const placing = new ReadPlacement();
  const plain: Outgoing = { message, deliveryIds: [3, 4] };
  t.is(placing.place(plain), plain);
  t.deepEqual(placing.settled(plain, retry), [3, 4]);
});
