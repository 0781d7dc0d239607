import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest } from './evolution.exception';

function collect(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.includes(path) ? m : `${path}: ${m}`));
    return [...own, ...collect(e.children ?? [], path)];
  });
}

/**
 * Evolution accepts unknown properties, so we strip them (whitelist) instead of rejecting.
 * Every failure names the field, in Evolution's 400 envelope.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    exceptionFactory: (errors) => badRequest(...collect(errors)),
  });
}
