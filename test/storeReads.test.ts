import test from 'ava';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');

/** The type errors of `code` (line: message), compiled as a file of test/ with the project's options. */
function typeErrors(code: string): Array<[number, string]> {
  const file = join(ROOT, 'test', '__storeReads_probe.ts');
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang) => (name === file ? ts.createSourceFile(name, code, lang) : read(name, lang));
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file)!;
  return ts
    .getPreEmitDiagnostics(program, source)
    .map((d) => [
      source.getLineAndCharacterOfPosition(d.start ?? 0).line,
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    ]);
}

// What each door holds: the admin page's deps, the CLI's context, chat's command context.
const DOORS = `
import type { AdminDeps } from '../src/admin/AdminDeps.ts';
import type { CommandContext } from '../src/chat/runCommand.ts';
import type { withContext } from '../src/cli/cliContext.ts';
type CliStore = Parameters<Parameters<typeof withContext>[0]>[0]['store'];
declare const admin: AdminDeps['store'];
declare const cli: CliStore;
declare const chat: CommandContext['subscriptions'];
`;

const WRITES: Array<[string, string]> = [
  ['the admin page adding a mute', 'void admin.addMute;'],
  ['the admin page replaying', 'void admin.replayDead;'],
  ['the admin page running a transaction', 'void admin.transaction;'],
  ['the CLI resending', 'void cli.resend;'],
  ['the CLI ending a mute', 'void cli.expireMute;'],
  ['the CLI running a transaction', 'void cli.transaction;'],
  ['chat subscribing without an action', 'void chat.subscribe;'],
];

test('the doors people use read the store; a write that goes around src/actions/ does not compile', (t) => {
  const reads = 'void admin.listMutes; void cli.listAudit; void chat.forChannel;';
  const lines = [...DOORS.split('\n'), reads, ...WRITES.map(([, line]) => line)];
  const errors = typeErrors(lines.join('\n'));
  t.deepEqual(
    errors.filter(([line]) => line <= lines.indexOf(reads)),
    [],
    'the doors and their reads compile',
  );
  for (const [name, write] of WRITES) {
    const found = errors.filter(([line]) => line === lines.indexOf(write));
    t.is(found.length, 1, name);
    t.regex(found[0]?.[1] ?? '', /does not exist on type/, name);
  }
});
