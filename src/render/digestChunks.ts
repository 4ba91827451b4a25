/**
 * Items split into the fewest digests of at most `perMessage`, as even as they go (101 at 100
 * a message: 51 and 50, not 100 and a lone 1). A channel's digests are these chunks, each
 * rendered as one message that carries exactly its chunk's deliveries.
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
