import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { LocalMediaStore } from './local-media.store';
import { mediaKey } from './media-key.util';
import type { MediaStore } from './media-store.port';
import { MediaUrlSigner } from './media-url.signer';
import { S3MediaStore, s3EndpointUrl } from './s3-media.store';

/** A stored message's media: where to fetch it. */
export interface StoredMedia {
  mediaUrl: string;
}

/**
 * Inbound and outbound media, stored once per message: in S3 when S3_ENABLED, else on the
 * gateway's disk behind signed URLs. Retention follows the message store's.
 */
@Injectable()
export class MediaStorage implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MediaStorage');
  readonly signer: MediaUrlSigner;
  readonly store: MediaStore;
  readonly local?: LocalMediaStore;
  private timer?: NodeJS.Timeout;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // The first key of the ring (or the API key) keys the URL signatures; the secret itself never leaves.
    const secret = config.secrets.keys[0]?.key ?? Buffer.from(config.auth.apiKey);
    this.signer = new MediaUrlSigner(secret);
    const { media } = config;
    if (media.s3) {
      this.store = new S3MediaStore(media.s3, media.urlTtlS);
    } else {
      this.local = new LocalMediaStore(media.localDir, this.signer, `${config.server.url}${config.server.basePath}`, media.urlTtlS);
      this.store = this.local;
    }
  }

  /** With S3 every media message is stored; without it only media someone asked for (webhook base64). */
  get storesEverything(): boolean {
    return !!this.config.media.s3;
  }

  get maxBytes(): number {
    return this.config.media.storeMaxBytes;
  }

  onModuleInit() {
    const { s3 } = this.config.media;
    // Where, never with what: the secret key is not logged.
    this.logger.log(
      s3 ? `media stored in S3 bucket "${s3.bucket}" at ${s3EndpointUrl(s3) ?? 'AWS'}` : `media stored in ${this.config.media.localDir}, served from signed URLs`,
    );
    const days = this.config.store.messageRetentionDays;
    if (days > 0) {
      this.timer = setInterval(() => void this.sweep(days), this.config.store.retentionIntervalMs);
      this.timer.unref();
    }
  }

  onModuleDestroy() {
    clearInterval(this.timer);
    if (this.store instanceof S3MediaStore) this.store.destroy();
  }

  /** Stores a message's media and returns its URL. */
  async keep(instanceId: string, messageId: string, data: Buffer, contentType: string): Promise<StoredMedia> {
    const key = mediaKey(instanceId, messageId);
    await this.store.put(key, data, contentType);
    return { mediaUrl: await this.store.url(key, contentType) };
  }

  /** A message's stored media, or undefined when it was never stored (or has expired). */
  async read(instanceId: string, messageId: string): Promise<Buffer | undefined> {
    try {
      return await this.store.get(mediaKey(instanceId, messageId));
    } catch (err) {
      this.logger.warn(`could not read stored media of ${messageId}: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async sweep(days: number) {
    try {
      const removed = await this.store.removeOlderThan(new Date(Date.now() - days * 86_400_000));
      if (removed) this.logger.log(`retention: removed ${removed} stored media older than ${days} days`);
    } catch (err) {
      this.logger.warn(`media retention sweep failed: ${(err as Error).message}`);
    }
  }
}
