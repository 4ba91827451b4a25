// `vcc-notify render` prints, for every platform, exactly the body its adapter posts: both come
// from the platform record's one payload builder. Compared here against what the fakes received.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from './helpers/service.ts';
import { vccFixture } from './helpers/fixtures.ts';
import { runCli } from './helpers/child.ts';
import { startAllPlatforms } from './helpers/allPlatforms.ts';

const SECRET = 'render-match-secret';

test('render prints what each adapter posts: Slack API and webhook, Teams Workflows, Google Chat, the console', async (t) => {
  const { slack, teams, chat, svc, env, stop } = await startAllPlatforms(
    SECRET,
    '[{ channel: api }, { channel: hook }, { channel: flow }, { channel: gchat }, { channel: log, show: [contacts] }]',
  );
  const dir = svc.dir;
  try {
    const body = vccFixture('user-changed');
    const file = join(dir, 'event.json');
    writeFileSync(file, JSON.stringify(body));
    t.is((await svc.send(body, { query: { 'secret-key': SECRET } })).status, 200);
    await until(
      () => slack.posts.length === 2 && teams.posts.length === 1 && chat.posts.length === 1 && svc.printed.length === 1,
      60_000,
      'every channel posted',
    );
    const render = async (channel: string) => {
      const r = await runCli(['render', '--event', file, '--channel', channel], {
        ...env,
        DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
      });
      t.is(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    // The Web API client sends form fields: strings, with blocks as JSON.
    const api = slack.posts.find((p) => p.via === 'api')!.fields;
    const renderedApi = await render('api');
    t.deepEqual(
      { ...api, blocks: JSON.parse(String(api.blocks)) },
      {
        ...renderedApi,
        unfurl_links: String(renderedApi.unfurl_links),
        unfurl_media: String(renderedApi.unfurl_media),
      },
    );
    t.deepEqual(slack.posts.find((p) => p.via === 'webhook')!.fields, await render('hook'));
    t.deepEqual(teams.posts[0]!.body, await render('flow'));
    t.deepEqual(chat.posts[0]!.body, await render('gchat'));
    t.deepEqual(JSON.parse(svc.printed[0]!), await render('log'));
  } finally {
    await stop();
  }
});
