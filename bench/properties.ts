// The property tests' longer run: random seed (printed, so a failure can be replayed with
// BENCH_SEED), many more cases. The suite runs a fixed seed and fewer.
import fc from 'fast-check';
import { startTestService, cleanup } from '../test/helpers/service.ts';
import { hostileBody, hostileCommand } from '../test/helpers/arbitraries.ts';
import { checkCommand, checkWebhookAnswer } from '../test/helpers/oracles.ts';
import { parseCommand } from '../src/chat/grammar.ts';

export interface PropertyRun {
  name: string;
  runs: number;
  seed: number;
  failure: string | null;
  ms: number;
}

async function timed(name: string, runs: number, seed: number, run: () => Promise<void> | void): Promise<PropertyRun> {
  const t0 = performance.now();
  try {
    await run();
    return { name, runs, seed, failure: null, ms: performance.now() - t0 };
  } catch (e) {
    return {
      name,
      runs,
      seed,
      failure: (e as Error).message.split('\n').slice(0, 3).join(' '),
      ms: performance.now() - t0,
    };
  }
}

export async function benchProperties(
  bodies: number,
  commands: number,
  seed = Number(process.env.BENCH_SEED ?? Date.now() % 2 ** 31),
): Promise<PropertyRun[]> {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: 'bench-prop', LOG_LEVEL: 'silent' }, { worker: false });
  try {
    return [
      await timed('webhook bodies (real HTTP server)', bodies, seed, () =>
        fc.assert(
          fc.asyncProperty(hostileBody(), async (raw) => {
            await checkWebhookAnswer(svc.store, await svc.send(null, { query: { 'secret-key': 'bench-prop' }, raw }));
          }),
          { seed, numRuns: bodies },
        ),
      ),
      await timed('chat commands (parser)', commands, seed, () =>
        fc.assert(
          fc.property(hostileCommand(), (text) => checkCommand(text, parseCommand(text))),
          { seed, numRuns: commands },
        ),
      ),
    ];
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
}
