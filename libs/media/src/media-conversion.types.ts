/** Bytes to convert, with what the caller knows of their type. */
export interface MediaInput {
  data: Buffer;
  mimetype?: string;
}

/** A WhatsApp voice note: OGG/Opus, mono, 48 kHz, with what the phone needs to draw it. */
export interface VoiceNote {
  data: Buffer;
  mimetype: 'audio/ogg; codecs=opus';
  /** whole seconds, at least 1 */
  seconds: number;
  /** 64 loudness samples, 0-100, as WhatsApp's own voice notes carry */
  waveform: Uint8Array;
}

/** A WhatsApp sticker: 512x512 WebP with transparent padding; animated when the input was. */
export interface Sticker {
  data: Buffer;
  mimetype: 'image/webp';
  animated: boolean;
}
