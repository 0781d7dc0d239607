import type { Type } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { getMetadataStorage } from 'class-validator';

const NUMERIC_RULES = new Set(['isInt', 'isNumber', 'min', 'max']);
const NUMERIC_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/** Marks a body that came as multipart form fields (all text) rather than JSON. */
export class FormFields {
  constructor(
    readonly fields: Record<string, unknown>,
    /** a `file` part came with them */
    readonly hasFile: boolean,
  ) {}
}

/**
 * Form fields are text; the DTO's rules say what each should be. `delay=1200` -> 1200,
 * `allContacts=true` -> true, `statusJidList=5511…` (or the field repeated, or `[…]` JSON) ->
 * an array, `quoted={"key":{…}}` -> an object. Whatever does not fit is left for the rules to
 * reject with their usual message; malformed JSON is a 400 naming the field.
 */
export function typedFormFields(fields: Record<string, unknown>, dto: Type): Record<string, unknown> {
  const rules = new Map<string, { names: Set<string>; nested: boolean }>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false)) {
    const entry = rules.get(m.propertyName) ?? { names: new Set<string>(), nested: false };
    if (m.name) entry.names.add(m.name);
    if (m.type === 'nestedValidation') entry.nested = true;
    rules.set(m.propertyName, entry);
  }
  const typed: Record<string, unknown> = { ...fields };
  for (const [key, value] of Object.entries(fields)) {
    const rule = rules.get(key);
    if (!rule) continue;
    if (typeof value === 'string' && (rule.nested || rule.names.has('isArray') || rule.names.has('isObject')) && /^\s*[[{]/.test(value)) {
      try {
        typed[key] = JSON.parse(value);
      } catch {
        throw badRequest(`${key}: not valid JSON`);
      }
      continue;
    }
    if (rule.names.has('isArray')) {
      typed[key] = Array.isArray(value) ? value : [value];
    } else if (rule.names.has('isBoolean') && typeof value === 'string' && value.toLowerCase() in BOOLEAN_TEXT) {
      typed[key] = BOOLEAN_TEXT[value.toLowerCase()];
    } else if ([...rule.names].some((n) => NUMERIC_RULES.has(n)) && typeof value === 'string' && NUMERIC_TEXT.test(value)) {
      typed[key] = Number(value);
    }
  }
  return typed;
}
