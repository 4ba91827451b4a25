import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import {
  array,
  boolean,
  enums,
  literal,
  number,
  object,
  optional,
  record,
  size,
  string,
  type as looseObject,
  union,
  unknown,
} from 'superstruct';
import { EVENT_KINDS } from '../vcc/changes.ts';
import { SHOW_OPTIONS, USER_FIELDS, type UserField } from '../vcc/user.ts';
import type { Route } from '../routing/route.ts';
import { compileCondition, type Condition } from '../routing/conditions.ts';
import { BUILTIN_CONFIG, type NotifyConfig } from './NotifyConfig.ts';
import { CHANNEL_TYPE_NAMES, MENTION_TYPES, mentionSchema } from '../platforms/registry.ts';
import type { Labels } from '../render/labels.ts';
import { didYouMean, onePerPlace, pathText as fmt } from './problems.ts';
import { interpolate } from './interpolate.ts';
import { hoursSettings } from './hoursSettings.ts';
import { reviewRefusal } from './reviewSettings.ts';
import { compileChannels } from './compileChannels.ts';
import { check, isObject, type At } from './checkShape.ts';
import { compileTimeIntervals } from './timeIntervalConfig.ts';

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
export const routeShape = object({
  channel: name,
  events: optional(array(enums(EVENT_KINDS))),
  where: optional(record(string(), conditionShape)),
  show: optional(array(enums(SHOW_OPTIONS))),
  mention: optional(size(array(unknown()), 1, 20)),
  review: optional(boolean()),
  // Checked by hoursSettings, as on a channel.
  active: optional(unknown()),
  quiet: optional(unknown()),
  urgent: optional(unknown()),
});
const labelsShape = record(string(), record(string(), size(string(), 1, 80)));
export const fileShape = object({
  channels: record(name, looseObject({ type: enums(CHANNEL_TYPE_NAMES) })),
  routes: optional(array(routeShape)),
  labels: optional(labelsShape),
  time_intervals: optional(unknown()),
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
  /** The line of `path`, or of its nearest parent in the file (a missing key is on its object's line). */
  const at = (path: Array<string | number>) => {
    for (let n = path.length; n > 0; n -= 1) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number] } | undefined;
      if (node?.range) return ` (line ${lines.linePos(node.range[0]).line})`;
    }
    return '';
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError(
      `${origin}: YAML syntax error (line ${lines.linePos(e.pos[0]).line}): ${e.message.split('\n')[0]}`,
    );
  }
  const problems: string[] = [];
  const raw = interpolate(doc.toJS() ?? {}, env, [], (p, v) =>
    problems.push(`${fmt(p)}${at(p)}: environment variable ${v} is not set`),
  );
  // Every problem in one run: past a shape problem, the parts that can be read are still
  // checked (each channel against its type, each route's references), so one mistake never
  // hides the next.
  const shaped = check(raw, fileShape, [], problems, at);
  const file = raw as {
    channels: Record<string, { type: string }>;
    routes?: Array<Record<string, unknown>>;
    labels?: Labels;
    time_intervals?: unknown;
  };
  if (!shaped && !(isObject(file) && isObject(file.channels)))
    throw new ConfigError(`${origin}:\n  ${problems.join('\n  ')}`);
  const timeIntervals = compileTimeIntervals(file.time_intervals, problems, at);
  const { channels, threads, hours, reviews } = compileChannels(file.channels, timeIntervals, problems, at);
  for (const field of Object.keys(isObject(file.labels) ? file.labels : {})) {
    const fp = ['labels', field];
    if (!isUserField(field)) problems.push(`${fmt(fp)}${at(fp)}: ${unknownField(field)}`);
  }
  const routes: Route[] = [];
  (Array.isArray(file.routes) ? file.routes : []).forEach((r, i) => {
    if (!isObject(r)) return;
    const route = compileRoute(r, i, { channels: file.channels, reviews }, timeIntervals, problems, at);
    if (route) routes.push(route);
  });
  if (problems.length) throw new ConfigError(`${origin}:\n  ${onePerPlace(problems).join('\n  ')}`);
  const labels = (file.labels ?? {}) as Labels;
  return { channels, threads, hours, reviews, timeIntervals, routes, labels, origin };
}

const isUserField = (f: string): f is UserField => (USER_FIELDS as readonly string[]).includes(f);

/** Why a `where` or `labels` key is refused, with the likely field or the list of them. */
const unknownField = (f: string) =>
  `unknown field "${f}"${didYouMean(f, USER_FIELDS) || ` (fields: ${USER_FIELDS.join(', ')})`}`;

function compileRoute(
  r: Record<string, unknown>,
  i: number,
  { channels, reviews }: { channels: Record<string, { type: string }>; reviews: NotifyConfig['reviews'] },
  intervals: NotifyConfig['timeIntervals'],
  problems: string[],
  at: At,
): Route | null {
  const p = ['routes', i];
  const { active, quiet, urgent } = r;
  const hours = hoursSettings({ active, quiet, urgent }, intervals, p, problems, at);
  const channel = r.channel as string;
  const channelIds = Object.keys(channels);
  const before = problems.length;
  if (Array.isArray(r.mention) && channelIds.includes(channel)) {
    const { type } = channels[channel]!;
    const shape = mentionSchema(type);
    if (!shape)
      problems.push(
        `${fmt([...p, 'mention'])}${at([...p, 'mention'])}: type ${type} cannot mention anyone (types that can: ${MENTION_TYPES.join(', ')})`,
      );
    else (r.mention as unknown[]).forEach((m, j) => check(m, shape, [...p, 'mention', j], problems, at));
  }
  if (r.review === true && channelIds.includes(channel)) {
    const why = reviewRefusal(channel, reviews);
    if (why) problems.push(`${fmt([...p, 'review'])}${at([...p, 'review'])}: ${why}`);
  }
  if (typeof channel === 'string' && !channelIds.includes(channel)) {
    problems.push(
      `${fmt([...p, 'channel'])}${at([...p, 'channel'])}: unknown channel "${channel}"${didYouMean(channel, channelIds) || ` (channels: ${channelIds.join(', ')})`}`,
    );
  }
  const where: Partial<Record<UserField, Condition>> = {};
  for (const [field, cond] of Object.entries(isObject(r.where) ? r.where : {})) {
    const fp = [...p, 'where', field];
    if (!isUserField(field)) {
      problems.push(`${fmt(fp)}${at(fp)}: ${unknownField(field)}`);
      continue;
    }
    const c = compileCondition(cond);
    if (!c.ok) problems.push(`${fmt(fp)}${at(fp)}: ${c.error}`);
    else where[field] = c.condition;
  }
  if (problems.length > before) return null;
  return {
    channel,
    ...(r.events ? { events: r.events as Route['events'] } : {}),
    ...(Object.keys(where).length ? { where } : {}),
    ...(r.show ? { show: r.show as string[] } : {}),
    ...(r.mention ? { mention: r.mention as Route['mention'] } : {}),
    ...(r.review === true ? { review: true as const } : {}),
    ...(hours && { hours: { mode: hours.mode, intervals: hours.intervals }, urgent: hours.urgent }),
    source: 'file',
  };
}
