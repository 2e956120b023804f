import 'server-only';
import { z } from 'zod';
import {
  createGroup,
  createSkill,
  deleteGroup,
  deleteSkill,
  DalError,
  getGroup,
  listGroups,
  listSkills,
  renameSkill,
  updateGroup,
  type Principal,
} from '@/lib/dal';
import { expectedVersion, operation } from '../operation';
import { CreateGroup, deleteSkillQuery, Group, GroupList, Skill, SkillInput, SkillList, UpdateGroup } from '../schemas';

const BODY_ERRORS = ['invalid', 'invalid-json', 'payload-too-large', 'unsupported-media-type'] as const;
const idPath = (what: string) =>
  z.strictObject({
    id: z.coerce
      .number({ error: `id must be a ${what} id` })
      .int()
      .positive(`id must be a ${what} id`),
  });

function readGroup(ctx: Principal, id: number) {
  const g = getGroup({ ctx, id });
  return { body: { id: g.id, name: g.name, parentId: g.parentId, enabled: g.enabled, members: g.members, managers: g.managers }, etag: g.rowVersion };
}

function readSkill(ctx: Principal, id: number) {
  const s = listSkills({ ctx }).find((x) => x.id === id);
  if (!s) throw new DalError('not-found', 'There is no such skill.');
  return { body: { id: s.id, name: s.name, agents: s.agents }, etag: s.rowVersion };
}

export const groupOperations = [
  operation({
    method: 'GET',
    path: '/groups',
    operationId: 'listGroups',
    tag: 'Groups',
    summary: 'List agent groups (the tree, depth first)',
    description: "An agent manager's key sees his subtree.",
    status: 200,
    response: GroupList,
    errors: ['forbidden'],
    handle: ({ ctx }) => ({ body: { data: listGroups({ ctx }).map((g) => readGroup(ctx, g.id).body) } }),
  }),
  operation({
    method: 'POST',
    path: '/groups',
    operationId: 'createGroup',
    tag: 'Groups',
    summary: 'Create a group',
    body: CreateGroup,
    status: 201,
    response: Group,
    errors: [...BODY_ERRORS, 'forbidden', 'not-found'],
    handle: ({ ctx, body }) => {
      const { id } = createGroup({ ctx, input: { name: body.name, parentId: body.parentId ?? null } });
      return { ...readGroup(ctx, id), location: `/groups/${id}` };
    },
  }),
  operation({
    method: 'GET',
    path: '/groups/{id}',
    operationId: 'getGroup',
    tag: 'Groups',
    summary: 'Get a group',
    params: idPath('group'),
    status: 200,
    response: Group,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => readGroup(ctx, params.id),
  }),
  operation({
    method: 'PATCH',
    path: '/groups/{id}',
    operationId: 'updateGroup',
    tag: 'Groups',
    summary: 'Rename, move, enable or disable a group',
    params: idPath('group'),
    body: UpdateGroup,
    ifMatch: true,
    status: 200,
    response: Group,
    errors: [...BODY_ERRORS, 'forbidden', 'not-found', 'stale', 'precondition-required'],
    handle: ({ ctx, params, body, expected }) => {
      const { body: current, etag } = readGroup(ctx, params.id);
      updateGroup({
        ctx,
        input: {
          id: params.id,
          rowVersion: expectedVersion(expected, etag),
          name: body.name ?? current.name,
          parentId: body.parentId === undefined ? current.parentId : body.parentId,
          enabled: body.enabled ?? current.enabled,
        },
      });
      return readGroup(ctx, params.id);
    },
  }),
  operation({
    method: 'DELETE',
    path: '/groups/{id}',
    operationId: 'deleteGroup',
    tag: 'Groups',
    summary: 'Delete an empty group',
    params: idPath('group'),
    ifMatch: true,
    status: 204,
    errors: ['invalid', 'forbidden', 'not-found', 'conflict', 'stale', 'precondition-required'],
    handle: ({ ctx, params, expected }) => {
      const { etag } = readGroup(ctx, params.id);
      deleteGroup({ ctx, input: { id: params.id, rowVersion: expectedVersion(expected, etag) } });
      return { body: undefined };
    },
  }),
];

export const skillOperations = [
  operation({
    method: 'GET',
    path: '/skills',
    operationId: 'listSkills',
    tag: 'Skills',
    summary: 'List skills with how many agents hold each',
    status: 200,
    response: SkillList,
    errors: ['forbidden'],
    handle: ({ ctx }) => ({ body: { data: listSkills({ ctx }).map(({ id, name, agents }) => ({ id, name, agents })) } }),
  }),
  operation({
    method: 'POST',
    path: '/skills',
    operationId: 'createSkill',
    tag: 'Skills',
    summary: 'Create a skill',
    body: SkillInput,
    status: 201,
    response: Skill,
    errors: [...BODY_ERRORS, 'forbidden'],
    handle: ({ ctx, body }) => {
      const { id } = createSkill({ ctx, input: body });
      return { ...readSkill(ctx, id), location: `/skills/${id}` };
    },
  }),
  operation({
    method: 'GET',
    path: '/skills/{id}',
    operationId: 'getSkill',
    tag: 'Skills',
    summary: 'Get a skill',
    params: idPath('skill'),
    status: 200,
    response: Skill,
    errors: ['invalid', 'forbidden', 'not-found'],
    handle: ({ ctx, params }) => readSkill(ctx, params.id),
  }),
  operation({
    method: 'PATCH',
    path: '/skills/{id}',
    operationId: 'renameSkill',
    tag: 'Skills',
    summary: 'Rename a skill',
    params: idPath('skill'),
    body: SkillInput,
    ifMatch: true,
    status: 200,
    response: Skill,
    errors: [...BODY_ERRORS, 'forbidden', 'not-found', 'stale', 'precondition-required'],
    handle: ({ ctx, params, body, expected }) => {
      const { etag } = readSkill(ctx, params.id);
      renameSkill({ ctx, input: { id: params.id, name: body.name, rowVersion: expectedVersion(expected, etag) } });
      return readSkill(ctx, params.id);
    },
  }),
  operation({
    method: 'DELETE',
    path: '/skills/{id}',
    operationId: 'deleteSkill',
    tag: 'Skills',
    summary: 'Delete a skill',
    description: 'A skill agents hold is deleted only with `removeFromAgents=true`, which removes it from them; otherwise 409 lists them.',
    params: idPath('skill'),
    query: deleteSkillQuery,
    ifMatch: true,
    status: 204,
    errors: ['invalid', 'forbidden', 'not-found', 'conflict', 'stale', 'precondition-required'],
    handle: ({ ctx, params, query, expected }) => {
      const { etag } = readSkill(ctx, params.id);
      deleteSkill({ ctx, input: { id: params.id, removeFromAgents: query.removeFromAgents === 'true', rowVersion: expectedVersion(expected, etag) } });
      return { body: undefined };
    },
  }),
];
