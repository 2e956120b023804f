import 'server-only';
import { z } from 'zod';
import {
  addOverride,
  assignProfile,
  DalError,
  createUser,
  deleteUser,
  getUserAccess,
  getUserDetails,
  listOverrides,
  listUsers,
  removeOverride,
  setUserStatus,
  unassignProfile,
  updateUser,
  type Principal,
} from '@/lib/dal';
import type { ChannelSource, MissingReason, PermissionSource } from '@/lib/permissions/effective';
import { expectedVersion, operation } from '../operation';
import { AssignProfile, CreateOverride, CreateUser, EffectivePermissions, listUsersQuery, Override, OverrideList, UpdateUser, User, UserPage } from '../schemas';

const TAG = 'Users';
const userPath = z.strictObject({ id: z.coerce.number({ error: 'id must be a user id' }).int().positive('id must be a user id') });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The user as the API shows him, with his row version for the ETag. */
function readUser(ctx: Principal, id: number): { body: z.input<typeof User>; etag: number } {
  const { rowVersion, isAgent: _agent, ...user } = getUserDetails({ ctx, input: { id } });
  return { body: user, etag: rowVersion };
}

function readOverride(ctx: Principal, userId: number, id: number): z.input<typeof Override> {
  const o = listOverrides({ ctx, input: { userId } }).find((x) => x.id === id)!;
  return {
    id: o.id,
    effect: o.effect,
    permissionKey: o.permissionKey,
    permissionName: o.permissionName,
    level: o.level,
    reason: o.reason,
    expiresAt: iso(o.expiresAt),
    expired: o.expired,
    createdBy: o.createdByName,
    createdAt: iso(o.createdAt)!,
  };
}

const source = (s: PermissionSource) => (s.kind === 'grant' ? { ...s, expiresAt: iso(s.expiresAt) } : s);
const missing = (m: MissingReason) =>
  m.kind === 'revoked' ? { ...m, expiresAt: iso(m.expiresAt) } : m.kind === 'grant-expired' ? { ...m, expiredAt: iso(m.expiredAt)! } : m;
const channelSource = (s: ChannelSource) => (s.kind === 'override' ? { ...s, expiresAt: iso(s.expiresAt) } : s);

export const userOperations = [
  operation({
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    tag: TAG,
    summary: 'List users',
    description: "The users list with the console's filters, sorted, one keyset page at a time. An agent manager's key sees his subtree.",
    query: listUsersQuery,
    status: 200,
    response: UserPage,
    errors: ['invalid', 'forbidden'],
    handle: ({ ctx, query }) => {
      const page = listUsers({ ctx, input: query });
      return { body: { data: page.rows, total: page.total, next: page.next, prev: page.prev } };
    },
  }),
  operation({
    method: 'POST',
    path: '/users',
    operationId: 'createUser',
    tag: TAG,
    summary: 'Create a user',
    description: 'The same rules as "Add user": scope, no escalation, one profile per role, max chats and skills for agents only.',
    body: CreateUser,
    status: 201,
    response: User,
    errors: ['invalid', 'invalid-json', 'payload-too-large', 'unsupported-media-type', 'forbidden'],
    handle: async ({ ctx, body }) => {
      const { id } = await createUser({ ctx, input: body });
      return { ...readUser(ctx, id), location: `/users/${id}` };
    },
  }),
  operation({
    method: 'GET',
    path: '/users/{id}',
    operationId: 'getUser',
    tag: TAG,
    summary: 'Get a user',
    params: userPath,
    status: 200,
    response: User,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => readUser(ctx, params.id),
  }),
  operation({
    method: 'PATCH',
    path: '/users/{id}',
    operationId: 'updateUser',
    tag: TAG,
    summary: "Change a user's details",
    description: 'Send only the fields to change, with If-Match from reading him.',
    params: userPath,
    body: UpdateUser,
    ifMatch: true,
    status: 200,
    response: User,
    errors: ['invalid', 'invalid-json', 'payload-too-large', 'unsupported-media-type', 'forbidden', 'not-found', 'stale', 'precondition-required'],
    handle: async ({ ctx, params, body, expected }) => {
      const { rowVersion, isAgent: _a, status: _s, profiles: _p, ...current } = getUserDetails({ ctx, input: { id: params.id } });
      await updateUser({ ctx, input: { ...current, ...body, id: params.id, rowVersion: expectedVersion(expected, rowVersion) } });
      return readUser(ctx, params.id);
    },
  }),
  operation({
    method: 'DELETE',
    path: '/users/{id}',
    operationId: 'deleteUser',
    tag: TAG,
    summary: 'Delete a user',
    description: 'Only account-wide administrators, and only for a user with no history; deactivate everyone else.',
    params: userPath,
    ifMatch: true,
    status: 204,
    errors: ['invalid', 'forbidden', 'not-found', 'conflict', 'stale', 'precondition-required'],
    handle: ({ ctx, params, expected }) => {
      const { rowVersion } = getUserDetails({ ctx, input: { id: params.id } });
      deleteUser({ ctx, input: { id: params.id, rowVersion: expectedVersion(expected, rowVersion) } });
      return { body: undefined };
    },
  }),
  ...(['deactivate', 'reactivate'] as const).map((verb) =>
    operation({
      method: 'POST',
      path: `/users/{id}/${verb}`,
      operationId: `${verb}User`,
      tag: TAG,
      summary: verb === 'deactivate' ? 'Deactivate a user' : 'Reactivate a user',
      description: verb === 'deactivate' ? 'He cannot sign in, his sessions and API keys are refused on their next request.' : undefined,
      params: userPath,
      ifMatch: true,
      status: 200,
      response: User,
      errors: ['invalid', 'forbidden', 'not-found', 'stale', 'precondition-required'],
      handle: ({ ctx, params, expected }) => {
        const { rowVersion } = getUserDetails({ ctx, input: { id: params.id } });
        const status = verb === 'deactivate' ? 'deactivated' : 'active';
        setUserStatus({ ctx, input: { id: params.id, rowVersion: expectedVersion(expected, rowVersion), status } });
        return readUser(ctx, params.id);
      },
    }),
  ),
  operation({
    method: 'GET',
    path: '/users/{id}/permissions',
    operationId: 'getUserPermissions',
    tag: TAG,
    summary: "A user's effective permissions, with their sources",
    params: userPath,
    status: 200,
    response: EffectivePermissions,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => {
      const access = getUserAccess({ ctx, input: { id: params.id } });
      return {
        body: {
          userId: access.user.id,
          permissions: access.permissions.map((p) => ({
            key: p.key,
            name: p.name,
            category: p.category,
            allowed: p.allowed,
            sources: p.sources.map(source),
            missing: p.missing.map(missing),
          })),
          channels: access.channels.map((c) => ({ key: c.key, name: c.name, parent: c.parent, level: c.level, sources: c.sources.map(channelSource) })),
        },
      };
    },
  }),
  operation({
    method: 'POST',
    path: '/users/{id}/profiles',
    operationId: 'assignProfile',
    tag: TAG,
    summary: 'Give a user a profile',
    description: 'It replaces the profile he holds in the same role, if any.',
    params: userPath,
    body: AssignProfile,
    status: 200,
    response: User,
    errors: ['invalid', 'invalid-json', 'payload-too-large', 'unsupported-media-type', 'forbidden', 'not-found'],
    handle: ({ ctx, params, body }) => {
      assignProfile({ ctx, input: { userId: params.id, profileId: body.profileId } });
      return readUser(ctx, params.id);
    },
  }),
  operation({
    method: 'DELETE',
    path: '/users/{id}/profiles/{roleKey}',
    operationId: 'unassignProfile',
    tag: TAG,
    summary: "Take away a user's profile in a role",
    params: userPath.extend({ roleKey: z.string().min(1).max(100) }),
    status: 200,
    response: User,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => {
      unassignProfile({ ctx, input: { userId: params.id, roleKey: params.roleKey } });
      return readUser(ctx, params.id);
    },
  }),
  operation({
    method: 'GET',
    path: '/users/{id}/overrides',
    operationId: 'listOverrides',
    tag: TAG,
    summary: "A user's overrides",
    params: userPath,
    status: 200,
    response: OverrideList,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => ({ body: { data: listOverrides({ ctx, input: { userId: params.id } }).map((o) => readOverride(ctx, params.id, o.id)) } }),
  }),
  operation({
    method: 'POST',
    path: '/users/{id}/overrides',
    operationId: 'addOverride',
    tag: TAG,
    summary: 'Grant or revoke one permission, or set one channel level, for one user',
    params: userPath,
    body: CreateOverride,
    status: 201,
    response: Override,
    errors: ['invalid', 'invalid-json', 'payload-too-large', 'unsupported-media-type', 'forbidden', 'not-found'],
    handle: ({ ctx, params, body }) => {
      const { id } = addOverride({ ctx, input: { ...body, userId: params.id } });
      return { body: readOverride(ctx, params.id, id), location: `/users/${params.id}/overrides/${id}` };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/users/{id}/overrides/{overrideId}',
    operationId: 'removeOverride',
    tag: TAG,
    summary: 'Remove an override',
    params: userPath.extend({ overrideId: z.coerce.number({ error: 'overrideId must be an override id' }).int().positive('overrideId must be an override id') }),
    status: 204,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => {
      if (!listOverrides({ ctx, input: { userId: params.id } }).some((o) => o.id === params.overrideId)) {
        throw new DalError('not-found', 'There is no such override.');
      }
      removeOverride({ ctx, input: { id: params.overrideId } });
      return { body: undefined };
    },
  }),
];
