import { Client } from 'pg';
import { pgArray } from './pg-array.util';

/** Postgres itself parses each literal back: what it returns must be what went in. */
describe('pgArray', () => {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  const roundTrip = async (cast: string, values: unknown[]) => (await client.query(`SELECT $1::${cast} AS a`, [pgArray(values as never)])).rows[0].a;

  it('texts come back exactly, whatever they hold', async () => {
    const texts = ['plain', '', ' padded ', 'NULL', 'null', 'a,b', '{x}', 'quote " inside', 'back\\slash', '\\"', 'line\nbreak', 'tab\t', 'ünïcödé ✓ 🙂', '"', '\\'];
    expect(await roundTrip('text[]', texts)).toEqual(texts);
    expect(await roundTrip('varchar[]', texts)).toEqual(texts);
  });

  it('null and undefined are NULL, the text "NULL" is not', async () => {
    expect(await roundTrip('text[]', [null, 'NULL', undefined, 'x'])).toEqual([null, 'NULL', null, 'x']);
  });

  it('numbers, bigints, booleans, uuids and timestamps as their types', async () => {
    expect(await roundTrip('int[]', [1, -2, null, 2147483647])).toEqual([1, -2, null, 2147483647]);
    expect(await roundTrip('bigint[]', [9007199254740993n, null, '42'])).toEqual(['9007199254740993', null, '42']);
    expect(await roundTrip('bool[]', [true, false, null])).toEqual([true, false, null]);
    const uuid = '6f1c2d3e-4b5a-4c6d-8e7f-901234567890';
    expect(await roundTrip('uuid[]', [uuid, null])).toEqual([uuid, null]);
    const at = new Date('2026-12-06T20:00:00.123Z');
    const [back] = await roundTrip('timestamptz(3)[]', [at.toISOString()]);
    expect((back as Date).getTime()).toBe(at.getTime());
  });

  it('an empty list is an empty array', async () => {
    expect(await roundTrip('text[]', [])).toEqual([]);
  });
});
