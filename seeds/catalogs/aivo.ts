/**
 * Aivo Live: the preset of reference 001. Six roles ranked from the lowest to the highest access:
 * Agent < Agent Dashboard < Coordinator < Supervisor Agent < Supervisor < Administrator. The reference
 * describes each role by the sections it reaches; each section is a permission here, on by default
 * for the roles the reference gives it to. Administrator's exclusive permissions (the activity log,
 * General Settings, Roles and Permissions) exist in its role only, so no profile of another role can
 * ever hold them; only an Administrator assigns the Administrator role (the rank rule). For custom
 * roles, the sections that manage something also have granular view / edit / create / delete
 * permissions.
 */
import type { CatalogInput } from '@/lib/permissions/catalog-schema';
import { accessUserPerformanceData } from './shared';

const ROLES = ['agent', 'agent-dashboard', 'coordinator', 'supervisor-agent', 'supervisor', 'administrator'] as const;
type RoleKey = (typeof ROLES)[number];
const NAMES: Record<RoleKey, string> = {
  agent: 'Agent',
  'agent-dashboard': 'Agent Dashboard',
  coordinator: 'Coordinator',
  'supervisor-agent': 'Supervisor Agent',
  supervisor: 'Supervisor',
  administrator: 'Administrator',
};
/** Roles that receive conversations: max chats and skills apply to them. */
const HANDLE_CONVERSATIONS: RoleKey[] = ['agent', 'agent-dashboard', 'coordinator', 'supervisor-agent'];

interface Section {
  key: string;
  name: string;
  definition: string;
  category: string;
  on: RoleKey[];
  feature?: string;
  /** Exclusive to the Administrator: listed in no other role. */
  exclusive?: boolean;
  /** Has granular view / edit / create / delete permissions for custom roles. */
  granular?: boolean;
}

const SECTIONS: Section[] = [
  {
    key: 'chat',
    name: 'Chat',
    definition: 'Management of incoming conversations and access to conversation history',
    category: 'Conversations',
    on: ['agent', 'agent-dashboard', 'coordinator', 'supervisor-agent'],
  },
  {
    key: 'proactive-messages',
    name: 'Proactive messages',
    definition: 'Sending proactive messages',
    category: 'Conversations',
    on: ['agent', 'agent-dashboard', 'coordinator', 'supervisor-agent'],
  },
  {
    key: 'video-calls-and-cobrowsing',
    name: 'Video calls and co-browsing',
    definition: 'Video calls and co-browsing with customers contacting through the web channel',
    category: 'Conversations',
    on: ['agent', 'agent-dashboard', 'supervisor-agent'],
    feature: 'video-and-cobrowsing',
  },
  {
    key: 'view-shortcuts-and-tags',
    name: 'Shortcuts and tags',
    definition: 'View available shortcuts and tags for use in responses',
    category: 'Conversations',
    on: ['agent', 'agent-dashboard', 'supervisor-agent'],
  },
  {
    key: 'metrics-dashboard',
    name: 'Metrics Dashboard',
    definition: 'Access to the Metrics Dashboard',
    category: 'Reports',
    on: ['agent-dashboard', 'coordinator', 'supervisor-agent', 'supervisor', 'administrator'],
  },
  {
    key: 'reports',
    name: 'Reports',
    definition: 'Full access to all report modules',
    category: 'Reports',
    on: ['coordinator', 'supervisor-agent', 'supervisor', 'administrator'],
    granular: true,
  },
  {
    key: 'agents-monitor',
    name: 'Agents Monitor',
    definition: 'Access to the Agents Monitor',
    category: 'Monitor',
    on: ['coordinator', 'supervisor-agent', 'supervisor', 'administrator'],
  },
  {
    key: 'transfer-from-agents-monitor',
    name: 'Transfer from the Agents Monitor',
    definition: 'Transfer conversations from the Agents Monitor',
    category: 'Monitor',
    on: ['supervisor-agent', 'supervisor'],
  },
  {
    key: 'active-conversations-monitor',
    name: 'Active Conversations Monitor',
    definition: 'Access to the Active Conversations Monitor',
    category: 'Monitor',
    on: ['coordinator', 'supervisor-agent', 'supervisor', 'administrator'],
  },
  {
    key: 'waiting-conversations-monitor',
    name: 'Waiting Conversations Monitor',
    definition: 'Access to the Waiting Conversations Monitor',
    category: 'Monitor',
    on: ['coordinator', 'supervisor-agent', 'supervisor', 'administrator'],
  },
  {
    key: 'break-requests-monitor',
    name: 'Break Requests Monitor',
    definition: 'Access to the Break Requests Monitor whenever this feature is enabled',
    category: 'Monitor',
    on: ['supervisor-agent', 'supervisor'],
    feature: 'break-requests',
  },
  {
    key: 'manage-users',
    name: 'Users',
    definition: 'Creation and management of users; the Administrator role only by Administrators',
    category: 'Administration',
    on: ['supervisor-agent', 'supervisor', 'administrator'],
    granular: true,
  },
  {
    key: 'clients',
    name: 'Clients',
    definition: 'View the list of served customers',
    category: 'Administration',
    on: ['coordinator', 'supervisor-agent', 'supervisor', 'administrator'],
    granular: true,
  },
  {
    key: 'manage-agent-groups',
    name: 'Groups',
    definition: 'Creation and configuration of groups',
    category: 'Administration',
    on: ['supervisor-agent', 'supervisor', 'administrator'],
    granular: true,
  },
  {
    key: 'triggers-shortcuts-messages',
    name: 'Triggers, Shortcuts and Messages',
    definition: 'Creation and configuration of triggers, shortcuts and messages',
    category: 'Administration',
    on: ['supervisor-agent', 'supervisor', 'administrator'],
    granular: true,
  },
  {
    key: 'video-and-cobrowsing-settings',
    name: 'Video calls and co-browsing settings',
    definition: 'Enablement of the feature and management of recording storage',
    category: 'Administration',
    on: ['supervisor-agent', 'administrator'],
  },
  {
    key: 'complements',
    name: 'Complements',
    definition: 'Engage and Docusign connection',
    category: 'Administration',
    on: ['supervisor-agent', 'administrator'],
  },
  {
    key: 'settings',
    name: 'Settings',
    definition: 'Management of the platform settings',
    category: 'Settings',
    on: ['supervisor', 'administrator'],
    granular: true,
  },
  {
    key: 'manage-general-settings',
    name: 'General Settings',
    definition: 'Access to the General Settings menu within the Settings section',
    category: 'Settings',
    on: ['administrator'],
    exclusive: true,
  },
  {
    key: 'manage-roles',
    name: 'Roles and Permissions',
    definition: 'Access to the Roles and Permissions section to create roles and manage granular permissions',
    category: 'Settings',
    on: ['administrator'],
    exclusive: true,
  },
  {
    key: 'manage-profiles',
    name: 'Roles and Permissions: permission sets',
    definition: 'Create and edit the permission sets (profiles) of each role',
    category: 'Settings',
    on: ['administrator'],
    exclusive: true,
  },
  {
    // Not in reference 001: Switchboard's own API needs keys, and only the Administrator manages them.
    key: 'manage-api-keys',
    name: 'API keys',
    definition: 'Create and revoke the API keys other programs use to ask and change permissions',
    category: 'Settings',
    on: ['administrator'],
    exclusive: true,
  },
  {
    key: 'view-and-export-audit-trail',
    name: 'Activity log',
    definition: 'View the activity log in the Users section',
    category: 'Administration',
    on: ['administrator'],
    exclusive: true,
  },
];

const ACTIONS = [
  ['view', 'view'],
  ['edit', 'edit'],
  ['create', 'create'],
  ['delete', 'delete'],
] as const;

function rows(role: RoleKey) {
  const out: { key: string; name: string; definition: string; default: 'on' | 'off'; requires?: string[]; exclusive?: boolean }[] = [];
  for (const s of SECTIONS) {
    if (s.exclusive && role !== 'administrator') continue;
    const on = s.on.includes(role) ? 'on' : 'off';
    out.push({ key: s.key, name: s.name, definition: s.definition, default: on, ...(s.exclusive ? { exclusive: true } : {}) });
    if (s.granular) {
      for (const [action, verb] of ACTIONS) {
        out.push({
          key: `${s.key}-${action}`,
          name: `${s.name}: ${verb}`,
          definition: `Granular permission for custom roles: ${verb} in ${s.name}`,
          default: on,
          requires: [s.key],
        });
      }
    }
  }
  out.push(accessUserPerformanceData(role === 'administrator' ? 'on' : 'off'));
  return out;
}

type Level = 'none' | 'view' | 'manage-conversations' | 'manage-settings';
function channelDefaults(role: RoleKey): Record<string, Level> {
  const level: Level = HANDLE_CONVERSATIONS.includes(role)
    ? 'manage-conversations'
    : role === 'administrator' || role === 'supervisor'
      ? 'manage-settings'
      : 'none';
  return { web: level, whatsapp: level, messenger: level, instagram: level };
}

const permissions: CatalogInput['permissions'] = { 'access-user-performance-data': { category: 'Reports' } };
for (const s of SECTIONS) {
  permissions[s.key] = { category: s.category, ...(s.feature ? { feature: s.feature } : {}) };
  if (s.granular) for (const [verb] of ACTIONS) permissions[`${s.key}-${verb}`] = { category: s.category, gates: { permission: s.key, verb } };
}

export const aivoCatalog = {
  preset: 'aivo',
  title: 'Aivo Live',
  features: [
    {
      key: 'video-and-cobrowsing',
      name: 'Video calls and co-browsing',
      description: 'Video calls and co-browsing on the web channel are enabled for the account.',
      enabledByDefault: true,
    },
    { key: 'break-requests', name: 'Break requests', description: 'Agents can request breaks, seen in the Break Requests Monitor.', enabledByDefault: true },
  ],
  permissions,
  channels: [
    { key: 'web', name: 'Web', children: [{ key: 'web-video', name: 'Video calls and co-browsing' }] },
    { key: 'whatsapp', name: 'WhatsApp' },
    { key: 'messenger', name: 'Messenger' },
    { key: 'instagram', name: 'Instagram' },
  ],
  roles: ROLES.map((key, i) => ({
    key,
    name: NAMES[key],
    rank: i + 1,
    scope: 'account' as const,
    handlesConversations: HANDLE_CONVERSATIONS.includes(key),
    channelDefaults: channelDefaults(key),
    core: [],
    permissions: rows(key),
  })),
} satisfies CatalogInput;
