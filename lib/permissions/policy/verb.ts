import type { Verb } from '../catalog-schema';
import { holds, reachOfAny, type Reach, type Subject } from './subject';

export type { Verb } from '../catalog-schema';

/**
 * Granular permissions (Aivo Live's custom roles): holding a section such as "Users" lets one do
 * a verb in it (view, edit, create, delete) only with the section's granular permission for that
 * verb ("Users: create"). A section without granular permissions, and every preset without them,
 * gates nothing: holding the section is enough.
 */
export function grantsVerb(s: Pick<Subject, 'effective' | 'catalog'>, key: string, verb: Verb): boolean {
  const granular = s.catalog.granularOf.get(key);
  if (!granular) return true;
  // Changing what one may not see is not a thing: every verb needs "view" too.
  return [verb, 'view' as const].every((v) => {
    const k = granular.get(v);
    return k === undefined || holds(s, k);
  });
}

/** The granular permissions `verb` needs beside the sections among `keys` he holds (for the refusal's text). */
export function missingVerbPermissions(s: Pick<Subject, 'effective' | 'catalog'>, keys: readonly string[], verb: Verb): string[] {
  return keys
    .filter((k) => holds(s, k) && !grantsVerb(s, k, verb))
    .flatMap((k) => [verb, 'view' as const].map((v) => s.catalog.granularOf.get(k)!.get(v)!).filter((g) => !holds(s, g)));
}

/**
 * How far he may do `verb` with any of `anyOf`: the widest reach among the permissions he holds
 * whose granular permission for the verb (if the catalog has one) he holds too. The first question
 * of every dal verb, and what a page asks to show or hide a button.
 */
export function reachFor(s: Pick<Subject, 'effective' | 'catalog'>, anyOf: readonly string[], verb: Verb): Reach {
  return reachOfAny(
    s,
    anyOf.filter((k) => grantsVerb(s, k, verb)),
  );
}
