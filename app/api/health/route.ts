/**
 * Liveness for load balancers and monitors: the server answers. Deliberately does nothing else,
 * so `npm run bench` can also use it as the baseline cost of one request to this server.
 */
export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
