import test from 'ava';
import { join } from 'node:path';
import { pino } from 'pino';
import { SqliteStore } from '../src/store/sqlite.ts';
import { createdEvent } from './helpers/fixtures.ts';
import { DeliveryWorker, DEFAULT_RETRY } from '../src/delivery/DeliveryWorker.ts';
import type { DueItem } from '../src/delivery/ChannelSender.ts';
import type { Message } from '../src/render/Message.ts';
import { cleanup, tempDir, until } from './helpers/service.ts';

const ev = (key: string) => createdEvent(key, { receivedAt: 0, vccTimestamp: null });

// A channel whose every send takes `sendMs` of (fake) time: during each send, a second
// instance tries to take the channel. It must never get it while this worker is sending.
const cases: Array<{ name: string; leaseMs: number; sendMs: number; sends: number }> = [
  { name: 'slow sends (14 s each) under the default 30 s lease', leaseMs: 30_000, sendMs: 14_000, sends: 8 },
  { name: 'a lease shorter than a send budget renews before every send', leaseMs: 5_000, sendMs: 4_000, sends: 5 },
  { name: 'fast sends over many lease lengths', leaseMs: 30_000, sendMs: 3_000, sends: 40 },
];

for (const c of cases) {
  test(`lease: ${c.name}; no other instance can take the channel mid-send`, async (t) => {
    const dir = tempDir();
    const store = await SqliteStore.open(join(dir, 'l.db'));
    let now = 1_000_000;
    const clock = () => now;
    const stolen: number[] = [];
    const sent: string[] = [];
    const worker = new DeliveryWorker({
      store,
      owner: 'a',
      leaseMs: c.leaseMs,
      clock,
      random: () => 0.5,
      log: pino({ level: 'silent' }),
      retry: DEFAULT_RETRY,
      pollMs: 10_000,
      senderFor: () => ({
        ok: true,
        limits: [],
        hours: { routes: () => () => false },
        away: () => [],
        messages: (items: DueItem[]) =>
          items.map((i) => ({
            message: { title: i.event.userId } as unknown as Message,
            deliveryIds: [i.delivery.id],
          })),
        adapter: {
          send: async (m: Message) => {
            now += c.sendMs;
            if (await store.claimChannel('ch', 'b', now, c.leaseMs)) stolen.push(sent.length);
            sent.push((m as unknown as { title: string }).title);
            return { status: 'sent' };
          },
        },
      }),
    });
    try {
      for (let i = 0; i < c.sends; i += 1)
        await store.ingest(ev(`u${i}`), [{ channel: 'ch', kinds: ['user.created'], show: [] }]);
      worker.start();
      await until(() => sent.length === c.sends, 60_000, 'all sent');
      await worker.stop();
      t.deepEqual(stolen, [], 'instance b took the channel during these sends');
      t.deepEqual(
        sent,
        Array.from({ length: c.sends }, (_, i) => `u${i}`),
        'each once, in order',
      );
      t.is((await store.listDeliveries({ status: 'sent', limit: 100 })).length, c.sends);
    } finally {
      await worker.stop();
      await store.close();
      cleanup(dir);
    }
  });
}
