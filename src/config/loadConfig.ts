import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import {
  array, boolean, enums, literal, number, object, optional, record, size, string, type as looseObject,
  union, validate, type Struct,
} from 'superstruct';
import { EVENT_KINDS } from '../vcc/changes.ts';
import { SHOW_OPTIONS, USER_FIELDS, type UserField } from '../vcc/user.ts';
import type { Route } from '../routing/route.ts';
import { compileCondition, type Condition } from '../routing/conditions.ts';
import { BUILTIN_CONFIG, type ChannelConfig, type NotifyConfig } from './NotifyConfig.ts';
import { CHANNEL_TYPE_NAMES, channelSchema } from '../platforms/registry.ts';

/** A config file that cannot be used. `message` lists each problem as `path (line N): reason`. */
export class ConfigError extends Error {
  readonly code = 'bad_config';
}

const name = size(string(), 1, 80);
const scalar = union([string(), number(), boolean(), literal(null)]);
const conditionShape = union([
  scalar,
  array(scalar),
  object({ not: union([scalar, array(scalar)]) }),
  object({ matches: string() }),
]);
const routeShape = object({
  channel: name,
  events: optional(array(enums(EVENT_KINDS))),
  where: optional(record(string(), conditionShape)),
  show: optional(array(enums(SHOW_OPTIONS))),
});
const fileShape = object({
  channels: record(name, looseObject({ type: enums(CHANNEL_TYPE_NAMES) })),
  routes: optional(array(routeShape)),
});

/**
 * Reads, interpolates (`${ENV}` in any string), validates and compiles a config file.
 * A missing file at the default path gives the built-in config; a missing file that was
 * asked for by name is an error. Throws ConfigError naming every problem found.
 */
export function loadConfig(path: string, env: NodeJS.ProcessEnv, opts: { isDefaultPath: boolean }): NotifyConfig {
  if (!existsSync(path)) {
    if (opts.isDefaultPath) return BUILTIN_CONFIG;
    throw new ConfigError(`${path}: file not found (VCC_NOTIFY_CONFIG)`);
  }
  return parseConfig(readFileSync(path, 'utf8'), env, path);
}

export function parseConfig(text: string, env: NodeJS.ProcessEnv, origin: string): NotifyConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (path: Array<string | number>) => {
    const node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
    const pos = node?.range ? lines.linePos(node.range[0]) : null;
    return pos ? ` (line ${pos.line})` : '';
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${origin}: YAML syntax error (line ${lines.linePos(e.pos[0]).line}): ${e.message.split('\n')[0]}`);
  }
  const problems: string[] = [];
  const raw = interpolate(doc.toJS() ?? {}, env, [], (p, v) => problems.push(`${fmt(p)}${at(p)}: environment variable ${v} is not set`));
  check(raw, fileShape, [], problems, at);
  if (problems.length) throw new ConfigError(`${origin}:\n  ${problems.join('\n  ')}`);

  const file = raw as { channels: Record<string, { type: string }>; routes?: Array<Record<string, unknown>> };
  const channels: Record<string, ChannelConfig> = {};
  for (const [id, ch] of Object.entries(file.channels)) {
    // Each channel against its own type's schema: errors name that type's fields, not a union.
    if (check(ch, channelSchema(ch.type)!, ['channels', id], problems, at)) channels[id] = ch as ChannelConfig;
  }
  const routes: Route[] = [];
  (file.routes ?? []).forEach((r, i) => {
    const route = compileRoute(r, i, Object.keys(file.channels), problems, at);
    if (route) routes.push(route);
  });
  if (problems.length) throw new ConfigError(`${origin}:\n  ${problems.join('\n  ')}`);
  return { channels, routes, origin };
}

type At = (path: Array<string | number>) => string;

function compileRoute(r: Record<string, unknown>, i: number, channelIds: string[], problems: string[], at: At): Route | null {
  const p = ['routes', i];
  const channel = r.channel as string;
  const before = problems.length;
  if (!channelIds.includes(channel)) problems.push(`${fmt([...p, 'channel'])}${at([...p, 'channel'])}: unknown channel "${channel}"`);
  const where: Partial<Record<UserField, Condition>> = {};
  for (const [field, cond] of Object.entries((r.where ?? {}) as Record<string, unknown>)) {
    const fp = [...p, 'where', field];
    if (!(USER_FIELDS as readonly string[]).includes(field)) {
      problems.push(`${fmt(fp)}${at(fp)}: unknown field "${field}" (fields: ${USER_FIELDS.join(', ')})`);
      continue;
    }
    const c = compileCondition(cond);
    if (typeof c === 'string') problems.push(`${fmt(fp)}${at(fp)}: ${c}`);
    else where[field as UserField] = c;
  }
  if (problems.length > before) return null;
  return {
    channel,
    ...(r.events ? { events: r.events as Route['events'] } : {}),
    ...(Object.keys(where).length ? { where } : {}),
    ...(r.show ? { show: r.show as string[] } : {}),
    source: 'file',
  };
}

function check(value: unknown, shape: Struct<any, any>, base: Array<string | number>, problems: string[], at: At): boolean {
  const [err] = validate(value, shape);
  if (!err) return true;
  for (const f of err.failures()) {
    const p = [...base, ...f.path];
    const last = f.path[f.path.length - 1];
    const msg = f.value === undefined ? `"${String(last)}" is required`
      : f.type === 'never' ? `unknown key "${String(last)}"`
        : f.type === 'enums' ? `${JSON.stringify(f.value)} is not one of the allowed values${String(f.path[0]) === 'events' || f.path.includes('events') ? ` (${EVENT_KINDS.join(', ')})` : ''}`
          : `invalid value ${JSON.stringify(f.value)} (expected ${f.type})`;
    problems.push(`${fmt(p)}${at(p)}: ${msg}`);
  }
  return false;
}

const fmt = (p: Array<string | number>) => p.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');

function interpolate(v: unknown, env: NodeJS.ProcessEnv, path: Array<string | number>, missing: (p: Array<string | number>, name: string) => void): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, n: string) => {
      const val = env[n];
      if (val === undefined || val === '') {
        missing(path, n);
        return '';
      }
      return val;
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => interpolate(x, env, [...path, i], missing));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolate(x, env, [...path, k], missing)]));
  }
  return v;
}
