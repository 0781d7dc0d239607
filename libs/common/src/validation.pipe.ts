import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { badRequest } from './evolution.exception';
import { coerceNumericStrings } from './numeric-string.util';

/** Checks of what a value is; when one fails, the range/format rules after it say nothing new. */
const TYPE_RULES = new Set(['isDefined', 'isString', 'isNumber', 'isInt', 'isBoolean', 'isArray', 'isObject', 'isDate', 'isEnum', 'isIn']);

/**
 * One message per property: its first failing rule, not "must be a number", "must not be less
 * than 1" and "must be an integer" at once. class-validator lists the rules bottom-up, so the
 * list is reversed to read as written; a failed type check goes first wherever it was written.
 */
function firstMessage(constraints: Record<string, string> | undefined): string | undefined {
  const rules = Object.keys(constraints ?? {}).reverse();
  const rule = rules.find((r) => TYPE_RULES.has(r)) ?? rules[0];
  return rule === undefined ? undefined : constraints![rule];
}

function collect(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const m = firstMessage(e.constraints);
    const own = m === undefined ? [] : [m.includes(path) ? m : `${path}: ${m}`];
    return [...own, ...collect(e.children ?? [], path)];
  });
}

/** Numeric strings become numbers (see coerceNumericStrings) just before the rules run. */
class GatewayValidationPipe extends ValidationPipe {
  protected override validate(object: object, options?: ValidatorOptions) {
    coerceNumericStrings(object);
    return super.validate(object, options);
  }
}

/**
 * Evolution accepts unknown properties, so we strip them (whitelist) instead of rejecting.
 * Every failure names the field, in Evolution's 400 envelope.
 */
export function createValidationPipe(): ValidationPipe {
  return new GatewayValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    exceptionFactory: (errors) => badRequest(...collect(errors)),
  });
}
