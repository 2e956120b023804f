// The production server: Next.js behind a thin Node HTTP server that gives every request an id
// (sent back as X-Request-Id) and writes one JSON log line when its response ends: method, route,
// status, duration, and the user and API key that asked (ids only; never a header, a cookie, a
// body or a query string). Plain JavaScript, so it runs with node alone (Docker, `npm start`).
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import pino from 'pino';

const dev = process.argv.includes('--dev');
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '0.0.0.0';
const log = pino({ level: process.env.SWITCHBOARD_LOG_LEVEL ?? 'info', base: { service: 'switchboard' }, timestamp: pino.stdTimeFunctions.isoTime });

const context = new AsyncLocalStorage();
globalThis[Symbol.for('switchboard.request-context')] = context;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
/** AuthZEN echoes any request id (its specification: "an arbitrary string"): printable ASCII up to 256 characters, as lib/authzen/http.ts. */
const AUTHZEN_REQUEST_ID = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;
const isAuthzen = (url) => url.startsWith('/access/') || url.startsWith('/.well-known/');
/** The REST API and AuthZEN's endpoints read their own bodies: not page writes. */
const isApi = (path) => path.startsWith('/api/') || isAuthzen(path);
/**
 * The request's path as Next.js will route it: dot segments resolved, an absolute-form target
 * reduced to its path (never its user info), matrix parameters kept out of the log by the cap.
 */
function pathOf(req) {
  try {
    return new URL(req.url ?? '/', 'http://switchboard.invalid').pathname;
  } catch {
    return '/';
  }
}
/** Same as `serverActions.bodySizeLimit` in next.config.ts and proxy.ts. */
const ACTION_BODY_LIMIT = 64 * 1024;

/**
 * A write to a page sent without a Content-Length (chunked), which no browser sends: Next.js would
 * answer an oversized one with a 500. It is read here, at most ACTION_BODY_LIMIT bytes, then
 * refused: 413 when it is larger, else 411 (send it with its length). Resolves to whether the
 * request goes on to Next.js.
 */
function passesLength(req, res) {
  const path = pathOf(req);
  const isPageWrite = !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? 'GET') && !isApi(path) && path !== '/users/import/csv';
  if (!isPageWrite || req.headers['content-length'] !== undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    let size = 0;
    let answered = false;
    const refuse = (status, text) => {
      if (answered) return;
      answered = true;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(text);
      resolve(false);
    };
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > ACTION_BODY_LIMIT) refuse(413, `The request is larger than ${ACTION_BODY_LIMIT / 1024} kB; nothing was changed.`);
    });
    req.on('end', () => refuse(411, 'Send the request body with a Content-Length; nothing was changed.'));
    req.on('error', () => refuse(400, 'The request body could not be read; nothing was changed.'));
  });
}

const app = next({ dev, dir: path.resolve(import.meta.dirname, '..'), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

http
  .createServer((req, res) => {
    // A caller's own id is kept when it is a plain token; otherwise one is made.
    const given = req.headers['x-request-id'];
    const kept = isAuthzen(pathOf(req)) ? AUTHZEN_REQUEST_ID : REQUEST_ID;
    const id = typeof given === 'string' && kept.test(given) ? given : crypto.randomUUID();
    req.headers['x-request-id'] = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    const store = { id };
    res.on('finish', () => {
      const line = {
        reqId: id,
        method: req.method,
        route: pathOf(req).slice(0, 200),
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(store.userId !== undefined ? { userId: store.userId } : {}),
        ...(store.apiKeyId !== undefined ? { apiKeyId: store.apiKeyId } : {}),
      };
      if (res.statusCode >= 500) log.error(line, 'request');
      else log.info(line, 'request');
    });
    context.run(store, () =>
      passesLength(req, res).then((goesOn) => {
        if (goesOn) return handle(req, res);
      }),
    );
  })
  .listen(port, hostname, () => log.info({ port, hostname, dev }, 'listening'));

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
