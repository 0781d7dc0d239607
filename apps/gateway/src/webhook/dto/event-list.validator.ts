import { ValidationOptions, registerDecorator } from 'class-validator';
import { EVENT_NAMES, parseEventName } from '@gw/events';

/** A list of subscription names from the catalogue (legacy aliases such as GROUP_UPDATE accepted). */
export function IsEventList(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isEventList',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) && value.every((v) => typeof v === 'string' && parseEventName(v) !== undefined),
        defaultMessage: (args) => {
          const bad = Array.isArray(args?.value)
            ? args.value.filter((v: unknown) => typeof v !== 'string' || !parseEventName(v))
            : [args?.value];
          return `${args?.property} contains unknown events (${bad.join(', ')}); valid events: ${EVENT_NAMES.join(', ')}`;
        },
      },
    });
}
