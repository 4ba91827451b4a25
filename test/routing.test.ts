import test from 'ava';
import { explainRoutes, planDeliveries, type Route } from '../src/routing/route.ts';
import { parseConfig } from '../src/config/loadConfig.ts';
import { compilePattern, type Pattern } from '../src/routing/pattern.ts';

const re = (source: string): Pattern => {
  const p = compilePattern(source);
  if (typeof p === 'string') throw new Error(p);
  return p;
};
import type { Change } from '../src/vcc/changes.ts';

const agent = {
  userId: '1',
  username: 'rachel',
  email: 'r@example.com',
  isAgent: true,
  privGroup: 4,
  state: 'inactive',
};
const created: Change[] = [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }];
const deactivated: Change[] = [
  { kind: 'user.state_changed', field: 'state', before: 'active', after: 'inactive', sensitive: false },
];

const cases: Array<[string, Route, Change[], object, boolean, RegExp]> = [
  ['no events, no where: everything', { channel: 'a' }, created, agent, true, /kinds user.created/],
  ['event kind listed', { channel: 'a', events: ['user.created'] }, created, agent, true, /user.created/],
  [
    'event kind not listed',
    { channel: 'a', events: ['user.created'] },
    deactivated,
    agent,
    false,
    /events: user.state_changed not in \[user.created\]/,
  ],
  ['equality holds', { channel: 'a', where: { isAgent: true } }, created, agent, true, /where isAgent hold/],
  [
    'equality fails',
    { channel: 'a', where: { isAgent: false } },
    created,
    agent,
    false,
    /where.isAgent: true is not false/,
  ],
  ['any-of holds', { channel: 'a', where: { privGroup: [4, 5] } }, created, agent, true, /privGroup/],
  ['any-of fails', { channel: 'a', where: { privGroup: [1, 2] } }, created, agent, false, /4 is not any of \[1,2\]/],
  ['any-of with strings from chat', { channel: 'a', where: { privGroup: ['4'] } }, created, agent, true, /privGroup/],
  ['not holds', { channel: 'a', where: { username: { not: ['admin', 'test'] } } }, created, agent, true, /username/],
  ['not fails', { channel: 'a', where: { username: { not: ['rachel'] } } }, created, agent, false, /excluded by not/],
  [
    'matches holds',
    { channel: 'a', where: { email: { matches: re('@example\\.com$') } } },
    created,
    agent,
    true,
    /email/,
  ],
  [
    'matches fails',
    { channel: 'a', where: { email: { matches: re('@corp\\.com$') } } },
    created,
    agent,
    false,
    /does not match/,
  ],
  [
    'matches on a missing value',
    { channel: 'a', where: { mobilePhone: { matches: re('^36') } } },
    created,
    agent,
    false,
    /no value/,
  ],
  ['all must hold', { channel: 'a', where: { isAgent: true, privGroup: 9 } }, created, agent, false, /where.privGroup/],
  ['nothing changed', { channel: 'a' }, [], agent, false, /nothing changed/],
];

for (const [name, route, changes, user, matched, why] of cases) {
  test(`route: ${name}`, (t) => {
    const [x] = explainRoutes(user, changes, [route]);
    t.is(x!.matched, matched);
    t.regex(x!.reason, why);
    t.is(
      planDeliveries(user, changes, [route]).length === 1,
      matched,
      'planDeliveries decides as explainRoutes explains',
    );
  });
}

test('plan: one delivery per channel, kinds and show merged across its routes', (t) => {
  const changes: Change[] = [
    ...deactivated,
    { kind: 'user.updated', field: 'hourly', before: 1, after: 2, sensitive: true },
  ];
  const plan = planDeliveries(agent, changes, [
    { channel: 'hr', events: ['user.updated'], show: ['wages'] },
    { channel: 'ops', events: ['user.state_changed'] },
    { channel: 'hr', events: ['user.state_changed'] },
    { channel: 'it', events: ['user.transport_changed'] },
  ]);
  t.deepEqual(plan, [
    { channel: 'hr', kinds: ['user.state_changed', 'user.updated'], show: ['wages'] },
    { channel: 'ops', kinds: ['user.state_changed'], show: [] },
  ]);
});

const configErrors: Array<[string, string, RegExp]> = [
  [
    'unknown channel',
    'channels: { a: { type: console } }\nroutes:\n  - channel: nope\n',
    /routes\[0\]\.channel \(line 3\): unknown channel "nope" \(channels: a\)$/,
  ],
  [
    'misspelt channel',
    'channels: { ops: { type: console } }\nroutes:\n  - channel: opps\n',
    /^test\.yaml:\n  routes\[0\]\.channel \(line 3\): unknown channel "opps" \(did you mean "ops"\?\)$/,
  ],
  [
    'unknown event kind',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    events: [user.deleted]\n',
    /routes\[0\]\.events\[0\] \(line 4\): "user.deleted" is not allowed \(did you mean "user.created"\?\); one of: user.created, user.state_changed, .*, user.updated$/,
  ],
  [
    'misspelt event kind',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    events: [user.create]\n',
    /^test\.yaml:\n  routes\[0\]\.events\[0\] \(line 4\): "user.create" is not allowed \(did you mean "user.created"\?\); one of: user.created, /,
  ],
  [
    'event: instead of events:',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    event: [user.created]\n',
    /^test\.yaml:\n  routes\[0\]\.event \(line 4\): unknown key "event" \(did you mean "events"\?\)$/,
  ],
  [
    'unknown top-level key',
    'channels: { a: { type: console } }\nroutse: []\n',
    /^test\.yaml:\n  routse \(line 2\): unknown key "routse" \(did you mean "routes"\?\)$/,
  ],
  [
    'unknown where field',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    where: { colour: red }\n',
    /routes\[0\]\.where\.colour \(line 4\): unknown field "colour" \(fields: userId, /,
  ],
  [
    'misspelt where field',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    where: { privGrup: 4 }\n',
    /routes\[0\]\.where\.privGrup \(line 4\): unknown field "privGrup" \(did you mean "privGroup"\?\)$/,
  ],
  [
    'bad where condition',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    where: { privGroup: { above: 3 } }\n',
    /^test\.yaml:\n  routes\[0\]\.where\.privGroup \(line 4\): invalid condition \{"above":3\} \(expected a value, a list of values, \{ not: VALUE or LIST \} or \{ matches: REGEX \}\)$/,
  ],
  [
    'labels for an unknown field',
    'channels: { a: { type: console } }\nlabels: { privGrop: { 4: Team lead } }\n',
    /^test\.yaml:\n  labels\.privGrop \(line 2\): unknown field "privGrop" \(did you mean "privGroup"\?\)$/,
  ],
  [
    'a label that is not text',
    'channels: { a: { type: console } }\nlabels: { privGroup: { 4: [x] } }\n',
    /labels\.privGroup\.4 \(line 2\): invalid value \["x"\] \(expected string\)/,
  ],
  [
    'bad regex',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    where: { email: { matches: "([" } }\n',
    /routes\[0\]\.where\.email.*bad regex/,
  ],
  [
    'regex with a backreference',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    where: { username: { matches: "(a)\\\\1" } }\n',
    /routes\[0\]\.where\.username \(line 4\): bad regex \/\(a\)\\1\/: backreferences .* are not supported \(filters use RE2/,
  ],
  [
    'regex with a lookahead',
    'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    where: { email: { matches: "^(?!admin)" } }\n',
    /routes\[0\]\.where\.email.*lookahead and lookbehind .* are not supported/,
  ],
  [
    'missing env var',
    'channels: { a: { type: slack-webhook, url: "${NOT_SET_ANYWHERE}" } }\n',
    /channels\.a\.url \(line 1\): environment variable NOT_SET_ANYWHERE is not set/,
  ],
  [
    'unknown channel type',
    'channels: { a: { type: pager } }\n',
    /^test\.yaml:\n  channels\.a\.type \(line 1\): "pager" is not allowed; one of: slack, slack-webhook, teams, teams-workflow, google-chat, console$/,
  ],
  [
    'misspelt channel type',
    'channels: { a: { type: slak } }\n',
    /channels\.a\.type \(line 1\): "slak" is not allowed \(did you mean "slack"\?\); one of: /,
  ],
  [
    'slack channel without id: one line, for its type',
    'channels:\n  ops: { type: slack }\n',
    /^test\.yaml:\n  channels\.ops\.channel \(line 2\): required for type slack$/,
  ],
  [
    'misspelt channel key',
    'channels:\n  ops: { type: slack, chanel: C1 }\n',
    /^test\.yaml:\n  channels\.ops\.channel \(line 2\): required for type slack\n  channels\.ops\.chanel \(line 2\): unknown key "chanel" \(did you mean "channel"\?\)$/,
  ],
  ['YAML syntax', 'channels: { a: [\n', /YAML syntax error \(line/],
];

for (const [name, yaml, message] of configErrors) {
  test(`config error: ${name}`, (t) => {
    t.throws(() => parseConfig(yaml, {}, 'test.yaml'), { message });
  });
}

test('config: the README example parses, with ${ENV} interpolated', (t) => {
  const cfg = parseConfig(
    `
channels:
  ops:       { type: slack, channel: C0123456789 }
  it-hook:   { type: slack-webhook, url: "\${SLACK_IT_WEBHOOK_URL}" }
  hr:        { type: teams-workflow, url: "\${TEAMS_HR_WORKFLOW_URL}" }
  team-room: { type: teams, conversation: "19:abc@thread.tacv2" }
  log:       { type: console }
routes:
  - channel: ops
    events: [user.created, user.state_changed]
    where:
      isAgent: true
      privGroup: [4, 5]
      username: { not: [admin, test] }
      email: { matches: "@example\\\\.com$" }
  - channel: it-hook
    events: [user.transport_changed]
`,
    { SLACK_IT_WEBHOOK_URL: 'https://hooks.example/1', TEAMS_HR_WORKFLOW_URL: 'https://flow.example/2' },
    'design.yaml',
  );
  t.deepEqual(Object.keys(cfg.channels), ['ops', 'it-hook', 'hr', 'team-room', 'log']);
  t.deepEqual(cfg.channels['it-hook'], { type: 'slack-webhook', url: 'https://hooks.example/1' });
  const [ops] = explainRoutes(
    { isAgent: true, privGroup: 5, username: 'bob', email: 'bob@example.com' },
    created,
    cfg.routes,
  );
  t.true(ops!.matched, ops!.reason);
  const [notOps] = explainRoutes(
    { isAgent: true, privGroup: 5, username: 'admin', email: 'a@example.com' },
    created,
    cfg.routes,
  );
  t.false(notOps!.matched);
});

// [name, pattern, the error it gets (null: compiles), texts it must match, texts it must not]
const patterns: Array<[string, string, RegExp | null, string[], string[]]> = [
  ['suffix', '@example\\.com$', null, ['r@example.com'], ['r@example.com.evil', 'r@corp.com']],
  ['case-insensitive flag', '(?i)^rachel', null, ['Rachel', 'RACHEL smith'], ['Mrs Rachel']],
  ['catastrophic for backtracking: nested quantifier', '(a+)+$', null, ['aaa'], []],
  [
    'catastrophic for backtracking: dotted local part',
    '^([a-z0-9]+\\.?)*@example\\.com$',
    null,
    ['first.last@example.com'],
    ['firstname.lastname.contractors.team@partner.com'],
  ],
  ['backreference', '(a)\\1', /backreferences \(\\1, \\k<name>\) are not supported \(filters use RE2/, [], []],
  ['named backreference', '(?<x>a)\\k<x>', /backreferences .* are not supported/, [], []],
  ['lookahead', 'foo(?=bar)', /lookahead and lookbehind .* are not supported/, [], []],
  ['negative lookbehind', '(?<!x)y', /lookahead and lookbehind .* are not supported/, [], []],
  ['atomic group', '(?>a+)b', /atomic groups .* are not supported/, [], []],
  ['syntax error', '([', /bad regex \/\(\[\/: missing closing \]/, [], []],
  ['too long', 'a'.repeat(501), /longer than 500 characters/, [], []],
];

for (const [name, source, error, yes, no] of patterns) {
  test(`pattern: ${name}`, (t) => {
    const p = compilePattern(source);
    if (error) {
      t.is(typeof p, 'string');
      t.regex(p as string, error);
      return;
    }
    if (typeof p === 'string') return t.fail(p);
    for (const s of yes) t.true(p.test(s), `matches ${s}`);
    for (const s of no) t.false(p.test(s), `does not match ${s}`);
    t.is(String(p), `/${source}/`);
  });
}

test('pattern: a pathological pattern against a hostile input is linear (no backtracking)', (t) => {
  // With RegExp, (a+)+$ against 40 "a"s and a "!" backtracks 2^40 times (hours); RE2 reads it once.
  const p = re('(a+)+$');
  t.false(p.test(`${'a'.repeat(40)}!`));
  t.false(p.test(`${'a'.repeat(100_000)}!`));
  t.false(
    re('^([a-z0-9]+\\.?)*@example\\.com$').test(`${'firstname.lastname.contractors.team.'.repeat(1000)}@partner.com`),
  );
});
