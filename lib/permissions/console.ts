/**
 * The console permissions: the catalog keys that gate Switchboard's own screens and verbs.
 * One list, used by the server guard in lib/dal and by the UI that hides or disables a control.
 */
export const CONSOLE = {
  manageUsersAndRoles: 'manage-users-and-roles',
  /** Presets that separate users from roles (Aivo Live): users only. */
  manageUsers: 'manage-users',
  /** …and roles only ("Roles and Permissions"). */
  manageRoles: 'manage-roles',
  /** Account settings on their own ("General Settings"). */
  manageGeneralSettings: 'manage-general-settings',
  manageProfiles: 'manage-profiles',
  manageSkills: 'manage-skills',
  manageAgentGroups: 'manage-agent-groups',
  manageApiKeys: 'manage-api-keys',
  viewAuditTrail: 'view-and-export-audit-trail',
  manageAgentUsersInGroup: 'manage-agent-users-in-group',
  manageAgentManagerUsersInGroup: 'manage-agent-manager-users-in-group',
  manageAgentProfilesInGroup: 'manage-agent-profiles-in-group',
  manageAgentManagerProfilesInGroup: 'manage-agent-manager-profiles-in-group',
  exportUsersInGroup: 'export-list-of-users-in-group',
  /** Without it, the audit trail and exports show other users as pseudonyms. */
  accessUserPerformanceData: 'access-user-performance-data',
} as const;

export type ConsolePermission = (typeof CONSOLE)[keyof typeof CONSOLE];

/** LivePerson's Campaign manager may see API keys without managing them (a work permission, not a console one). */
export const VIEW_API_KEYS = 'view-api-keys';

/**
 * A capability can have several keys: LivePerson's "Manage users and roles" covers users, roles and
 * account settings at once, where Aivo Live has one permission for each.
 */
export const USER_ADMIN: readonly ConsolePermission[] = [CONSOLE.manageUsersAndRoles, CONSOLE.manageUsers];
export const ROLE_ADMIN: readonly ConsolePermission[] = [CONSOLE.manageUsersAndRoles, CONSOLE.manageRoles];
export const SETTINGS_ADMIN: readonly ConsolePermission[] = [CONSOLE.manageUsersAndRoles, CONSOLE.manageGeneralSettings];

/** Any of these lets its holder act on other users: account-wide, or in an agent manager's group structure. */
export const USER_MANAGEMENT: readonly ConsolePermission[] = [...USER_ADMIN, CONSOLE.manageAgentUsersInGroup, CONSOLE.manageAgentManagerUsersInGroup];

/** Any of these lets a user see the users list (an agent manager: only his subtree). */
export const USER_LIST_PERMISSIONS: readonly ConsolePermission[] = [
  ...USER_ADMIN,
  CONSOLE.manageAgentUsersInGroup,
  CONSOLE.manageAgentManagerUsersInGroup,
  CONSOLE.exportUsersInGroup,
];

/** Console areas and what opens each; the navigation shows an area only to those who may use it. */
export const AREAS = [
  { href: '/users', label: 'Users', anyOf: USER_LIST_PERMISSIONS },
  { href: '/profiles', label: 'Profiles', anyOf: [CONSOLE.manageProfiles, CONSOLE.manageAgentProfilesInGroup, CONSOLE.manageAgentManagerProfilesInGroup] },
  { href: '/roles', label: 'Roles', anyOf: ROLE_ADMIN },
  { href: '/groups', label: 'Groups', anyOf: [CONSOLE.manageAgentGroups] },
  { href: '/skills', label: 'Skills', anyOf: [CONSOLE.manageSkills] },
  { href: '/audit', label: 'Audit', anyOf: [CONSOLE.viewAuditTrail] },
  { href: '/settings', label: 'Settings', anyOf: [...SETTINGS_ADMIN, CONSOLE.manageApiKeys, VIEW_API_KEYS] },
] as const satisfies readonly { href: string; label: string; anyOf: readonly string[] }[];

const CONSOLE_KEYS: ReadonlySet<string> = new Set(Object.values(CONSOLE));

export function isConsolePermission(key: string): boolean {
  return CONSOLE_KEYS.has(key);
}
