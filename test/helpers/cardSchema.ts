import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { adaptiveCardSchemaPath } from './fixtures.ts';

const schema = JSON.parse(readFileSync(adaptiveCardSchemaPath, 'utf8'));
// Teams accepts `msteams` on the root card; the published schema's root forbids extra keys.
schema.definitions.AdaptiveCard.properties.msteams = { type: 'object' };
// Draft-06 names the schema id `id`; Ajv 8 reads `$id` and validates draft-06 keywords as draft-07.
delete schema.id;
delete schema.$schema;
const ajv = new Ajv.default({ strict: false, allErrors: true, validateFormats: false });
/** The Adaptive Card 1.5 JSON schema (test/fixtures/schemas/), compiled: `validateCard.errors` after a false. */
export const validateCard = ajv.compile(schema);

// Microsoft's own library (the Adaptive Cards renderer): its ESM build does not load in Node
// as published; its dist/ UMD bundle does.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');

/**
 * What Microsoft's `adaptivecards` library says of a card: its parse errors and warnings,
 * `validateProperties()`'s events, and every property of ours it does not read back with the
 * same value when it serializes the card again (unknown, of a wrong type, or a default sent
 * for nothing). `msteams` is Teams' own root key and `version` is written as the library's
 * own: both are left out of that comparison. Empty: the card conforms.
 */
export function adaptiveCardsProblems(card: object): string[] {
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  parsed.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i += 1) problems.push(`parse: ${ctx.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  const { msteams: _teams, version: _version, ...ours } = card as Record<string, unknown>;
  return [...problems, ...notReadBack(ours, parsed.toJSON(ctx), '$')];
}

function notReadBack(ours: unknown, theirs: unknown, path: string): string[] {
  if (Array.isArray(ours))
    return ours.flatMap((x, i) => notReadBack(x, Array.isArray(theirs) ? theirs[i] : undefined, `${path}[${i}]`));
  if (ours !== null && typeof ours === 'object') {
    const t = (theirs ?? {}) as Record<string, unknown>;
    return Object.entries(ours).flatMap(([k, v]) =>
      k in t ? notReadBack(v, t[k], `${path}.${k}`) : [`not read back: ${path}.${k} = ${JSON.stringify(v)}`],
    );
  }
  return ours === theirs
    ? []
    : [`read back differently: ${path} = ${JSON.stringify(ours)}, read as ${JSON.stringify(theirs)}`];
}
