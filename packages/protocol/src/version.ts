/** Wire protocol version. Both ends must speak the same one; the VIM rejects any other at handshake. */
export const PROTOCOL_VERSION = 1;

/** Largest payload a frame may carry. Enforced from the 4-byte header, before any of the body is buffered. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** Bytes in a frame header: one unsigned big-endian payload length. */
export const FRAME_HEADER_BYTES = 4;
