import type { Role } from './catalog';

/** What the prerequisite rules need of a role (the client rebuilds just this much). */
export type RuleRole = Pick<Role, 'permissions' | 'permissionByKey'>;

/**
 * Turn on everything the given permissions require, transitively. `addedBecause` says, for each
 * permission the closure added, which permission asked for it.
 */
export function closeOverRequires(role: RuleRole, enabled: Iterable<string>): { keys: Set<string>; addedBecause: Map<string, string> } {
  const keys = new Set(enabled);
  const addedBecause = new Map<string, string>();
  const stack = [...keys];
  while (stack.length) {
    const key = stack.pop()!;
    for (const req of role.permissionByKey.get(key)?.requires ?? []) {
      if (keys.has(req)) continue;
      keys.add(req);
      addedBecause.set(req, key);
      stack.push(req);
    }
  }
  return { keys, addedBecause };
}

/** The enabled permissions that need `key`, directly or through another one. */
export function dependentsOf(role: RuleRole, key: string, enabled: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const stack = [key];
  while (stack.length) {
    const current = stack.pop()!;
    for (const p of role.permissions) {
      if (enabled.has(p.key) && p.requires.includes(current) && !out.has(p.key)) {
        out.add(p.key);
        stack.push(p.key);
      }
    }
  }
  return [...out];
}

export type ProfileProblem = { kind: 'unknown'; key: string } | { kind: 'core'; key: string } | { kind: 'missing-prerequisite'; key: string; requires: string };

/** What is wrong with a set of permissions for a profile of `role`; empty when it is valid. */
export function profileProblems(role: Role, keys: readonly string[]): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const set = new Set(keys);
  for (const key of set) {
    if (role.coreKeys.has(key)) problems.push({ kind: 'core', key });
    else if (!role.permissionByKey.has(key)) problems.push({ kind: 'unknown', key });
  }
  for (const key of set) {
    for (const req of role.permissionByKey.get(key)?.requires ?? []) {
      if (!set.has(req)) problems.push({ kind: 'missing-prerequisite', key, requires: req });
    }
  }
  return problems;
}

export function diffKeys(before: Iterable<string>, after: Iterable<string>): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { added: [...a].filter((k) => !b.has(k)).sort(), removed: [...b].filter((k) => !a.has(k)).sort() };
}
