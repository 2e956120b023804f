export * from './groups';
export * from './users';
export * from './access';
export * from './audit';
export * from './api-keys';
export * from './directory-groups';
