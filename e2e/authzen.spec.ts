import { expect, test } from './fixtures';
import { readApiKeys } from './api-client';

/** The AuthZEN endpoints through the real server, as a gateway would call them: discovery, then a decision. */
test.describe('AuthZEN over HTTP', () => {
  test('discovery names this server as the decision point, and an evaluation answers with the request id echoed', async ({ request, baseURL }) => {
    const discovery = await request.get('/.well-known/authzen-configuration');
    expect(discovery.status()).toBe(200);
    expect(discovery.headers()['content-type']).toMatch(/application\/json/);
    const metadata = (await discovery.json()) as Record<string, string>;
    const origin = new URL(baseURL!).origin;
    expect(metadata.policy_decision_point).toBe(origin);
    expect(metadata.access_evaluation_endpoint).toBe(`${origin}/access/v1/evaluation`);

    const { admin } = readApiKeys();
    const ask = (body: unknown, id: string) =>
      request.post(new URL(metadata.access_evaluation_endpoint!).pathname, {
        headers: { authorization: `Bearer ${admin}`, 'x-request-id': id },
        data: body,
      });
    const allowed = await ask(
      { subject: { type: 'user', id: 'admin' }, action: { name: 'manage-users-and-roles' }, resource: { type: 'account', id: 'account' } },
      'gw 1/2',
    );
    expect(allowed.status()).toBe(200);
    expect(allowed.headers()['x-request-id']).toBe('gw 1/2');
    expect(await allowed.json()).toMatchObject({ decision: true });
    const denied = await ask(
      { subject: { type: 'user', id: 'agent' }, action: { name: 'manage-users-and-roles' }, resource: { type: 'account', id: 'account' } },
      'gw-2',
    );
    expect(await denied.json()).toMatchObject({ decision: false, context: { reason: 'not-in-profiles' } });
    // No key: 401, and the page-write checks (origin, CSP) do not stand in the way of another program.
    const anonymous = await request.post('/access/v1/evaluation', { data: { subject: { type: 'user', id: 'admin' } } });
    expect(anonymous.status()).toBe(401);
  });
});
