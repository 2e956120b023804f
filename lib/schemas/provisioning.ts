import { z } from 'zod';
import { recordId } from './fields';

/** Settings → Provisioning: where users an identity provider creates land, and what they hold. */
export const setProvisioningDefaultsInput = z.strictObject({
  groupId: recordId('Default group').nullable(),
  profileIds: z.array(recordId('Default profiles'), { error: 'Default profiles must be a list' }).max(4, 'Default profiles: at most four, one per role'),
});

const displayName = z
  .string({ error: 'Directory group name is required' })
  .trim()
  .min(1, 'Directory group name is required')
  .max(200, 'Directory group name is too long (at most 200 characters)');

/** A user's directory groups, by display name, as the identity provider sends them. */
export const setDirectoryGroupsOfInput = z.strictObject({
  userId: recordId('User'),
  displayNames: z.array(displayName, { error: 'Directory groups must be a list of names' }).max(1000, 'Directory groups: at most 1,000'),
});

/** An admin's mapping of one directory group to profiles and, optionally, an agent group placement. */
export const setDirectoryGroupMappingInput = z.strictObject({
  directoryGroupId: recordId('Directory group'),
  profileIds: z.array(recordId('Profiles'), { error: 'Profiles must be a list' }).max(4, 'Profiles: at most four, one per role'),
  agentGroupId: recordId('Agent group').nullable(),
  rowVersion: z.number({ error: 'Version is required' }).int().min(0),
});
