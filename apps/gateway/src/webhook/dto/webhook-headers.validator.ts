import { ValidationOptions, registerDecorator } from 'class-validator';
import { webhookHeadersProblems } from '@gw/delivery';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

/**
 * `headers` of a webhook: an object of sendable custom headers (see webhookHeaderProblem).
 * Refused here, a bad header is a 400 naming it; stored, it would fail every delivery.
 */
export function IsWebhookHeaders(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isWebhookHeaders',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isPlainObject(value) && webhookHeadersProblems(value).length === 0,
        defaultMessage: (args) =>
          isPlainObject(args?.value) ? webhookHeadersProblems(args.value).join('; ') : 'must be an object of header names to values',
      },
    });
}
