export * from './catalog';
export * from './bitset';
export * from './effective';
export * from './console';
export * from './scope';
export * from './profile-rules';
export * from './policy';
export * from './channels';
