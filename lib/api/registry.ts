import 'server-only';
import { handlersFor, type Operation } from './operation';
import { userOperations } from './operations/users';
import { decisionOperations, profileOperations, roleOperations } from './operations/access';
import { groupOperations, skillOperations } from './operations/directory';

/** Every operation of /api/v1: the route files serve them, the OpenAPI document describes them. */
export const OPERATIONS: readonly Operation[] = [
  ...decisionOperations,
  ...userOperations,
  ...profileOperations,
  ...roleOperations,
  ...groupOperations,
  ...skillOperations,
];

/** A route file's exports: `export const { GET, POST, PATCH, DELETE } = apiRoute('/users/{id}')`. */
export const apiRoute = (path: string) => handlersFor(OPERATIONS, path);
