import { Body, PipeTransform, Type } from '@nestjs/common';
import { createValidationPipe } from '@gw/common';

/** Evolution compat §8: a v1 body is recognised by its `<type>Message` payload or its `options`. */
export function isV1Body(body: unknown, v1Key: string): boolean {
  return !!body && typeof body === 'object' && !Array.isArray(body) && (v1Key in body || 'options' in body);
}

/**
 * Validates the body against the v2 or the v1 DTO, whichever shape it has, so error messages
 * name the fields the client actually sent (`text` vs `textMessage.text`).
 */
export class VersionedBodyPipe implements PipeTransform {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly v2: Type,
    private readonly v1: Type,
    private readonly v1Key: string,
  ) {}

  transform(value: unknown) {
    const metatype = isV1Body(value, this.v1Key) ? this.v1 : this.v2;
    return this.validation.transform(value ?? {}, { type: 'body', metatype });
  }
}

/** The two body shapes of one send route, and the payload key that marks the v1 one. */
export interface BodyShapes {
  v2: Type;
  v1: Type;
  v1Key: string;
}

/** `@VersionedBody({v2: SendTextDto, v1: SendTextV1Dto, v1Key: 'textMessage'}) body: SendTextDto | SendTextV1Dto` */
export const VersionedBody = ({ v2, v1, v1Key }: BodyShapes) => Body(new VersionedBodyPipe(v2, v1, v1Key));
