import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AppConfig } from '@gw/config';
import type { MediaStore } from './media-store.port';

type S3Settings = NonNullable<AppConfig['media']['s3']>;

/** The endpoint URL from Evolution's S3_ENDPOINT / S3_PORT / S3_USE_SSL (a full URL is taken as given). */
export function s3EndpointUrl(s3: S3Settings): string | undefined {
  if (!s3.endpoint) return undefined;
  if (/^https?:\/\//.test(s3.endpoint)) return s3.endpoint;
  return `${s3.useSsl ? 'https' : 'http'}://${s3.endpoint}${s3.port ? `:${s3.port}` : ''}`;
}

/**
 * Media in an S3-compatible bucket (AWS, MinIO, R2...). Path-style addressing whenever an
 * endpoint is given, as MinIO and most self-hosted servers need it.
 */
export class S3MediaStore implements MediaStore {
  private readonly client: S3Client;

  constructor(
    private readonly s3: S3Settings,
    private readonly ttlS: number,
  ) {
    const endpoint = s3EndpointUrl(s3);
    this.client = new S3Client({
      region: s3.region,
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      ...(s3.accessKey && s3.secretKey ? { credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey } } : {}),
    });
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.s3.bucket, Key: key, Body: data, ContentType: contentType }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.s3.bucket, Key: key }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : undefined;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async url(key: string, contentType: string): Promise<string> {
    if (this.s3.publicUrl) return `${this.s3.publicUrl}/${key}`;
    const command = new GetObjectCommand({ Bucket: this.s3.bucket, Key: key, ResponseContentType: contentType });
    return getSignedUrl(this.client, command, { expiresIn: this.ttlS });
  }

  async removeOlderThan(before: Date): Promise<number> {
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.s3.bucket, ContinuationToken: token }));
      const old = (page.Contents ?? []).filter((o) => o.Key && o.LastModified && o.LastModified < before);
      if (old.length) {
        await this.client.send(new DeleteObjectsCommand({ Bucket: this.s3.bucket, Delete: { Objects: old.map((o) => ({ Key: o.Key! })) } }));
        removed += old.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return removed;
  }

  destroy(): void {
    this.client.destroy();
  }
}
