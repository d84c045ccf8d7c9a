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

/**
 * Turns messages into frames for one connection: 4-byte big-endian length, then one msgpack payload.
 *
 * Refusing an oversize message leaves the encoder failed for good: packing it already taught the
 * record codec a layout the peer will never see, so later frames could refer to it. The connection
 * must be closed and a new one (with a new encoder) opened.
 */
export class FrameEncoder {
  private readonly packer: PayloadPacker;
  private readonly maxFrameBytes: number;
  private failure: FrameTooLargeError | null = null;

  constructor(options: FrameEncoderOptions = {}) {
    this.packer = createPayloadPacker(options.encoding);
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** @throws FrameTooLargeError when the payload would not be accepted by a peer with the same limit, and on every call after that. */
  encode(message: Message): Buffer {
    if (this.failure) throw this.failure;
    const payload = this.packer.pack(message);
    if (payload.length > this.maxFrameBytes) {
      this.failure = new FrameTooLargeError(payload.length, this.maxFrameBytes);
      throw this.failure;
    }
    const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    payload.copy(frame, FRAME_HEADER_BYTES);
    return frame;
  }
}
