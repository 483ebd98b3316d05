// The naming rule shared by models and aliases: URL- and path-safe, so a name can never escape its
// blob-store prefix (`..` is refused even though each dot alone is allowed).
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
