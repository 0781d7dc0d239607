import { ValidationOptions, registerDecorator } from 'class-validator';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** One emoji (a single grapheme, ZWJ sequences and flags included), or '' to remove a reaction. */
export function isReaction(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (value === '') return true;
  const graphemes = [...segmenter.segment(value)];
  return graphemes.length === 1 && EMOJI.test(value);
}

export function IsReaction(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isReaction',
      target: target.constructor,
      propertyName,
      options: { message: 'Reaction must be a single emoji or empty string', ...options },
      validator: { validate: isReaction },
    });
}
