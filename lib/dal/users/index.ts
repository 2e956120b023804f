import 'server-only';

// lib/dal/users: the user verbs, a file each by what they do. Helpers stay in their files; this is the public face.
export { listUsers, userFilterOptions, type UserPage, type UserRow, type UserFilterOptions } from './list';
export { exportUsersCsv } from './export';
export { getUserAccess, assignProfile, unassignProfile, userFormOptions, type UserAccess, type UserFormOptions } from './access';
export { createUser } from './create';
export { updateUser, setUserStatus, getUserDetails, moveUserToGroup, addSkillToUser } from './edit';
export { listOverrides, addOverride, removeOverride } from './overrides';
export { deleteUser } from './delete';
export { bulkUpdateUsers, BULK_LIMIT, type BulkResult } from './bulk';
export { importUsers, MAX_REPORTED_PROBLEMS, type ImportReport, type ImportProblem } from './import';
