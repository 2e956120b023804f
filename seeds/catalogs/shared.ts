/**
 * Rows every preset carries beside its own reference. From iAdvize (reference 003): without
 * "Access to user performance data", other users appear as pseudonyms in the audit trail and exports.
 */
export const accessUserPerformanceData = (state: 'on' | 'off') => ({
  key: 'access-user-performance-data',
  name: 'Access to user performance data',
  definition:
    "Allow a user to be able to access other user's data in reports. When switched off, this permission anonymizes data that could lead to identify what a user has done in the system.",
  default: state,
  source: '003',
});
