/** Channel access levels, lowest first: each level includes the ones below it. */
export const LEVELS = ['none', 'view', 'manage-conversations', 'manage-settings'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_NAMES: Record<Level, string> = {
  none: 'No access',
  view: 'View only',
  'manage-conversations': 'Manage conversations',
  'manage-settings': 'Manage settings',
};

export const levelRank = (level: Level): number => LEVELS.indexOf(level);
export const maxLevel = (a: Level, b: Level): Level => (levelRank(a) >= levelRank(b) ? a : b);
export const isLevel = (value: unknown): value is Level => typeof value === 'string' && (LEVELS as readonly string[]).includes(value);

export interface Channel {
  key: string;
  name: string;
  /** The main channel a sub-channel belongs to; null for a main channel. */
  parent: string | null;
  index: number;
}

/** Levels a profile sets explicitly; a sub-channel left out follows its main channel. */
export type ChannelSettings = Readonly<Record<string, Level>>;

export interface ResolvedLevel {
  level: Level;
  /** Set when the level comes from the main channel. */
  inheritedFrom: string | null;
}

/** The level of every channel under `settings`: a main channel's level flows to its sub-channels unless one sets its own. */
export function resolveChannelLevels(channels: readonly Channel[], settings: ChannelSettings): Map<string, ResolvedLevel> {
  const out = new Map<string, ResolvedLevel>();
  for (const c of channels) {
    const own = settings[c.key];
    if (own) out.set(c.key, { level: own, inheritedFrom: null });
    else if (c.parent && settings[c.parent]) out.set(c.key, { level: settings[c.parent]!, inheritedFrom: c.parent });
    else out.set(c.key, { level: 'none', inheritedFrom: null });
  }
  return out;
}
