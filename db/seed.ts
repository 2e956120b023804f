import { eq } from 'drizzle-orm';
import type { DB } from './client';
import * as t from './schema';
import { appendAuditEvent } from './audit-chain';
import { entityState } from './audit-state';
import { roleDefaults, type Catalog } from '@/lib/permissions/catalog';
import { hashPassword } from '@/lib/auth/password';
import { demoAccounts } from '@/seeds/demo';

export function isSeeded(db: DB): boolean {
  return db.select().from(t.settings).where(eq(t.settings.key, 'preset')).get() !== undefined;
}

/** The catalog part: built-in roles, account features, and each role's default profile. */
function seedCatalog(tx: Pick<DB, 'insert'>, catalog: Catalog) {
  tx.insert(t.settings).values({ key: 'preset', value: catalog.preset }).run();
  for (const f of catalog.features) tx.insert(t.accountFeatures).values({ key: f.key, enabled: f.enabledByDefault }).run();
  const enabled = new Set(catalog.features.filter((f) => f.enabledByDefault).map((f) => f.key));
  const profileIds = new Map<string, number>();
  for (const role of catalog.roles) {
    tx.insert(t.roles).values({ key: role.key, name: role.name, rank: role.rank, builtIn: true }).run();
    const profile = tx
      .insert(t.profiles)
      .values({ name: role.name, roleKey: role.key, isDefault: true, description: `Default ${role.name} profile` })
      .returning({ id: t.profiles.id })
      .get();
    tx.insert(t.profileVersions)
      .values({ profileId: profile.id, version: 1, permissions: roleDefaults(role, enabled), channels: role.channelDefaults, note: 'Role defaults' })
      .run();
    profileIds.set(role.name, profile.id);
  }
  return { profileIds, enabled };
}

type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

/** A 'system' event for one seeded entity, with its state: "as of" rebuilds from the first moment. */
function seededEvent(tx: Tx, entityType: string, entityId: string | number, entityName: string, after: unknown) {
  appendAuditEvent(tx, {
    actorId: null,
    actorName: 'system',
    onBehalfOf: null,
    source: 'system',
    entityType,
    entityId: String(entityId),
    entityName,
    action: 'create',
    before: null,
    after,
    state: entityState(tx, entityType, entityId),
  });
}

export interface SeedOptions {
  /**
   * Give every demo user the same hash of the demo password. Tests only: each argon2id hash costs
   * tens of milliseconds of CPU, and the demo account has dozens of users. By default each user
   * gets a hash of his own (his own salt).
   */
  oneHashForAll?: boolean;
}

/**
 * Seed an empty database: the catalog, then the demo account. Idempotent: a database that
 * was seeded once is never seeded again. Everything happens in one transaction.
 */
export async function seedDatabase(db: DB, catalog: Catalog, demoPassword: string, options: SeedOptions = {}): Promise<boolean> {
  if (isSeeded(db)) return false;
  const demo = demoAccounts[catalog.preset];
  if (!demo) throw new Error(`The preset "${catalog.preset}" has no demo account`);
  // Hash before the transaction: its callback must stay synchronous.
  const hashes = new Map<string, string>();
  const shared = options.oneHashForAll ? await hashPassword(demoPassword) : undefined;
  for (const u of demo.users) hashes.set(u.loginName, shared ?? (await hashPassword(demoPassword)));

  db.transaction(
    (tx) => {
      if (isSeeded(tx as unknown as DB)) return;
      const { profileIds, enabled } = seedCatalog(tx, catalog);

      for (const extra of demo.extraProfiles) {
        const role = catalog.roleByKey.get(extra.roleKey)!;
        const on = new Set([...roleDefaults(role, enabled), ...extra.turnOn]);
        const row = tx
          .insert(t.profiles)
          .values({ name: extra.name, roleKey: role.key, description: extra.description })
          .returning({ id: t.profiles.id })
          .get();
        tx.insert(t.profileVersions)
          .values({ profileId: row.id, version: 1, permissions: [...on], channels: role.channelDefaults, note: 'Demo' })
          .run();
        profileIds.set(extra.name, row.id);
      }

      const groupIds = new Map<string, number>();
      for (const g of demo.groups) {
        const row = tx
          .insert(t.groups)
          .values({ name: g.name, parentId: g.parent ? groupIds.get(g.parent)! : null })
          .returning({ id: t.groups.id })
          .get();
        groupIds.set(g.name, row.id);
      }
      const skillIds = new Map<string, number>();
      for (const s of demo.skills) skillIds.set(s, tx.insert(t.skills).values({ name: s }).returning({ id: t.skills.id }).get().id);

      const profileRoles = new Map<number, string>();
      for (const p of tx.select({ id: t.profiles.id, roleKey: t.profiles.roleKey }).from(t.profiles).all()) profileRoles.set(p.id, p.roleKey);

      for (const u of demo.users) {
        const user = tx
          .insert(t.users)
          .values({
            loginName: u.loginName,
            email: `${u.loginName}@example.com`,
            name: u.name,
            nickname: u.nickname,
            passwordHash: hashes.get(u.loginName)!,
            groupId: u.group ? groupIds.get(u.group)! : null,
            maxChats: u.maxChats ?? null,
          })
          .returning({ id: t.users.id })
          .get();
        for (const name of u.profiles) {
          const profileId = profileIds.get(name);
          if (profileId === undefined) throw new Error(`demo user ${u.loginName}: unknown profile ${name}`);
          tx.insert(t.userProfiles)
            .values({ userId: user.id, profileId, roleKey: profileRoles.get(profileId)!, version: 1 })
            .run();
        }
        for (const g of u.manages ?? [])
          tx.insert(t.managedGroups)
            .values({ userId: user.id, groupId: groupIds.get(g)! })
            .run();
        for (const s of u.skills ?? [])
          tx.insert(t.userSkills)
            .values({ userId: user.id, skillId: skillIds.get(s)! })
            .run();
      }

      for (const f of catalog.features) seededEvent(tx, 'account-feature', f.key, f.name, { enabled: enabled.has(f.key) });
      for (const p of tx.select().from(t.profiles).orderBy(t.profiles.id).all()) {
        const v = tx.select().from(t.profileVersions).where(eq(t.profileVersions.profileId, p.id)).get()!;
        seededEvent(tx, 'profile', p.id, p.name, { role: p.roleKey, version: v.version, permissions: v.permissions, channels: v.channels });
      }
      for (const u of tx.select().from(t.users).orderBy(t.users.id).all()) {
        const held = tx
          .select({ name: t.profiles.name })
          .from(t.userProfiles)
          .innerJoin(t.profiles, eq(t.profiles.id, t.userProfiles.profileId))
          .where(eq(t.userProfiles.userId, u.id))
          .all();
        seededEvent(tx, 'user', u.id, u.loginName, {
          loginName: u.loginName,
          email: u.email,
          name: u.name,
          nickname: u.nickname,
          groupId: u.groupId,
          profiles: held.map((h) => h.name),
        });
      }

      appendAuditEvent(tx, {
        actorId: null,
        actorName: 'system',
        onBehalfOf: null,
        source: 'system',
        entityType: 'account',
        entityId: catalog.preset,
        entityName: catalog.title,
        action: 'seed',
        before: null,
        after: { preset: catalog.preset, users: demo.users.length },
      });
    },
    { behavior: 'immediate' },
  );
  return true;
}
