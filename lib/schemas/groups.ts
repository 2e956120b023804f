import { z } from 'zod';
import { recordId, requiredName } from './fields';

const groupName = requiredName(100);
/** No parent ("" from a form) is a top-level group. */
const parentId = z.preprocess((v) => (v === '' || v === undefined ? null : v), recordId('Parent group').nullable());
const rowVersion = z.number().int().min(1);

export const createGroupInput = z.strictObject({ name: groupName, parentId });

export const updateGroupInput = z.strictObject({
  id: recordId('Group'),
  rowVersion,
  name: groupName,
  parentId,
  enabled: z.boolean({ error: 'Enabled must be true or false' }),
});

export const deleteGroupInput = z.strictObject({ id: recordId('Group'), rowVersion });
