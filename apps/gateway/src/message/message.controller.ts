import { Controller, Post, Type, UseInterceptors, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { MediaBody } from '@gw/common';
import type { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { SendAudioDto, SendAudioUploadDto, SendAudioV1Dto } from './dto/send-audio.dto';
import { SendButtonsDto, SendButtonsV1Dto } from './dto/send-buttons.dto';
import { SendContactDto, SendContactV1Dto } from './dto/send-contact.dto';
import { SendListDto, SendListV1Dto } from './dto/send-list.dto';
import { SendLocationDto, SendLocationV1Dto } from './dto/send-location.dto';
import { SendMediaDto, SendMediaUploadDto, SendMediaV1Dto } from './dto/send-media.dto';
import { SendPollDto, SendPollV1Dto } from './dto/send-poll.dto';
import { SendReactionDto, SendReactionV1Dto } from './dto/send-reaction.dto';
import { SendStatusDto, SendStatusUploadDto, SendStatusV1Dto } from './dto/send-status.dto';
import { SendStickerDto, SendStickerUploadDto, SendStickerV1Dto } from './dto/send-sticker.dto';
import { SendTemplateDto, SendTemplateV1Dto } from './dto/send-template.dto';
import { SendTextDto, SendTextV1Dto } from './dto/send-text.dto';
import { SentMessageView } from './dto/sent-message.view';
import { MultipartUploadInterceptor, UPLOAD_FIELD } from './multipart-upload.interceptor';
import { SendMessageUseCase } from './send-message.use-case';
import { Upload, type UploadedPart } from './uploaded-part';
import { fromV1, type Normalized } from './v1-body.normalizer';
import { BodyShapes, VersionedBody } from './versioned-body.pipe';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';

/** v2 body, v1 body, the v1 payload key of each route and its rewrite as v2 (Evolution compat §5, §8). */
const BODY = {
  text: { v2: SendTextDto, v1: SendTextV1Dto, v1Key: 'textMessage', toV2: fromV1.text },
  media: { v2: SendMediaDto, v1: SendMediaV1Dto, v1Key: 'mediaMessage', toV2: fromV1.media, upload: { field: 'media', withoutField: SendMediaUploadDto } },
  audio: { v2: SendAudioDto, v1: SendAudioV1Dto, v1Key: 'audioMessage', toV2: fromV1.audio, upload: { field: 'audio', withoutField: SendAudioUploadDto } },
  sticker: { v2: SendStickerDto, v1: SendStickerV1Dto, v1Key: 'stickerMessage', toV2: fromV1.sticker, upload: { field: 'sticker', withoutField: SendStickerUploadDto } },
  location: { v2: SendLocationDto, v1: SendLocationV1Dto, v1Key: 'locationMessage', toV2: fromV1.location },
  contact: { v2: SendContactDto, v1: SendContactV1Dto, v1Key: 'contactMessage', toV2: fromV1.contact },
  reaction: { v2: SendReactionDto, v1: SendReactionV1Dto, v1Key: 'reactionMessage', toV2: fromV1.reaction },
  poll: { v2: SendPollDto, v1: SendPollV1Dto, v1Key: 'pollMessage', toV2: fromV1.poll },
  list: { v2: SendListDto, v1: SendListV1Dto, v1Key: 'listMessage', toV2: fromV1.list },
  buttons: { v2: SendButtonsDto, v1: SendButtonsV1Dto, v1Key: 'buttonMessage', toV2: fromV1.buttons },
  status: { v2: SendStatusDto, v1: SendStatusV1Dto, v1Key: 'statusMessage', toV2: fromV1.status, upload: { field: 'content', withoutField: SendStatusUploadDto } },
  template: { v2: SendTemplateDto, v1: SendTemplateV1Dto, v1Key: 'templateMessage', toV2: fromV1.template },
} satisfies Record<string, BodyShapes>;

/** The multipart shape: the v2 fields without the media one, plus the binary `file` part. */
const uploadSchema = (withoutField: Type) => ({
  allOf: [
    { $ref: getSchemaPath(withoutField) },
    { type: 'object', required: [UPLOAD_FIELD], properties: { [UPLOAD_FIELD]: { type: 'string', format: 'binary', description: 'the media (multipart only)' } } },
  ],
});

/** POST /message/<action>/:instanceName, 201 with the sent message record. */
const SendRoute = (action: string, summary: string, { v2, v1, upload }: BodyShapes) =>
  applyDecorators(
    Post(`${action}/:instanceName`),
    ApiParam({ name: 'instanceName' }),
    ApiOperation({ summary }),
    ApiExtraModels(v2, v1, ...(upload ? [upload.withoutField] : [])),
    ApiBody({
      description:
        'Evolution v2 body, or the v1 body (recognised by its `…Message` payload or `options`)' +
        (upload ? `; or multipart/form-data: the v2 fields as form fields, the media as a \`${UPLOAD_FIELD}\` part instead of \`${upload.field}\`` : ''),
      schema: { oneOf: [{ $ref: getSchemaPath(v2) }, { $ref: getSchemaPath(v1) }, ...(upload ? [uploadSchema(upload.withoutField)] : [])] },
    }),
    // the file is parsed first: it is part of what a repeated Idempotency-Key must match
    ...(upload
      ? [ApiConsumes('application/json', 'multipart/form-data'), UseInterceptors(MultipartUploadInterceptor, IdempotencyInterceptor)]
      : [UseInterceptors(IdempotencyInterceptor)]),
    ApiCreatedResponse({ type: SentMessageView, description: 'The sent message (also delivered as SEND_MESSAGE)' }),
  );

@ApiTags('Message')
@MediaBody() // every send route may carry media inline (base64)
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Up to 255 characters. Within 24 h a repeat with the same key and body returns the first response without sending again; with another body, 422',
})
@Controller('message')
export class MessageController {
  constructor(private readonly send: SendMessageUseCase) {}

  @SendRoute('sendText', 'Send a text', BODY.text)
  sendText(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.text) body: Normalized<SendTextDto>) {
    return this.send.text(i, body);
  }

  @SendRoute('sendMedia', 'Send an image, video, document or audio file (URL, data URI or base64)', BODY.media)
  sendMedia(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.media) body: Normalized<SendMediaDto>, @Upload() file?: UploadedPart) {
    return this.send.mediaMessage(i, body, file);
  }

  @SendRoute('sendWhatsAppAudio', 'Send a voice note (push-to-talk), converted to OGG/Opus with its waveform', BODY.audio)
  sendWhatsAppAudio(
    @InstanceParam() i: InstanceWithConfig,
    @VersionedBody(BODY.audio) body: Normalized<SendAudioDto>,
    @Upload() file?: UploadedPart,
  ) {
    return this.send.audio(i, body, file);
  }

  @SendRoute('sendSticker', 'Send a sticker (PNG, JPEG, WebP or GIF, made a 512x512 WebP)', BODY.sticker)
  sendSticker(
    @InstanceParam() i: InstanceWithConfig,
    @VersionedBody(BODY.sticker) body: Normalized<SendStickerDto>,
    @Upload() file?: UploadedPart,
  ) {
    return this.send.sticker(i, body, file);
  }

  @SendRoute('sendLocation', 'Send a location', BODY.location)
  sendLocation(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.location) body: Normalized<SendLocationDto>) {
    return this.send.location(i, body);
  }

  @SendRoute('sendContact', 'Send one or more contact cards', BODY.contact)
  sendContact(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.contact) body: Normalized<SendContactDto>) {
    return this.send.contact(i, body);
  }

  @SendRoute('sendReaction', 'React to a message (or remove the reaction with "")', BODY.reaction)
  sendReaction(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.reaction) body: Normalized<SendReactionDto>) {
    return this.send.reaction(i, body);
  }

  @SendRoute('sendPoll', 'Send a poll', BODY.poll)
  sendPoll(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.poll) body: Normalized<SendPollDto>) {
    return this.send.poll(i, body);
  }

  @SendRoute('sendList', 'Send a list message (sections, or their docs alias values)', BODY.list)
  sendList(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.list) body: Normalized<SendListDto>) {
    return this.send.list(i, body);
  }

  @SendRoute('sendButtons', 'Send buttons (reply, copy, url, call, pix)', BODY.buttons)
  sendButtons(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.buttons) body: Normalized<SendButtonsDto>) {
    return this.send.buttons(i, body);
  }

  @SendRoute('sendStatus', 'Post a status (story) to statusJidList', BODY.status)
  sendStatus(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.status) body: Normalized<SendStatusDto>, @Upload() file?: UploadedPart) {
    return this.send.status(i, body, file);
  }

  @SendRoute('sendTemplate', 'Send an approved template (Cloud API instances)', BODY.template)
  sendTemplate(@InstanceParam() i: InstanceWithConfig, @VersionedBody(BODY.template) body: Normalized<SendTemplateDto>) {
    return this.send.template(i, body);
  }
}
