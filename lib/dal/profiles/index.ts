import 'server-only';

// lib/dal/profiles: the profile verbs: reads, the impact preview, writes. This is the public face.
export {
  listProfiles,
  profileRoleChoices,
  getProfile,
  newProfileDraft,
  compareProfiles,
  profileVersionDiff,
  type ProfileSummary,
  type ProfileDetail,
  type ChannelOption,
  type ProfilePermissionRow,
  type ComparisonRow,
} from './read';
export { previewProfileChange, type ProfileImpact } from './impact';
export { createProfile, duplicateProfile, saveProfile, rollbackProfile, applyProfileToAll, deleteProfile } from './write';
