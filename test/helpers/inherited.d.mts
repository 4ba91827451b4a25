export const INHERITED: readonly string[];
export function isTestKnob(name: string): boolean;
