import { ValidationOptions, registerDecorator } from 'class-validator';
import { toRecipient } from '../recipient.util';

/** A phone number in digits or a WhatsApp JID, as Evolution's `number` (see recipient.util.ts). */
export function IsRecipient(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isRecipient',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a phone number with country code (digits) or a JID (…@s.whatsapp.net, …@g.us, …@lid)`,
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value === 'string' && toRecipient(value) !== undefined },
    });
}
