// The fencing token as node routes take it: a JSON field of their writes, or a header of their raw uploads and downloads.
import { z } from '@hono/zod-openapi';
import { integerParam } from './schemas';

export const FENCING_TOKEN_HEADER = 'Distillery-Fencing-Token';

const FENCING_TOKEN_DESCRIPTION = 'The fencing token the node claimed the run with; a stale one is refused (409 `stale-lease`).';

/** In a JSON body. */
export const FencingTokenSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: FENCING_TOKEN_DESCRIPTION, example: 7 });

/** As a request header. */
export const fencingTokenHeader = integerParam({ min: 0, max: Number.MAX_SAFE_INTEGER }).openapi({
  param: { name: FENCING_TOKEN_HEADER, in: 'header', required: true },
  description: FENCING_TOKEN_DESCRIPTION,
  example: 7,
});
