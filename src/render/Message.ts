import type { Mention } from '../routing/route.ts';

/** How much attention a message asks for; adapters map it to a colour or style. */
export type Severity = 'info' | 'notice' | 'warning';

/** How a button looks: the platform's neutral, primary (green / positive) or danger (red / destructive) style. */
export const BUTTON_STYLES = ['default', 'primary', 'danger'] as const;
export type ButtonStyle = (typeof BUTTON_STYLES)[number];

/**
 * Something a person can do from the message: a button (its `id` names the action the
 * dispatcher runs, `value` is opaque to the platform and only a key for us), or a link. Each
 * platform renders what it can act on within its limits and leaves the rest out: a platform
 * that cannot receive clicks shows links only.
 */
export type MessageAction =
  | {
      kind: 'button';
      id: string;
      label: string;
      style: ButtonStyle;
      value: string;
      /** The button needs a text from the clicker (a reason): a card shows an input, Slack asks in a modal. */
      asks?: { label: string; maxLength: number };
    }
  | { kind: 'link'; label: string; url: string };

/** Whether a link may be shown: an absolute http(s) URL of reasonable length, nothing else. */
export const showableUrl = (url: string): boolean => /^https?:\/\/[^\s<>"]+$/.test(url) && url.length <= 2_000;

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
  /** What people can do from it (none: a message to read). */
  actions?: readonly MessageAction[];
}
