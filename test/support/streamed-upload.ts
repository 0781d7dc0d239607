import { request } from 'node:http';

export interface StreamedUploadResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON envelope of any route
  /** Body bytes the client had handed to the socket when the response arrived. */
  writtenAtResponse: number;
  /** Whether the client had written the whole declared body by then. */
  finishedWriting: boolean;
  /** With `expectContinue`: whether the server said `100 Continue` (asked for the body). */
  continued: boolean;
}

/**
 * POSTs a body of `totalBytes` (one 64 KB chunk written again and again, so the test never
 * holds the body in memory), honouring backpressure, and stops writing as soon as a response
 * arrives. A server that answers without reading stalls the writer after the socket buffers
 * fill, so `writtenAtResponse` stays far below `totalBytes`. With `expectContinue` the body is
 * only sent once the server answers `100 Continue`, as curl does for large uploads.
 */
export function streamedUpload(
  url: string,
  path: string,
  totalBytes: number,
  headers: Record<string, string> = {},
  options: { chunked?: boolean; expectContinue?: boolean; /** repeated to fill totalBytes; default 64 KB of spaces */ chunk?: Buffer } = {},
): Promise<StreamedUploadResult> {
  const chunk = options.chunk ?? Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, should anything parse it
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    let continued = false;
    const req = request({
      host: hostname,
      port,
      method: 'POST',
      path,
      headers: {
        'content-type': 'application/json',
        ...(options.chunked ? {} : { 'content-length': String(totalBytes) }),
        ...(options.expectContinue ? { expect: '100-continue' } : {}),
        ...headers,
      },
    });
    req.on('response', (res) => {
      answered = true;
      const writtenAtResponse = written;
      const finishedWriting = written >= totalBytes;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        req.destroy();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body, writtenAtResponse, finishedWriting, continued });
      });
    });
    // once answered, the server may drop the connection under our writes: that is expected
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && written < totalBytes) {
        const piece = totalBytes - written >= chunk.length ? chunk : chunk.subarray(0, totalBytes - written);
        written += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    if (!options.expectContinue) return pump();
    req.flushHeaders();
    req.on('continue', () => {
      continued = true;
      pump();
    });
  });
}
