import { ValidationOptions, registerDecorator } from 'class-validator';

export const INSTANCE_NAME_MAX_CHARS = 100;

/**
 * Why a name is refused, or undefined when it is fine. A name travels in URL paths
 * (/instance/connect/<name>, percent-encoded or not, through proxies and n8n) and in log
 * lines, so anything that changes the path's meaning or a log line's layout is refused;
 * letters of any script, digits, spaces inside, `-`, `_`, `.` and `@` stay valid.
 */
export function instanceNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.trim() === '') return 'must not be only spaces';
  if (/^\s|\s$/u.test(name)) return 'must not start or end with a space';
  // A dot segment is resolved away by every URL parser (even written as %2E), so the route never sees it.
  if (name === '.' || name === '..') return 'must not be . or .. (URL dot segments)';
  // `%` too: clients that do not encode the name would send an escape that decodes to another name.
  if (/[/?#%\\]/.test(name)) return 'must not contain / ? # % or \\ (they change the URL path)';
  // C0, DEL, C1 (NEL included) and the Unicode line/paragraph separators split or corrupt log lines.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(name)) return 'must not contain control characters or line breaks';
  // Overrides and isolates reorder the text around them (a name could display as another).
  if (/[\u202a-\u202e\u2066-\u2069]/u.test(name)) return 'must not contain bidirectional override or isolate characters';
  // With the u flag a surrogate pair is one code point, so only unpaired halves match.
  if (/[\ud800-\udfff]/u.test(name)) return 'must not contain unpaired surrogates (invalid Unicode)';
  if ([...name].length > INSTANCE_NAME_MAX_CHARS) return `must be at most ${INSTANCE_NAME_MAX_CHARS} characters`;
  return undefined;
}

/** instanceName rules (see instanceNameProblem); the message names the field and the reason. */
export function IsInstanceName(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstanceName',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && instanceNameProblem(value) === undefined,
        defaultMessage: (args) =>
          `${args?.property} ${typeof args?.value === 'string' ? instanceNameProblem(args.value) : 'must be a string'}`,
      },
    });
}
