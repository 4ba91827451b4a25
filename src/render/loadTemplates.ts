import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validate, type Struct } from 'superstruct';
import { EVENT_KINDS, type EventKind } from '../vcc/changes.ts';
import {
  compileStrings,
  digestFile,
  kindFile,
  TemplateError,
  type DigestTemplates,
  type KindTemplates,
} from './templateFiles.ts';
import { liquidEngine } from './liquidEngine.ts';
import type { Labels } from './labels.ts';

/** A target's name (its `templates/TARGET/` folder) and whether it leaves contact details out. */
export interface TargetOptions {
  target: string;
  hidesContacts?: boolean;
}

/**
 * Every target's templates compiled from `dir`: one `KIND.yaml` per event kind, `digest.yaml`,
 * `agent.yaml` (a thread's root); `dir/TARGET/FILE.yaml` overrides one file for one target.
 * Throws TemplateError naming the file.
 */
export function loadTemplates(dir: string, targets: readonly TargetOptions[], labels: () => Labels) {
  const kinds = {} as Record<string, Record<EventKind, KindTemplates>>;
  const digests = {} as Record<string, DigestTemplates>;
  const roots = {} as Record<string, KindTemplates>;
  // One engine for every target (its filters read nothing per target), so a file shared by the
  // targets is read, parsed, checked and compiled once (start-up time).
  const engine = liquidEngine(labels);
  const files = new Map<string, unknown>();
  const compiled = (path: string, shape: Struct<any, any>): unknown => {
    let value = files.get(path);
    if (value) return value;
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new TemplateError(`${path}: ${(e as Error).message.split('\n')[0]}`);
    }
    const [err, checked] = validate(raw, shape);
    if (err) throw new TemplateError(`${path}: ${err.path.join('.') || 'file'}: ${err.message}`);
    value = compileStrings(engine, checked as Record<string, unknown>, path);
    files.set(path, value);
    return value;
  };
  for (const { target } of targets) {
    const read = <T>(file: string, shape: Struct<any, any>): T => {
      const override = join(dir, target, file);
      return compiled(existsSync(override) ? override : join(dir, file), shape) as T;
    };
    kinds[target] = Object.fromEntries(
      EVENT_KINDS.map((k) => [k, read<KindTemplates>(`${k}.yaml`, kindFile)]),
    ) as Record<EventKind, KindTemplates>;
    digests[target] = read<DigestTemplates>('digest.yaml', digestFile);
    roots[target] = read<KindTemplates>('agent.yaml', kindFile);
  }
  return { engine, kinds, digests, roots };
}
