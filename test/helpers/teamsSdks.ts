import test, { type ExecutionContext } from 'ava';
import { TEAMS_SDKS, type TeamsSdk } from '../../src/platforms/teams/env.ts';

/** The environment of a Teams bot test: no auth (the fake connector), and the SDK under test. */
export type TeamsBotEnv = { TEAMS_BOT_NO_AUTH: 'true'; TEAMS_SDK: TeamsSdk };

/**
 * A Teams bot test, once per SDK the bot can run on (TEAMS_SDK=botbuilder and =agents), against
 * the same fake connector: what one SDK passes, the other must.
 */
export function teamsBotTest(title: string, fn: (t: ExecutionContext, env: TeamsBotEnv) => Promise<void>): void {
  for (const sdk of TEAMS_SDKS)
    test(`${title} [TEAMS_SDK=${sdk}]`, (t) => fn(t, { TEAMS_BOT_NO_AUTH: 'true', TEAMS_SDK: sdk }));
}
