export * from './catalog';
export * from './bitset';
export * from './effective';
export * from './console';
export * from './scope';
export * from './profile-rules';
export * from './grant-rules';
export * from './channels';
