import { describe, expect, it } from 'vitest';
import { loadCatalog, roleDefaults } from './catalog';
import { grantRefusal, type Granter } from './grant-rules';
import { livepersonCatalog } from '@/seeds/catalogs/liveperson';

const catalog = loadCatalog(livepersonCatalog);
const agent = catalog.roleByKey.get('agent')!;
const admin = catalog.roleByKey.get('admin')!;
const features = new Set(catalog.features.filter((f) => f.enabledByDefault).map((f) => f.key));
const granter = (held: string[], accountWide: boolean): Granter => ({ holds: (k) => held.includes(k), accountWide });
const manager = granter(['join-agents-conversations-in-group', 'manage-agent-users-in-group'], false);
const restrictedAdmin = granter(['manage-profiles', 'manage-users-and-roles'], true);

describe('grantRefusal', () => {
  it.each([
    ['an agent manager: what he holds', manager, agent, 'join-agents-conversations-in-group', true],
    ['an agent manager: an agent default he lacks (the baseline)', manager, agent, 'initiate-voice-conversation', true],
    ['an agent manager: an off-by-default permission he lacks', manager, agent, 'transfer-messaging-conversations-to-an-agent-in-offline-state', false],
    ['an agent manager: a console permission he lacks', manager, catalog.roleByKey.get('agent-manager')!, 'manage-agent-groups', false],
    ['an admin: any work permission', restrictedAdmin, agent, 'transfer-messaging-conversations-to-an-agent-in-offline-state', true],
    ['an admin: a console permission he holds', restrictedAdmin, admin, 'manage-profiles', true],
    ['an admin: a console permission he lacks, even at its role default', restrictedAdmin, admin, 'manage-api-keys', false],
  ] as const)('%s', (_label, who, role, key, allowed) => {
    const refusal = grantRefusal(who, role, key, new Set(roleDefaults(role, features)));
    expect(refusal === null).toBe(allowed);
    if (!allowed) expect(refusal).toMatch(/yourself/);
  });
});
