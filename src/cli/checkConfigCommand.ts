import type { Command } from 'commander';
import { out, settingsAndConfig } from './cliContext.ts';
import { REFERENCE, SECTIONS, anchorOf } from '../config/referenceLinks.ts';

const HELP = `
Every variable and config key, with its type, default and meaning: ${REFERENCE}
${Object.values(SECTIONS)
  .map((h) => `  ${h.replace(/`/g, '').padEnd(32)} #${anchorOf(h)}`)
  .join('\n')}

--online exits 0 when every check passed, 1 when one found a problem (each has a fix line),
2 when something could not be checked (no answer) and nothing was found wrong.
`;

/**
 * `vcc-notify check-config [file] [--online [--post-test]]`: the config file, its templates and
 * the admin sign-in, offline; with --online, the store and each channel at its platform.
 */
export function addCheckConfigCommand(program: Command): void {
  program
    .command('check-config [file]')
    .description('validate the config file (default VCC_NOTIFY_CONFIG) and every template; exit 1 on problems')
    .option(
      '--online',
      'then check, read-only, the store and every channel at its platform (tokens, membership, scopes, URLs)',
    )
    .option('--post-test', 'with --online: also send one test message to each channel (recorded as send-test is)')
    .addHelpText('after', HELP)
    .action(async (file: string | undefined, o: { online?: boolean; postTest?: boolean }) => {
      const [{ DEFAULT_TEMPLATES }, { channelWarnings, loadRenderer }] = await Promise.all([
        import('../render/Renderer.ts'),
        import('../channels/Channels.ts'),
      ]);
      const { settings, config } = settingsAndConfig(file);
      const templates = settings.env.VCC_NOTIFY_TEMPLATES ?? DEFAULT_TEMPLATES;
      loadRenderer(templates);
      const channels = Object.entries(config.channels)
        .map(([n, c]) => `${n} (${c.type})`)
        .join(', ');
      out(
        `OK ${config.origin}: ${Object.keys(config.channels).length} channels: ${channels}; ${config.routes.length} routes; templates in ${templates} are valid`,
      );
      for (const w of channelWarnings(config, settings.env)) out(`warning: ${w}`);
      const { adminSignIn, describeSignIn, signInWarning } = await import('../config/adminSignIn.ts');
      // A half-configured sign-in stopped settingsAndConfig already, naming the missing piece.
      const signIn = adminSignIn(settings.env) as Exclude<ReturnType<typeof adminSignIn>, string>;
      out(describeSignIn(signIn));
      const w = signInWarning(signIn);
      if (w) out(`warning: ${w}`);
      if (!o.online) return;
      const { onlineCheck } = await import('./onlineCheck.ts');
      process.exitCode = await onlineCheck(settings, config, { postTest: Boolean(o.postTest), file });
    });
}
