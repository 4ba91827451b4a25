/** A time as people read it in messages, pages and the CLI, to the minute: `2026-12-08 05:00 UTC`. */
export const utcMinute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
