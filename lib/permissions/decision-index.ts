import type { Catalog } from './catalog';
import { effectivePermissions, type Explanation, type HeldProfile, type PermissionOverride } from './effective';
import { isLevel, levelRank, type ChannelSettings } from './channels';
import type { EffectivePermissions } from './effective';

/** Why a permission is or is not held, as the decision endpoint answers it. */
export const PERMISSION_REASONS = ['granted', 'not-in-profiles', 'revoked', 'feature-off', 'grant-expired', 'missing-prerequisite'] as const;
export type PermissionReason = (typeof PERMISSION_REASONS)[number];

/** The one reason a person would give first: a switched-off feature beats a revoke beats an expired grant beats a missing prerequisite. */
export function reasonOf(e: Explanation): PermissionReason {
  if (e.allowed) return 'granted';
  const kinds = new Set(e.missing.map((m) => m.kind));
  if (kinds.has('feature-off')) return 'feature-off';
  if (kinds.has('revoked')) return 'revoked';
  if (kinds.has('grant-expired')) return 'grant-expired';
  if (kinds.has('missing-prerequisite') && e.sources.length > 0) return 'missing-prerequisite';
  return 'not-in-profiles';
}

export const DECISION_REASONS = [...PERMISSION_REASONS, 'channel-level-too-low', 'user-deactivated', 'unknown-user'] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];
export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
}

/** One user's permissions, however they are held: by the index, or computed by the engine. */
export interface DecisionSubject {
  has(bit: number): boolean;
  reason(bit: number): PermissionReason;
  levelRank(channelIndex: number): number;
}

/**
 * "May he do this, in this channel?" `permission` is a catalog key, or with a channel a level
 * name (at least that level there). A permission asked in a channel also needs at least "View
 * only" there. The question must name a known permission and channel (checked at the boundary).
 */
export function decide(catalog: Catalog, subject: DecisionSubject, permission: string, channel?: string): Decision {
  const channelIndex = channel === undefined ? -1 : catalog.channelByKey.get(channel)!.index;
  if (isLevel(permission)) {
    const ok = channelIndex >= 0 && subject.levelRank(channelIndex) >= levelRank(permission);
    return { allowed: ok, reason: ok ? 'granted' : 'channel-level-too-low' };
  }
  const bit = catalog.permissionByKey.get(permission)!.bit;
  if (!subject.has(bit)) return { allowed: false, reason: subject.reason(bit) };
  if (channelIndex >= 0 && subject.levelRank(channelIndex) < levelRank('view')) return { allowed: false, reason: 'channel-level-too-low' };
  return { allowed: true, reason: 'granted' };
}

/** The engine's own answer for one user: what the index must always agree with. */
export function engineSubject(catalog: Catalog, effective: EffectivePermissions): DecisionSubject {
  return {
    has: (bit) => effective.bits.has(bit),
    reason: (bit) => reasonOf(effective.explain.get(catalog.permissions[bit]!.key)!),
    levelRank: (channelIndex) => effective.channelLevels[channelIndex] ?? 0,
  };
}

/** A profile assignment: the version the user got it at (he is on max(this, the profile's floor)). */
export interface Holding {
  profileId: number;
  version: number;
}

export interface UserFacts {
  id: number;
  groupId: number | null;
  active: boolean;
  holdings: readonly Holding[];
  /** Only users with overrides carry any: they get a result of their own. */
  overrides: readonly PermissionOverride[];
}

/** What the index needs to know about the world besides users; the loader answers from the database. */
export interface IndexWorld {
  catalog: Catalog;
  enabledFeatures: ReadonlySet<string>;
  profile(profileId: number): { name: string; roleKey: string; floor: number } | undefined;
  version(profileId: number, version: number): { permissions: readonly string[]; channels: ChannelSettings } | undefined;
  /** Group tree and who manages what, for "may he act on that user" checks. */
  groups: readonly { id: number; parentId: number | null }[];
  managed: ReadonlyMap<number, readonly number[]>;
  now: number;
}

/**
 * Every user's effective permissions, precomputed for checks in O(1): a user points at a "combo"
 * (the result for one set of profile assignments, shared by everyone who holds exactly those);
 * a user with overrides gets a combo of his own. A combo is a few words of permission bits, the
 * bits whose reach is account-wide, one byte per channel and one reason code per permission.
 * Per user the index keeps 9 bytes: his combo, his group, whether he is active.
 */
export class DecisionIndex {
  readonly catalog: Catalog;
  private world: IndexWorld;
  private readonly words: number;
  private readonly permissionCount: number;
  private readonly channelCount: number;

  private comboOf = new Int32Array(0);
  private groupOf = new Int32Array(0);
  private activeOf = new Uint8Array(0);

  private comboCount = 0;
  private comboBits = new Uint32Array(0);
  private comboAccountBits = new Uint32Array(0);
  private comboLevels = new Uint8Array(0);
  private comboReasons = new Uint8Array(0);
  private readonly comboInput: { holdings: readonly Holding[]; overrides: readonly PermissionOverride[] }[] = [];
  private readonly comboByKey = new Map<string, number>();
  /** Users with overrides, and the soonest moment one of their overrides expires. */
  private readonly overrideUsers = new Map<number, UserFacts>();
  private nextExpiry = Infinity;

  /** Group id → its bit in a manager's subtree bits (-1: no such group). */
  private groupBit = new Int32Array(0);
  private groupWords = 1;
  /** User id → his row in `managedBits` (-1: he manages no group). */
  private managedRow = new Int32Array(0);
  /** One row of `groupWords` words per manager: the groups of the subtrees he manages. */
  private managedBits = new Uint32Array(0);

  constructor(world: IndexWorld, users: Iterable<UserFacts>) {
    this.world = world;
    this.catalog = world.catalog;
    this.permissionCount = world.catalog.permissions.length;
    this.words = Math.max(1, Math.ceil(this.permissionCount / 32));
    this.channelCount = world.catalog.channels.length;
    this.setGroups(world);
    for (const u of users) this.setUser(u);
  }

  /** Memory the per-user arrays and the combos take, in bytes. */
  get bytes(): number {
    return (
      this.managedRow.byteLength +
      this.managedBits.byteLength +
      this.groupBit.byteLength +
      this.comboOf.byteLength +
      this.groupOf.byteLength +
      this.activeOf.byteLength +
      this.comboBits.byteLength +
      this.comboAccountBits.byteLength +
      this.comboLevels.byteLength +
      this.comboReasons.byteLength
    );
  }

  get combos(): number {
    return this.comboCount;
  }

  /** The soonest moment an override of some user expires: the loader refreshes those users then. */
  get expiresNext(): number {
    return this.nextExpiry;
  }

  // ------------------------------------------------------------------------------------------
  // Checks

  knows(userId: number): boolean {
    return userId >= 0 && userId < this.comboOf.length && this.comboOf[userId]! >= 0;
  }

  isActive(userId: number): boolean {
    return this.knows(userId) && this.activeOf[userId] === 1;
  }

  groupOfUser(userId: number): number | null {
    const g = this.knows(userId) ? this.groupOf[userId]! : -1;
    return g >= 0 ? g : null;
  }

  /** O(1): an active user holds permission `bit`. */
  has(userId: number, bit: number): boolean {
    if (userId < 0 || userId >= this.comboOf.length || this.activeOf[userId] !== 1) return false;
    return ((this.comboBits[this.comboOf[userId]! * this.words + (bit >>> 5)]! >>> (bit & 31)) & 1) === 1;
  }

  /** The user as a subject of `decide` (he must be known and active). */
  subject(userId: number): DecisionSubject {
    return { has: (bit) => this.has(userId, bit), reason: (bit) => this.reason(userId, bit), levelRank: (c) => this.levelRank(userId, c) };
  }

  /** O(1): why an active user does or does not hold permission `bit`. */
  reason(userId: number, bit: number): PermissionReason {
    return PERMISSION_REASONS[this.comboReasons[this.comboOf[userId]! * this.permissionCount + bit]!]!;
  }

  /** O(1): his level (its rank) in the channel at `channelIndex`. */
  levelRank(userId: number, channelIndex: number): number {
    if (!this.knows(userId)) return 0;
    return this.comboLevels[this.comboOf[userId]! * this.channelCount + channelIndex]!;
  }

  /**
   * O(1): may `actorId` use permission `bit` on `targetId`? He holds it, and it reaches the whole
   * account (a role scoped to the account gives it) or the target sits in the subtree of a group
   * he manages.
   */
  canActOn(actorId: number, bit: number, targetId: number): boolean {
    if (!this.has(actorId, bit) || !this.knows(targetId)) return false;
    const combo = this.comboOf[actorId]!;
    if (((this.comboAccountBits[combo * this.words + (bit >>> 5)]! >>> (bit & 31)) & 1) === 1) return true;
    const row = actorId < this.managedRow.length ? this.managedRow[actorId]! : -1;
    const group = this.groupOf[targetId]!;
    const g = group >= 0 && group < this.groupBit.length ? this.groupBit[group]! : -1;
    return row >= 0 && g >= 0 && ((this.managedBits[row * this.groupWords + (g >>> 5)]! >>> (g & 31)) & 1) === 1;
  }

  // ------------------------------------------------------------------------------------------
  // Updates

  /**
   * A fresh view of the world (features, profiles and their floors, groups, the time): the
   * updates below compute with it. The group tree and who manages what are reread now.
   */
  setWorld(world: IndexWorld): void {
    if (world.catalog !== this.catalog) throw new Error('The catalog changed: build a new index');
    this.world = world;
    this.setGroups(world);
  }

  /** Add or replace one user (his status, group, assignments or overrides changed). */
  setUser(u: UserFacts): void {
    this.ensureUserCapacity(u.id);
    this.groupOf[u.id] = u.groupId ?? -1;
    this.activeOf[u.id] = u.active ? 1 : 0;
    if (u.overrides.length) {
      // A user with overrides has a combo of his own; it is recomputed in place when he changes.
      const own = this.overrideUsers.has(u.id) ? this.comboOf[u.id]! : -1;
      if (own >= 0) {
        this.comboInput[own] = { holdings: u.holdings, overrides: u.overrides };
        this.computeCombo(own, u.holdings, u.overrides);
      } else {
        this.comboOf[u.id] = this.newCombo(u.holdings, u.overrides);
      }
      this.overrideUsers.set(u.id, u);
      for (const o of u.overrides) if (o.expiresAt !== null && o.expiresAt > this.world.now) this.nextExpiry = Math.min(this.nextExpiry, o.expiresAt);
      return;
    }
    this.overrideUsers.delete(u.id);
    const key = comboKey(u.holdings);
    let combo = this.comboByKey.get(key);
    if (combo === undefined) {
      combo = this.newCombo(u.holdings, []);
      this.comboByKey.set(key, combo);
    }
    this.comboOf[u.id] = combo;
  }

  removeUser(userId: number): void {
    if (!this.knows(userId)) return;
    this.comboOf[userId] = -1;
    this.activeOf[userId] = 0;
    this.overrideUsers.delete(userId);
  }

  /**
   * Recompute the combos that hold `profileId` (a new version applied, a floor raised), or every
   * combo (an account feature switched): users keep pointing at the same combos.
   */
  refreshCombos(profileId?: number): void {
    for (let c = 0; c < this.comboCount; c++) {
      const input = this.comboInput[c]!;
      if (profileId === undefined || input.holdings.some((h) => h.profileId === profileId)) this.computeCombo(c, input.holdings, input.overrides);
    }
  }

  /** Time passed an override's expiry: recompute the users with overrides at the world's time. */
  refreshOverrides(): void {
    this.nextExpiry = Infinity;
    for (const u of [...this.overrideUsers.values()]) this.setUser(u);
  }

  private setGroups(world: IndexWorld): void {
    const maxGroupId = world.groups.reduce((m, g) => Math.max(m, g.id), 0);
    this.groupBit = new Int32Array(maxGroupId + 1).fill(-1);
    world.groups.forEach((g, i) => (this.groupBit[g.id] = i));
    this.groupWords = Math.max(1, Math.ceil(world.groups.length / 32));
    const children = new Map<number, number[]>();
    for (const g of world.groups) if (g.parentId !== null) children.set(g.parentId, [...(children.get(g.parentId) ?? []), g.id]);
    const maxManagerId = [...world.managed.keys()].reduce((m, id) => Math.max(m, id), -1);
    this.managedRow = new Int32Array(maxManagerId + 1).fill(-1);
    this.managedBits = new Uint32Array(world.managed.size * this.groupWords);
    let row = 0;
    for (const [userId, roots] of world.managed) {
      const base = row * this.groupWords;
      this.managedRow[userId] = row++;
      const stack = [...roots];
      while (stack.length) {
        const id = stack.pop()!;
        const i = id <= maxGroupId ? this.groupBit[id]! : -1;
        if (i < 0 || ((this.managedBits[base + (i >>> 5)]! >>> (i & 31)) & 1) === 1) continue;
        this.managedBits[base + (i >>> 5)]! |= 1 << (i & 31);
        stack.push(...(children.get(id) ?? []));
      }
    }
  }

  // ------------------------------------------------------------------------------------------

  private ensureUserCapacity(userId: number) {
    if (userId < this.comboOf.length) return;
    const size = Math.max(userId + 1, Math.ceil(this.comboOf.length * 1.5), 64);
    const grow = <A extends Int32Array | Uint8Array>(old: A, make: (n: number) => A, fill: number) => {
      const next = make(size);
      next.fill(fill);
      next.set(old);
      return next;
    };
    this.comboOf = grow(this.comboOf, (n) => new Int32Array(n), -1);
    this.groupOf = grow(this.groupOf, (n) => new Int32Array(n), -1);
    this.activeOf = grow(this.activeOf, (n) => new Uint8Array(n), 0);
  }

  private newCombo(holdings: readonly Holding[], overrides: readonly PermissionOverride[]): number {
    const c = this.comboCount++;
    if (c * this.words >= this.comboBits.length) {
      const capacity = Math.max(16, c * 2);
      const grow = <A extends Uint32Array | Uint8Array>(old: A, next: A) => (next.set(old), next);
      this.comboBits = grow(this.comboBits, new Uint32Array(capacity * this.words));
      this.comboAccountBits = grow(this.comboAccountBits, new Uint32Array(capacity * this.words));
      this.comboLevels = grow(this.comboLevels, new Uint8Array(capacity * this.channelCount));
      this.comboReasons = grow(this.comboReasons, new Uint8Array(capacity * this.permissionCount));
    }
    this.comboInput[c] = { holdings, overrides };
    this.computeCombo(c, holdings, overrides);
    return c;
  }

  /** One combo through the engine itself: the index can never disagree with effectivePermissions. */
  private computeCombo(c: number, holdings: readonly Holding[], overrides: readonly PermissionOverride[]) {
    const { catalog } = this.world;
    const profiles: HeldProfile[] = [];
    for (const h of holdings) {
      const p = this.world.profile(h.profileId);
      if (!p) continue;
      const version = Math.max(h.version, p.floor);
      const content = this.world.version(h.profileId, version);
      if (!content) continue;
      profiles.push({ profileId: h.profileId, profileName: p.name, roleKey: p.roleKey, version, enabled: content.permissions, channels: content.channels });
    }
    const effective = effectivePermissions(catalog, { profiles, overrides, enabledFeatures: this.world.enabledFeatures, now: this.world.now });
    const w = c * this.words;
    this.comboBits.fill(0, w, w + this.words);
    this.comboAccountBits.fill(0, w, w + this.words);
    this.comboBits.set(effective.bits.words, w);
    for (const meta of catalog.permissions) {
      const e = effective.explain.get(meta.key)!;
      this.comboReasons[c * this.permissionCount + meta.bit] = PERMISSION_REASONS.indexOf(reasonOf(e));
      const accountWide =
        e.allowed && e.sources.some((s) => (s.kind === 'core' || s.kind === 'profile') && catalog.roleByKey.get(s.roleKey)?.scope === 'account');
      if (accountWide) this.comboAccountBits[w + (meta.bit >>> 5)]! |= 1 << (meta.bit & 31);
    }
    this.comboLevels.set(effective.channelLevels, c * this.channelCount);
  }
}

const comboKey = (holdings: readonly Holding[]) =>
  holdings
    .map((h) => `${h.profileId}:${h.version}`)
    .sort()
    .join(',');
