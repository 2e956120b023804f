'use client';

import { useState } from 'react';
import type { ProfilePermissionRow } from '@/lib/dal';
import { Switch } from '@/components/ui/switch';

/**
 * The permissions of a profile, grouped by category: the role's core permissions locked on,
 * then a switch per configurable permission with its definition, its role default, and why it
 * is disabled when it is. A toolbar above finds them: a search over names and definitions,
 * "changed only" (against the saved version, or the role defaults for a new one), "on only", a
 * compact density, collapsible categories and a jump list (categories, Channels, Versions).
 */
export function PermissionToggleList({
  core,
  roleName,
  rows,
  enabled,
  saved,
  baseline,
  addedBecause,
  nameOf,
  onToggle,
  jumps = [],
}: {
  core: { key: string; name: string }[];
  roleName: string;
  rows: ProfilePermissionRow[];
  enabled: ReadonlySet<string>;
  saved: ReadonlySet<string>;
  /** What "changed" is measured against. */
  baseline: ReadonlySet<string>;
  addedBecause: ReadonlyMap<string, string>;
  nameOf: ReadonlyMap<string, string>;
  onToggle: (key: string, on: boolean) => void;
  /** Sections after the list the jump list also offers (Channels, Versions), by element id. */
  jumps?: { id: string; label: string }[];
}) {
  const [query, setQuery] = useState('');
  const [changedOnly, setChangedOnly] = useState(false);
  const [onOnly, setOnOnly] = useState(false);
  const [compact, setCompact] = useState(false);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const categories = [...new Set(rows.map((r) => r.category))];
  const needle = query.trim().toLowerCase();
  const shown = rows.filter(
    (r) =>
      (!needle || r.name.toLowerCase().includes(needle) || r.definition.toLowerCase().includes(needle)) &&
      (!changedOnly || enabled.has(r.key) !== baseline.has(r.key)) &&
      (!onOnly || enabled.has(r.key)),
  );
  const filtering = Boolean(needle) || changedOnly || onOnly;
  const slug = (category: string) => `cat-${category.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const toggleCategory = (category: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(category)) next.delete(category);
      else next.add(category);
      return next;
    });
  return (
    <div className="space-y-4">
      <div role="search" aria-label="Find permissions" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
        <div className="min-w-56 flex-1 space-y-1">
          <label htmlFor="permission-search" className="block text-sm font-medium text-slate-700">
            Search permissions
          </label>
          <input
            id="permission-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Name or definition"
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          />
        </div>
        {(
          [
            ['Changed only', changedOnly, setChangedOnly],
            ['On only', onOnly, setOnOnly],
            ['Compact', compact, setCompact],
          ] as const
        ).map(([label, value, set]) => (
          <label key={label} className="flex items-center gap-2 py-2 text-sm">
            <input type="checkbox" checked={value} onChange={(e) => set(e.target.checked)} className="h-4 w-4" />
            {label}
          </label>
        ))}
        <p className="w-full text-xs text-slate-600" role="status" aria-live="polite">
          {filtering ? `${shown.length} of ${rows.length} permissions shown.` : `${rows.length} permissions.`}
        </p>
        <nav aria-label="Jump to" className="w-full">
          <ul className="flex flex-wrap gap-x-3 gap-y-1 text-sm">
            {[...categories.map((c) => ({ id: slug(c), label: c })), ...jumps].map((j) => (
              <li key={j.id}>
                <a href={`#${j.id}`} className="text-brand-700 underline">
                  {j.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
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
      {filtering && shown.length === 0 ? <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm">No permission matches.</p> : null}
      {categories.map((category) => {
        const inCategory = shown.filter((r) => r.category === category);
        if (filtering && inCategory.length === 0) return null;
        const open = !collapsed.has(category);
        const id = slug(category);
        return (
          <section key={category} id={id} aria-labelledby={`${id}-title`} className="scroll-mt-4 rounded-lg border border-slate-200 bg-white">
            <h3 id={`${id}-title`} className="border-b border-slate-100 font-medium">
              <button
                type="button"
                aria-expanded={open}
                aria-controls={`${id}-list`}
                onClick={() => toggleCategory(category)}
                className="flex w-full items-center justify-between gap-2 px-4 py-2 text-left hover:bg-slate-50"
              >
                <span>{category}</span>
                <span className="text-xs font-normal text-slate-600">
                  {inCategory.filter((r) => enabled.has(r.key)).length} of {inCategory.length} on <span aria-hidden="true">{open ? '▾' : '▸'}</span>
                </span>
              </button>
            </h3>
            <ul id={`${id}-list`} hidden={!open} className="divide-y divide-slate-100">
              {inCategory.map((r) => {
                const on = enabled.has(r.key);
                // Turning back on what the saved version already has is no grant; anything else needs the right.
                const refusal = !on && !saved.has(r.key) ? r.grantRefusal : null;
                const reason = r.featureOff ? `Unavailable while the account feature "${r.featureOff}" is off.` : refusal;
                const because = addedBecause.get(r.key);
                const rowId = `perm-${r.key}`;
                return (
                  <li key={r.key} className={`flex items-start justify-between gap-4 px-4 ${compact ? 'py-1.5' : 'py-3'}`}>
                    <div className="min-w-0">
                      <label htmlFor={rowId} className={compact ? 'text-sm font-medium' : 'font-medium'}>
                        {r.name}
                      </label>
                      <p id={`${rowId}-definition`} className={compact ? 'sr-only' : 'text-sm text-slate-600'}>
                        {r.definition}
                      </p>
                      {compact ? null : (
                        <p className="mt-1 flex flex-wrap gap-2 text-xs text-slate-500">
                          <span>
                            Role default: {r.roleDefault ? 'On' : 'Off'}
                            {r.default === 'account' ? ' (dependent on account)' : ''}
                          </span>
                          {r.requires.length ? <span>Requires: {r.requires.map((k) => nameOf.get(k) ?? k).join(', ')}</span> : null}
                        </p>
                      )}
                      {because ? <p className="text-xs text-brand-700">Added because of {nameOf.get(because) ?? because}</p> : null}
                      {reason ? (
                        <p id={`${rowId}-reason`} className="mt-1 text-xs text-amber-800">
                          {reason}
                        </p>
                      ) : null}
                    </div>
                    <Switch
                      id={rowId}
                      checked={on}
                      disabled={!on && (Boolean(r.featureOff) || Boolean(refusal))}
                      describedBy={reason ? `${rowId}-reason` : `${rowId}-definition`}
                      onCheckedChange={(checked) => onToggle(r.key, checked)}
                    />
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
