import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a client may keep sending after a 413 before its connection is cut. */
const DRAIN_MS = 5_000;

/**
 * HTTP helpers for every inbound route on the shared server — the core's (ingest API) and the
 * adapters' (Slack events, Discord interactions, console commands) — so each reads bodies with the
 * same cap and answers JSON the same way.
 */

/** Answers `body` as JSON (unless something already answered). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * Reads a request body of at most `maxBytes`, counting while it streams (a declared Content-Length
 * over the cap is refused before reading). Over the cap it answers 413 at once — the status and body
 * are written before anything is closed, so a client still uploading can read them — then drains the
 * rest for a little while and closes the connection. Returns null when it has answered.
 */
export async function readCappedBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
  /** What to do about it, for the 413's message (e.g. "send smaller batches"). */
  hint = 'send a smaller request',
): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    refuse(req, res, maxBytes, hint);
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise<Buffer | null>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.off('end', onEnd);
        refuse(req, res, maxBytes, hint);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

function refuse(req: IncomingMessage, res: ServerResponse, maxBytes: number, hint: string): void {
  const body = JSON.stringify({
    error: 'payload-too-large',
    message: `request body is over the ${maxBytes}-byte limit; ${hint}`,
  });
  res.writeHead(413, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  // Written but not ended: ending now would close the socket under a client still sending, which
  // then sees a reset instead of the 413. End once the upload is drained, or cut it after DRAIN_MS.
  res.write(body);
  const timer = setTimeout(() => {
    res.end();
    req.socket.destroy();
  }, DRAIN_MS);
  timer.unref();
  req.once('end', () => {
    clearTimeout(timer);
    res.end();
  });
  req.once('error', () => clearTimeout(timer));
  req.resume();
}
