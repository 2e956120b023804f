import 'server-only';
import { evaluateAccess, evaluateAccessBatch, searchActions, searchResources, searchSubjects, type SearchPage } from '@/lib/dal/authzen';
import { authzenEndpoint, authzenJson, originOf, requestIdOf, type AuthzenCall } from './http';
import {
  actionSearchRequest,
  encodePageToken,
  evaluationRequest,
  fingerprintOf,
  pageOf,
  parseOr400,
  readEvaluations,
  resourceSearchRequest,
  subjectSearchRequest,
} from './request';

/** The Authorization API's paths (the specification's defaults). */
export const AUTHZEN_PATHS = {
  access_evaluation_endpoint: '/access/v1/evaluation',
  access_evaluations_endpoint: '/access/v1/evaluations',
  search_subject_endpoint: '/access/v1/search/subject',
  search_resource_endpoint: '/access/v1/search/resource',
  search_action_endpoint: '/access/v1/search/action',
} as const;

/** Up to 1,000 evaluations: the same as /api/v1/authorize's body limit. */
const BATCH_BODY_LIMIT = 256 * 1024;

export const evaluationEndpoint = authzenEndpoint(({ ctx, body }) => evaluateAccess({ ctx, query: parseOr400(evaluationRequest, body) }));

/** Without `evaluations` (or with none) it is the single evaluation, answered as one. */
export const evaluationsEndpoint = authzenEndpoint(
  ({ ctx, body }) => {
    const batch = readEvaluations(body);
    if (!batch) return evaluateAccess({ ctx, query: parseOr400(evaluationRequest, body) });
    return { evaluations: evaluateAccessBatch({ ctx, ...batch }) };
  },
  { maxBodyBytes: BATCH_BODY_LIMIT },
);

/** A search's answer: the page object first (as the specification recommends), then the results. */
function searchAnswer<T>(found: SearchPage<T>, limit: number, fingerprint: string) {
  return {
    page: {
      next_token: found.next === null ? '' : encodePageToken(found.next, limit, fingerprint),
      count: found.results.length,
      ...(found.total === undefined ? {} : { total: found.total }),
    },
    results: found.results,
  };
}

function search<Q extends { page?: { token?: string; limit?: number } }>(
  scope: string,
  read: (body: unknown) => Q,
  run: (call: AuthzenCall, query: Q, page: { after: number | null; limit: number }) => SearchPage<unknown>,
) {
  return authzenEndpoint((call) => {
    const query = read(call.body);
    const { page: requested, ...entities } = query;
    const fingerprint = fingerprintOf(scope, call.keyId, entities);
    const page = pageOf(requested, fingerprint);
    return searchAnswer(run(call, query, page), page.limit, fingerprint);
  });
}

export const subjectSearchEndpoint = search(
  'subject',
  (body) => parseOr400(subjectSearchRequest, body),
  ({ ctx }, query, page) => searchSubjects({ ctx, query, page }),
);

export const resourceSearchEndpoint = search(
  'resource',
  (body) => parseOr400(resourceSearchRequest, body),
  ({ ctx }, query, page) => searchResources({ ctx, query, page }),
);

export const actionSearchEndpoint = search(
  'action',
  (body) => parseOr400(actionSearchRequest, body),
  ({ ctx }, query, page) => searchActions({ ctx, query, page }),
);

/**
 * `GET /.well-known/authzen-configuration`: the PDP metadata, its identifier the origin it was
 * fetched from and every endpoint an absolute URL under it. Public: it names only paths.
 */
export function configurationEndpoint(request: Request): Response {
  const origin = originOf(request);
  const endpoints = Object.fromEntries(Object.entries(AUTHZEN_PATHS).map(([k, path]) => [k, `${origin}${path}`]));
  return authzenJson({ policy_decision_point: origin, ...endpoints }, requestIdOf(request));
}
