/**
 * WhatsApp Web transport framing: the client prefixes its very first WebSocket message
 * with an intro header ('WA', 6, DICT_VERSION), optionally preceded by an 'ED' edge-routing
 * block; every frame is then a 3-byte big-endian length followed by the payload.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private introHeader: Buffer | undefined;

  /** the 4-byte 'WA' header, needed as the Noise prologue; undefined until received */
  get prologue(): Buffer | undefined {
    return this.introHeader;
  }

  /** Appends received bytes and returns every complete frame. */
  push(data: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    if (!this.introHeader && !this.consumeIntro()) return [];
    const frames: Buffer[] = [];
    while (this.buffer.length >= 3) {
      const size = this.buffer.readUIntBE(0, 3);
      if (this.buffer.length < size + 3) break;
      frames.push(this.buffer.subarray(3, size + 3));
      this.buffer = this.buffer.subarray(size + 3);
    }
    return frames;
  }

  private consumeIntro(): boolean {
    let offset = 0;
    if (this.buffer.length >= 2 && this.buffer.toString('latin1', 0, 2) === 'ED') {
      if (this.buffer.length < 7) return false;
      offset = 7 + this.buffer.readUIntBE(4, 3);
    }
    if (this.buffer.length < offset + 4) return false;
    const header = this.buffer.subarray(offset, offset + 4);
    if (header.toString('latin1', 0, 2) !== 'WA') {
      throw new Error(`unexpected intro header ${header.toString('hex')}`);
    }
    this.introHeader = Buffer.from(header);
    this.buffer = this.buffer.subarray(offset + 4);
    return true;
  }
}

export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length >= 1 << 24) throw new Error('frame too large');
  const frame = Buffer.allocUnsafe(payload.length + 3);
  frame.writeUIntBE(payload.length, 0, 3);
  frame.set(payload, 3);
  return frame;
}
