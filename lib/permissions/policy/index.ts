/**
 * The authorization policy: every rule about who may grant, manage, apply or remove what, each
 * defined once, pure (no database). lib/dal reads the facts and asks these functions first.
 */
export * from './subject';
export * from './grant';
export * from './assign';
export * from './manage';
export * from './last-holder';
export * from './verb';
export * from './apply';
