export function newestMtime(paths: string[]): number;
