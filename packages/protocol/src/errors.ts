/**
 * Every way a peer's bytes can be wrong. Each carries a stable `code` so logs, metrics and tests can tell
 * them apart without matching on message text. A connection that produces one of these is closed; the
 * process never crashes on it.
 */
export type ProtocolErrorCode =
  | 'frame-too-large'
  | 'malformed-payload'
  | 'unknown-type'
  | 'invalid-field'
  | 'version-mismatch';

export abstract class ProtocolError extends Error {
  abstract readonly code: ProtocolErrorCode;
  /** Messages decoded from the same chunk before the bad frame, so the caller can still act on them. */
  preceding: readonly unknown[] = [];
}

export class FrameTooLargeError extends ProtocolError {
  readonly code = 'frame-too-large';
  constructor(
    readonly length: number,
    readonly maxFrameBytes: number,
  ) {
    super(`frame of ${length} bytes exceeds the maximum of ${maxFrameBytes} bytes`);
    this.name = 'FrameTooLargeError';
  }
}

export class MalformedPayloadError extends ProtocolError {
  readonly code = 'malformed-payload';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`malformed payload: ${detail}`, options);
    this.name = 'MalformedPayloadError';
  }
}

export class UnknownMessageTypeError extends ProtocolError {
  readonly code = 'unknown-type';
  constructor(readonly messageType: unknown) {
    super(`unknown message type ${JSON.stringify(String(messageType)).slice(0, 80)}`);
    this.name = 'UnknownMessageTypeError';
  }
}

export class InvalidFieldError extends ProtocolError {
  readonly code = 'invalid-field';
  constructor(
    readonly messageType: string,
    readonly field: string,
    readonly expected: string,
  ) {
    super(`invalid field ${messageType}.${field}: expected ${expected}`);
    this.name = 'InvalidFieldError';
  }
}

export class VersionMismatchError extends ProtocolError {
  readonly code = 'version-mismatch';
  constructor(
    readonly theirs: number,
    readonly ours: number,
  ) {
    super(`protocol version mismatch: peer speaks ${theirs}, this side speaks ${ours}`);
    this.name = 'VersionMismatchError';
  }
}
