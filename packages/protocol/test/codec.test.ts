import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  FrameEncoder,
  FrameTooLargeError,
  InvalidFieldError,
  MalformedPayloadError,
  ProtocolError,
  UnknownMessageTypeError,
  type Message,
  type PayloadEncoding,
} from '../src';
import {
  allMessages,
  clone,
  container,
  hello,
  namedMessages,
  ping,
  reject,
  report,
  welcome,
} from './messages.fixtures';

const ENCODINGS: readonly PayloadEncoding[] = ['records', 'maps'];

/** A frame header announcing `length` payload bytes. */
function header(length: number): Buffer {
  const h = Buffer.alloc(FRAME_HEADER_BYTES);
  h.writeUInt32BE(length, 0);
  return h;
}

/** A frame around raw payload bytes, bypassing the encoder. */
function rawFrame(payload: readonly number[]): Buffer {
  return Buffer.concat([header(payload.length), Buffer.from(payload)]);
}

/** Encodes values the type system would refuse, to see what the decoder makes of them. */
function encodeUnchecked(values: readonly unknown[], encoding?: PayloadEncoding): Buffer {
  const encoder = new FrameEncoder({ encoding });
  return Buffer.concat(values.map((v) => encoder.encode(v as Message)));
}

/** Runs `fn`, which must throw, and returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, but nothing was thrown');
}

describe.each(ENCODINGS)('round trip with %s encoding', (encoding) => {
  it.each(namedMessages)('decodes %s as sent', (_name, message) => {
    const encoder = new FrameEncoder({ encoding });
    const decoder = new FrameDecoder({ encoding });
    expect(decoder.push(encoder.encode(message))).toEqual([message]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('decodes several messages from one chunk, in order', () => {
    const encoder = new FrameEncoder({ encoding });
    const decoder = new FrameDecoder({ encoding });
    const chunk = Buffer.concat(allMessages.map((m) => encoder.encode(m)));
    expect(decoder.push(chunk)).toEqual(allMessages);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('decodes the same stream fed one byte at a time', () => {
    const encoder = new FrameEncoder({ encoding });
    const decoder = new FrameDecoder({ encoding });
    // Twice over, so the second round uses the record definitions from the first.
    const messages = [...allMessages, ...allMessages];
    const stream = Buffer.concat(messages.map((m) => encoder.encode(m)));
    const out: Message[] = [];
    for (let i = 0; i < stream.length; i++) {
      out.push(...decoder.push(stream.subarray(i, i + 1)));
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(stream.length);
    }
    expect(out).toEqual(messages);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('keeps a partial frame until the rest arrives', () => {
    const encoder = new FrameEncoder({ encoding });
    const decoder = new FrameDecoder({ encoding });
    const frame = encoder.encode(report);
    expect(decoder.push(frame.subarray(0, 10))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(10);
    expect(decoder.push(frame.subarray(10))).toEqual([report]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('ignores an empty chunk', () => {
    const decoder = new FrameDecoder({ encoding });
    expect(decoder.push(Buffer.alloc(0))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(0);
  });
});

describe('encodings', () => {
  it("'records' frames carry key names once per shape, 'maps' frames every time", () => {
    const records = new FrameEncoder({ encoding: 'records' });
    const maps = new FrameEncoder({ encoding: 'maps' });
    const firstRecord = records.encode(report);
    const secondRecord = records.encode(report);
    expect(secondRecord.length).toBeLessThan(firstRecord.length);
    const firstMap = maps.encode(report);
    expect(maps.encode(report).length).toBe(firstMap.length);
    expect(secondRecord.length).toBeLessThan(firstMap.length);
  });

  it("'records' round trips more key sets than msgpackr has record ids (64), repeated", () => {
    const encoder = new FrameEncoder({ encoding: 'records' });
    const decoder = new FrameDecoder({ encoding: 'records' });
    // Each message has its own extra key, so every shape is new; the second pass reuses (or redefines) them.
    const shapes = Array.from({ length: 150 }, (_, i): Message => ({ ...ping, [`extra${i}`]: i }));
    const messages = [...shapes, ...shapes];
    const stream = Buffer.concat(messages.map((m) => encoder.encode(m)));
    expect(decoder.push(stream)).toEqual(messages);
  });

  it("defaults to 'records' on both sides", () => {
    const encoder = new FrameEncoder();
    const decoder = new FrameDecoder({ encoding: 'records' });
    expect(decoder.push(Buffer.concat([encoder.encode(report), encoder.encode(report)]))).toEqual([report, report]);
  });
});

describe('frame size limits', () => {
  it('the encoder refuses a payload over maxFrameBytes', () => {
    const encoder = new FrameEncoder({ maxFrameBytes: 64 });
    const error = thrownBy(() => encoder.encode({ ...hello, hostname: 'h'.repeat(200) }));
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect(error).toMatchObject({ code: 'frame-too-large', maxFrameBytes: 64 });
    expect((error as FrameTooLargeError).length).toBeGreaterThan(64);
  });

  it('the encoder accepts a payload of exactly maxFrameBytes, and so does the decoder', () => {
    const payloadBytes = new FrameEncoder({ encoding: 'maps' }).encode(ping).length - FRAME_HEADER_BYTES;
    const encoder = new FrameEncoder({ encoding: 'maps', maxFrameBytes: payloadBytes });
    const decoder = new FrameDecoder({ encoding: 'maps', maxFrameBytes: payloadBytes });
    expect(decoder.push(encoder.encode(ping))).toEqual([ping]);
    expect(() => encoder.encode(hello)).toThrow(FrameTooLargeError);
  });

  // Packing the refused payload already taught the record codec its layout, which the peer never saw;
  // the encoder must refuse everything after that, so the connection is replaced rather than corrupted.
  it('after refusing a message, the encoder is failed for good', () => {
    const encoder = new FrameEncoder({ maxFrameBytes: 200 });
    expect(() => encoder.encode({ ...reject, reason: 'x'.repeat(500) })).toThrow(FrameTooLargeError);
    expect(() => encoder.encode({ ...reject, reason: 'short' })).toThrow(FrameTooLargeError);
  });

  it('the default limit is DEFAULT_MAX_FRAME_BYTES', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(header(DEFAULT_MAX_FRAME_BYTES))).not.toThrow();
    expect(() => new FrameDecoder().push(header(DEFAULT_MAX_FRAME_BYTES + 1))).toThrow(FrameTooLargeError);
  });

  it('a header over the limit is refused as soon as its 4 bytes arrive, with no body', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    const error = thrownBy(() => decoder.push(header(1025)));
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect(error).toMatchObject({ code: 'frame-too-large', length: 1025, maxFrameBytes: 1024 });
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('a header over the limit is refused when its bytes arrive one at a time', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    const h = header(0xffffffff);
    for (let i = 0; i < FRAME_HEADER_BYTES - 1; i++) {
      expect(decoder.push(h.subarray(i, i + 1))).toEqual([]);
      expect(decoder.bufferedBytes).toBe(i + 1);
    }
    expect(() => decoder.push(h.subarray(FRAME_HEADER_BYTES - 1))).toThrow(FrameTooLargeError);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('a header over the limit after a partial frame is refused once the header completes', () => {
    const encoder = new FrameEncoder();
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    const frame = encoder.encode(ping);
    expect(decoder.push(frame.subarray(0, 5))).toEqual([]);
    const error = thrownBy(() => decoder.push(Buffer.concat([frame.subarray(5), header(4096)])));
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect((error as ProtocolError).preceding).toEqual([ping]);
  });
});

describe('malformed payloads', () => {
  it('a zero-length frame is malformed', () => {
    const error = thrownBy(() => new FrameDecoder().push(header(0)));
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect(error).toMatchObject({ code: 'malformed-payload' });
  });

  it.each([
    ['a never-used byte repeated', [0xc1, 0xc1, 0xc1]],
    ['a truncated string', [0xdb, 0x00, 0x00, 0x00, 0x09, 0x61]],
    ['a truncated str32 header', [0xdb]],
    ['a truncated array', [0x92, 0x01]],
    ['a truncated map', [0x81]],
    ['two values in one frame', [0x01, 0x02]],
    ['a record definition with no body', [0xd4, 0x72, 0x40]],
  ])('%s is malformed', (_name, payload) => {
    for (const encoding of ENCODINGS) {
      const error = thrownBy(() => new FrameDecoder({ encoding }).push(rawFrame(payload)));
      expect(error).toBeInstanceOf(MalformedPayloadError);
      expect(error).toMatchObject({ code: 'malformed-payload' });
    }
  });

  it('a valid message followed by extra bytes in the same frame is malformed', () => {
    for (const encoding of ENCODINGS) {
      const frame = new FrameEncoder({ encoding }).encode(ping);
      const payload = [...frame.subarray(FRAME_HEADER_BYTES), 0xc0];
      expect(() => new FrameDecoder({ encoding }).push(rawFrame(payload))).toThrow(MalformedPayloadError);
    }
  });
});

describe('unknown message types', () => {
  it.each(ENCODINGS)('valid msgpack with an unknown type is refused (%s)', (encoding) => {
    const error = thrownBy(() =>
      new FrameDecoder({ encoding }).push(encodeUnchecked([{ type: 'teleport', at: 1 }], encoding)),
    );
    expect(error).toBeInstanceOf(UnknownMessageTypeError);
    expect(error).toMatchObject({ code: 'unknown-type', messageType: 'teleport' });
  });

  it('a map without a type is refused', () => {
    const error = thrownBy(() => new FrameDecoder().push(encodeUnchecked([{ at: 1 }])));
    expect(error).toBeInstanceOf(UnknownMessageTypeError);
    expect(error).toMatchObject({ messageType: undefined });
  });
});

describe('invalid fields', () => {
  const tooManyContainers = Array.from({ length: 1025 }, (_, i) => ({ ...container, id: `c${i}` }));

  it.each([
    ['report.seq as a string', { ...report, seq: '2' }, 'report', 'seq'],
    ['hello.agentId with spaces', { ...hello, agentId: 'vm 01' }, 'hello', 'agentId'],
    ['report.containers not a list', { ...report, containers: { 0: container } }, 'report', 'containers'],
    [
      'a container state outside the enum',
      { ...report, containers: [container, { ...container, state: 'paused' }] },
      'report',
      'containers[1].state',
    ],
    ['more than 1024 containers', { ...report, containers: tooManyContainers }, 'report', 'containers'],
    ['a non-map root', [1, 2, 3], 'message', '(root)'],
    ['a string root', 'ping', 'message', '(root)'],
  ] as const)('%s is refused, naming the field', (_name, value, messageType, field) => {
    for (const encoding of ENCODINGS) {
      const error = thrownBy(() => new FrameDecoder({ encoding }).push(encodeUnchecked([value], encoding)));
      expect(error).toBeInstanceOf(InvalidFieldError);
      expect(error).toMatchObject({ code: 'invalid-field', messageType, field });
      expect((error as Error).message).toContain(field);
    }
  });

  it('exactly 1024 containers are accepted', () => {
    const full = { ...report, containers: Array.from({ length: 1024 }, (_, i) => ({ ...container, id: `c${i}` })) };
    expect(new FrameDecoder().push(new FrameEncoder().encode(full))).toEqual([full]);
  });
});

describe('after an error', () => {
  it('the decoder is failed for good and rethrows the same error', () => {
    const encoder = new FrameEncoder();
    const decoder = new FrameDecoder();
    const first = thrownBy(() => decoder.push(header(0)));
    expect(first).toBeInstanceOf(MalformedPayloadError);
    expect(thrownBy(() => decoder.push(encoder.encode(ping)))).toBe(first);
    expect(thrownBy(() => decoder.push(Buffer.alloc(0)))).toBe(first);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('drops a partial frame it was holding', () => {
    const encoder = new FrameEncoder();
    const decoder = new FrameDecoder();
    const good = encoder.encode(ping);
    const bad = rawFrame([0xc1, 0xc1]);
    expect(() => decoder.push(Buffer.concat([bad, good.subarray(0, 3)]))).toThrow(MalformedPayloadError);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('`preceding` holds the messages decoded before the bad frame in the same chunk', () => {
    const encoder = new FrameEncoder();
    const decoder = new FrameDecoder();
    // Encoded in stream order: with records, a frame may rely on definitions sent in an earlier one.
    const chunk = Buffer.concat([hello, ping, { ...ping, at: -1 }, welcome].map((m) => encoder.encode(m)));
    const error = thrownBy(() => decoder.push(chunk));
    expect(error).toBeInstanceOf(InvalidFieldError);
    expect(error).toMatchObject({ messageType: 'ping', field: 'at' });
    expect((error as ProtocolError).preceding).toEqual([hello, ping]);
  });

  it('`preceding` does not hold messages returned by earlier pushes', () => {
    const encoder = new FrameEncoder();
    const decoder = new FrameDecoder();
    expect(decoder.push(encoder.encode(hello))).toEqual([hello]);
    const error = thrownBy(() => decoder.push(Buffer.concat([encoder.encode(ping), header(0)])));
    expect((error as ProtocolError).preceding).toEqual([ping]);
  });

  it('`preceding` is empty when the first frame of the chunk is bad', () => {
    const error = thrownBy(() => new FrameDecoder().push(header(0)));
    expect((error as ProtocolError).preceding).toEqual([]);
  });
});

describe('validation happens on decode', () => {
  it('a frame is validated with the same rules as parseMessage', () => {
    const broken = clone(report);
    (broken['host'] as Record<string, unknown>)['cpuPct'] = 100.5;
    const error = thrownBy(() => new FrameDecoder().push(encodeUnchecked([broken])));
    expect(error).toMatchObject({ code: 'invalid-field', messageType: 'report', field: 'host.cpuPct' });
  });
});
