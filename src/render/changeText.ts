import type { Change } from '../vcc/changes.ts';
import { WAGE_FIELDS, type UserField } from '../vcc/user.ts';
import { FIELD_LABELS, plain } from './templateScope.ts';
import { labelOf, type Labels } from './labels.ts';
import { sanitizeLine } from './sanitize.ts';
import { KIND_WORDS } from './words.ts';

/** A value in an audit (admin, history, CSV): the label with the code beside it, `Team lead (4)`. */
export const audited = (labels: Labels, field: UserField, value: unknown): string => {
  const label = labelOf(labels, field, value);
  return label === null ? plain(value) : `${label} (${plain(value)})`;
};

/**
 * One change as one visible line of text (sanitized) for admin pages, `history` and the CSV:
 * passwords never, wage values only with `showWages`.
 */
export function changeText(c: Change, labels: Labels, opts: { showWages: boolean }): string {
  if (c.field === null) return KIND_WORDS[c.kind].happened;
  const name = FIELD_LABELS[c.field];
  if (c.sensitive || (WAGE_FIELDS.has(c.field) && !opts.showWages)) return `${name}: changed (value hidden)`;
  return sanitizeLine(`${name}: ${audited(labels, c.field, c.before)} → ${audited(labels, c.field, c.after)}`);
}
