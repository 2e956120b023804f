import type { Catalog } from './catalog';
import { isLevel, LEVEL_NAMES } from './channels';

/** One line of an audit event's readable diff: a field's old and new value, or the items a list gained and lost. */
export interface Change {
  field: string;
  from?: string;
  to?: string;
  added?: string[];
  removed?: string[];
}

/** What the diff needs to show names instead of keys. */
export interface DiffNames {
  catalog: Pick<Catalog, 'permissionByKey' | 'channelByKey' | 'roleByKey' | 'featureByKey'>;
  groups?: ReadonlyMap<number, string>;
}

const LABELS: Record<string, string> = {
  loginName: 'Login name',
  groupId: 'Group',
  parentId: 'Parent group',
  managedGroupIds: 'Manages groups',
  maxChats: 'Max chats',
  expiresAt: 'Expires',
  floorVersion: 'Version every holder is on at least',
  headVersion: 'Latest version',
  base: 'Based on',
  role: 'Role',
  roleKey: 'Role',
  permissionKey: 'Permission',
  defaults: 'Default permissions',
};

const PERMISSION_FIELDS = new Set(['permission', 'permissions', 'permissionKey', 'defaults']);
const CHANNEL_FIELDS = new Set(['channel']);
const ROLE_FIELDS = new Set(['role', 'roleKey', 'base']);
const GROUP_FIELDS = new Set(['groupId', 'parentId', 'managedGroupIds']);

/** "managedGroupIds" → "Managed group ids", unless the field has a better name. */
export function fieldLabel(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A value as a person reads it: names for keys the catalog knows, Yes/No, dates in UTC. */
export function showValue(names: DiffNames, key: string, value: unknown): string {
  const { catalog } = names;
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') {
    if (GROUP_FIELDS.has(key)) return names.groups?.get(value) ?? `group #${value}`;
    return String(value);
  }
  if (typeof value === 'string') {
    if (PERMISSION_FIELDS.has(key)) return catalog.permissionByKey.get(value)?.name ?? catalog.channelByKey.get(value)?.name ?? value;
    if (CHANNEL_FIELDS.has(key)) return catalog.channelByKey.get(value)?.name ?? value;
    if (ROLE_FIELDS.has(key)) return catalog.roleByKey.get(value)?.name ?? value;
    if (key === 'level' && isLevel(value)) return LEVEL_NAMES[value];
    if (ISO.test(value)) return `${value.slice(0, 16).replace('T', ' ')} UTC`;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => showValue(names, key, v)).join(', ');
  // An item of a list, like a held profile: its fields, ids left out when there is more to say.
  const entries = Object.entries(value as Record<string, unknown>);
  const shown = entries.length > 1 ? entries.filter(([k]) => k !== 'id') : entries;
  return shown.map(([k, v]) => `${fieldLabel(k).toLowerCase()} ${showValue(names, k, v)}`).join(', ');
}

/**
 * The readable diff of an audit event: for each field that differs, old → new; for a list, the
 * items added and removed; a nested object (a profile's channel levels) field by field. A created
 * entity shows its values, a deleted one what it was.
 */
export function describeChanges(names: DiffNames, before: unknown, after: unknown, prefix = ''): Change[] {
  const b = isObject(before) ? before : before === null || before === undefined ? null : { value: before };
  const a = isObject(after) ? after : after === null || after === undefined ? null : { value: after };
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];
  const out: Change[] = [];
  for (const key of keys) {
    const [old, now] = [b?.[key], a?.[key]];
    if (b && a && same(old, now)) continue;
    const field = `${prefix}${fieldLabel(key)}`;
    if (Array.isArray(old) || Array.isArray(now)) {
      const was = (Array.isArray(old) ? old : []).map((v) => showValue(names, key, v));
      const is = (Array.isArray(now) ? now : []).map((v) => showValue(names, key, v));
      const added = is.filter((v) => !was.includes(v));
      const removed = was.filter((v) => !is.includes(v));
      if (!a) out.push({ field, from: was.join(', ') || '—' });
      else if (!b) out.push({ field, to: is.join(', ') || '—' });
      else if (added.length || removed.length) out.push({ field, ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}) });
      else out.push({ field, from: was.join(', '), to: is.join(', ') }); // same items, another order
    } else if (key === 'channels' && (isObject(old) || isObject(now))) {
      // Channel levels, by channel name.
      const channels = (o: unknown) =>
        isObject(o) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [names.catalog.channelByKey.get(k)?.name ?? k, v])) : o;
      out.push(...describeChanges(names, b ? (channels(old) ?? {}) : null, a ? (channels(now) ?? {}) : null, `${field} › `).map(levels));
    } else if (isObject(old) || isObject(now)) {
      out.push(...describeChanges(names, b ? (old ?? {}) : null, a ? (now ?? {}) : null, `${field} › `));
    } else {
      out.push({ field, ...(b ? { from: showValue(names, key, old) } : {}), ...(a ? { to: showValue(names, key, now) } : {}) });
    }
  }
  return out;
}

/** Inside "Channels", values are levels. */
function levels(c: Change): Change {
  const name = (v: string | undefined) => (v !== undefined && isLevel(v) ? LEVEL_NAMES[v] : v);
  return { ...c, ...(c.from !== undefined ? { from: name(c.from) } : {}), ...(c.to !== undefined ? { to: name(c.to) } : {}) };
}

/** One line of text for a change, as the CSV export writes it. */
export function changeText(c: Change): string {
  if (c.added || c.removed) {
    const parts = [c.added?.length ? `added ${c.added.join(', ')}` : '', c.removed?.length ? `removed ${c.removed.join(', ')}` : ''].filter(Boolean);
    return `${c.field}: ${parts.join('; ')}`;
  }
  if (c.from !== undefined && c.to !== undefined) return `${c.field}: ${c.from} → ${c.to}`;
  if (c.to !== undefined) return `${c.field}: ${c.to}`;
  return `${c.field}: was ${c.from ?? '—'}`;
}

const ENTITY_TYPES: Record<string, string> = {
  user: 'User',
  profile: 'Profile',
  role: 'Role',
  group: 'Group',
  skill: 'Skill',
  'account-feature': 'Account feature',
  account: 'Account',
  'api-key': 'API key',
  'users-import': 'User import',
};

/** "account-feature" → "Account feature". */
export function entityTypeLabel(type: string): string {
  return ENTITY_TYPES[type] ?? type.charAt(0).toUpperCase() + type.slice(1).replace(/-/g, ' ');
}

/** "save-and-apply" → "save and apply". */
export const actionLabel = (action: string) => action.replace(/-/g, ' ');
