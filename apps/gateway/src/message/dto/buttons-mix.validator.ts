import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

/** Evolution's rules for mixing button types; undefined when the list is fine. */
export function buttonMixProblem(buttons: { type?: string }[]): string | undefined {
  const types = buttons.map((b) => b.type);
  const replies = types.filter((t) => t === 'reply').length;
  const pix = types.filter((t) => t === 'pix').length;
  if (replies && replies > 3) return 'Maximum of 3 reply buttons allowed';
  if (replies && replies !== types.length) return 'Reply buttons cannot be mixed with other button types';
  if (pix && types.length > 1) return pix > 1 ? 'Only one PIX button is allowed' : 'PIX button cannot be mixed with other button types';
  return undefined;
}

@ValidatorConstraint({ name: 'buttonMix' })
export class ButtonMix implements ValidatorConstraintInterface {
  validate(buttons: unknown) {
    return !Array.isArray(buttons) || !buttonMixProblem(buttons as { type?: string }[]);
  }

  defaultMessage(args: ValidationArguments) {
    return `buttons: ${buttonMixProblem(args.value as { type?: string }[]) ?? 'invalid combination of button types'}`;
  }
}
