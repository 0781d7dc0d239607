import type { PageRequest } from './message-store.types';

/** Positional parameters for a raw query built from optional filters ($1 is always the instance). */
export class SqlParams {
  readonly values: unknown[] = [];
  private readonly conditions: string[] = [];

  constructor(instanceId: string) {
    this.values.push(instanceId);
  }

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Adds `condition(placeholder)` when the value is defined. */
  where<T>(value: T | undefined, condition: (p: string) => string): this {
    if (value !== undefined) this.conditions.push(condition(this.add(value)));
    return this;
  }

  whereSql(first: string): string {
    return [first, ...this.conditions].join(' AND ');
  }
}

export const pageClause = (params: SqlParams, page: PageRequest) =>
  `LIMIT ${params.add(page.pageSize)} OFFSET ${params.add(page.skip ?? (page.page - 1) * page.pageSize)}`;
