import { FrameTooLargeError, MalformedPayloadError, ProtocolError } from './errors';
import type { Message } from './messages';
import { createPayloadUnpacker, type PayloadEncoding, type PayloadUnpacker } from './payload-codec';
import { parseMessage } from './validate';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES } from './version';

export interface FrameDecoderOptions {
  /** @default DEFAULT_MAX_FRAME_BYTES */
  maxFrameBytes?: number;
  /** @default 'records' */
  encoding?: PayloadEncoding;
}

/**
 * Incremental decoder for one connection: feed it chunks as they arrive, get whole, validated messages.
 *
 * The length is checked as soon as the 4 header bytes are in, so an oversize frame is refused before
 * any of its body is held. Bytes of an incomplete frame are kept as a list of chunks and joined once the
 * frame is complete, so a large frame arriving in many small chunks costs one copy, not one per chunk.
 *
 * After it throws, the decoder is failed for good: a stream that lost its framing cannot be trusted again.
 */
export class FrameDecoder {
  private readonly unpacker: PayloadUnpacker;
  private readonly maxFrameBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed in `pending` before parsing can make progress. */
  private needed = FRAME_HEADER_BYTES;
  private failure: ProtocolError | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    this.unpacker = createPayloadUnpacker(options.encoding);
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held for a frame not yet complete. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /**
   * @returns the messages completed by this chunk, in order (often none, sometimes several).
   * @throws ProtocolError for the first bad frame; its `preceding` holds the messages before it.
   */
  push(chunk: Buffer): Message[] {
    if (this.failure) throw this.failure;
    let data: Buffer;
    if (this.pendingBytes === 0) {
      data = chunk;
    } else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.needed) return [];
      data = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }

    const out: Message[] = [];
    let offset = 0;
    try {
      for (;;) {
        const available = data.length - offset;
        if (available < FRAME_HEADER_BYTES) {
          this.needed = FRAME_HEADER_BYTES;
          break;
        }
        const length = data.readUInt32BE(offset);
        if (length > this.maxFrameBytes) throw new FrameTooLargeError(length, this.maxFrameBytes);
        if (length === 0) throw new MalformedPayloadError('empty frame');
        if (available < FRAME_HEADER_BYTES + length) {
          this.needed = FRAME_HEADER_BYTES + length;
          break;
        }
        const start = offset + FRAME_HEADER_BYTES;
        out.push(parseMessage(this.unpackPayload(data.subarray(start, start + length))));
        offset = start + length;
      }
    } catch (error) {
      this.failure = error instanceof ProtocolError ? error : new MalformedPayloadError(String(error), { cause: error });
      this.failure.preceding = out;
      this.pending = [];
      this.pendingBytes = 0;
      throw this.failure;
    }
    if (offset < data.length) {
      // Copy the tail so we don't pin the whole (possibly 64 KiB) socket chunk for a few bytes.
      const rest = Buffer.from(data.subarray(offset));
      this.pending = [rest];
      this.pendingBytes = rest.length;
    }
    return out;
  }

  private unpackPayload(bytes: Buffer): unknown {
    try {
      return this.unpacker.unpack(bytes);
    } catch (error) {
      throw new MalformedPayloadError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  }
}
