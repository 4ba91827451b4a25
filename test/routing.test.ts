import test from 'ava';
import { explainRoutes, planDeliveries, type Route } from '../src/routing/route.ts';
import { parseConfig } from '../src/config/loadConfig.ts';
import type { Change } from '../src/vcc/changes.ts';

const agent = { userId: '1', username: 'rachel', email: 'r@example.com', isAgent: true, privGroup: 4, state: 'inactive' };
const created: Change[] = [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }];
const deactivated: Change[] = [{ kind: 'user.state_changed', field: 'state', before: 'active', after: 'inactive', sensitive: false }];

const cases: Array<[string, Route, Change[], object, boolean, RegExp]> = [
  ['no events, no where: everything', { channel: 'a' }, created, agent, true, /kinds user.created/],
  ['event kind listed', { channel: 'a', events: ['user.created'] }, created, agent, true, /user.created/],
  ['event kind not listed', { channel: 'a', events: ['user.created'] }, deactivated, agent, false, /events: user.state_changed not in \[user.created\]/],
  ['equality holds', { channel: 'a', where: { isAgent: true } }, created, agent, true, /where isAgent hold/],
  ['equality fails', { channel: 'a', where: { isAgent: false } }, created, agent, false, /where.isAgent: true is not false/],
  ['any-of holds', { channel: 'a', where: { privGroup: [4, 5] } }, created, agent, true, /privGroup/],
  ['any-of fails', { channel: 'a', where: { privGroup: [1, 2] } }, created, agent, false, /4 is not any of \[1,2\]/],
  ['any-of with strings from chat', { channel: 'a', where: { privGroup: ['4'] } }, created, agent, true, /privGroup/],
  ['not holds', { channel: 'a', where: { username: { not: ['admin', 'test'] } } }, created, agent, true, /username/],
  ['not fails', { channel: 'a', where: { username: { not: ['rachel'] } } }, created, agent, false, /excluded by not/],
  ['matches holds', { channel: 'a', where: { email: { matches: /@example\.com$/ } } }, created, agent, true, /email/],
  ['matches fails', { channel: 'a', where: { email: { matches: /@corp\.com$/ } } }, created, agent, false, /does not match/],
  ['matches on a missing value', { channel: 'a', where: { mobilePhone: { matches: /^36/ } } }, created, agent, false, /no value/],
  ['all must hold', { channel: 'a', where: { isAgent: true, privGroup: 9 } }, created, agent, false, /where.privGroup/],
  ['nothing changed', { channel: 'a' }, [], agent, false, /nothing changed/],
];

for (const [name, route, changes, user, matched, why] of cases) {
  test(`route: ${name}`, (t) => {
    const [x] = explainRoutes(user, changes, [route]);
    t.is(x!.matched, matched);
    t.regex(x!.reason, why);
    t.is(planDeliveries(user, changes, [route]).length === 1, matched, 'planDeliveries decides as explainRoutes explains');
  });
}

test('plan: one delivery per channel, kinds and show merged across its routes', (t) => {
  const changes: Change[] = [...deactivated, { kind: 'user.updated', field: 'hourly', before: 1, after: 2, sensitive: true }];
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
  ['unknown channel', 'channels: { a: { type: console } }\nroutes:\n  - channel: nope\n', /routes\[0\]\.channel \(line 3\): unknown channel "nope"/],
  ['unknown event kind', 'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    events: [user.deleted]\n', /routes\[0\]\.events\[0\].*"user.deleted" is not one of/],
  ['unknown where field', 'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    where: { colour: red }\n', /routes\[0\]\.where\.colour \(line 4\): unknown field "colour"/],
  ['bad regex', 'channels: { a: { type: console } }\nroutes:\n  - channel: a\n    where: { email: { matches: "([" } }\n', /routes\[0\]\.where\.email.*bad regex/],
  ['missing env var', 'channels: { a: { type: slack-webhook, url: "${NOT_SET_ANYWHERE}" } }\n', /channels\.a\.url \(line 1\): environment variable NOT_SET_ANYWHERE is not set/],
  ['unknown channel type', 'channels: { a: { type: pager } }\n', /channels\.a\.type/],
  ['slack channel without id', 'channels: { a: { type: slack } }\n', /channels\.a\.channel.*required/],
  ['YAML syntax', 'channels: { a: [\n', /YAML syntax error \(line/],
];

for (const [name, yaml, message] of configErrors) {
  test(`config error: ${name}`, (t) => {
    t.throws(() => parseConfig(yaml, {}, 'test.yaml'), { message });
  });
}

test('config: the README example parses, with ${ENV} interpolated', (t) => {
  const cfg = parseConfig(`
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
`, { SLACK_IT_WEBHOOK_URL: 'https://hooks.example/1', TEAMS_HR_WORKFLOW_URL: 'https://flow.example/2' }, 'design.yaml');
  t.deepEqual(Object.keys(cfg.channels), ['ops', 'it-hook', 'hr', 'team-room', 'log']);
  t.deepEqual(cfg.channels['it-hook'], { type: 'slack-webhook', url: 'https://hooks.example/1' });
  const [ops] = explainRoutes({ isAgent: true, privGroup: 5, username: 'bob', email: 'bob@example.com' }, created, cfg.routes);
  t.true(ops!.matched, ops!.reason);
  const [notOps] = explainRoutes({ isAgent: true, privGroup: 5, username: 'admin', email: 'a@example.com' }, created, cfg.routes);
  t.false(notOps!.matched);
});
