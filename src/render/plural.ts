/** `n` and the noun in the right number: `count(1, 'delivery', 'deliveries')` → "1 delivery". */
export const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
