/** Where stored media lives: an S3-compatible bucket, or the gateway's own disk. */
export interface MediaStore {
  /** Writes the object (same key = same message: overwriting is harmless). */
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when it is not (or no longer) stored. */
  get(key: string): Promise<Buffer | undefined>;
  /** A URL anyone can download the object from until it expires (or for good, for a public bucket). */
  url(key: string, contentType: string): Promise<string>;
  /** Deletes objects written before the given time (retention). Returns how many went. */
  removeOlderThan(before: Date): Promise<number>;
}
