export * from './catalog';
export * from './bitset';
export * from './effective';
export * from './console';
export * from './scope';
