// Issue 12, attack 3: values from VCC cannot forge lines, reorder text or hide characters in
// any target (Slack API, Slack webhook, Teams Workflows, Google Chat, the console) or in the log.
import test from 'ava';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { cleanup, startTestService, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { startAllPlatforms } from './helpers/allPlatforms.ts';

const SECRET = 'forged-secret';

// [name, the user's fields, text no target may carry, text every chat target must carry]
const cases: Array<[string, Record<string, unknown>, string[], string]> = [
  [
    'a newline forging an urgent line',
    { name: 'Eve\n:rotating_light: URGENT reset your password', username: 'eve1' },
    ['\n:rotating_light:'],
    'Eve :rotating_light: URGENT',
  ],
  [
    'CR LF and a line separator',
    { name: 'Eve\r\nIT desk\u2028says hi', username: 'eve2' },
    ['\r', '\u2028', '\nIT desk'],
    'Eve IT desk says hi',
  ],
  [
    'a bidi override reversing a file name',
    { name: 'Invoice \u202Efdp.exe', username: 'eve3' },
    ['\u202E'],
    'Invoice \uFFFDfdp.exe',
  ],
  [
    'a bidi isolate',
    { name: 'Mallory \u2067evil\u2069', username: 'eve4' },
    ['\u2067', '\u2069'],
    'Mallory \uFFFDevil\uFFFD',
  ],
  [
    'zero-width characters splitting a word',
    { name: 'Trusted\u200B Admin\u2060\uFEFF', username: 'eve5' },
    ['\u2060', '\uFEFF', 'Trusted\u200B'],
    'Trusted Admin',
  ],
  ['a terminal escape', { name: 'Term\u001b[2Jinal', username: 'eve6' }, ['\u001b'], 'Term\uFFFD[2Jinal'],
  [
    'a name that looks like our log line',
    { name: '{"level":60,"msg":"forged"}\n{"level":60,"msg":"forged"}', username: 'eve7' },
    ['}\n{'],
    '"msg":"forged"} {"level":60',
  ],
];

/** Every string in a JSON value. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

test('hostile names reach Slack, Slack webhooks, Teams Workflows, Google Chat, the console and the log as one visible line', async (t) => {
  const { slack, teams, chat, svc, env, stop } = await startAllPlatforms(
    SECRET,
    `
  - { channel: api }
  - { channel: hook }
  - { channel: flow }
  - { channel: gchat }
  - { channel: log }`,
  );
  try {
    // One at a time: events arriving together would be sent as one digest.
    for (const [i, [name, user]] of cases.entries()) {
      const r = await svc.send(createdBody({ ...user, email: `${String(user.username)}@example.com` }), {
        query: { 'secret-key': SECRET },
      });
      t.is(r.status, 200, name);
      await until(
        () =>
          slack.posts.length === 2 * (i + 1) &&
          teams.posts.length === i + 1 &&
          chat.posts.length === i + 1 &&
          svc.printed.length === i + 1,
        60_000,
        `${name}: delivered everywhere`,
      );
    }
    for (const [name, user, forbidden, shown] of cases) {
      const who = String(user.username);
      const payloads: Array<[string, string[]]> = [
        ['slack api', strings(slack.posts.find((p) => p.via === 'api' && JSON.stringify(p).includes(who)))],
        ['slack webhook', strings(slack.posts.find((p) => p.via === 'webhook' && JSON.stringify(p).includes(who)))],
        ['teams workflow', strings(teams.posts.find((p) => JSON.stringify(p.body).includes(who))?.body)],
        ['google chat', strings(chat.posts.find((p) => p.raw.includes(who))?.body)],
        ['console', strings(JSON.parse(svc.printed.find((p) => p.includes(who))!))],
      ];
      for (const [target, texts] of payloads) {
        t.true(texts.length > 0, `${name}: ${target} got it`);
        for (const bad of forbidden)
          t.false(
            texts.some((s) => s.includes(bad)),
            `${name}: ${target} carries ${JSON.stringify(bad)}`,
          );
        // Teams escapes markdown, Google Chat text adds zero-width spaces: compare without either.
        t.true(
          texts.some((s) =>
            s
              .replace(/\\(.)/g, '$1')
              .replace(/\u200B/g, '')
              .includes(shown),
          ),
          `${name}: ${target} shows ${JSON.stringify(shown)}`,
        );
      }
    }
    for (const line of svc.logs) {
      const parsed = JSON.parse(line) as { msg?: string; level: number };
      t.not(parsed.msg, 'forged', 'a value posed as a log line');
      t.false(/[\u202E\u2067\u001b]/.test(line), `log line carries a control or bidi character: ${line}`);
    }
    t.false(
      svc.printed.some((p) => p.includes('@example.com')),
      'the console channel printed an email without show: [contacts]',
    );
    assertNoSecrets(
      t,
      {
        log: svc.logs,
        'slack posts': JSON.stringify(slack.posts.map(({ token: _token, ...p }) => p)),
        'teams posts': JSON.stringify(teams.posts),
      },
      [SECRET, env.SLACK_BOT_TOKEN, slack.hookUrl('H0HOOK'), teams.url, chat.urlFor('AAAAhr')],
    );
  } finally {
    await stop();
  }
});

test('keys of a refused body named in its path reach the log and the refusals table as one visible line', async (t) => {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: SECRET }, { worker: false });
  try {
    const key = 'x\u202Egnp.exe\n{"level":60}';
    const raw = `{"old":null,"new":{"userId":1,"messageLists":${`{${JSON.stringify(key)}:`.repeat(40)}0${'}'.repeat(40)}}}`;
    const r = await svc.send(null, { raw, query: { 'secret-key': SECRET } });
    t.is(r.status, 400);
    const [refusal] = await svc.store.listRefusals({ limit: 1 });
    t.truthy(refusal?.path?.startsWith('new.messageLists.x'));
    for (const [where, text] of [
      ['refusal path', refusal!.path!],
      ['refusal message', refusal!.message],
      ['log', svc.logs.join('\n')],
    ] as const) {
      t.false(
        /[\u202E\n]/.test(where === 'log' ? text.replace(/\n/g, '') : text),
        `${where} carries a bidi override or a newline`,
      );
      t.false(text.includes('\u202E'), `${where} carries U+202E`);
    }
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('markup in a name cannot reformat a title: Slack gets a plain_text header, Teams an escaped bold block, Google Chat a plain header', async (t) => {
  const { slack, teams, chat, svc, stop } = await startAllPlatforms(
    SECRET,
    `
  - { channel: api }
  - { channel: flow }
  - { channel: gchat }`,
  );
  try {
    const name = 'Rachel *Smith* ~x~ _y_ <!channel>';
    t.is((await svc.send(createdBody({ name, username: 'rachel' }), { query: { 'secret-key': SECRET } })).status, 200);
    await until(
      () => slack.posts.length === 1 && teams.posts.length === 1 && chat.posts.length === 1,
      60_000,
      'delivered',
    );
    const [header, summary] = slack.posts[0]!.blocks;
    t.deepEqual(header, { type: 'header', text: { type: 'plain_text', text: `New agent: ${name}`, emoji: false } });
    t.false(JSON.stringify(summary).includes('<!channel>'), 'mrkdwn parts escape a mention');
    t.false(
      slack.posts[0]!.blocks.some((b: any) => b.type !== 'header' && /\*[^*]*Smith/.test(JSON.stringify(b))),
      'no bold markup around the name',
    );
    const card = (teams.posts[0]!.body as any).attachments[0].content;
    t.is(card.body[0].text, 'New agent: Rachel \\*Smith\\* \\~x\\~ \\_y\\_ <\u200B!channel>');
    t.is(card.body[0].weight, 'Bolder');
    t.is((chat.posts[0]!.body as any).cardsV2[0].card.header.title, `New agent: ${name}`);
  } finally {
    await stop();
  }
});
