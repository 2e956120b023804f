/**
 * The demo account seeded into an empty database (LivePerson preset): groups, skills and users
 * that show every screen with something in it. All users share the demo password.
 */
export const demoGroups = [
  { name: 'Support', parent: null },
  { name: 'Tier 1', parent: 'Support' },
  { name: 'Tier 2', parent: 'Support' },
  { name: 'Sales', parent: null },
] as const;

export const demoSkills = ['Billing', 'Technical support', 'Returns', 'Spanish', 'VIP', 'Sales chat'] as const;

/** A profile beside the role defaults: an agent manager who may run the users of his groups. */
export const demoManagerProfile = {
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
} as const;

export interface DemoUser {
  loginName: string;
  name: string;
  nickname: string;
  group: string;
  manages?: string[];
  /** Profile names: the role default profiles are named after their role. */
  profiles: string[];
  skills?: string[];
  maxChats?: number;
}

export const demoUsers: DemoUser[] = [
  { loginName: 'admin', name: 'Avery Admin', nickname: 'Avery', group: 'Support', profiles: ['Admin'] },
  {
    loginName: 'manager',
    name: 'Morgan Manager',
    nickname: 'Morgan',
    group: 'Support',
    manages: ['Support'],
    profiles: [demoManagerProfile.name],
  },
  {
    loginName: 'agent',
    name: 'Alex Agent',
    nickname: 'Alex',
    group: 'Tier 1',
    profiles: ['Agent'],
    skills: ['Billing', 'Returns'],
    maxChats: 3,
  },
  { loginName: 'sales', name: 'Sam Sales', nickname: 'Sam', group: 'Sales', profiles: ['Agent'], skills: ['Sales chat'], maxChats: 4 },
];

const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara'];
const LAST = ['Nguyen', 'Okafor', 'Silva', 'Kowalski', 'Haddad'];
const GROUPS = ['Tier 1', 'Tier 2', 'Support', 'Sales'];

/** About forty more agents spread over the groups, so the users list has pages. */
for (let i = 0; i < 40; i++) {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const loginName = `${first}.${last}`.toLowerCase();
  demoUsers.push({
    loginName,
    name: `${first} ${last}`,
    nickname: first,
    group: GROUPS[i % GROUPS.length]!,
    profiles: ['Agent'],
    skills: [demoSkills[i % 4]!],
    maxChats: 2 + (i % 4),
  });
}
