import 'server-only';
import { z } from 'zod';
import {
  createProfile,
  createRole,
  deleteProfile,
  deleteRole,
  getProfile,
  getRoleEditor,
  listProfiles,
  listRoles,
  newProfileDraft,
  saveProfile,
  updateRole,
  type Principal,
  type ProfileSummary as ProfileSummaryRow,
  type RoleSummary,
} from '@/lib/dal';
import { authorizeBatch } from '@/lib/dal/decisions';
import { getCatalog } from '@/lib/dal/catalog';
import { readCatalog } from '@/lib/dal/settings';
import { DalError } from '@/lib/dal/errors';
import { expectedVersion, operation } from '../operation';
import {
  AuthorizeRequest,
  AuthorizeResponse,
  Catalog,
  CreateProfile,
  CreateRole,
  listProfilesQuery,
  Profile,
  ProfileList,
  Role,
  RoleList,
  UpdateProfile,
  UpdateRole,
} from '../schemas';

const BODY_ERRORS = ['invalid', 'invalid-json', 'payload-too-large', 'unsupported-media-type'] as const;
const profilePath = z.strictObject({ id: z.coerce.number({ error: 'id must be a profile id' }).int().positive('id must be a profile id') });
const rolePath = z.strictObject({ key: z.string().min(1).max(100) });

const summary = (p: ProfileSummaryRow) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  roleKey: p.roleKey,
  roleName: p.roleName,
  isDefault: p.isDefault,
  headVersion: p.headVersion,
  holders: p.holders,
  updatedAt: new Date(p.updatedAt).toISOString(),
});

function readProfile(ctx: Principal, id: number) {
  const p = getProfile({ ctx, input: { id } });
  return { body: { ...summary(p), floorVersion: p.floorVersion, permissions: p.permissions, channels: p.channels }, etag: p.rowVersion };
}

const role = (r: RoleSummary): z.input<typeof Role> => ({
  key: r.key,
  name: r.name,
  description: r.description,
  rank: r.rank,
  builtIn: r.builtIn,
  baseRoleKey: r.baseRoleKey,
  core: r.core.map((c) => c.key),
  defaults: r.permissions.filter((p) => p.on).map((p) => p.key),
  profiles: r.profiles,
  users: r.users,
});

/** Reads a role with the catalog as it is now: a role created or renamed by this very request is in it. */
function readRole(ctx: Principal, key: string) {
  const r = listRoles({ ctx: { ...ctx, catalog: getCatalog() } }).find((x) => x.key === key);
  if (!r) throw new DalError('not-found', 'There is no such role.');
  return { body: role(r), etag: r.rowVersion };
}

export const profileOperations = [
  operation({
    method: 'GET',
    path: '/profiles',
    operationId: 'listProfiles',
    tag: 'Profiles',
    summary: 'List profiles',
    description: 'An agent manager sees the profiles of the roles his permissions name.',
    query: listProfilesQuery,
    status: 200,
    response: ProfileList,
    errors: ['invalid', 'forbidden'],
    handle: ({ ctx, query }) => ({ body: { data: listProfiles({ ctx, input: query }).map(summary) } }),
  }),
  operation({
    method: 'POST',
    path: '/profiles',
    operationId: 'createProfile',
    tag: 'Profiles',
    summary: 'Create a profile in a role',
    body: CreateProfile,
    status: 201,
    response: Profile,
    errors: [...BODY_ERRORS, 'forbidden', 'not-found'],
    handle: ({ ctx, body }) => {
      const permissions = body.permissions ?? newProfileDraft({ ctx, input: { roleKey: body.roleKey } }).defaults;
      const { id } = createProfile({ ctx, input: { ...body, permissions } });
      return { ...readProfile(ctx, id), location: `/profiles/${id}` };
    },
  }),
  operation({
    method: 'GET',
    path: '/profiles/{id}',
    operationId: 'getProfile',
    tag: 'Profiles',
    summary: 'Get a profile at its current version',
    params: profilePath,
    status: 200,
    response: Profile,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => readProfile(ctx, params.id),
  }),
  operation({
    method: 'PATCH',
    path: '/profiles/{id}',
    operationId: 'saveProfile',
    tag: 'Profiles',
    summary: 'Save a new version of a profile',
    description: '`mode` "apply" moves every holder to it (Save and apply); "new-users" leaves holders on their version.',
    params: profilePath,
    body: UpdateProfile,
    ifMatch: true,
    status: 200,
    response: Profile,
    errors: [...BODY_ERRORS, 'forbidden', 'not-found', 'stale', 'precondition-required'],
    handle: ({ ctx, params, body, expected }) => {
      const current = getProfile({ ctx, input: { id: params.id } });
      saveProfile({
        ctx,
        input: {
          id: params.id,
          rowVersion: expectedVersion(expected, current.rowVersion),
          name: body.name ?? current.name,
          description: body.description ?? current.description,
          permissions: body.permissions ?? current.permissions,
          channels: body.channels ?? current.channels,
          note: body.note ?? '',
          mode: body.mode,
        },
      });
      return readProfile(ctx, params.id);
    },
  }),
  operation({
    method: 'DELETE',
    path: '/profiles/{id}',
    operationId: 'deleteProfile',
    tag: 'Profiles',
    summary: 'Delete a profile nobody holds',
    params: profilePath,
    ifMatch: true,
    status: 204,
    errors: ['invalid', 'forbidden', 'not-found', 'conflict', 'stale', 'precondition-required'],
    handle: ({ ctx, params, expected }) => {
      const current = getProfile({ ctx, input: { id: params.id } });
      deleteProfile({ ctx, input: { id: params.id, rowVersion: expectedVersion(expected, current.rowVersion) } });
      return { body: undefined };
    },
  }),
];

export const roleOperations = [
  operation({
    method: 'GET',
    path: '/roles',
    operationId: 'listRoles',
    tag: 'Roles',
    summary: 'List roles, built-in and custom',
    status: 200,
    response: RoleList,
    errors: ['forbidden'],
    handle: ({ ctx }) => ({ body: { data: listRoles({ ctx }).map(role) } }),
  }),
  operation({
    method: 'POST',
    path: '/roles',
    operationId: 'createRole',
    tag: 'Roles',
    summary: 'Create a custom role from a built-in one',
    body: CreateRole,
    status: 201,
    response: Role,
    errors: [...BODY_ERRORS, 'forbidden', 'not-found'],
    handle: ({ ctx, body }) => {
      const defaults = body.defaults ?? getRoleEditor({ ctx, input: { baseRoleKey: body.baseRoleKey } }).baseDefaults;
      const { key } = createRole({ ctx, input: { ...body, description: body.description ?? '', defaults } });
      return { ...readRole(ctx, key), location: `/roles/${encodeURIComponent(key)}` };
    },
  }),
  operation({
    method: 'GET',
    path: '/roles/{key}',
    operationId: 'getRole',
    tag: 'Roles',
    summary: 'Get a role',
    params: rolePath,
    status: 200,
    response: Role,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => readRole(ctx, params.key),
  }),
  operation({
    method: 'PATCH',
    path: '/roles/{key}',
    operationId: 'updateRole',
    tag: 'Roles',
    summary: "Change a custom role's name, rank or defaults",
    description: 'New defaults reach its users through a new version of its default profile: `mode` as for profiles.',
    params: rolePath,
    body: UpdateRole,
    ifMatch: true,
    status: 200,
    response: Role,
    errors: [...BODY_ERRORS, 'forbidden', 'not-found', 'stale', 'precondition-required', 'conflict'],
    handle: ({ ctx, params, body, expected }) => {
      const current = getRoleEditor({ ctx, input: { key: params.key } });
      updateRole({
        ctx,
        input: {
          key: params.key,
          rowVersion: expectedVersion(expected, current.rowVersion),
          name: body.name ?? current.name,
          description: body.description ?? current.description,
          rank: body.rank ?? current.rank,
          defaults: body.defaults ?? current.defaults,
          mode: body.mode,
        },
      });
      return readRole(ctx, params.key);
    },
  }),
  operation({
    method: 'DELETE',
    path: '/roles/{key}',
    operationId: 'deleteRole',
    tag: 'Roles',
    summary: 'Delete a custom role nobody uses',
    params: rolePath,
    ifMatch: true,
    status: 204,
    errors: ['invalid', 'forbidden', 'not-found', 'conflict', 'stale', 'precondition-required'],
    handle: ({ ctx, params, expected }) => {
      const current = readRole(ctx, params.key);
      deleteRole({ ctx, input: { key: params.key, rowVersion: expectedVersion(expected, current.etag) } });
      return { body: undefined };
    },
  }),
];

export const decisionOperations = [
  operation({
    method: 'POST',
    path: '/authorize',
    operationId: 'authorize',
    tag: 'Decisions',
    summary: 'May these users do these things, in these channels?',
    description:
      'Up to 1,000 questions, answered in order from a precomputed index. A key may ask about its own user and about the users it could list; anyone else is answered "unknown-user".',
    body: AuthorizeRequest,
    maxBodyBytes: 256 * 1024,
    readsOnly: true,
    status: 200,
    response: AuthorizeResponse,
    errors: BODY_ERRORS,
    handle: ({ ctx, body }) => ({ body: authorizeBatch({ ctx, input: body }) }),
  }),
  operation({
    method: 'GET',
    path: '/catalog',
    operationId: 'getCatalog',
    tag: 'Decisions',
    summary: 'The permission catalog: permissions, roles, channels, levels, account features',
    status: 200,
    response: Catalog,
    errors: [],
    handle: ({ ctx }) => ({ body: readCatalog({ ctx }) }),
  }),
];
