import { ApiError, errorResponse } from '@/lib/api/http';

/** Anything else under /api/v1 answers in the API's own error shape, not with an HTML page. */
function notFound(request: Request) {
  const { pathname } = new URL(request.url);
  return errorResponse(new ApiError('not-found', `There is no ${request.method} ${pathname}; see /api/v1/openapi.json.`));
}

export { notFound as GET, notFound as POST, notFound as PATCH, notFound as PUT, notFound as DELETE };
