/** `&`, `<`, `>` as HTML entities: what Slack mrkdwn and Google Chat card text both need. */
export const escapeEntities = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
