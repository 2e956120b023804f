import { z } from 'zod';

/**
 * The shape of a catalog as written in seeds/catalogs. Checked with zod when loaded
 * (see loadCatalog), so a bad entry stops start-up with a message that names it.
 */
const key = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a key is lower-case words joined by "-"');

export const featureSchema = z.strictObject({
  key,
  name: z.string().min(1),
  description: z.string().min(1),
  enabledByDefault: z.boolean(),
});

/** The verbs a section's granular permissions gate (Aivo Live's "Users: create"). */
export const VERBS = ['view', 'edit', 'create', 'delete'] as const;
export type Verb = (typeof VERBS)[number];

export const permissionMetaSchema = z.strictObject({
  category: z.string().min(1),
  /** An account feature this permission depends on: while the feature is off, nobody has it. */
  feature: key.optional(),
  /**
   * A granular permission: holding `permission` lets one do `verb` in its section only with this
   * one too. Every role row of a granular permission requires its section.
   */
  gates: z.strictObject({ permission: key, verb: z.enum(VERBS) }).optional(),
  /**
   * Console permissions that cover this narrower one when held account-wide: "Manage users and
   * roles" covers "Manage agent users in group", so an admin may give it though his role lacks it.
   */
  coveredBy: z.array(key).optional(),
});

export const defaultStateSchema = z.enum(['on', 'off', 'account']);

export const levelSchema = z.enum(['none', 'view', 'manage-conversations', 'manage-settings']);

export const channelSchema = z.strictObject({
  key,
  name: z.string().min(1),
  children: z.array(z.strictObject({ key, name: z.string().min(1) })).default([]),
});

export const rolePermissionSchema = z.strictObject({
  key,
  name: z.string().min(1),
  definition: z.string().min(1),
  default: defaultStateSchema,
  /** For default "account": the account feature that decides it. */
  accountFeature: key.optional(),
  requires: z.array(key).optional(),
  /** The reference a row comes from when it is not the preset's own document (e.g. "003" for iAdvize). */
  source: z.string().optional(),
  /** Exclusive to this role (Aivo's Administrator): custom roles do not inherit it, no override grants it. */
  exclusive: z.boolean().optional(),
});

export const corePermissionSchema = z.strictObject({ key, name: z.string().min(1) });

export const roleSchema = z.strictObject({
  key,
  name: z.string().min(1),
  rank: z.number().int().min(1),
  /**
   * Where the role's management permissions reach: the whole account, or only the subtree of
   * the groups the user manages (LivePerson's agent managers).
   */
  scope: z.enum(['account', 'managed-groups']),
  /** Users of this role handle conversations: max concurrent chats and skills apply to them. */
  handlesConversations: z.boolean().default(false),
  core: z.array(corePermissionSchema),
  permissions: z.array(rolePermissionSchema).min(1),
  /** Default level per channel for the role's new profiles; a sub-channel left out follows its main channel. */
  channelDefaults: z.record(key, levelSchema).default({}),
});

export const catalogSchema = z.strictObject({
  preset: key,
  title: z.string().min(1),
  features: z.array(featureSchema),
  permissions: z.record(key, permissionMetaSchema),
  /** Main channels with their sub-channels. */
  channels: z.array(channelSchema).default([]),
  roles: z.array(roleSchema).min(1),
});

export type CatalogInput = z.input<typeof catalogSchema>;
export type DefaultState = z.infer<typeof defaultStateSchema>;
