export function isLoopbackHost(host: string | undefined | null): boolean;
export function assertLoopbackUrl(url: string): void;
export class LoopbackOnlyError extends Error {
  code: 'ELOOPBACKONLY';
  constructor(host: string, where: string);
}
