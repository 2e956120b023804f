'use client';

import type { ChannelOption } from '@/lib/dal';
import { LEVEL_NAMES, LEVELS, levelRank, resolveChannelLevels, type Level } from '@/lib/permissions/channels';

type Choice = Level | 'inherit';

/**
 * A level per channel, as a segmented control (a radio group named by the channel, a radio named by
 * each level). A sub-channel can follow its main channel. Levels above the editor's own are disabled.
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
  return (
    <section aria-labelledby="channels-title" className="scroll-mt-4 rounded-lg border border-slate-200 bg-white">
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
          const current: Choice = own ?? (o.parent ? 'inherit' : 'none');
          const choices: Choice[] = o.parent ? ['inherit', ...LEVELS] : [...LEVELS];
          const labelId = `channel-${o.key}-label`;
          return (
            <li key={o.key} className={`flex flex-wrap items-center justify-between gap-3 px-4 py-2 ${o.parent ? 'pl-10' : ''}`}>
              <p id={labelId} className="text-sm">
                <span className={o.parent ? '' : 'font-medium'}>{o.name}</span>: <span className="text-slate-700">{state}</span>
              </p>
              {/* A segmented control: one radio per level, each named by its level. */}
              <div
                role="radiogroup"
                aria-label={`${o.name} level`}
                className="inline-flex flex-wrap overflow-hidden rounded-md border border-slate-300 text-xs"
              >
                {choices.map((choice) => {
                  const ok = allowed(o, choice);
                  const text = choice === 'inherit' ? `Follow ${nameOf.get(o.parent!)}` : LEVEL_NAMES[choice];
                  return (
                    <label
                      key={choice}
                      title={ok ? undefined : 'Above your own level in this channel'}
                      className={`border-l border-slate-300 first:border-l-0 has-[:checked]:bg-brand-600 has-[:checked]:text-white has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-700 ${ok ? 'cursor-pointer hover:bg-slate-100' : 'cursor-not-allowed text-slate-400'}`}
                    >
                      <input
                        type="radio"
                        className="sr-only"
                        name={`channel-${o.key}`}
                        value={choice}
                        checked={current === choice}
                        disabled={!ok}
                        aria-label={ok ? text : `${text} (above your own level)`}
                        onChange={() => set(o, choice)}
                      />
                      <span aria-hidden="true" className="block px-2 py-1">
                        {text}
                      </span>
                    </label>
                  );
                })}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
