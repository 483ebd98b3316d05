// Schemas shared by several route modules: names, version numbers and refs, pagination, tags.
import { z } from '@hono/zod-openapi';
import { isValidName, NAME_RULE } from '../registry/names';
import { MAX_VERSION_NUMBER } from '../registry/version-refs';

/** A model or alias name; `..` is refused so no name can escape its storage prefix. */
export const NameSchema = z
  .string()
  .refine(isValidName, { message: `must be ${NAME_RULE}` })
  .openapi({ description: `Unique name: ${NAME_RULE}.`, example: 'mnist-teacher' });

/** A version number as stored: 1 to 2^31-1. */
export const VersionNumberSchema = z.number().int().min(1).max(MAX_VERSION_NUMBER);

const VERSION_REF_RULE = `must be a version number (1-${MAX_VERSION_NUMBER}) or an alias name`;

/** A version as callers name it: a number within range (`3`), an alias, or `latest`. */
export function isVersionRef(ref: string | number): boolean {
  if (typeof ref === 'number') return VersionNumberSchema.safeParse(ref).success;
  return /^\d+$/.test(ref) ? /^\d{1,10}$/.test(ref) && isVersionRef(Number(ref)) : isValidName(ref);
}

/** A version ref in a path: digits (within range) or an alias name. */
export const VersionRefSchema = z.string().refine(isVersionRef, { message: VERSION_REF_RULE });

/** A version ref in a JSON body: a number or a string (digits or an alias name). */
export const VersionRefValueSchema = z.union([z.number(), z.string()]).refine(isVersionRef, { message: VERSION_REF_RULE });

export const TagsSchema = z
  .record(z.string().min(1).max(128), z.string().max(1024))
  .openapi({ description: 'Free-form string labels.', example: { team: 'vision' } });

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: 'Page size (1-500).', example: 50 }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ description: 'Items to skip.', example: 0 }),
});

export function pageEnvelope<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
    .openapi(name);
}

export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
