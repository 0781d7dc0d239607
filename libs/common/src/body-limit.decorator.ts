import { SetMetadata } from '@nestjs/common';

export const BODY_LIMIT = 'gw:body-limit';

/** Routes without media: settings, webhooks, finds, group and chat actions. */
export const SMALL_BODY_LIMIT_BYTES = 1024 * 1024;
/** Routes carrying media as base64 keep Evolution's 136 MB (a 64 MB file is ~86 MB as base64). */
export const MEDIA_BODY_LIMIT_BYTES = 136 * 1024 * 1024;

/** The route (or every route of the controller) carries media inline: the large body limit applies. */
export const MediaBody = () => SetMetadata(BODY_LIMIT, MEDIA_BODY_LIMIT_BYTES);
