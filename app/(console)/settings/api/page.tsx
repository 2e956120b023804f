import type { Metadata } from 'next';
import { openApiDocument } from '@/lib/api/openapi';
import { ApiReference } from '@/components/settings/api-reference';

export const metadata: Metadata = { title: 'API reference' };

/** The API's reference, rendered from the OpenAPI document it serves (public, like the document). */
export default function ApiReferencePage() {
  return <ApiReference doc={openApiDocument()} />;
}
