import {
  type ErrorBody,
  type ExportFormat,
  exportUsage,
  REQUEST_ID_HEADER,
} from '../../shared/contract/index';
import { ApiError, withQuery } from './client';

export type { ExportFormat };

export interface ExportProgress {
  bytes: number;
  /** Data rows received so far (CSV only: an .xlsx is compressed, its rows cannot be counted on the way). */
  rows?: number;
}

export interface DownloadedExport {
  blob: Blob;
  fileName: string;
  bytes: number;
  rows?: number;
}

const fileNameOf = (disposition: string | null, fallback: string) =>
  /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;

const NEWLINE = 0x0a;

/**
 * Downloads an export as a stream, reporting bytes (and, for CSV, rows) as they arrive; the file
 * is saved by the caller once complete. Errors before the file starts carry the API's code.
 */
export async function downloadExport(
  /** The range, the format and the filters (their query parameters). */
  query: { from: string; to: string; format: ExportFormat } & Record<string, string>,
  opts: { signal?: AbortSignal; onProgress?: (p: ExportProgress) => void } = {},
): Promise<DownloadedExport> {
  let res: Response;
  try {
    res = await fetch(withQuery(exportUsage.path, query), {
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
    throw new ApiError(
      res.status,
      body?.error?.code ?? `http_${res.status}`,
      body?.error?.message ?? `The server answered ${res.status} ${res.statusText}.`,
      res.headers.get(REQUEST_ID_HEADER) ?? undefined,
    );
  }
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let lines = 0;
  const reader = res.body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
      if (query.format === 'csv') for (const b of value) if (b === NEWLINE) lines++;
      opts.onProgress?.({ bytes, rows: query.format === 'csv' ? Math.max(0, lines - 1) : undefined });
    }
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'download_failed', 'The download was cut off before the end. Please try again.');
  }
  return {
    blob: new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? undefined }),
    fileName: fileNameOf(res.headers.get('content-disposition'), `usage.${query.format}`),
    bytes,
    rows: query.format === 'csv' ? Math.max(0, lines - 1) : undefined,
  };
}

/** Hands a downloaded file to the browser's own download (a link to the Blob, clicked). */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers start reading the Blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
