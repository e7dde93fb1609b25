import type { IncomingMessage } from 'node:http';

export type RawBodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; reason: 'too-large' }
  | { ok: false; reason: 'aborted'; cause?: unknown };

/**
 * Reads the request stream into one Buffer, giving up as soon as it passes `limit` bytes: a declared
 * `content-length` over the limit is refused before reading anything, and a chunked body is abandoned at
 * the chunk that crosses it, so an oversized upload never sits in memory.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<RawBodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && /^[0-9]+$/.test(declared) && Number(declared) > limit) {
    return Promise.resolve({ ok: false, reason: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: RawBodyResult) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = (error: unknown) => finish({ ok: false, reason: 'aborted', cause: error });
    const onClose = () => finish({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
