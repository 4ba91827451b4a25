import type { Liquid, Template } from 'liquidjs';
import { array, enums, object, optional, record, string, tuple, type Infer } from 'superstruct';
import { EVENT_KINDS, type EventKind } from '../vcc/changes.ts';

// The template files' shapes (templates/KIND.yaml, templates/digest.yaml) and their compilation.

/** A template file that cannot be used; the message names the file and the problem. */
export class TemplateError extends Error {
  readonly code = 'bad_template';
}

export const kindFile = object({
  severity: string(),
  title: string(),
  summary: string(),
  facts: optional(array(object({ label: string(), value: string() }))),
  line: optional(string()),
});
export const digestFile = object({
  severity: string(),
  title: string(),
  summary: string(),
  group: string(),
  item: string(),
  // Optional: the words default to src/render/words.ts (KIND_WORDS); a file may override some.
  labels: optional(record(enums(EVENT_KINDS), tuple([string(), string()]))),
});

type Compiled<T> = {
  [K in keyof T]: T[K] extends string ? Template[] : T[K] extends string | undefined ? Template[] | undefined : T[K];
};
export interface KindTemplates {
  severity: Template[];
  title: Template[];
  summary: Template[];
  facts: Array<{ label: string; value: Template[] }>;
  line: Template[] | undefined;
}
export type DigestTemplates = Compiled<Omit<Infer<typeof digestFile>, 'labels'>> & {
  labels?: Partial<Record<EventKind, [one: string, many: string]>>;
};

/** Each template string of a file compiled (labels kept as they are); an error names the file and field. */
export function compileStrings(engine: Liquid, value: Record<string, unknown>, path: string): unknown {
  const compile = (s: string, where: string) => {
    try {
      return engine.parse(s);
    } catch (e) {
      throw new TemplateError(`${path}: ${where}: ${(e as Error).message}`);
    }
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'labels') out[k] = v;
    else if (typeof v === 'string') out[k] = compile(v, k);
    else if (Array.isArray(v))
      out[k] = v.map((f: { label: string; value: string }, i) => ({
        label: f.label,
        value: compile(f.value, `${k}[${i}].value`),
      }));
  }
  if (!('facts' in out)) out.facts = [];
  return out;
}

/** Which kind's template speaks for an event that carries several kinds: the lowest rank. */
const RANK = {
  'user.created': 0,
  'user.state_changed': 1,
  'user.role_changed': 2,
  'user.transport_changed': 3,
  'user.password_changed': 4,
  'user.updated': 5,
} as const satisfies Record<EventKind, number>;
export const PRIMARY = (Object.keys(RANK) as EventKind[]).sort((a, b) => RANK[a] - RANK[b]);

/** The kind whose template speaks for an event with these kinds. */
export function primaryKind(kinds: readonly EventKind[]): EventKind {
  return PRIMARY.find((k) => kinds.includes(k)) ?? 'user.updated';
}
