export const BUNDLE: string;
export const BUNDLE_SOURCES: string[];
export function bundleServer(outfile?: string): Promise<void>;
export function bundleServerIfStale(options?: { outfile?: string; sources?: string[] }): Promise<boolean>;
