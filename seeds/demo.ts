/**
 * The demo account seeded into an empty database, one per preset: groups, skills and users that
 * show every screen with something in it. All users share the demo password. Profiles are named by
 * their role's name (each role's default profile) or listed in `extraProfiles`.
 */
export interface DemoUser {
  loginName: string;
  name: string;
  nickname: string;
  group: string | null;
  manages?: string[];
  profiles: string[];
  skills?: string[];
  maxChats?: number;
}

export interface DemoAccount {
  groups: { name: string; parent: string | null }[];
  skills: string[];
  /** Profiles beside the role defaults: the role's defaults plus `turnOn`. */
  extraProfiles: { name: string; roleKey: string; description: string; turnOn: string[] }[];
  users: DemoUser[];
  /** The sign-ins printed at start-up. */
  highlighted: string[];
}

const FIRST = [
  'Ana',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pablo',
  'Quinn',
  'Rosa',
  'Sven',
  'Tara',
];
const LAST = ['Nguyen', 'Okafor', 'Silva', 'Kowalski', 'Haddad'];

/** `count` more users with one profile, spread over `groups`, so lists have pages. */
function crowd(count: number, groups: string[], profile: string, skills: string[]): DemoUser[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    return {
      loginName: `${first}.${last}`.toLowerCase(),
      name: `${first} ${last}`,
      nickname: first,
      group: groups[i % groups.length]!,
      profiles: [profile],
      skills: [skills[i % skills.length]!],
      maxChats: 2 + (i % 4),
    };
  });
}

const liveperson: DemoAccount = {
  groups: [
    { name: 'Support', parent: null },
    { name: 'Tier 1', parent: 'Support' },
    { name: 'Tier 2', parent: 'Support' },
    { name: 'Sales', parent: null },
  ],
  skills: ['Billing', 'Technical support', 'Returns', 'Spanish', 'VIP', 'Sales chat'],
  extraProfiles: [
    {
      name: 'Agent manager with user management',
      roleKey: 'agent-manager',
      description: 'Agent manager defaults plus the limited user management of his group structure.',
      turnOn: [
        'manage-agent-users-in-group',
        'manage-agent-manager-users-in-group',
        'manage-agent-profiles-in-group',
        'manage-agent-manager-profiles-in-group',
        'manage-agent-groups',
        'manage-skills',
        'export-list-of-users-in-group',
      ],
    },
  ],
  users: [
    { loginName: 'admin', name: 'Avery Admin', nickname: 'Avery', group: 'Support', profiles: ['Admin'] },
    {
      loginName: 'manager',
      name: 'Morgan Manager',
      nickname: 'Morgan',
      group: 'Support',
      manages: ['Support'],
      profiles: ['Agent manager with user management'],
    },
    { loginName: 'agent', name: 'Alex Agent', nickname: 'Alex', group: 'Tier 1', profiles: ['Agent'], skills: ['Billing', 'Returns'], maxChats: 3 },
    { loginName: 'sales', name: 'Sam Sales', nickname: 'Sam', group: 'Sales', profiles: ['Agent'], skills: ['Sales chat'], maxChats: 4 },
    ...crowd(40, ['Tier 1', 'Tier 2', 'Support', 'Sales'], 'Agent', ['Billing', 'Technical support', 'Returns', 'Spanish']),
  ],
  highlighted: ['admin', 'manager', 'agent', 'sales'],
};

const livecaller: DemoAccount = {
  groups: [
    { name: 'Support', parent: null },
    { name: 'Sales', parent: null },
  ],
  skills: ['English', 'Estonian', 'Callbacks'],
  extraProfiles: [],
  users: [
    { loginName: 'admin', name: 'Avery Admin', nickname: 'Avery', group: null, profiles: ['Admin'] },
    { loginName: 'operator', name: 'Oskar Operator', nickname: 'Oskar', group: 'Support', profiles: ['Operator'], skills: ['English'], maxChats: 3 },
    { loginName: 'sales', name: 'Sam Sales', nickname: 'Sam', group: 'Sales', profiles: ['Operator'], skills: ['Estonian'], maxChats: 4 },
    ...crowd(12, ['Support', 'Sales'], 'Operator', ['English', 'Estonian', 'Callbacks']),
  ],
  highlighted: ['admin', 'operator', 'sales'],
};

const aivo: DemoAccount = {
  groups: [
    { name: 'Customer care', parent: null },
    { name: 'Sales', parent: null },
  ],
  skills: ['Spanish', 'Portuguese', 'Claims'],
  extraProfiles: [],
  users: [
    { loginName: 'admin', name: 'Avery Admin', nickname: 'Avery', group: null, profiles: ['Administrator'] },
    { loginName: 'supervisor', name: 'Sofia Supervisor', nickname: 'Sofia', group: 'Customer care', profiles: ['Supervisor'] },
    { loginName: 'supagent', name: 'Santiago Supervisor-Agent', nickname: 'Santi', group: 'Customer care', profiles: ['Supervisor Agent'], maxChats: 3 },
    { loginName: 'coordinator', name: 'Carla Coordinator', nickname: 'Carla', group: 'Customer care', profiles: ['Coordinator'], maxChats: 3 },
    { loginName: 'agent', name: 'Alex Agent', nickname: 'Alex', group: 'Customer care', profiles: ['Agent'], skills: ['Spanish'], maxChats: 3 },
    ...crowd(12, ['Customer care', 'Sales'], 'Agent', ['Spanish', 'Portuguese', 'Claims']),
  ],
  highlighted: ['admin', 'supervisor', 'supagent', 'coordinator', 'agent'],
};

export const demoAccounts: Record<string, DemoAccount> = { liveperson, aivo, livecaller };
