'use client';

import type { ChannelOption } from '@/lib/dal';
import { LEVEL_NAMES, LEVELS, levelRank, resolveChannelLevels, type Level } from '@/lib/permissions/channels';

type Choice = Level | 'inherit';

/**
 * A level per channel. Clicking a channel's button cycles its levels; the menu beside it sets one
 * directly. A sub-channel can follow its main channel. Levels above the editor's own are not offered.
 */
export function ChannelLevelsEditor({
  options,
  value,
  saved,
  onChange,
}: {
  options: ChannelOption[];
  value: Record<string, Level>;
  saved: Record<string, Level>;
  onChange: (next: Record<string, Level>) => void;
}) {
  const channels = options.map((o, index) => ({ ...o, index }));
  const resolved = resolveChannelLevels(channels, value);
  const savedResolved = resolveChannelLevels(channels, saved);
  const nameOf = new Map(options.map((o) => [o.key, o.name]));

  const allowed = (o: ChannelOption, choice: Choice) => {
    if (choice === 'inherit') return true;
    // Up to his own level; keeping what the saved version already gives is no grant.
    return levelRank(choice) <= levelRank(o.mine) || levelRank(choice) <= levelRank(savedResolved.get(o.key)!.level);
  };
  const set = (o: ChannelOption, choice: Choice) => {
    const next = { ...value };
    if (choice === 'inherit') delete next[o.key];
    else next[o.key] = choice;
    onChange(next);
  };
  const cycle = (o: ChannelOption) => {
    const order: Choice[] = o.parent ? ['inherit', ...LEVELS] : [...LEVELS];
    const current: Choice = value[o.key] ?? (o.parent ? 'inherit' : 'none');
    for (let step = 1; step <= order.length; step++) {
      const candidate = order[(order.indexOf(current) + step) % order.length]!;
      if (allowed(o, candidate)) return set(o, candidate);
    }
  };

  return (
    <section aria-labelledby="channels-title" className="rounded-lg border border-slate-200 bg-white">
      <h3 id="channels-title" className="border-b border-slate-100 px-4 py-2 font-medium">
        Channels
      </h3>
      <p className="px-4 pt-2 text-sm text-slate-600">
        No access &lt; View only &lt; Manage conversations &lt; Manage settings. A main channel&apos;s level applies to its sub-channels unless one sets its
        own.
      </p>
      <ul className="divide-y divide-slate-100">
        {options.map((o) => {
          const own = value[o.key];
          const r = resolved.get(o.key)!;
          const state = own ? LEVEL_NAMES[own] : o.parent ? `follows ${nameOf.get(o.parent)} (${LEVEL_NAMES[r.level]})` : LEVEL_NAMES[r.level];
          return (
            <li key={o.key} className={`flex flex-wrap items-center justify-between gap-3 px-4 py-2 ${o.parent ? 'pl-10' : ''}`}>
              <button
                type="button"
                onClick={() => cycle(o)}
                className="rounded-md border border-slate-300 px-3 py-1.5 text-left text-sm hover:bg-slate-50"
                aria-label={`${o.name}: ${state}`}
              >
                <span className={o.parent ? '' : 'font-medium'}>{o.name}</span>: <span className="text-slate-700">{state}</span>
              </button>
              <label className="flex items-center gap-2 text-sm">
                <span className="sr-only">{o.name} level</span>
                <select
                  className="rounded-md border border-slate-300 bg-white px-2 py-1"
                  value={own ?? (o.parent ? 'inherit' : 'none')}
                  onChange={(e) => set(o, e.target.value as Choice)}
                >
                  {o.parent ? <option value="inherit">Follow {nameOf.get(o.parent)}</option> : null}
                  {LEVELS.map((l) => (
                    <option key={l} value={l} disabled={!allowed(o, l)}>
                      {LEVEL_NAMES[l]}
                      {allowed(o, l) ? '' : ' (above your own level)'}
                    </option>
                  ))}
                </select>
              </label>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
