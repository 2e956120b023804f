import { z } from 'zod';
import { recordId, requiredName } from './fields';

const skillName = requiredName(100);
/** Skills had no version check in the console; the API names the version it read (If-Match). */
const optionalVersion = z.number({ error: 'Version must be a number' }).int().min(1).optional();

export const createSkillInput = z.strictObject({ name: skillName });

export const renameSkillInput = z.strictObject({ id: recordId('Skill'), name: skillName, rowVersion: optionalVersion });

export const deleteSkillInput = z.strictObject({ id: recordId('Skill'), removeFromAgents: z.boolean().default(false), rowVersion: optionalVersion });
