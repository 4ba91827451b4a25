import { Liquid } from 'liquidjs';
import type { User, UserField } from '../vcc/user.ts';
import { sanitizeLine } from './sanitize.ts';
import { plain, TRANSPORTS } from './templateScope.ts';
import { labelOf, type Labels } from './labels.ts';
import { roleWords } from './words.ts';

/**
 * The LiquidJS engine every target renders with: strict variables and filters; every value
 * printed becomes one visible line (each platform escapes the text in its payload builder).
 * Filters: `value` (null → "(none)"), `transport` (sip-tcp → SIP/TCP), `yesno`, `role` (isAgent and
 * privGroup, with the privilege group's label), `label: 'FIELD'` (a value's label, else the value).
 * `labels` is read at each render, so a reloaded config's labels apply at once.
 */
export function liquidEngine(labels: () => Labels): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    outputEscape: (v: unknown) => sanitizeLine(v === null || v === undefined || v === '' ? '' : plain(v)),
  });
  engine.registerFilter('value', (v: unknown) => plain(v));
  engine.registerFilter('transport', (v: unknown) => (typeof v === 'string' && TRANSPORTS[v]) || plain(v));
  engine.registerFilter('yesno', (v: unknown) => (v === true ? 'yes' : v === false ? 'no' : plain(v)));
  engine.registerFilter('label', (v: unknown, field: unknown) => labelOf(labels(), field as UserField, v) ?? plain(v));
  engine.registerFilter('role', (u: Partial<User> | null) => roleWords(u, labels()));
  return engine;
}
