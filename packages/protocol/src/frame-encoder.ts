import { FrameTooLargeError } from './errors';
import type { Message } from './messages';
import { createPayloadPacker, type PayloadEncoding, type PayloadPacker } from './payload-codec';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES } from './version';

export interface FrameEncoderOptions {
  /** @default DEFAULT_MAX_FRAME_BYTES */
  maxFrameBytes?: number;
  /** @default 'records' */
  encoding?: PayloadEncoding;
}

/** Turns messages into frames for one connection: 4-byte big-endian length, then one msgpack payload. */
export class FrameEncoder {
  private readonly packer: PayloadPacker;
  private readonly maxFrameBytes: number;

  constructor(options: FrameEncoderOptions = {}) {
    this.packer = createPayloadPacker(options.encoding);
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** @throws FrameTooLargeError when the payload would not be accepted by a peer with the same limit. */
  encode(message: Message): Buffer {
    const payload = this.packer.pack(message);
    if (payload.length > this.maxFrameBytes) throw new FrameTooLargeError(payload.length, this.maxFrameBytes);
    const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    payload.copy(frame, FRAME_HEADER_BYTES);
    return frame;
  }
}
