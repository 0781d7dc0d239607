import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { EvolutionException } from './evolution.exception';
import { createValidationPipe } from './validation.pipe';

class ItemDto {
  @IsInt() @Min(1) quantity: number;
}

class SampleDto {
  @IsOptional() @IsInt() @Min(0) @Max(300_000) delay?: number;
  @IsOptional() @IsNumber() @Min(-90) @Max(90) latitude?: number;
  @IsOptional() @IsInt({ each: true }) @Min(0, { each: true }) retrySchedule?: number[];
  @IsOptional() @IsIn([0, 86400]) expiration?: number;
  @IsOptional() @IsString() text?: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => ItemDto) items?: ItemDto[];
  // range rule written above the type rule: the type failure is still the one reported
  @IsOptional() @Min(1) @IsInt() page?: number;
}

const pipe = createValidationPipe();
const validate = (body: unknown) => pipe.transform(body, { type: 'body', metatype: SampleDto }) as Promise<SampleDto>;
async function messages(body: unknown): Promise<unknown> {
  const err = await validate(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof EvolutionException)) throw new Error(`expected a 400, got ${String(err)}`);
  return err.messages;
}

describe('createValidationPipe', () => {
  it('accepts numbers and numeric strings alike, nested and in arrays', async () => {
    const fromStrings = await validate({ delay: '1200', latitude: '-23.55', retrySchedule: ['5', '300'], expiration: '86400', items: [{ quantity: '2' }] });
    const fromNumbers = await validate({ delay: 1200, latitude: -23.55, retrySchedule: [5, 300], expiration: 86400, items: [{ quantity: 2 }] });
    for (const dto of [fromStrings, fromNumbers]) {
      expect(dto).toMatchObject({ delay: 1200, latitude: -23.55, retrySchedule: [5, 300], expiration: 86400 });
      expect(dto.items![0].quantity).toBe(2);
    }
  });

  it('leaves strings in string properties and odd numerals alone', async () => {
    expect((await validate({ text: '123' })).text).toBe('123');
    expect(await messages({ delay: '' })).toEqual(['delay must be an integer number']);
    expect(await messages({ delay: '1e3' })).toEqual(['delay must be an integer number']);
    expect(await messages({ delay: '0x10' })).toEqual(['delay must be an integer number']);
  });

  it('reports one message per property: its first failing rule', async () => {
    expect(await messages({ delay: 'soon' })).toEqual(['delay must be an integer number']);
    expect(await messages({ delay: '-5' })).toEqual(['delay must not be less than 0']);
    expect(await messages({ delay: 1.5 })).toEqual(['delay must be an integer number']);
    expect(await messages({ page: 'x' })).toEqual(['page must be an integer number']);
    expect(await messages({ latitude: 'north', items: [{ quantity: 0 }] })).toEqual([
      'latitude must be a number conforming to the specified constraints',
      'items.0.quantity: quantity must not be less than 1',
    ]);
  });
});
