import test from 'ava';
import { join } from 'node:path';
import { assertNoSecrets, storeFiles } from './helpers/noSecrets.ts';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { vccFixture } from './helpers/fixtures.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { ackingSenders, spawnService, stopService } from './helpers/child.ts';

const SECRET = 'durable-secret';

test('a repeat after a restart is still a duplicate and creates nothing', async (t) => {
  const dir = tempDir();
  const first = await startTestService({ VCC_WEBHOOK_SECRET: SECRET }, { dir, worker: false });
  const a = await first.send(vccFixture('user-changed'), { query: { 'secret-key': SECRET } });
  t.is(a.json.status, 'accepted');
  await first.stop();
  const second = await startTestService({ VCC_WEBHOOK_SECRET: SECRET }, { dir, worker: false });
  try {
    const b = await second.send(vccFixture('user-changed'), { query: { 'secret-key': SECRET } });
    t.deepEqual(b.json, { status: 'duplicate', event: a.json.event });
    t.is((await second.store.listEvents({ limit: 10 })).length, 1);
    t.is((await second.store.listDeliveries({ limit: 10 })).length, 1);
  } finally {
    await second.stop();
    cleanup(dir);
  }
});

test('every acknowledged event survives kill -9 of the service process', async (t) => {
  const dir = tempDir();
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
    LOG_LEVEL: 'info',
  });
  try {
    const port = await svc.port;
    const { acked, stop } = ackingSenders(port, SECRET, 8);
    await until(() => acked.length >= 100, 120_000, '100 acknowledged events');
    await stopService(svc, 'SIGKILL');
    await stop();
    const store = await SqliteStore.open(join(dir, 'vcc.db'));
    try {
      const missing: number[] = [];
      for (const id of acked) if (!(await store.getEvent(id))) missing.push(id);
      t.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged events lost`);
      t.true(acked.length >= 100);
      const deliveries = await store.listDeliveries({ limit: 100_000 });
      const withDelivery = new Set(deliveries.map((d) => d.eventId));
      t.true(
        acked.every((id) => withDelivery.has(id)),
        'each acknowledged event has its delivery',
      );
    } finally {
      await store.close();
    }
  } finally {
    await stopService(svc, 'SIGKILL');
    cleanup(dir);
  }
});

test('a password appears in no file of the store and no log line, accepted or refused', async (t) => {
  const PASSWORD = 'Pw-9f3b2c71-never-stored';
  const svc = await startTestService({
    VCC_WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'trace',
    ADMIN_TOKEN: 'durability-admin-token',
  });
  try {
    const base = vccFixture('user-changed');
    const accepted = await svc.send(
      { ...base, new: { ...base.new, password: PASSWORD } },
      { query: { 'secret-key': SECRET } },
    );
    t.is(accepted.status, 200);
    const refused = await svc.send(
      { ...base, new: { ...base.new, state: 7, password: PASSWORD } },
      { query: { 'secret-key': SECRET } },
    );
    t.is(refused.status, 400);
    const torn = await svc.send(null, { raw: `{"new":{"password":"${PASSWORD}`, query: { 'secret-key': SECRET } });
    t.is(torn.status, 400);
    // Variants that a regular expression over the raw text missed: an escaped key, an array value.
    const escaped = await svc.send(null, {
      raw: `{"old":null,"new":{"userId":1,"state":7,"pass\\u0077ord":"${PASSWORD}"}}`,
      query: { 'secret-key': SECRET },
    });
    t.is(escaped.status, 400);
    const listed = await svc.send(
      { old: null, new: { userId: 1, password: ['x', PASSWORD] } },
      { query: { 'secret-key': SECRET } },
    );
    t.is(listed.status, 400);
    const refusals = await svc.store.listRefusals({ limit: 10 });
    t.is(refusals.length, 4);
    await until(() => svc.printed.length > 0, 60_000, 'the console notification');
    const adminPages = await Promise.all(
      ['/admin', '/admin/refused', `/admin/events/${accepted.json.event}`].map(async (path) =>
        (await fetch(`${svc.url}${path}`, { headers: { authorization: 'Bearer durability-admin-token' } })).text(),
      ),
    );
    t.true(adminPages[1]!.includes('[removed]'), 'the refused page shows the redacted bodies');
    const ev = await svc.store.getEvent(accepted.json.event);
    t.deepEqual(
      ev?.changes.map((c) => c.kind),
      ['user.updated', 'user.password_changed'],
    );
    await svc.stop();
    const files = storeFiles(svc.dir);
    t.true(Object.keys(files).length > 0);
    t.true(svc.logs.length > 3);
    const pages = {
      refusals: JSON.stringify(refusals),
      'admin pages': adminPages,
      log: svc.logs,
      notifications: svc.printed,
      ...files,
    };
    assertNoSecrets(t, pages, [PASSWORD]);
    assertNoSecrets(t, { log: svc.logs, notifications: svc.printed, ...files }, [SECRET]);
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});
