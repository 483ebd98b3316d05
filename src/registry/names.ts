// The naming rule shared by models and aliases: URL- and path-safe, so a name can never escape its
// blob-store prefix (`..` is refused even though each dot alone is allowed); and the rule for free
// text: no control characters, which corrupt logs, terminals and the files clients write.
import { UnprocessableError } from './errors';

export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
export const NAME_RULE = 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters, without ".."';

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name) && !name.includes('..');
}

/** Throws a 422 naming `field` (in the JSON body unless `location` says where else) when `name` breaks the rule. */
export function assertValidName(field: string, name: string, location: 'body' | 'path' | 'multipart' = 'body'): void {
  if (!isValidName(name)) {
    throw new UnprocessableError(`${field} "${name}" is not a valid name: ${NAME_RULE}`, {
      errors: [{ in: location, path: field, message: `must be ${NAME_RULE}` }],
    });
  }
}

/** One-line text: no C0 control (tab and line breaks included), no DEL, no C1 control. The JSON Schema `pattern` too. */
export const SINGLE_LINE_TEXT_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';
/** Multi-line text: the same, except tab, line feed and carriage return. */
export const MULTI_LINE_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$';

export const SINGLE_LINE_TEXT_RULE = 'must not contain control characters (U+0000-U+001F, U+007F-U+009F)';
export const MULTI_LINE_TEXT_RULE = 'must not contain control characters other than tab, line feed and carriage return';

const SINGLE_LINE_TEXT = new RegExp(SINGLE_LINE_TEXT_PATTERN);
const MULTI_LINE_TEXT = new RegExp(MULTI_LINE_TEXT_PATTERN);

/** Whether `text` is one line of text (labels, tags, key names): no control character at all. */
export function isSingleLineText(text: string): boolean {
  return SINGLE_LINE_TEXT.test(text);
}

/** Whether `text` is multi-line text (descriptions): tab, line feed and carriage return allowed, other controls not. */
export function isMultiLineText(text: string): boolean {
  return MULTI_LINE_TEXT.test(text);
}
