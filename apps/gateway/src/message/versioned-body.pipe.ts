import { Body, PipeTransform, Type, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { badRequest, createValidationPipe } from '@gw/common';
import type { Request } from 'express';
import { FormFields, typedFormFields } from './form-fields.util';
import type { Normalized } from './v1-body.normalizer';
import { UPLOAD_FIELD } from './multipart-upload.interceptor';

/** Evolution compat §8: a v1 body is recognised by its `<type>Message` payload or its `options`. */
export function isV1Body(body: unknown, v1Key: string): boolean {
  return !!body && typeof body === 'object' && !Array.isArray(body) && (v1Key in body || 'options' in body);
}

/**
 * Validates the body against the v2 or the v1 DTO, whichever shape it has, so error messages
 * name the fields the client actually sent (`text` vs `textMessage.text`). Multipart bodies
 * are v2 form fields; with a `file` part they are checked against the DTO without its media
 * field (the file is the media).
 */
export class VersionedBodyPipe implements PipeTransform {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly v2: Type,
    private readonly v1: Type,
    private readonly v1Key: string,
    private readonly upload?: MediaUpload,
  ) {}

  transform(value: unknown) {
    if (value instanceof FormFields) return this.form(value);
    const metatype = isV1Body(value, this.v1Key) ? this.v1 : this.v2;
    return this.validation.transform(value ?? {}, { type: 'body', metatype });
  }

  private form({ fields, hasFile }: FormFields) {
    if (isV1Body(fields, this.v1Key)) throw badRequest('multipart/form-data bodies take the v2 fields (number, …) as form fields');
    let metatype = this.v2;
    if (hasFile) {
      if (!this.upload) throw badRequest(`This route takes no "${UPLOAD_FIELD}" part`);
      if (fields[this.upload.field] !== undefined) {
        throw badRequest(`Give the media either as the "${UPLOAD_FIELD}" part or in "${this.upload.field}", not both`);
      }
      metatype = this.upload.withoutField;
    }
    return this.validation.transform(typedFormFields(fields, metatype), { type: 'body', metatype });
  }
}

/** Routes whose media may come as a multipart `file` part instead of the `field` string. */
export interface MediaUpload {
  field: string;
  /** the v2 DTO minus `field` (OmitType) */
  withoutField: Type;
}

/** The two body shapes of one send route, the payload key that marks the v1 one, and how v1 becomes v2. */
export interface BodyShapes<V2 = object, V1 = object> {
  v2: Type<V2>;
  v1: Type<V1>;
  v1Key: string;
  toV2(body: V1): Normalized<V2>;
  upload?: MediaUpload;
}

/** After validation, the one place a v1 body becomes the v2 body handlers work with. */
class ToV2Pipe implements PipeTransform {
  constructor(private readonly shapes: BodyShapes) {}

  transform(value: unknown) {
    return value instanceof this.shapes.v1 ? this.shapes.toV2(value) : value;
  }
}

/** The JSON body, or a multipart body's text fields (with whether a file part came along). */
const RequestBody = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return req.is('multipart/form-data') ? new FormFields({ ...(req.body ?? {}) }, !!req.file) : req.body;
});

/**
 * `@VersionedBody({v2: SendTextDto, v1: SendTextV1Dto, v1Key: 'textMessage', toV2: fromV1.text}) body: Normalized<SendTextDto>`:
 * validated against the shape it has, then always the v2 body. (Typed as an intersection on
 * purpose: a DTO class as the parameter type would have the global pipe validate the raw body as v2 first.)
 */
export const VersionedBody = (shapes: BodyShapes) => {
  const { v2, v1, v1Key, upload } = shapes;
  return upload
    ? RequestBody(new VersionedBodyPipe(v2, v1, v1Key, upload), new ToV2Pipe(shapes))
    : Body(new VersionedBodyPipe(v2, v1, v1Key), new ToV2Pipe(shapes));
};
