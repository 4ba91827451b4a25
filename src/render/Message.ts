import type { Mention } from '../routing/route.ts';

/** How much attention a message asks for; adapters map it to a colour or style. */
export type Severity = 'info' | 'notice' | 'warning';

/**
 * The neutral message templates produce and each platform's payload builder turns into its
 * vendor payload. Its strings are plain text (one visible line each, not escaped): the payload
 * builder escapes them for its target. `mentions` come from configuration only.
 */
export interface Message {
  title: string;
  summary: string;
  severity: Severity;
  facts: Array<{ label: string; value: string }>;
  /** One line per change, e.g. "State: active → inactive". */
  lines: string[];
  /** Plain-text fallback (Slack `text`, notifications). */
  fallback: string;
  /** Whom the routes page for this message (`mention:` in the config), in the platform's terms. */
  mentions: readonly Mention[];
}
