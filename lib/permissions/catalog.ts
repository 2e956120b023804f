import { z } from 'zod';
import { catalogSchema, type CatalogInput, type DefaultState, type Verb } from './catalog-schema';
import { LEVELS, type Channel, type ChannelSettings } from './channels';

export interface Feature {
  key: string;
  name: string;
  description: string;
  enabledByDefault: boolean;
}

export interface RolePermission {
  key: string;
  name: string;
  definition: string;
  category: string;
  default: DefaultState;
  accountFeature?: string;
  requires: string[];
  source?: string;
  exclusive?: boolean;
}

export interface Role {
  key: string;
  name: string;
  rank: number;
  scope: 'account' | 'managed-groups';
  handlesConversations: boolean;
  builtIn: boolean;
  /** The built-in role a custom role is based on; a built-in role is its own base. */
  baseRoleKey: string;
  description: string;
  core: { key: string; name: string }[];
  permissions: RolePermission[];
  permissionByKey: ReadonlyMap<string, RolePermission>;
  coreKeys: ReadonlySet<string>;
  channelDefaults: ChannelSettings;
}

export interface PermissionMeta {
  key: string;
  /** The name the first role that lists it gives it; roles may word it a little differently. */
  name: string;
  category: string;
  feature?: string;
  /** A granular permission: the section permission and the verb in it this one gates. */
  gates?: { permission: string; verb: Verb };
  /** What any role's row of it requires: without those held, holding it gives nothing. */
  requires: readonly string[];
  /** Account-wide permissions that cover this narrower one (its holders may give it; they keep it in reach). */
  coveredBy: readonly string[];
  /** Position in every permission bitset. */
  bit: number;
}

/** A validated, indexed catalog. Pure data: the engine never reads the database. */
export interface Catalog {
  preset: string;
  title: string;
  features: Feature[];
  featureByKey: ReadonlyMap<string, Feature>;
  roles: Role[];
  roleByKey: ReadonlyMap<string, Role>;
  permissions: PermissionMeta[];
  permissionByKey: ReadonlyMap<string, PermissionMeta>;
  channels: Channel[];
  channelByKey: ReadonlyMap<string, Channel>;
  topRank: number;
  /** For a section permission, its granular permission per verb (empty outside Aivo Live). */
  granularOf: ReadonlyMap<string, ReadonlyMap<Verb, string>>;
}

export class CatalogError extends Error {
  constructor(preset: string, problems: string[]) {
    super(`Catalog "${preset}" is invalid:\n- ${problems.join('\n- ')}`);
    this.name = 'CatalogError';
  }
}

function describeZodIssue(issue: z.core.$ZodIssue, input: unknown): string {
  // Name the entry, not just the path: "roles[0] (agent).permissions[3] (join-…)".
  let node: unknown = input;
  const parts: string[] = [];
  for (const segment of issue.path) {
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[segment as PropertyKey] : undefined;
    const label = node && typeof node === 'object' && 'key' in node ? ` (${String((node as { key: unknown }).key)})` : '';
    parts.push(typeof segment === 'number' ? `[${segment}]${label}` : `${parts.length ? '.' : ''}${String(segment)}${label}`);
  }
  return `${parts.join('') || 'catalog'}: ${issue.message}`;
}

export function loadCatalog(input: CatalogInput | unknown): Catalog {
  const parsed = catalogSchema.safeParse(input);
  const presetName = input && typeof input === 'object' && 'preset' in input ? String((input as { preset: unknown }).preset) : '?';
  if (!parsed.success) {
    throw new CatalogError(
      presetName,
      parsed.error.issues.map((i) => describeZodIssue(i, input)),
    );
  }
  const raw = parsed.data;
  const problems: string[] = [];

  const featureByKey = new Map(raw.features.map((f) => [f.key, f]));
  if (featureByKey.size !== raw.features.length) problems.push('features: two features share a key');
  for (const [key, meta] of Object.entries(raw.permissions)) {
    if (meta.feature && !featureByKey.has(meta.feature)) {
      problems.push(`permissions.${key}: unknown feature "${meta.feature}"`);
    }
    for (const c of meta.coveredBy ?? []) {
      if (c === key || !Object.hasOwn(raw.permissions, c)) problems.push(`permissions.${key}: covered by unknown permission "${c}"`);
    }
    if (meta.gates && !Object.hasOwn(raw.permissions, meta.gates.permission)) {
      problems.push(`permissions.${key}: gates unknown permission "${meta.gates.permission}"`);
    }
  }
  const granularOf = new Map<string, Map<Verb, string>>();
  for (const [key, meta] of Object.entries(raw.permissions)) {
    if (!meta.gates) continue;
    const verbs = granularOf.get(meta.gates.permission) ?? new Map<Verb, string>();
    if (verbs.has(meta.gates.verb)) problems.push(`permissions.${key}: "${meta.gates.permission}" already has a "${meta.gates.verb}" permission`);
    granularOf.set(meta.gates.permission, verbs.set(meta.gates.verb, key));
  }
  const requiresOf = new Map<string, Set<string>>();

  const channels: Channel[] = [];
  for (const main of raw.channels) {
    channels.push({ key: main.key, name: main.name, parent: null, index: channels.length });
    for (const sub of main.children) channels.push({ key: sub.key, name: sub.name, parent: main.key, index: channels.length });
  }
  const channelByKey = new Map(channels.map((c) => [c.key, c]));
  if (channelByKey.size !== channels.length) problems.push('channels: two channels share a key');
  for (const key of channelByKey.keys()) if (Object.hasOwn(raw.permissions, key)) problems.push(`channels.${key}: a permission has the same key`);
  // The decision API asks for a channel level by its name where it asks for a permission by its key.
  for (const level of LEVELS) if (Object.hasOwn(raw.permissions, level)) problems.push(`permissions.${level}: a channel level has the same name`);

  const permissionKeys = Object.keys(raw.permissions);
  const bitOf = new Map(permissionKeys.map((k, i) => [k, i]));
  const firstName = new Map<string, string>();
  const roles: Role[] = [];
  const roleNames = new Set<string>();

  for (const role of raw.roles) {
    const where = `role "${role.key}"`;
    if (roles.some((r) => r.key === role.key)) problems.push(`${where}: duplicate role key`);
    if (roleNames.has(role.name.toLowerCase())) problems.push(`${where}: duplicate role name "${role.name}"`);
    roleNames.add(role.name.toLowerCase());

    const seen = new Set<string>();
    for (const c of role.core) {
      if (!bitOf.has(c.key)) problems.push(`${where}, core "${c.key}": not declared in permissions`);
      if (seen.has(c.key)) problems.push(`${where}, core "${c.key}": listed twice`);
      seen.add(c.key);
      if (!firstName.has(c.key)) firstName.set(c.key, c.name);
    }
    const configurable = new Set(role.permissions.map((p) => p.key));
    const permissions: RolePermission[] = [];
    for (const p of role.permissions) {
      const at = `${where}, permission "${p.key}"`;
      const meta = raw.permissions[p.key];
      if (!meta) problems.push(`${at}: not declared in permissions`);
      if (seen.has(p.key)) problems.push(`${at}: listed twice (or also core)`);
      seen.add(p.key);
      if (p.default === 'account') {
        if (!p.accountFeature) problems.push(`${at}: default "account" needs an accountFeature`);
        else if (!featureByKey.has(p.accountFeature)) problems.push(`${at}: unknown accountFeature "${p.accountFeature}"`);
      } else if (p.accountFeature) {
        problems.push(`${at}: accountFeature is only for default "account"`);
      }
      for (const r of p.requires ?? []) {
        if (r === p.key) problems.push(`${at}: requires itself`);
        else if (!configurable.has(r)) problems.push(`${at}: requires "${r}", which role "${role.key}" does not have`);
        requiresOf.set(p.key, (requiresOf.get(p.key) ?? new Set()).add(r));
      }
      if (meta?.gates && !(p.requires ?? []).includes(meta.gates.permission)) {
        problems.push(`${at}: gates "${meta.gates.permission}", so it must require it`);
      }
      if (!firstName.has(p.key)) firstName.set(p.key, p.name);
      permissions.push({
        key: p.key,
        name: p.name,
        definition: p.definition,
        category: meta?.category ?? '',
        default: p.default,
        ...(p.accountFeature ? { accountFeature: p.accountFeature } : {}),
        requires: p.requires ?? [],
        ...(p.source ? { source: p.source } : {}),
        ...(p.exclusive ? { exclusive: true } : {}),
      });
    }
    for (const channel of Object.keys(role.channelDefaults)) {
      if (!channelByKey.has(channel)) problems.push(`${where}, channelDefaults: unknown channel "${channel}"`);
    }
    roles.push({
      key: role.key,
      name: role.name,
      rank: role.rank,
      scope: role.scope,
      channelDefaults: role.channelDefaults,
      handlesConversations: role.handlesConversations,
      builtIn: true,
      baseRoleKey: role.key,
      description: '',
      core: role.core,
      permissions,
      permissionByKey: new Map(permissions.map((p) => [p.key, p])),
      coreKeys: new Set(role.core.map((c) => c.key)),
    });
  }

  for (const key of permissionKeys) {
    if (!firstName.has(key)) problems.push(`permissions.${key}: no role uses it`);
  }
  const topRank = Math.max(...roles.map((r) => r.rank));
  if (roles.filter((r) => r.rank === topRank).length !== 1) problems.push('roles: exactly one role must hold the top rank');

  if (problems.length) throw new CatalogError(raw.preset, problems);

  const permissions: PermissionMeta[] = permissionKeys.map((key, bit) => {
    const meta = raw.permissions[key]!;
    return {
      key,
      name: firstName.get(key)!,
      category: meta.category,
      ...(meta.feature ? { feature: meta.feature } : {}),
      ...(meta.gates ? { gates: meta.gates } : {}),
      requires: [...(requiresOf.get(key) ?? [])],
      coveredBy: meta.coveredBy ?? [],
      bit,
    };
  });
  return {
    preset: raw.preset,
    title: raw.title,
    features: raw.features,
    featureByKey,
    roles,
    roleByKey: new Map(roles.map((r) => [r.key, r])),
    permissions,
    permissionByKey: new Map(permissions.map((p) => [p.key, p])),
    channels,
    channelByKey,
    topRank,
    granularOf,
  };
}

export interface CustomRoleRow {
  key: string;
  name: string;
  description: string;
  rank: number;
  baseRoleKey: string;
  defaults: readonly string[];
}

/**
 * The catalog with the account's custom roles added. A custom role has its base role's core
 * permissions and configurable permissions (names, definitions, prerequisites), its own rank and
 * its own default states.
 */
export function withCustomRoles(base: Catalog, custom: readonly CustomRoleRow[]): Catalog {
  if (!custom.length) return base;
  const roles = [...base.roles];
  for (const c of custom) {
    const b = base.roleByKey.get(c.baseRoleKey);
    if (!b || !b.builtIn) continue;
    const on = new Set(c.defaults);
    // Permissions exclusive to the base role stay with it.
    const permissions: RolePermission[] = b.permissions
      .filter((p) => !p.exclusive)
      .map(({ accountFeature: _feature, ...p }) => ({ ...p, default: on.has(p.key) ? 'on' : 'off' }));
    roles.push({
      ...b,
      key: c.key,
      name: c.name,
      description: c.description,
      rank: c.rank,
      builtIn: false,
      baseRoleKey: b.key,
      permissions,
      permissionByKey: new Map(permissions.map((p) => [p.key, p])),
    });
  }
  return { ...base, roles, roleByKey: new Map(roles.map((r) => [r.key, r])) };
}

/**
 * The default state of each configurable permission of a role, with "Dependent on account"
 * resolved from the account's enabled features. This is what a new profile and "Restore
 * defaults" start from.
 */
export function roleDefaults(role: Role, enabledFeatures: ReadonlySet<string>): string[] {
  return role.permissions.filter((p) => p.default === 'on' || (p.default === 'account' && enabledFeatures.has(p.accountFeature!))).map((p) => p.key);
}

/** The catalog as `npm run catalog -- --json` prints it. */
export function catalogToJson(catalog: Catalog) {
  return {
    preset: catalog.preset,
    title: catalog.title,
    features: catalog.features,
    channels: catalog.channels.map(({ key, name, parent }) => ({ key, name, parent })),
    roles: catalog.roles.map((r) => ({
      key: r.key,
      name: r.name,
      rank: r.rank,
      builtIn: true as const,
      core: r.core.map((c) => c.name),
      coreKeys: r.core.map((c) => c.key),
      channelDefaults: r.channelDefaults,
      permissions: r.permissions.map((p) => ({
        key: p.key,
        name: p.name,
        definition: p.definition,
        category: p.category,
        default: p.default,
        ...(p.accountFeature ? { accountFeature: p.accountFeature } : {}),
        requires: p.requires,
      })),
    })),
  };
}
