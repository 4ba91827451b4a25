import { Command } from 'commander';
import { loadSettings } from '../config/settings.ts';
import { startService } from '../service.ts';

/** Errors reach the user as one line and a non-zero exit, never a stack trace. */
function fail(e: unknown, code = 1): never {
  process.stderr.write(`vcc-notify: ${(e as Error).message}\n`);
  process.exit(code);
}

const program = new Command()
  .name('vcc-notify')
  .description('VCC Live user webhooks to Slack and Microsoft Teams')
  .showHelpAfterError();

program.command('serve')
  .description('run the service: webhook endpoint and delivery worker')
  .action(async () => {
    try {
      const svc = await startService({ settings: loadSettings() });
      const shutdown = (signal: string) => {
        svc.log.info({ signal }, 'shutting down');
        svc.stop().then(() => process.exit(0), (e) => fail(e));
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGHUP', () => svc.reload());
    } catch (e) {
      fail(e);
    }
  });

program.parseAsync(process.argv).catch((e) => fail(e));
