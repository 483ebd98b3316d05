// Schemas shared by several route modules: names, pagination, tags.
import { z } from '@hono/zod-openapi';
import { NAME_PATTERN, NAME_RULE } from '../registry/names';

/** A model or alias name; `..` is refused so no name can escape its storage prefix. */
export const NameSchema = z
  .string()
  .regex(NAME_PATTERN, `must be ${NAME_RULE}`)
  .refine((name) => !name.includes('..'), { message: 'must not contain ".."' })
  .openapi({ description: `Unique name: ${NAME_RULE}.`, example: 'mnist-teacher' });

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
