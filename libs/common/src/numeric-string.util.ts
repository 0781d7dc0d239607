import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** Rules that only a number can pass: a property carrying one of them expects a number. */
const NUMERIC_RULES = new Set(['isInt', 'isNumber', 'min', 'max', 'isPositive', 'isNegative', 'isDivisibleBy']);
const NESTED = 'nestedValidation';
/** Plain decimal notation only: "1200", "-23.55". Not "", "0x10", "1e3" or "Infinity". */
const NUMERIC_STRING = /^\s*-?\d+(\.\d+)?\s*$/;

/** `@IsIn([0, 86400, …])`: a choice among numbers expects a number as much as `@IsInt()` does. */
const isNumericChoice = (r: ValidationMetadata) =>
  r.name === 'isIn' && Array.isArray(r.constraints?.[0]) && (r.constraints[0] as unknown[]).every((c) => typeof c === 'number');

const toNumber = (v: unknown) => (typeof v === 'string' && NUMERIC_STRING.test(v) ? Number(v) : v);

function rulesByProperty(target: object): Map<string, ValidationMetadata[]> {
  const rules = new Map<string, ValidationMetadata[]>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', false, false)) {
    rules.set(m.propertyName, [...(rules.get(m.propertyName) ?? []), m]);
  }
  return rules;
}

/**
 * n8n and other clients send numbers both as 1200 and as "1200" (query strings always as
 * text). Every DTO accepts both the same way: a numeric string in a property whose rules
 * expect a number (IsInt, IsNumber, Min, …; `each` for arrays) becomes that number, in place,
 * nested DTOs included, before validation. Anything else is left for the rules to reject.
 */
export function coerceNumericStrings(dto: unknown): void {
  if (!dto || typeof dto !== 'object' || dto.constructor === Object || Array.isArray(dto)) return;
  const record = dto as Record<string, unknown>;
  for (const [property, rules] of rulesByProperty(dto)) {
    const value = record[property];
    const numeric = rules.filter((r) => NUMERIC_RULES.has(r.name ?? r.type) || isNumericChoice(r));
    if (numeric.length) {
      record[property] = Array.isArray(value) && numeric.some((r) => r.each) ? value.map(toNumber) : toNumber(value);
    }
    if (rules.some((r) => r.type === NESTED)) {
      for (const child of Array.isArray(value) ? value : [value]) coerceNumericStrings(child);
    }
  }
}
