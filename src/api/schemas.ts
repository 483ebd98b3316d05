// Schemas shared by several route modules: names, one-line and multi-line text, strict integer
// parameters, version numbers and refs, pagination, tags.
import { z } from '@hono/zod-openapi';
import {
  isMultiLineText,
  isSingleLineText,
  isValidName,
  MULTI_LINE_TEXT_PATTERN,
  MULTI_LINE_TEXT_RULE,
  NAME_RULE,
  SINGLE_LINE_TEXT_PATTERN,
  SINGLE_LINE_TEXT_RULE,
} from '../registry/names';
import { MAX_VERSION_NUMBER } from '../registry/version-refs';

/** A model or alias name; `..` is refused so no name can escape its storage prefix. */
export const NameSchema = z
  .string()
  .refine(isValidName, { message: `must be ${NAME_RULE}` })
  .openapi({ description: `Unique name: ${NAME_RULE}.`, example: 'mnist-teacher' });

/**
 * One-line text (task, labels, tag keys and values, key names, run ids…) of `min`-`max` characters:
 * no C0 control, DEL or C1 control, so nothing can break a log line, a terminal or a CSV row.
 */
export function singleLineText(range: { min?: number; max: number }) {
  const text = range.min === undefined ? z.string() : z.string().min(range.min);
  return text
    .max(range.max)
    .refine(isSingleLineText, { message: SINGLE_LINE_TEXT_RULE })
    .openapi({ pattern: SINGLE_LINE_TEXT_PATTERN });
}

/** Multi-line text (descriptions) of at most `max` characters: tab, line feed and carriage return allowed, other controls not. */
export function multiLineText(max: number) {
  return z.string().max(max).refine(isMultiLineText, { message: MULTI_LINE_TEXT_RULE }).openapi({ pattern: MULTI_LINE_TEXT_PATTERN });
}

/** An integer as a path or query parameter may write it: canonical decimal, no sign, no leading zeros but "0" itself. */
const CANONICAL_INTEGER = /^(0|[1-9]\d*)$/;

/** Whether `text` is the canonical decimal of an integer from `min` to `max`: `1`, not `01`, `+1`, `1.0`, `1e0`, `0x1` or ` 1`. */
function isCanonicalInteger(text: string, min: number, max: number): boolean {
  if (!CANONICAL_INTEGER.test(text)) return false;
  const value = Number(text);
  return value >= min && value <= max;
}

/**
 * The one parser of numeric path and query parameters: canonical decimal within `min`-`max`, else a
 * 422 naming the parameter; JavaScript's `Number()` (hex, exponents, signs, spaces) never decides.
 * Declared in the spec as an integer with its bounds.
 * @example z.object({ depth: integerParam({ min: 1, max: 10 }).default(3) })
 */
export function integerParam(range: { min: number; max: number }) {
  const { min, max } = range;
  return z
    .string()
    .refine((text) => isCanonicalInteger(text, min, max), {
      message: `must be a decimal integer from ${min} to ${max}, without sign, spaces, leading zeros, fraction or exponent`,
    })
    .transform(Number)
    .openapi({ type: 'integer', minimum: min, maximum: max });
}

/** A version number as stored: 1 to 2^31-1. */
export const VersionNumberSchema = z.number().int().min(1).max(MAX_VERSION_NUMBER);

const VERSION_REF_RULE = `must be a version number (a decimal integer from 1 to ${MAX_VERSION_NUMBER}, without sign or leading zeros) or an alias name that does not read as a number`;

/**
 * Whether `text` reads as a number to a lax parser (`Number()`: ` 1`, `+1`, `1.0`, `1e0`, `0x1`, `01`).
 * Such text is never an alias name, so `1.0` cannot pass for version 1 nor for an alias.
 */
function readsAsNumber(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

/** A version as callers name it: a number within range (`3`), an alias, or `latest`. */
export function isVersionRef(ref: string | number): boolean {
  if (typeof ref === 'number') return VersionNumberSchema.safeParse(ref).success;
  return readsAsNumber(ref) ? isCanonicalInteger(ref, 1, MAX_VERSION_NUMBER) : isValidName(ref);
}

/** An alias name: a valid name that does not read as a number (it would be taken for a version). */
export const AliasNameSchema = NameSchema.refine((name) => !readsAsNumber(name), { message: 'must not read as a number' });

/** A version ref in a path: digits (within range) or an alias name. */
export const VersionRefSchema = z.string().refine(isVersionRef, { message: VERSION_REF_RULE });

/** A version ref in a JSON body: a number or a string (digits or an alias name). */
export const VersionRefValueSchema = z.union([z.number(), z.string()]).refine(isVersionRef, { message: VERSION_REF_RULE });

const isPlainObject = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

/**
 * A JSON object whose keys match `key` and values `value`, keeping every key: zod's own record assigns
 * keys one by one, so `__proto__` is silently dropped (and its value never checked). The result is
 * built with Object.fromEntries, which defines `__proto__` as an own key like any other (a
 * null-prototype object would do too, but drizzle cannot bind one). `spec` describes it in the OpenAPI document.
 */
export function recordOf<V extends z.ZodType>(
  key: z.ZodType<string>,
  value: V,
  spec: { additionalProperties: Record<string, unknown>; propertyNames?: Record<string, unknown> },
) {
  return z
    .custom<Record<string, unknown>>(isPlainObject, { message: 'must be an object' })
    .transform((input, ctx) => {
      const output: [string, z.output<V>][] = [];
      for (const [name, item] of Object.entries(input)) {
        const checkedKey = key.safeParse(name);
        if (!checkedKey.success) {
          for (const issue of checkedKey.error.issues) ctx.addIssue({ code: 'custom', message: `key ${issue.message}`, path: [name] });
        }
        const checked = value.safeParse(item);
        if (checked.success) output.push([name, checked.data]);
        else for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [name, ...issue.path] });
      }
      return Object.fromEntries(output) as Record<string, z.output<V>>;
    })
    .openapi({ type: 'object', ...spec });
}

/** A key of tags or metrics: one-line text of 1-128 characters. */
export const RecordKeySchema = singleLineText({ min: 1, max: 128 });
/** RecordKeySchema as JSON Schema, for a recordOf's `propertyNames`. */
export const RECORD_KEY_SPEC = { minLength: 1, maxLength: 128, pattern: SINGLE_LINE_TEXT_PATTERN };

const TAG_VALUE = { maxLength: 1024 };

export const TagsSchema = recordOf(RecordKeySchema, singleLineText({ max: TAG_VALUE.maxLength }), {
  additionalProperties: { type: 'string', ...TAG_VALUE, pattern: SINGLE_LINE_TEXT_PATTERN },
  propertyNames: RECORD_KEY_SPEC,
}).openapi({ description: 'Free-form string labels.', example: { team: 'vision' } });

export const PageQuerySchema = z.object({
  limit: integerParam({ min: 1, max: 500 }).default(50).openapi({ description: 'Page size (1-500).', example: 50 }),
  offset: integerParam({ min: 0, max: Number.MAX_SAFE_INTEGER }).default(0).openapi({ description: 'Items to skip.', example: 0 }),
});

export function pageEnvelope<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
    .openapi(name);
}

/** A sha256 as the API writes them: 64 lowercase hex digits. */
export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
