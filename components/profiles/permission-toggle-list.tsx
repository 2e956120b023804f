'use client';

import type { ProfilePermissionRow } from '@/lib/dal';
import { Switch } from '@/components/ui/switch';

/**
 * The permissions of a profile, grouped by category: the role's core permissions locked on,
 * then a switch per configurable permission with its definition, its role default, and why it
 * is disabled when it is.
 */
export function PermissionToggleList({
  core,
  roleName,
  rows,
  enabled,
  saved,
  addedBecause,
  nameOf,
  onToggle,
}: {
  core: { key: string; name: string }[];
  roleName: string;
  rows: ProfilePermissionRow[];
  enabled: ReadonlySet<string>;
  saved: ReadonlySet<string>;
  addedBecause: ReadonlyMap<string, string>;
  nameOf: ReadonlyMap<string, string>;
  onToggle: (key: string, on: boolean) => void;
}) {
  const categories = [...new Set(rows.map((r) => r.category))];
  return (
    <div className="space-y-4">
      <section aria-labelledby="core-title" className="rounded-lg border border-slate-200 bg-white p-4">
        <h3 id="core-title" className="font-medium">
          Core permissions
        </h3>
        <p className="text-sm text-slate-600">Included with the {roleName} role: always on, they cannot be disabled.</p>
        <ul className="mt-2 space-y-1 text-sm">
          {core.map((c) => (
            <li key={c.key} className="flex items-center gap-2">
              <svg aria-hidden="true" viewBox="0 0 16 16" className="h-4 w-4 shrink-0 fill-slate-500">
                <path d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z" />
              </svg>
              <span>{c.name}</span>
              <span className="sr-only">(always on: core permission of the role)</span>
            </li>
          ))}
        </ul>
      </section>
      {categories.map((category) => (
        <section key={category} aria-labelledby={`cat-${category}`} className="rounded-lg border border-slate-200 bg-white">
          <h3 id={`cat-${category}`} className="border-b border-slate-100 px-4 py-2 font-medium">
            {category}
          </h3>
          <ul className="divide-y divide-slate-100">
            {rows
              .filter((r) => r.category === category)
              .map((r) => {
                const on = enabled.has(r.key);
                // Turning back on what the saved version already has is no grant; anything else needs the right.
                const refusal = !on && !saved.has(r.key) ? r.grantRefusal : null;
                const reason = r.featureOff ? `Unavailable while the account feature "${r.featureOff}" is off.` : refusal;
                const because = addedBecause.get(r.key);
                const id = `perm-${r.key}`;
                return (
                  <li key={r.key} className="flex items-start justify-between gap-4 px-4 py-3">
                    <div className="min-w-0">
                      <label htmlFor={id} className="font-medium">
                        {r.name}
                      </label>
                      <p id={`${id}-definition`} className="text-sm text-slate-600">
                        {r.definition}
                      </p>
                      <p className="mt-1 flex flex-wrap gap-2 text-xs text-slate-500">
                        <span>
                          Role default: {r.roleDefault ? 'On' : 'Off'}
                          {r.default === 'account' ? ' (dependent on account)' : ''}
                        </span>
                        {r.requires.length ? <span>Requires: {r.requires.map((k) => nameOf.get(k) ?? k).join(', ')}</span> : null}
                        {because ? <span className="text-brand-700">Added because of {nameOf.get(because) ?? because}</span> : null}
                      </p>
                      {reason ? (
                        <p id={`${id}-reason`} className="mt-1 text-xs text-amber-800">
                          {reason}
                        </p>
                      ) : null}
                    </div>
                    <Switch
                      id={id}
                      checked={on}
                      disabled={!on && (Boolean(r.featureOff) || Boolean(refusal))}
                      describedBy={reason ? `${id}-reason` : `${id}-definition`}
                      onCheckedChange={(checked) => onToggle(r.key, checked)}
                    />
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
    </div>
  );
}
