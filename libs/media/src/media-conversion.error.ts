/**
 * Why a conversion did not produce media. Mapped to HTTP once, at the edge (the message routes):
 * every code except BUSY is the input's fault and becomes a 400 naming the problem.
 */
export type MediaConversionErrorCode =
  /** the bytes are not what the conversion needs (no audio track, not an image, unreadable) */
  | 'INVALID_INPUT'
  /** the input or the result exceeds what WhatsApp (or we) accept */
  | 'TOO_LARGE'
  /** the conversion ran longer than MEDIA_CONVERT_TIMEOUT_MS and was stopped */
  | 'TIMED_OUT'
  /** too many conversions are already waiting */
  | 'BUSY';

export class MediaConversionError extends Error {
  constructor(
    readonly code: MediaConversionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MediaConversionError';
  }
}
