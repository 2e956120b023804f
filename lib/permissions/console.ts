/**
 * The console permissions: the catalog keys that gate Switchboard's own screens and verbs.
 * One list, used by the server guard in lib/dal and by the UI that hides or disables a control.
 */
export const CONSOLE = {
  manageUsersAndRoles: 'manage-users-and-roles',
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

/** Any of these lets a user see the users list (an agent manager: only his subtree). */
export const USER_LIST_PERMISSIONS: readonly ConsolePermission[] = [
  CONSOLE.manageUsersAndRoles,
  CONSOLE.manageAgentUsersInGroup,
  CONSOLE.manageAgentManagerUsersInGroup,
  CONSOLE.exportUsersInGroup,
];

/** Console areas and what opens each; the navigation shows an area only to those who may use it. */
export const AREAS = [
  { href: '/users', label: 'Users', anyOf: USER_LIST_PERMISSIONS },
  { href: '/profiles', label: 'Profiles', anyOf: [CONSOLE.manageProfiles, CONSOLE.manageAgentProfilesInGroup, CONSOLE.manageAgentManagerProfilesInGroup] },
  { href: '/roles', label: 'Roles', anyOf: [CONSOLE.manageUsersAndRoles] },
  { href: '/groups', label: 'Groups', anyOf: [CONSOLE.manageAgentGroups] },
  { href: '/skills', label: 'Skills', anyOf: [CONSOLE.manageSkills] },
  { href: '/audit', label: 'Audit', anyOf: [CONSOLE.viewAuditTrail] },
  { href: '/settings', label: 'Settings', anyOf: [CONSOLE.manageUsersAndRoles, CONSOLE.manageApiKeys] },
] as const satisfies readonly { href: string; label: string; anyOf: readonly ConsolePermission[] }[];
