import type { Settings } from '../config/settings.ts';
import type { NotifyConfig } from '../config/NotifyConfig.ts';
import { reviewSettingsOf } from '../config/reviewSettings.ts';
import { checkExitCode, problem, unchecked, type Finding } from '../domain/checks.ts';
import { chatChannel, probeChannel, webhookOwnerOf, type ChannelConfig } from '../platforms/registry.ts';
import { onceByKey, type ProbeContext } from '../platforms/Platform.ts';
import type { Subscriptions } from '../chat/Subscriptions.ts';
import type { StoreReads } from '../store/Store.ts';
import type { Actions } from '../actions/Actions.ts';
import type { Actor } from '../actions/Actor.ts';
import { createLogger } from '../logger.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { out, withContext } from './cliContext.ts';

const LABEL = { ok: 'ok       ', problem: 'PROBLEM  ', unchecked: 'UNCHECKED' } as const satisfies Record<
  Finding['status'],
  string
>;

function worst(findings: readonly Finding[]): Finding['status'] {
  const code = checkExitCode(findings);
  return code === 1 ? 'problem' : code === 2 ? 'unchecked' : 'ok';
}

/** One line for what was checked (`store`, a channel), and a fix-it line under it for each problem. */
function report(label: string, findings: readonly Finding[]): void {
  // What a platform answered may hold anything: through the one sanitizer of text that leaves the service.
  out(`${LABEL[worst(findings)]} ${sanitizeLine(label)}: ${sanitizeLine(findings.map((f) => f.what).join('; '))}`);
  for (const f of findings) if (f.status !== 'ok' && f.fix) out(`          fix: ${sanitizeLine(f.fix)}`);
}

/** What each line found, for the exit status and the summary. */
type Lines = Array<readonly Finding[]>;

interface Opened {
  store: StoreReads;
  subs: Subscriptions;
  actions: Actions;
  actor: Actor;
}

/** The config's channels, then the chat-made ones the store holds. */
function channelsOf(config: NotifyConfig, subs: Subscriptions | null): Array<[string, ChannelConfig]> {
  const made = [...new Set((subs?.routes() ?? []).map((r) => r.channel))].filter((n) => !(n in config.channels));
  return [
    ...Object.entries(config.channels),
    ...made.flatMap((n): Array<[string, ChannelConfig]> => {
      const ch = chatChannel(n);
      return ch ? [[n, ch]] : [];
    }),
  ];
}

async function probeAll(
  settings: Settings,
  config: NotifyConfig,
  opened: Opened | null,
  postTest: boolean,
): Promise<Lines> {
  // One account check (Slack's auth.test, the Teams token) for every channel; one logger.
  const once = onceByKey();
  const log = createLogger('silent');
  const all: Lines = [];
  for (const [name, ch] of channelsOf(config, opened?.subs ?? null)) {
    const reviewers =
      reviewSettingsOf(config, name, (c) => opened?.subs.settingOf('reviewers', c)?.reviewers)?.reviewers ?? [];
    const ctx: ProbeContext = {
      env: settings.env,
      fetch,
      clock: Date.now,
      log,
      conversations: opened?.store ?? null,
      needs: { reviewers, threads: Boolean(config.threads[name] ?? opened?.subs.settingOf('thread', name)) },
      webhookOwner: webhookOwnerOf,
      once,
    };
    const found = await probeChannel(ch, ctx).catch((e: Error) => [
      unchecked(`the check failed: ${e.message.slice(0, 160)}`),
    ]);
    if (postTest) found.push(await testMessage(name, opened));
    report(`${name} (${ch.type})`, found);
    all.push(found);
  }
  return all;
}

/** `--post-test`: the sample notification, marked as a test, sent and recorded as `vcc-notify send-test` does. */
async function testMessage(name: string, opened: Opened | null): Promise<Finding> {
  if (!opened) return unchecked('no test message: the store is needed to record it', 'mend the store first');
  const r = await opened.actions.sendTest(opened.actor, name);
  return r.ok
    ? { status: 'ok', what: 'test message sent' }
    : problem(`the test message failed: ${r.reason}`, 'see the reason; `vcc-notify send-test` repeats it');
}

/**
 * `check-config --online`: after the offline checks, the store (reachable, migrations) and
 * every channel, read-only, one line each with a fix-it line per problem. Resolves with the
 * exit status: 0 ok, 1 a problem, 2 something could not be checked.
 */
export async function onlineCheck(
  settings: Settings,
  config: NotifyConfig,
  opts: { postTest: boolean; file?: string },
): Promise<0 | 1 | 2> {
  out(
    `online checks (read-only${opts.postTest ? '; one test message per channel' : '; nothing is posted without --post-test'}):`,
  );
  const { checkStore } = await import('../store/storeCheck.ts');
  const store = await checkStore(settings.databaseUrl);
  report('store', [store.finding]);
  const all: Lines = [[store.finding]];
  if (store.current) all.push(...(await withContext((c) => probeAll(settings, config, c, opts.postTest), opts.file)));
  else {
    if (store.finding.status === 'ok')
      out('          (chat-made channels and stored bot conversations are read once the service has started)');
    all.push(...(await probeAll(settings, config, null, opts.postTest)));
  }
  const counts = { ok: 0, problem: 0, unchecked: 0 };
  for (const line of all) counts[worst(line)] += 1;
  out(
    `online: ${all.length} checked: ${counts.ok} ok, ${counts.problem} with problems, ${counts.unchecked} not checked`,
  );
  return checkExitCode(all.flat());
}
