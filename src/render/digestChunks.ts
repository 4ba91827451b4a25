/**
 * Items split into the fewest digests of at most `perMessage`, as even as they go (101 at 100
 * a message: 51 and 50, not 100 and a lone 1). The renderer and the worker's delivery ids
 * both split with this, so each message carries exactly its deliveries.
 */
export function digestChunks<T>(items: readonly T[], perMessage: number): T[][] {
  const count = Math.ceil(items.length / perMessage);
  const chunks: T[][] = [];
  for (let i = 0, start = 0; i < count; i += 1) {
    const size = Math.ceil((items.length - start) / (count - i));
    chunks.push(items.slice(start, start + size));
    start += size;
  }
  return chunks;
}
