import 'server-only';

// lib/dal: the only way the console and the API reach the database. Every verb authorizes first.
// Users, profiles and roles live in folders by entity; each folder's index.ts names its public verbs.
export { DalError, toActionResult, type ActionResult } from './errors';
export { loadPrincipal, readEffectiveInput, type Principal } from './principal';
export { holds, reachFor, reachOf, reachOfAny } from './authorize';
export * from './users';
export { listAccountFeatures, setAccountFeature, type AccountFeatureRow } from './settings';
export { verifyCredentials, type SignInResult } from './sign-in';
export * from './profiles';
export { getGroup, listGroups, listSkills, listAuditEvents, listDeniedAttempts, type GroupNodeRow } from './directory';
export * from './roles';
export { createGroup, updateGroup, deleteGroup, createSkill, renameSkill, deleteSkill } from './groups-skills';
export { createApiKey, revokeApiKey, listApiKeys, apiKeyFormOptions, apiKeyPermissionChoices, type ApiKeyRow } from './api-keys';
export { auditFilterOptions, exportAuditCsv, type AuditEventRow } from './audit-trail';
export { effectivePermissionsAsOf, type PermissionsAsOf } from './as-of';
