import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { FindChatsDto } from './find-chats.dto';
import { FindContactsDto } from './find-contacts.dto';
import { FindMessagesDto } from './find-messages.dto';

/** Property paths of every failure (nested ones as where.messageTimestamp.gte). */
function failing<T extends object>(cls: new () => T, body: object): string[] {
  const paths = (errors: ValidationError[], parent = ''): string[] =>
    errors.flatMap((e) => {
      const path = parent ? `${parent}.${e.property}` : e.property;
      return [...(e.constraints ? [path] : []), ...paths(e.children ?? [], path)];
    });
  return paths(validateSync(plainToInstance(cls, body)));
}

describe('find route paging and timestamp bounds', () => {
  it('rejects page numbers, skips and timestamps Postgres cannot take as BIGINT (they were 500s)', () => {
    expect(failing(FindMessagesDto, { page: 1e20 })).toEqual(['page']);
    expect(failing(FindContactsDto, { page: 1e17, offset: 1000 })).toEqual(['page']);
    expect(failing(FindChatsDto, { skip: 1e19 })).toEqual(['skip']);
    expect(failing(FindMessagesDto, { where: { messageTimestamp: { gte: 1e30 } } })).toEqual(['where.messageTimestamp.gte']);
    expect(failing(FindChatsDto, { where: { messageTimestamp: { lte: '99999999999999999999999' } } })).toEqual(['where.messageTimestamp.lte']);
  });

  it('still accepts deep pages, millisecond timestamps and ISO dates', () => {
    expect(failing(FindMessagesDto, { page: 500_000, offset: 1000, where: { messageTimestamp: { gte: 1_717_689_097_000, lte: '2030-01-01' } } })).toEqual([]);
    expect(failing(FindChatsDto, { take: 10, skip: 123_456_789 })).toEqual([]);
  });
});
