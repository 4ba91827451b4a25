import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');

test('the Slack app manifest declares what reviews need: interactivity to /slack/events, users:read.email and usergroups:read', (t) => {
  const m = parse(readFileSync(join(ROOT, 'slack-app-manifest.yaml'), 'utf8'));
  t.true(m.settings.interactivity.is_enabled);
  t.regex(m.settings.interactivity.request_url, /^https:\/\/YOUR-HOST\/slack\/events$/);
  t.is(m.features.slash_commands[0].url, m.settings.interactivity.request_url, 'commands and clicks reach one route');
  for (const scope of ['chat:write', 'commands', 'users:read', 'users:read.email', 'usergroups:read'])
    t.true(m.oauth_config.scopes.bot.includes(scope), scope);
});

test('the Teams app manifest has a bot that is not notification-only, in teams and group chats: it receives card actions (invokes)', (t) => {
  const m = JSON.parse(readFileSync(join(ROOT, 'teams-app/manifest.json'), 'utf8'));
  t.is(m.bots.length, 1);
  t.false(m.bots[0].isNotificationOnly);
  t.deepEqual(m.bots[0].scopes, ['team', 'groupChat']);
  t.true(m.permissions.includes('identity'), 'the clicker is known (from.aadObjectId) for the reviewer check');
});
