import { z } from 'zod';
import { addOverrideInput, createUserInput, USER_SORTS, userSkills } from '@/lib/schemas/users';
import { createProfileInput, profileDescription, profileNote, saveMode, saveProfileInput } from '@/lib/schemas/profiles';
import { createRoleInput, roleDescription, updateRoleInput } from '@/lib/schemas/roles';
import { createGroupInput, updateGroupInput } from '@/lib/schemas/groups';
import { createSkillInput } from '@/lib/schemas/skills';
import { LEVELS } from '@/lib/permissions/channels';
import { defaultStateSchema } from '@/lib/permissions/catalog-schema';
import { ERROR_CODES } from './error-codes';
import { authorizeInput, DECISION_REASONS } from '@/lib/schemas/decisions';

/**
 * The API's request and response bodies. The route handlers validate requests with them, the
 * response mappers are typed by them, and /api/v1/openapi.json is generated from them: one
 * definition, so the document cannot drift from what the server does.
 *
 * A request body is derived from its entity's input schema in lib/schemas wherever a field has the
 * same rule there: one rule, and one message, for the console and the API. A field stays the API's
 * own where the console's rule reads form text (coercing "12" to 12, "" to null) or fills a
 * default: the API takes JSON as it is, and leaves out what a PATCH does not change.
 */
export const requestSchemas = z.registry<{ id: string; description?: string }>();
export const responseSchemas = z.registry<{ id: string; description?: string }>();

const request = <S extends z.ZodType>(id: string, schema: S, description?: string) => (requestSchemas.add(schema, { id, description }), schema);
const response = <S extends z.ZodType>(id: string, schema: S, description?: string) => (responseSchemas.add(schema, { id, description }), schema);

const id = z.number().int().positive();
const isoTime = z.iso.datetime({ offset: true });
const level = z.enum(LEVELS);
const permissionKey = z.string().min(1).max(200);
/** The API names each key (no empty ones); the dal checks them against the catalog. */
const permissionList = z.array(permissionKey).max(1000);

// ---------------------------------------------------------------------------------------------
// Errors

export const ErrorBody = response(
  'Error',
  z.strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      fields: z.record(z.string(), z.array(z.string())).optional(),
    }),
  }),
  'Every error: a code a program can branch on, a message a person can read, and for bad input the fields at fault.',
);

// ---------------------------------------------------------------------------------------------
// Users

const profileRef = z.strictObject({ id, name: z.string(), roleKey: z.string(), roleName: z.string() });

export const UserSummary = response(
  'UserSummary',
  z.strictObject({
    id,
    loginName: z.string(),
    name: z.string(),
    email: z.string(),
    nickname: z.string(),
    status: z.enum(['active', 'deactivated']),
    group: z.strictObject({ id, name: z.string() }).nullable(),
    profiles: z.array(profileRef),
  }),
);

export const UserPage = response(
  'UserPage',
  z.strictObject({
    data: z.array(UserSummary),
    total: z.number().int().min(0),
    next: z.string().nullable().describe('Cursor of the next page (pass as `after`); null on the last page.'),
    prev: z.string().nullable().describe('Cursor of the previous page (pass as `before`); null on the first page.'),
  }),
);

export const User = response(
  'User',
  z.strictObject({
    id,
    loginName: z.string(),
    email: z.string(),
    name: z.string(),
    nickname: z.string(),
    status: z.enum(['active', 'deactivated']),
    groupId: id.nullable(),
    managedGroupIds: z.array(id),
    maxChats: z.number().int().nullable(),
    skills: z.array(z.string()),
    profiles: z.array(z.strictObject({ id, name: z.string(), roleKey: z.string(), roleName: z.string(), version: z.number().int() })),
  }),
);

export const listUsersQuery = z.strictObject({
  q: z.string().max(200).optional().describe('Search over name, login name and email.'),
  role: z.string().max(100).optional(),
  profile: z.coerce.number().int().positive().optional(),
  group: z.coerce.number().int().positive().optional().describe('A group and its sub-groups.'),
  status: z.enum(['active', 'deactivated']).optional(),
  sort: z.enum(USER_SORTS).optional(),
  dir: z.enum(['asc', 'desc']).optional(),
  after: z.string().max(500).optional(),
  before: z.string().max(500).optional(),
  pageSize: z.coerce.number().int().min(5).max(100).optional(),
});

const userWritable = {
  email: z.email().max(254),
  name: createUserInput.shape.name,
  nickname: createUserInput.shape.nickname,
  groupId: id.nullable(),
  managedGroupIds: z.array(id).max(100),
  maxChats: z.number().int().positive().max(1000).nullable(),
  skills: userSkills,
};
const credentials = createUserInput.pick({ loginName: true, password: true });

export const CreateUser = request(
  'CreateUser',
  credentials.extend({
    ...userWritable,
    groupId: userWritable.groupId.optional(),
    managedGroupIds: userWritable.managedGroupIds.optional(),
    maxChats: userWritable.maxChats.optional(),
    skills: userWritable.skills.optional(),
    profileIds: z.array(id).max(4).optional().describe('Up to four profiles, at most one per role.'),
  }),
);

export const UpdateUser = request(
  'UpdateUser',
  credentials.extend(userWritable).partial().describe('Only the fields to change. Profiles, overrides and status have their own operations.'),
);

export const AssignProfile = request('AssignProfile', z.strictObject({ profileId: id }));

export const Override = response(
  'Override',
  z.strictObject({
    id,
    effect: z.enum(['grant', 'revoke', 'level']),
    permissionKey: z.string().describe('The permission, or for a "level" override the channel.'),
    permissionName: z.string(),
    level: level.nullable(),
    reason: z.string(),
    expiresAt: isoTime.nullable(),
    expired: z.boolean(),
    createdBy: z.string(),
    createdAt: isoTime,
  }),
);
export const OverrideList = response('OverrideList', z.strictObject({ data: z.array(Override) }));

export const CreateOverride = request(
  'CreateOverride',
  addOverrideInput.pick({ effect: true, permissionKey: true, level: true, reason: true, expiresAt: true }).extend({
    permissionKey: addOverrideInput.shape.permissionKey.describe('The permission, or for a "level" override the channel.'),
    level: level.optional().describe('For a "level" override: the level it sets.'),
    expiresAt: isoTime.nullable().optional(),
  }),
);

// ---------------------------------------------------------------------------------------------
// Effective permissions and decisions

const source = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('core'), roleKey: z.string(), roleName: z.string() }),
  z.strictObject({ kind: z.literal('profile'), profileId: id, profileName: z.string(), roleKey: z.string(), version: z.number().int() }),
  z.strictObject({ kind: z.literal('grant'), overrideId: id, by: z.string(), reason: z.string(), expiresAt: isoTime.nullable() }),
]);
const missing = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('not-in-profiles') }),
  z.strictObject({ kind: z.literal('revoked'), overrideId: id, by: z.string(), reason: z.string(), expiresAt: isoTime.nullable() }),
  z.strictObject({ kind: z.literal('feature-off'), feature: z.string(), featureName: z.string() }),
  z.strictObject({ kind: z.literal('grant-expired'), overrideId: id, by: z.string(), expiredAt: isoTime }),
  z.strictObject({ kind: z.literal('not-in-api-key') }),
  z.strictObject({ kind: z.literal('missing-prerequisite'), requires: z.string(), requiresName: z.string() }),
]);
const channelSource = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('profile'),
    profileId: id,
    profileName: z.string(),
    version: z.number().int(),
    level,
    inheritedFrom: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('override'),
    overrideId: id,
    by: z.string(),
    reason: z.string(),
    expiresAt: isoTime.nullable(),
    level,
    inheritedFrom: z.string().nullable(),
  }),
]);

export const EffectivePermissions = response(
  'EffectivePermissions',
  z.strictObject({
    userId: id,
    permissions: z.array(
      z.strictObject({
        key: z.string(),
        name: z.string(),
        category: z.string(),
        allowed: z.boolean(),
        sources: z.array(source).describe('Where the permission comes from.'),
        missing: z.array(missing).describe('Why the user lacks it; empty when allowed.'),
      }),
    ),
    channels: z.array(z.strictObject({ key: z.string(), name: z.string(), parent: z.string().nullable(), level, sources: z.array(channelSource) })),
  }),
  "A user's effective permissions now, each with its sources or why it is missing, and his level in each channel.",
);

export const AuthorizeRequest = request('AuthorizeRequest', authorizeInput);

export const AuthorizeResponse = response(
  'AuthorizeResponse',
  z.strictObject({
    answers: z.array(z.strictObject({ allowed: z.boolean(), reason: z.enum(DECISION_REASONS) })).describe('One answer per question, in order.'),
  }),
);

// ---------------------------------------------------------------------------------------------
// Profiles

export const ProfileSummary = response(
  'ProfileSummary',
  z.strictObject({
    id,
    name: z.string(),
    description: z.string(),
    roleKey: z.string(),
    roleName: z.string(),
    isDefault: z.boolean(),
    headVersion: z.number().int(),
    holders: z.number().int().min(0),
    updatedAt: isoTime,
  }),
);
export const ProfileList = response('ProfileList', z.strictObject({ data: z.array(ProfileSummary) }));

export const Profile = response(
  'Profile',
  z.strictObject({
    ...ProfileSummary.shape,
    floorVersion: z.number().int().describe('Holders are on max(their version, floorVersion); "Save and apply" raises it.'),
    permissions: z.array(z.string()).describe('Configurable permissions switched on in the current version (core permissions come with the role).'),
    channels: z.record(z.string(), level),
  }),
);

export const listProfilesQuery = z.strictObject({ role: z.string().max(100).optional() });

export const CreateProfile = request(
  'CreateProfile',
  createProfileInput.omit({ note: true }).extend({
    description: profileDescription.optional(),
    permissions: permissionList.optional().describe("Defaults to the role's defaults."),
  }),
);

export const UpdateProfile = request(
  'UpdateProfile',
  saveProfileInput
    .pick({ name: true, description: true, permissions: true, channels: true, note: true })
    .extend({ description: profileDescription, permissions: permissionList, note: profileNote })
    .partial()
    .extend({ mode: saveMode.describe('"apply" moves every holder to the new version; "new-users" leaves current holders on theirs.') }),
);

// ---------------------------------------------------------------------------------------------
// Roles, groups, skills, catalog

export const Role = response(
  'Role',
  z.strictObject({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    rank: z.number().int(),
    builtIn: z.boolean(),
    baseRoleKey: z.string(),
    core: z.array(z.string()),
    defaults: z.array(z.string()).describe('Configurable permissions on by default.'),
    profiles: z.number().int().min(0),
    users: z.number().int().min(0),
  }),
);
export const RoleList = response('RoleList', z.strictObject({ data: z.array(Role) }));

/** JSON numbers only: the console's rank comes from a form and is coerced. */
const roleRank = z.number().int().min(1);

export const CreateRole = request(
  'CreateRole',
  createRoleInput.extend({
    description: roleDescription.optional(),
    rank: roleRank,
    defaults: permissionList.optional().describe("Defaults to the base role's defaults."),
  }),
);
export const UpdateRole = request(
  'UpdateRole',
  updateRoleInput
    .pick({ name: true, description: true, rank: true, defaults: true })
    .extend({ description: roleDescription, rank: roleRank, defaults: permissionList })
    .partial()
    .extend({ mode: saveMode }),
);

export const Group = response(
  'Group',
  z.strictObject({ id, name: z.string(), parentId: id.nullable(), enabled: z.boolean(), members: z.number().int().min(0), managers: z.array(z.string()) }),
);
export const GroupList = response('GroupList', z.strictObject({ data: z.array(Group) }));
export const CreateGroup = request('CreateGroup', createGroupInput.extend({ parentId: id.nullable().optional() }));
export const UpdateGroup = request('UpdateGroup', updateGroupInput.omit({ id: true, rowVersion: true }).extend({ parentId: id.nullable() }).partial());

export const Skill = response('Skill', z.strictObject({ id, name: z.string(), agents: z.number().int().min(0) }));
export const SkillList = response('SkillList', z.strictObject({ data: z.array(Skill) }));
export const SkillInput = request('SkillInput', createSkillInput);
export const deleteSkillQuery = z.strictObject({
  removeFromAgents: z.enum(['true', 'false']).optional().describe('Confirms removing a skill agents hold from them.'),
});

export const Catalog = response(
  'Catalog',
  z.strictObject({
    preset: z.string(),
    title: z.string(),
    permissions: z.array(z.strictObject({ key: z.string(), name: z.string(), category: z.string(), feature: z.string().nullable() })),
    roles: z.array(
      z.strictObject({
        key: z.string(),
        name: z.string(),
        rank: z.number().int(),
        builtIn: z.boolean(),
        baseRoleKey: z.string(),
        core: z.array(z.string()),
        permissions: z.array(
          z.strictObject({ key: z.string(), default: defaultStateSchema.describe('"account": on when the account feature it depends on is on.') }),
        ),
      }),
    ),
    channels: z.array(z.strictObject({ key: z.string(), name: z.string(), parent: z.string().nullable() })),
    levels: z.array(level).describe('Channel access levels, lowest first.'),
    features: z.array(z.strictObject({ key: z.string(), name: z.string(), enabled: z.boolean() })),
  }),
);

export const Deleted = response('Deleted', z.strictObject({ deleted: z.literal(true) }));
