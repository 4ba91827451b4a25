import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { freePort } from './helpers/ports.ts';
import { anchorOf } from '../src/config/referenceLinks.ts';
import { createdBody } from './helpers/fixtures.ts';

const DIR = fileURLToPath(new URL('../deploy/prometheus/', import.meta.url));
const RULES = join(DIR, 'alerts.yml');

/** Runs promtool (Debian's prometheus package) to its end. */
const promtool = (args: string[], cwd = DIR) =>
  new Promise<{ code: number; out: string }>((resolve) =>
    execFile('promtool', args, { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, (e, stdout, stderr) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );

type Rule = { alert?: string; record?: string; expr: string; annotations?: Record<string, string> };
const rules = (): Rule[] =>
  (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const alerts = () => rules().filter((r) => r.alert);

test('promtool check rules: the alerting rules are valid', async (t) => {
  const r = await promtool(['check', 'rules', 'alerts.yml']);
  t.is(r.code, 0, r.out);
  t.regex(r.out, new RegExp(`SUCCESS: ${rules().length} rules found`));
});

test('promtool test rules: each alert fires where it should and stays quiet where it should not', async (t) => {
  const r = await promtool(['test', 'rules', 'alerts.test.yml']);
  t.is(r.code, 0, r.out);
  const cases = (
    parse(readFileSync(join(DIR, 'alerts.test.yml'), 'utf8')) as {
      tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
    }
  ).tests.flatMap((c) => c.alert_rule_test);
  for (const a of alerts()) {
    t.true(
      cases.some((c) => c.alertname === a.alert && c.exp_alerts.length > 0),
      `${a.alert} fires in a test`,
    );
    t.true(
      cases.some((c) => c.alertname === a.alert && c.exp_alerts.length === 0),
      `${a.alert} stays quiet in a test`,
    );
  }
});

test('each alert names its runbook: a section of docs/alerts.md; and every metric the rules read is one the service exports', async (t) => {
  const doc = readFileSync(new URL('../docs/alerts.md', import.meta.url), 'utf8');
  const anchors = new Set([...doc.matchAll(/^## (.+)$/gm)].map((m) => anchorOf(m[1]!)));
  for (const a of alerts()) {
    const runbook = a.annotations?.runbook ?? '';
    t.regex(runbook, /^docs\/alerts\.md#/, a.alert);
    t.true(anchors.has(runbook.split('#')[1]!), `${a.alert}: ${runbook}`);
  }
  const dir = tempDir();
  const svc = await startTestService({}, { dir });
  try {
    const exported = await (await fetch(`${svc.url}/metrics`)).text();
    const used = new Set(rules().flatMap((r) => [...r.expr.matchAll(/\b(vcc_notify_[a-z_]+)\b/g)].map((m) => m[1]!)));
    for (const m of used) t.true(new RegExp(`^# TYPE ${m} `, 'm').test(exported), `${m} is exported`);
    t.true(used.size >= 6);
  } finally {
    await svc.stop();
    cleanup(dir);
  }
});

test('the real Prometheus scrapes a running vcc-notify with the rules loaded, and its query API gives a metric back', async (t) => {
  const dir = tempDir();
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: 'prom-secret' }, { dir });
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${RULES}\nscrape_configs:\n  - job_name: vcc-notify\n    static_configs:\n      - targets: ['${new URL(svc.url).host}']\n`,
  );
  const prom = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  prom.stderr.on('data', (d) => (err += d));
  const exited = new Promise((r) => prom.once('exit', r));
  t.teardown(async () => {
    if (prom.exitCode === null && prom.signalCode === null) {
      prom.kill('SIGKILL');
      await exited;
    }
  });
  const query = async (q: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`).catch(() => null);
    return res?.ok ? ((await res.json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result : [];
  };
  try {
    t.is((await svc.send(createdBody(), { query: { 'secret-key': 'prom-secret' } })).status, 200);
    const got = await until(
      async () => {
        const r = await query('vcc_notify_events_received_total{job="vcc-notify",kind="user.created"}');
        return r.length > 0 && Number(r[0]!.value[1]) >= 1 ? r : null;
      },
      120_000,
      `Prometheus to scrape the service (its log: ${err})`,
    );
    t.is(Number(got![0]!.value[1]), 1);
    t.is(Number((await query('vcc_notify_store_up'))[0]?.value[1]), 1);
    const loaded = await (await fetch(`http://127.0.0.1:${port}/api/v1/rules`)).json();
    const names = (loaded as { data: { groups: Array<{ rules: Array<{ name: string }> }> } }).data.groups.flatMap((g) =>
      g.rules.map((r) => r.name),
    );
    t.deepEqual(
      names.filter((n) => n.startsWith('VccNotify')).sort(),
      alerts()
        .map((a) => a.alert!)
        .sort(),
    );
  } finally {
    prom.kill('SIGTERM');
    await exited;
    await svc.stop();
    cleanup(dir);
  }
});
