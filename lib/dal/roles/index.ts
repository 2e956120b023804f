import 'server-only';

// lib/dal/roles: the custom-role verbs: reads and writes. This is the public face.
export { listRoles, getRoleEditor, type RoleSummary, type RoleEditorData } from './read';
export { createRole, previewRoleChange, updateRole, deleteRole } from './write';
