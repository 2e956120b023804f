import 'server-only';

// lib/dal: the only way the console and the API reach the database. Every verb authorizes first.
export { DalError, toActionResult, type ActionResult } from './errors';
export { loadPrincipal, readEffectiveInput, type Principal } from './principal';
export { holds, reachFor, reachOf, reachOfAny } from './authorize';
export { listUsers, userFilterOptions, exportUsersCsv, type UserPage, type UserRow, type UserFilterOptions } from './users';
export { listAccountFeatures, setAccountFeature, type AccountFeatureRow } from './settings';
export { verifyCredentials, type SignInResult } from './sign-in';
export {
  listProfiles,
  profileRoleChoices,
  getProfile,
  newProfileDraft,
  previewProfileChange,
  createProfile,
  duplicateProfile,
  saveProfile,
  rollbackProfile,
  applyProfileToAll,
  deleteProfile,
  compareProfiles,
  profileVersionDiff,
  type ProfileSummary,
  type ProfileDetail,
  type ChannelOption,
  type ProfilePermissionRow,
  type ProfileImpact,
  type ComparisonRow,
} from './profiles';
export { getUserAccess, assignProfile, unassignProfile, userFormOptions, type UserAccess, type UserFormOptions } from './user-access';
export { listGroups, listSkills, listAuditEvents, listDeniedAttempts, type GroupNodeRow } from './directory';
export { listRoles, getRoleEditor, createRole, previewRoleChange, updateRole, deleteRole, type RoleSummary, type RoleEditorData } from './roles';
export { createUser, updateUser, setUserStatus, deleteUser, listOverrides, addOverride, removeOverride, getUserDetails } from './user-admin';
export { createGroup, updateGroup, deleteGroup, createSkill, renameSkill, deleteSkill } from './groups-skills';
export { moveUserToGroup, addSkillToUser } from './user-admin';
export { bulkUpdateUsers, BULK_LIMIT, type BulkResult } from './bulk-users';
export { importUsers, MAX_REPORTED_PROBLEMS, type ImportReport, type ImportProblem } from './import-users';
export { createApiKey, revokeApiKey, listApiKeys, apiKeyFormOptions, apiKeyPermissionChoices, type ApiKeyRow } from './api-keys';
export { auditFilterOptions, exportAuditCsv, type AuditEventRow } from './audit-trail';
export { effectivePermissionsAsOf, type PermissionsAsOf } from './as-of';
