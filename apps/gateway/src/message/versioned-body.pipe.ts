import { Body, PipeTransform, Type, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { badRequest, createValidationPipe } from '@gw/common';
import type { Request } from 'express';
import { FormFields, typedFormFields } from './form-fields.util';
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

/** The two body shapes of one send route, and the payload key that marks the v1 one. */
export interface BodyShapes {
  v2: Type;
  v1: Type;
  v1Key: string;
  upload?: MediaUpload;
}

/** The JSON body, or a multipart body's text fields (with whether a file part came along). */
const RequestBody = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return req.is('multipart/form-data') ? new FormFields({ ...(req.body ?? {}) }, !!req.file) : req.body;
});

/** `@VersionedBody({v2: SendTextDto, v1: SendTextV1Dto, v1Key: 'textMessage'}) body: SendTextDto | SendTextV1Dto` */
export const VersionedBody = ({ v2, v1, v1Key, upload }: BodyShapes) =>
  upload ? RequestBody(new VersionedBodyPipe(v2, v1, v1Key, upload)) : Body(new VersionedBodyPipe(v2, v1, v1Key));
