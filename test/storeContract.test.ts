import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/store/sqlite.ts';
import { PostgresStore } from '../src/store/postgres.ts';
import type { Store } from '../src/store/Store.ts';
import { MIGRATIONS } from '../src/store/migrations/allMigrations.ts';
import { searchQuery, type EventSearch } from '../src/store/eventSearch.ts';
import { cleanup, tempDir } from './helpers/service.ts';
import { freshDatabase } from './helpers/postgres.ts';
import { createdEvent } from './helpers/fixtures.ts';

/** One contract, two stores: every case runs against SQLite and against Postgres. */
const stores: Array<[string, () => Promise<{ store: Store; done: () => Promise<void> }>]> = [
  [
    'sqlite',
    async () => {
      const dir = tempDir();
      const store = await SqliteStore.open(join(dir, 'c.db'));
      return {
        store,
        done: async () => {
          await store.close();
          cleanup(dir);
        },
      };
    },
  ],
  [
    'sqlite without writer thread',
    async () => {
      const dir = tempDir();
      const store = await SqliteStore.open(join(dir, 'c.db'), { writerThread: false });
      return {
        store,
        done: async () => {
          await store.close();
          cleanup(dir);
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      const db = await freshDatabase();
      const store = await PostgresStore.open(db.url);
      return {
        store,
        done: async () => {
          await store.close();
          await db.drop();
        },
      };
    },
  ],
];

const ev = (key: string, at = 1000) =>
  createdEvent(key, { receivedAt: at, userId: '9', new: { userId: '9', name: 'N' } });
const to = (...channels: string[]) =>
  channels.map((channel) => ({ channel, kinds: ['user.created' as const], show: [] }));

for (const [kind, open] of stores) {
  const contract = (name: string, fn: (t: any, s: Store) => Promise<void>) =>
    test(`${kind}: ${name}`, async (t) => {
      const { store, done } = await open();
      try {
        await fn(t, store);
      } finally {
        await done();
      }
    });

  contract('ingest stores the event with one delivery per channel; a repeat is a duplicate', async (t, s) => {
    const a = await s.ingest(ev('k1'), to('a', 'b'));
    t.deepEqual(a, { status: 'accepted', eventId: a.eventId, deliveries: 2 });
    t.deepEqual(await s.ingest(ev('k1'), to('a')), { status: 'duplicate', eventId: a.eventId });
    const e = await s.getEvent(a.eventId);
    t.deepEqual(e?.kinds, ['user.created']);
    t.is(e?.new.name, 'N');
    t.deepEqual((await s.listDeliveries({ limit: 10 })).map((d) => d.channel).sort(), ['a', 'b']);
  });

  contract(
    'a NUL or a lone surrogate from a sender is stored (Postgres text holds neither), never refused on every retry',
    async (t, s) => {
      const hostile = 'Ann\u0000\ud800 Lee';
      const base = ev('hostile');
      const r = await s.ingest(
        {
          ...base,
          vccTimestamp: '2026-01-01T00:00:00Z\u0000',
          new: { ...base.new, name: hostile, username: `u${hostile}`, email: `${hostile}@x` },
        },
        to('a'),
      );
      t.is(r.status, 'accepted');
      // The payload is JSON, which escapes both: the event reads back exactly as it came.
      t.is((await s.getEvent(r.eventId))?.new.name, hostile);
      // Search keys keep what the store can: found by the readable part, and by the value sent.
      t.deepEqual(
        (await s.searchEvents({ q: 'ann', limit: 5 })).events.map((e) => e.id),
        [r.eventId],
      );
      t.deepEqual(
        (await s.searchEvents({ q: hostile, limit: 5 })).events.map((e) => e.id),
        [r.eventId],
      );
      t.deepEqual(
        (await s.duePending('a', 5000, 5)).map((x) => x.event.new.name),
        [hostile],
      );
      await s.recordRefusal({
        receivedAt: 5,
        method: 'POST',
        status: 400,
        code: 'invalid_json',
        message: 'm',
        path: null,
        body: '{"a":"\u0000',
        contentType: 'application/json',
        remoteAddr: null,
      });
      t.regex((await s.listRefusals({ limit: 1 }))[0]?.body ?? '', /^\{"a":"[\u0000\uFFFD]$/);
    },
  );

  // Every numeric column is an integer (BIGINT in Postgres, INTEGER in SQLite). A fraction once
  // failed every Postgres write of a retry's next attempt time (22P02), forever.
  const numbers: Array<[string, number, number]> = [
    ['a fraction', 2_000.6, 2_001],
    ['a fraction below one half', 2_000.4, 2_000],
    ['negative zero', -0, 0],
    ['a huge number', 1e20, Number.MAX_SAFE_INTEGER],
    ['infinity', Infinity, Number.MAX_SAFE_INTEGER],
    ['beyond the safe integers', 2 ** 53 + 2, Number.MAX_SAFE_INTEGER],
  ];
  for (const [name, given, kept] of numbers)
    contract(`integer columns keep ${name} as a whole number, from every write that takes a number`, async (t, s) => {
      const a = await s.ingest(ev('n1', given), to('a'));
      t.is((await s.getEvent(a.eventId))?.receivedAt, kept, 'events.received_at');
      const [d0] = await s.listDeliveries({ limit: 1 });
      t.deepEqual([d0!.createdAt, d0!.nextAttemptAt], [kept, kept], 'deliveries.created_at, next_attempt_at');
      await s.markRetry([d0!.id], given, given, 'retry');
      const [d1] = await s.listDeliveries({ limit: 1 });
      t.deepEqual([d1!.updatedAt, d1!.nextAttemptAt, d1!.attempts], [kept, kept, 1], 'markRetry');
      await s.markSent([d0!.id], given);
      t.is((await s.listDeliveries({ limit: 1 }))[0]!.updatedAt, kept, 'markSent');
      const mute = await s.addMute({
        channel: null,
        kinds: null,
        where: [],
        startsAt: given,
        endsAt: given,
        comment: '',
        createdBy: 'test',
        createdAt: given,
      });
      const [m] = await s.listMutes({ limit: 1 });
      t.deepEqual([m!.id, m!.startsAt, m!.endsAt, m!.createdAt], [mute, kept, kept, kept], 'mutes');
      t.truthy(await s.claimChannel('a', 'me', given, 0.4), 'channel_leases');
    });

  contract('NaN is refused as a value for an integer column, and nothing is written', async (t, s) => {
    const a = await s.ingest(ev('nan'), to('a'));
    const [d] = await s.listDeliveries({ limit: 1 });
    await t.throwsAsync(s.markRetry([d!.id], 5_000, Number.NaN, 'retry'));
    t.like((await s.listDeliveries({ limit: 1 }))[0], {
      id: d!.id,
      eventId: a.eventId,
      attempts: 0,
      status: 'pending',
    });
  });

  contract('the same event ingested 10 times at once is stored once', async (t, s) => {
    const rs = await Promise.all(Array.from({ length: 10 }, () => s.ingest(ev('same'), to('a'))));
    t.is(rs.filter((r) => r.status === 'accepted').length, 1);
    t.is(new Set(rs.map((r) => r.eventId)).size, 1);
    t.is((await s.listDeliveries({ limit: 20 })).length, 1);
  });

  contract('due work keeps channel order: a head in backoff holds its channel only', async (t, s) => {
    await s.ingest(ev('e1'), to('a', 'b'));
    await s.ingest(ev('e2'), to('a'));
    t.deepEqual((await s.dueChannels(2000, 10)).sort(), ['a', 'b']);
    const [head] = await s.duePending('a', 2000, 10);
    await s.markRetry([head!.delivery.id], 2000, 60_000, 'HTTP 503');
    t.deepEqual(await s.dueChannels(2000, 10), ['b']);
    t.deepEqual(await s.duePending('a', 2000, 10), []);
    const later = await s.duePending('a', 60_000, 10);
    t.deepEqual(
      later.map((x) => x.event.dedupKey),
      ['e1', 'e2'],
    );
    t.is(later[0]!.delivery.attempts, 1);
    t.is(later[0]!.delivery.lastError, 'HTTP 503');
  });

  contract(
    "a delivery keeps its routes' hours; the next page past held items holds only due ones; resend clears the hours",
    async (t, s) => {
      const nights = { mode: 'quiet' as const, intervals: ['nights'] };
      await s.ingest(ev('h1'), [{ ...to('a')[0]!, hours: [nights] }]);
      await s.ingest(ev('h2'), to('a'));
      await s.ingest(ev('h3'), to('a'));
      const first = await s.duePending('a', 2000, 1);
      t.deepEqual(first[0]!.delivery.hours, [nights]);
      const next = await s.duePending('a', 2000, 1, first[0]!.delivery.id);
      t.deepEqual(
        next.map((x) => [x.event.dedupKey, x.delivery.hours]),
        [['h2', undefined]],
      );
      await s.markRetry([next[0]!.delivery.id], 2000, 60_000, 'HTTP 503');
      t.deepEqual(
        (await s.duePending('a', 2000, 5, first[0]!.delivery.id)).map((x) => x.event.dedupKey),
        ['h3'],
        'one in backoff is skipped on a next page',
      );
      await s.resend(first[0]!.event.id, to('a')[0]!, 3000);
      t.is((await s.duePending('a', 3000, 1))[0]!.delivery.hours, undefined);
    },
  );

  contract("deliveriesOf: a page of events' deliveries in one read, grouped by event, oldest first", async (t, s) => {
    const e1 = await s.ingest(ev('p1', 100), to('a', 'b'));
    const e2 = await s.ingest(ev('p2', 200), to('c'));
    const e3 = await s.ingest(ev('p3', 300), []);
    const ids = [e1, e2, e3].map((r) => r.eventId);
    const got = await s.deliveriesOf(ids);
    t.deepEqual(
      got.get(ids[0]!)?.map((d) => d.channel),
      ['a', 'b'],
    );
    t.deepEqual(
      got.get(ids[1]!)?.map((d) => d.channel),
      ['c'],
    );
    t.false(got.has(ids[2]!));
    t.is((await s.deliveriesOf([])).size, 0);
  });

  contract('sent, dead, replay, queue stats', async (t, s) => {
    await s.ingest(ev('e1', 100), to('a', 'b'));
    const [a] = await s.duePending('a', 1000, 1);
    const [b] = await s.duePending('b', 1000, 1);
    t.deepEqual(await s.queueStats(), { pending: 2, held: 0, oldestPendingCreatedAt: 100 });
    // A delivery waiting out quiet hours is pending, counted as held, and not the oldest waiting.
    await s.markHeld([a!.delivery.id], 900, 'held by quiet hours until 2026-12-08 05:00 UTC (channel quiet: nights)');
    t.deepEqual(await s.queueStats(), { pending: 2, held: 1, oldestPendingCreatedAt: 100 });
    await s.markHeld([b!.delivery.id], 900, 'held by quiet hours until 2026-12-08 05:00 UTC (channel quiet: nights)');
    t.deepEqual(await s.queueStats(), { pending: 2, held: 2, oldestPendingCreatedAt: null });
    t.is(
      (await s.listDeliveries({ status: 'pending', limit: 1 }))[0]!.lastError?.startsWith('held by quiet hours'),
      true,
    );
    await s.markSent([a!.delivery.id], 1000);
    await s.markDead([b!.delivery.id], 1500, 'Slack: channel_not_found');
    t.deepEqual(await s.queueStats(), { pending: 0, held: 0, oldestPendingCreatedAt: null });
    t.is((await s.listDeliveries({ status: 'sent', limit: 1 }))[0]!.lastError, null, 'sent clears the reason');
    const dead = await s.listDeliveries({ status: 'dead', limit: 5 });
    t.is(dead[0]!.lastError, 'Slack: channel_not_found');
    t.is(await s.replayDead({ channel: 'a' }, 2000), 0);
    t.is(await s.replayDead({ since: 1600 }, 2000), 0);
    t.is(await s.replayDead({ ids: [b!.delivery.id] }, 2000), 1);
    const [again] = await s.duePending('b', 2000, 1);
    t.like(
      again!.delivery,
      { attempts: 1, retryBase: 1, retrySince: 2000 },
      'attempts keep counting; retries count from the replay',
    );
    await s.markSent([again!.delivery.id], 2100);
    await s.markDead([again!.delivery.id], 2200, 'late');
    t.is((await s.listDeliveries({ channel: 'b', limit: 1 }))[0]!.status, 'sent', 'a final status is not overwritten');
  });

  contract(
    'resend: a new delivery for a channel the event never had, the same delivery again for one it had',
    async (t, s) => {
      const e = await s.ingest(ev('r1', 100), to('a'));
      const [a] = await s.duePending('a', 1000, 1);
      await s.markSent([a!.delivery.id], 1000);
      const fresh = await s.resend(e.eventId, { channel: 'late', kinds: ['user.created'], show: ['wages'] }, 3000);
      t.deepEqual(fresh, { deliveryId: fresh!.deliveryId, requeued: false });
      const [late] = await s.duePending('late', 3000, 5);
      t.like(late!.delivery, {
        id: fresh!.deliveryId,
        eventId: e.eventId,
        status: 'pending',
        attempts: 0,
        kinds: ['user.created'],
        show: ['wages'],
        createdAt: 3000,
      });
      const again = await s.resend(e.eventId, { channel: 'a', kinds: ['user.created'], show: [] }, 4000);
      t.deepEqual(again, { deliveryId: a!.delivery.id, requeued: true });
      const [a2] = await s.duePending('a', 4000, 5);
      t.like(a2!.delivery, {
        id: a!.delivery.id,
        status: 'pending',
        attempts: 1,
        retryBase: 1,
        retrySince: 4000,
        nextAttemptAt: 4000,
        createdAt: 100,
      });
      t.is(await s.resend(e.eventId + 1000, { channel: 'a', kinds: [], show: [] }, 5000), null, 'no such event');
      t.is((await s.listDeliveries({ eventId: e.eventId, limit: 10 })).length, 2);
    },
  );

  contract(
    'search: by user, by name prefix, username or email in any case, by kind and dates; pages without skips or repeats',
    async (t, s) => {
      const person = (
        key: string,
        at: number,
        userId: string,
        name: string,
        kind: 'user.created' | 'user.state_changed' = 'user.created',
      ) => {
        const e = createdEvent(key, {
          receivedAt: at,
          userId,
          new: {
            userId,
            name,
            username: `${name.split(' ')[0]!.toLowerCase()}_${userId}`,
            email: `${userId}@Example.com`,
          },
        });
        return kind === 'user.created'
          ? e
          : {
              ...e,
              changes: [{ kind, field: 'state' as const, before: 'active', after: 'inactive', sensitive: false }],
            };
      };
      const ids: Record<string, number> = {};
      const rows: Array<[string, number, string, string, ('user.created' | 'user.state_changed')?]> = [
        ['a1', 1000, '1234', 'Rachel Smith'],
        ['b1', 2000, '77', 'Ödön Kovács'],
        ['a2', 3000, '1234', 'Rachel Smith', 'user.state_changed'],
        ['c1', 4000, '88', 'Rachelle Stone', 'user.state_changed'],
        ['a3', 5000, '1234', 'Rachel Smith-Jones'],
      ];
      for (const [key, at, user, name, kind] of rows)
        ids[key] = (await s.ingest(person(key, at, user, name, kind), [])).eventId;
      const page = async (f: Parameters<Store['searchEvents']>[0]) =>
        (await s.searchEvents(f)).events.map((e) => e.dedupKey);
      const cases: Array<[string, Parameters<Store['searchEvents']>[0], string[]]> = [
        ['user id', { user: '1234', limit: 10 }, ['a3', 'a2', 'a1']],
        ['q: user id', { q: '1234', limit: 10 }, ['a3', 'a2', 'a1']],
        ['q: name prefix, any case', { q: 'rACHEL', limit: 10 }, ['a3', 'c1', 'a2', 'a1']],
        ['q: accented name prefix', { q: 'ödön', limit: 10 }, ['b1']],
        ['q: username exactly', { q: 'Rachelle_88', limit: 10 }, ['c1']],
        ['q: email exactly, any case', { q: '77@example.COM', limit: 10 }, ['b1']],
        ['q: part of an email is not a match', { q: 'example.com', limit: 10 }, []],
        ['kind', { kind: 'user.state_changed', limit: 10 }, ['c1', 'a2']],
        ['dates: since inclusive, until exclusive', { since: 2000, until: 4000, limit: 10 }, ['a2', 'b1']],
        [
          'user, kind and dates together',
          { user: '1234', kind: 'user.created', since: 500, until: 6000, limit: 10 },
          ['a3', 'a1'],
        ],
        ['nothing after the last event', { since: 9000, limit: 10 }, []],
      ];
      // Not yet indexed: found on the events' own columns. Then indexed: found through event_keys.
      for (const [name, f, want] of cases) t.deepEqual(await page(f), want, `${name} (not indexed)`);
      t.is(await s.indexSearch(4500), 4, 'only events received before the given time');
      for (const [name, f, want] of cases) t.deepEqual(await page(f), want, `${name} (partly indexed)`);
      t.is(await s.indexSearch(10_000), 1);
      t.is(await s.indexSearch(10_000), 0, 'nothing left');
      for (const [name, f, want] of cases) t.deepEqual(await page(f), want, `${name} (indexed)`);
      // Pages of 2 while new events arrive: each event once, newest first.
      const seen: string[] = [];
      let r = await s.searchEvents({ q: 'rachel', limit: 2 });
      seen.push(...r.events.map((e) => e.dedupKey));
      await s.ingest(person('a4', 6000, '1234', 'Rachel Smith'), []);
      while (r.next !== null) {
        r = await s.searchEvents({ q: 'rachel', limit: 2, beforeId: r.next });
        seen.push(...r.events.map((e) => e.dedupKey));
      }
      t.deepEqual(seen, ['a3', 'c1', 'a2', 'a1']);
    },
  );

  contract('refusals, conversations and subscriptions round-trip', async (t, s) => {
    await s.recordRefusal({
      receivedAt: 5,
      method: 'POST',
      status: 400,
      code: 'invalid_payload',
      message: 'm',
      path: 'new.state',
      body: '{}',
      contentType: 'application/json',
      remoteAddr: '127.0.0.1',
    });
    t.like((await s.listRefusals({ limit: 1 }))[0], { status: 400, path: 'new.state', body: '{}' });
    await s.saveConversation({ id: '19:x', reference: { serviceUrl: 'http://a/' }, name: 'X', updatedAt: 1 });
    await s.saveConversation({ id: '19:x', reference: { serviceUrl: 'http://b/' }, name: 'X', updatedAt: 2 });
    t.deepEqual(await s.getConversation('19:x'), {
      id: '19:x',
      reference: { serviceUrl: 'http://b/' },
      name: 'X',
      updatedAt: 2,
    });
    t.is(await s.getConversation('19:none'), null);
    const id = await s.addSubscription({
      channel: 'slack:C1',
      events: ['user.created'],
      where: [{ field: 'isAgent', op: '=', values: ['true'] }],
      mention: ['S0GROUP'],
      createdBy: 'U1',
      createdAt: 3,
    });
    await s.setSubscriptionEvents(id, null);
    t.like((await s.listSubscriptions())[0], { id, channel: 'slack:C1', events: null, createdBy: 'U1' });
    await s.setSubscriptionEvents(id, []);
    t.deepEqual(await s.listSubscriptions(), []);
  });

  contract('channel leases: one owner at a time, taken over after expiry, last send carried', async (t, s) => {
    t.deepEqual(await s.claimChannel('a', 'one', 1000, 500), { lastSendAt: null });
    t.is(await s.claimChannel('a', 'two', 1200, 500), null);
    t.truthy(await s.claimChannel('a', 'one', 1400, 500), 'the owner renews');
    t.is(await s.claimChannel('a', 'two', 1800, 500), null, 'renewed until 1900');
    t.deepEqual(await s.claimChannel('a', 'two', 2000, 500), { lastSendAt: null }, 'expired: taken over');
    await s.releaseChannel('a', 'one', 9999);
    t.is(await s.claimChannel('a', 'one', 2100, 500), null, "a stale owner cannot release another's lease");
    await s.releaseChannel('a', 'two', 2050);
    t.deepEqual(await s.claimChannel('a', 'one', 2100, 500), { lastSendAt: 2050 });
  });

  // Which of two concurrent copies of an event is the accepted one depends on which batch
  // commits first (a later batch can commit while an earlier one is still connecting); the
  // contract is that exactly one is accepted and every other copy is a duplicate of it.
  contract(
    'a burst of concurrent ingests (group commit): each stored once, every repeat a duplicate of the one accepted',
    async (t, s) => {
      const keys = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
      const burst = [...keys, ...keys.slice(0, 5)];
      const results = await Promise.all(burst.map((k, i) => s.ingest(ev(k, 2000 + i), to('x', 'y'))));
      const byKey = new Map<string, number>();
      for (const key of keys) {
        const copies = results.filter((_, i) => burst[i] === key);
        const accepted = copies.filter((r) => r.status === 'accepted');
        t.is(accepted.length, 1, `${key}: one copy accepted`);
        const [first] = accepted;
        if (first?.status !== 'accepted') continue;
        t.is(first.deliveries, 2, key);
        byKey.set(key, first.eventId);
        for (const r of copies) if (r !== first) t.deepEqual(r, { status: 'duplicate', eventId: first.eventId }, key);
      }
      t.is(new Set(byKey.values()).size, 40, 'distinct ids');
      const ids = new Set(byKey.values());
      const ds = await s.listDeliveries({ limit: 1000 });
      t.is(ds.filter((d) => ids.has(d.eventId)).length, 80, 'two deliveries per event, none for repeats');
      const again = await s.ingest(ev('burst-3', 9999), to('x'));
      t.deepEqual(again, { status: 'duplicate', eventId: byKey.get('burst-3')! });
    },
  );

  contract(
    'prune in batches: each takes at most the limit, oldest first, and leaves everything not expired',
    async (t, s) => {
      const old: number[] = [];
      for (let i = 0; i < 25; i += 1) {
        const r = await s.ingest(ev(`batch-old-${i}`, 100 + i), to('done'));
        old.push(r.eventId);
      }
      for (const d of await s.duePending('done', 1000, 100)) await s.markSent([d.delivery.id], 1000);
      const pending = await s.ingest(ev('batch-pending', 50), to('waiting'));
      const recent = await s.ingest(ev('batch-recent', 5000), to('done'));
      const counts = [];
      for (;;) {
        const n = await s.prune(1000, 10);
        counts.push(n.events);
        if (n.events < 10) break;
      }
      t.deepEqual(counts, [10, 10, 5]);
      for (const id of old) t.is(await s.getEvent(id), null);
      t.truthy(await s.getEvent(pending.eventId));
      t.truthy(await s.getEvent(recent.eventId));
      t.deepEqual((await s.listDeliveries({ limit: 100 })).map((d) => d.channel).sort(), ['done', 'waiting']);
    },
  );

  contract('prune removes old finished events only (pending ones and recent ones stay)', async (t, s) => {
    const oldSent = await s.ingest(ev('old-sent', 100), to('a'));
    const oldPending = await s.ingest(ev('old-pending', 100), to('b'));
    const oldNoDelivery = await s.ingest(ev('old-none', 100), []);
    const recent = await s.ingest(ev('recent', 5000), to('c'));
    const [a] = await s.duePending('a', 1000, 1);
    await s.markSent([a!.delivery.id], 1000);
    await s.recordRefusal({
      receivedAt: 100,
      method: 'POST',
      status: 401,
      code: 'unauthorized',
      message: 'm',
      path: null,
      body: null,
      contentType: null,
      remoteAddr: null,
    });
    t.deepEqual(await s.prune(1000, 100), { events: 2, refusals: 1 });
    t.is(await s.getEvent(oldSent.eventId), null);
    t.is(await s.getEvent(oldNoDelivery.eventId), null);
    t.truthy(await s.getEvent(oldPending.eventId));
    t.truthy(await s.getEvent(recent.eventId));
    t.deepEqual((await s.listDeliveries({ limit: 10 })).map((d) => d.channel).sort(), ['b', 'c']);
    t.deepEqual(await s.listRefusals({ limit: 5 }), []);
  });

  contract(
    'threads: a root is started with its send, replies count and make its edit due, edits and a deleted root are recorded',
    async (t, s) => {
      await s.ingest(ev('t1', 100), to('ops'));
      await s.ingest(createdEvent('t2', { receivedAt: 200, userId: '9', new: { userId: '9', name: 'N' } }), to('ops'));
      const [first, second] = await s.duePending('ops', 1000, 5);
      await s.markSent([first!.delivery.id], 1000, {
        channel: 'ops',
        role: 'root',
        roots: [{ userId: '9', ref: '1700000000.000100', changes: 1, lastEventId: first!.event.id }],
        edit: true,
      });
      t.deepEqual([...(await s.threadRoots('ops', ['9', '10'])).keys()], ['9']);
      t.like((await s.threadRoots('ops', ['9'])).get('9'), { ref: '1700000000.000100', changes: 1, editDueAt: null });
      t.is(await s.dueChannels(5000, 10).then((c) => c.includes('ops')), true, 'its second delivery is due');
      await s.markSent([second!.delivery.id], 2000, {
        channel: 'ops',
        role: 'reply',
        roots: [{ userId: '9', changes: 1, lastEventId: second!.event.id }],
        edit: true,
      });
      t.like((await s.listDeliveries({ channel: 'ops', limit: 2 }))[0], { thread: 'reply', status: 'sent' });
      t.like((await s.threadRoots('ops', ['9'])).get('9'), {
        changes: 2,
        lastAt: 2000,
        editDueAt: 2000,
        lastEventId: second!.event.id,
      });
      t.deepEqual(await s.dueChannels(2000, 10), ['ops'], 'a due edit makes its channel due');
      t.deepEqual(
        (await s.editsDue('ops', 2000, 5)).map((r) => r.userId),
        ['9'],
      );
      await s.markEdit('ops', '9', { error: 'Slack HTTP 503', nextAt: 3000 });
      t.like((await s.threadsOf('9'))[0], { editDueAt: 3000, editAttempts: 1, editError: 'Slack HTTP 503' });
      t.deepEqual(await s.editsDue('ops', 2500, 5), []);
      await s.markEdit('ops', '9', { editedAt: 3100 });
      t.like((await s.threadsOf('9'))[0], { editDueAt: null, editAttempts: 0, editError: null, editedAt: 3100 });
      t.deepEqual(await s.dueChannels(9000, 10), []);
      await s.dropRoot('ops', '9', 'another-ref');
      t.is((await s.threadsOf('9'))[0]!.ref, '1700000000.000100', 'only the root it names is dropped');
      await s.dropRoot('ops', '9', '1700000000.000100');
      t.like((await s.threadsOf('9'))[0], { ref: '', replaced: 1 });
      await s.ingest(createdEvent('t3', { receivedAt: 300, userId: '9', new: { userId: '9', name: 'N' } }), to('ops'));
      const [third] = await s.duePending('ops', 9000, 5);
      await s.markSent([third!.delivery.id], 9000, {
        channel: 'ops',
        role: 'root',
        roots: [{ userId: '9', ref: 'new-root', changes: 1, lastEventId: third!.event.id }],
        edit: true,
      });
      t.like((await s.threadsOf('9'))[0], { ref: 'new-root', replaced: 1, changes: 1, startedAt: 9000 });
    },
  );

  contract(
    'mutes: added, listed in force or all, ended once; a muted delivery is final and resendable',
    async (t, s) => {
      const base = {
        channel: 'ops',
        kinds: null,
        where: [{ field: 'username' as const, op: '~' as const, values: ['^imp'] }],
        comment: 'import',
        createdBy: 'cli:x',
        createdAt: 100,
      };
      const a = await s.addMute({ ...base, startsAt: 100, endsAt: 1000 });
      const b = await s.addMute({ ...base, channel: null, kinds: ['user.created'], startsAt: 500, endsAt: 2000 });
      t.deepEqual(
        (await s.listMutes({ activeAt: 200 })).map((m) => m.id),
        [a],
      );
      t.deepEqual(
        (await s.listMutes({ activeAt: 600 })).map((m) => m.id),
        [a, b],
      );
      t.like((await s.listMutes({ activeAt: 600 }))[1], {
        channel: null,
        kinds: ['user.created'],
        where: base.where,
        endsAt: 2000,
      });
      t.deepEqual(
        (await s.listMutes({})).map((m) => m.id),
        [b, a],
        'all, newest first',
      );
      t.true(await s.expireMute(b, 700));
      t.false(await s.expireMute(b, 800), 'ended already');
      t.false(await s.expireMute(a, 1500), 'over');
      t.deepEqual(
        (await s.listMutes({ activeAt: 750 })).map((m) => m.id),
        [a],
      );
      await s.ingest(ev('m1', 100), to('ops'));
      const [d] = await s.duePending('ops', 1000, 1);
      await s.markMuted([d!.delivery.id], a, 900, `muted by mute #${a}: import`);
      t.like((await s.listDeliveries({ status: 'muted', limit: 5 }))[0], {
        mutedBy: a,
        attempts: 0,
        lastError: `muted by mute #${a}: import`,
      });
      t.deepEqual(await s.queueStats(), { pending: 0, held: 0, oldestPendingCreatedAt: null });
      const again = await s.resend(d!.event.id, { channel: 'ops', kinds: ['user.created'], show: [] }, 1200);
      t.true(again!.requeued);
      t.like((await s.duePending('ops', 1300, 1))[0]!.delivery, { status: 'pending', mutedBy: null, retrySince: 1200 });
    },
  );

  contract('migrations are recorded up to the latest version', async (t, s) => {
    await s.ping();
    t.is(MIGRATIONS[MIGRATIONS.length - 1]!.version, MIGRATIONS.length);
  });
}

// The hot reads use their indexes (SQLite's plan; Postgres plans by statistics, so only SQLite
// is held to a plan here): an event's deliveries, and retention's oldest finished events.
test("sqlite query plans: an event's deliveries and retention use indexes", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-plan-'));
  const s = await SqliteStore.open(join(dir, 'plan.db'));
  await s.close();
  const db = new Database(join(dir, 'plan.db'), { readonly: true });
  try {
    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join(' | ');
    t.regex(
      plan('SELECT * FROM deliveries WHERE event_id = ? ORDER BY id DESC LIMIT ?', 1, 20),
      /SEARCH deliveries USING INDEX (deliveries_event_status|sqlite_autoindex_deliveries_1) \(event_id=\?\)/,
    );
    t.regex(
      plan(
        `SELECT id FROM events e WHERE e.received_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending') ORDER BY e.received_at LIMIT ?`,
        1,
        10,
      ),
      /SEARCH e USING (COVERING )?INDEX events_received[\s\S]*SEARCH d USING (COVERING )?INDEX deliveries_event_status \(event_id=\? AND status=\?\)/,
    );
    // Event search (history, admin search, CSV): each filter by its index, dates as id bounds.
    const search = (f: EventSearch) => {
      const values: unknown[] = [];
      return plan(
        searchQuery(f, (v) => {
          values.push(v);
          return '?';
        }),
        ...values,
      );
    };
    t.regex(
      search({ user: '1234', limit: 50 }),
      /SEARCH events USING (COVERING )?INDEX events_user \(user_id=\? AND (rowid|id)<\?\)/,
    );
    t.regex(
      search({ q: 'rachel', limit: 50 }),
      /^SEARCH events USING INTEGER PRIMARY KEY \(rowid=\?\)[\s\S]*INDEX events_user \(user_id=\?\)[\s\S]*INDEX event_keys_key \(key=\?\)[\s\S]*INDEX event_keys_key \(key=\?\)[\s\S]*INDEX event_keys_key \(key>\? AND key<\?\)[\s\S]*SEARCH events USING INTEGER PRIMARY KEY \(rowid>\?\)/,
    );
    t.regex(
      search({ since: 1, until: 2, limit: 50 }),
      /^SEARCH events USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)[\s\S]*SEARCH events USING (COVERING )?INDEX events_received/,
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
