/** Rows read per page by an export. */
const PAGE = 1_000;

/**
 * Every row `list` gives for `filters`, oldest first, by keyset pages (`afterId`), at most
 * `max`; `more`: there were more than that (the export says so).
 */
export async function readPages<F, T extends { id: number }>(
  list: (f: F & { afterId?: number; limit: number }) => Promise<T[]>,
  filters: F,
  max: number,
): Promise<{ rows: T[]; more: boolean }> {
  const rows: T[] = [];
  for (;;) {
    const page = await list({ ...filters, afterId: rows.at(-1)?.id, limit: PAGE });
    rows.push(...page);
    if (page.length < PAGE || rows.length > max) break;
  }
  return { rows: rows.slice(0, max), more: rows.length > max };
}
