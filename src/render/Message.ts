/** How much attention a message asks for; adapters map it to a colour or style. */
export type Severity = 'info' | 'notice' | 'warning';

/**
 * The neutral message templates produce and adapters turn into vendor payloads. Every
 * string in it is already escaped for the channel's target (Slack mrkdwn, Teams markdown,
 * plain text), so adapters place strings and never interpret them.
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
}
