import fc from 'fast-check';
import {
  AGENT_ID_PATTERN,
  CONTAINER_STATES,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  FrameEncoder,
  FrameTooLargeError,
  ProtocolError,
  REJECT_CODES,
  parseMessage,
  type ContainerReport,
  type Endpoint,
  type Message,
  type PayloadEncoding,
} from '../src';
import * as fx from './messages.fixtures';

/** Fixed seed and a moderate run count keep the suite deterministic and quick. */
const RUNS = { seed: 0x5eed, numRuns: 200 } as const;

// ---- arbitraries: the fixtures, with their numeric and string fields varied within the valid ranges ----

const encodingArb = fc.constantFrom<PayloadEncoding>('records', 'maps');
/** Any code point except lone surrogates (which UTF-8 cannot carry); at most 2 UTF-16 units each. */
const text = (maxCodePoints: number): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength: maxCodePoints });
const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const safeNat = fc.maxSafeNat();
const nonNegative = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.integer({ min: 0, max: Math.min(max, 2 ** 31) }), fc.double({ min: 0, max, noNaN: true }));
const timestamp = nonNegative(Number.MAX_SAFE_INTEGER);

const endpointArb: fc.Arbitrary<Endpoint> = fc.record({ host: text(100), port: fc.integer({ min: 1, max: 65535 }) });
const capacityArb = fc.record({
  maxContainers: fc.integer({ min: 0, max: 10_000 }),
  cpus: nonNegative(100_000),
  memoryBytes: nonNegative(Number.MAX_SAFE_INTEGER),
});

const containerArb: fc.Arbitrary<ContainerReport> = fc.record({
  id: text(60),
  name: text(100),
  service: text(60),
  state: fc.constantFrom(...CONTAINER_STATES),
  ready: fc.boolean(),
  draining: fc.boolean(),
  cpuPct: nonNegative(100_000),
  memBytes: nonNegative(Number.MAX_SAFE_INTEGER),
  inflight: fc.integer({ min: 0, max: 2 ** 31 }),
  requestsTotal: safeNat,
  hostPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }),
});

/** msgpack-safe values for `result.value`: no -0 (packed as 0) and no `__proto__` keys (renamed on decode). */
const { value: valueArb } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    text(20),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      text(8).filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 4, noNullPrototype: true },
    ),
  ),
}));

const messageArb: fc.Arbitrary<Message> = fc.oneof(
  fc
    .record({ protocolVersion: fc.integer({ min: 0, max: 0xffff }), nonce: hex64 })
    .map((v) => ({ ...fx.challenge, ...v })),
  fc
    .record({
      protocolVersion: fc.integer({ min: 0, max: 0xffff }),
      agentId: fc.stringMatching(AGENT_ID_PATTERN),
      hostname: text(100),
      agentVersion: text(30),
      capacity: capacityArb,
      front: fc.option(endpointArb, { nil: null }),
      proof: hex64,
    })
    .map((v) => ({ ...fx.hello, ...v })),
  fc
    .record({
      reportIntervalMs: fc.integer({ min: 10, max: 3_600_000 }),
      heartbeatTimeoutMs: fc.integer({ min: 10, max: 3_600_000 }),
      pingIntervalMs: fc.integer({ min: 10, max: 3_600_000 }),
    })
    .map((v) => ({ ...fx.welcome, ...v })),
  fc.record({ code: fc.constantFrom(...REJECT_CODES), reason: text(300) }).map((v) => ({ ...fx.reject, ...v })),
  fc
    .record({
      seq: safeNat,
      at: timestamp,
      host: fc.record({
        cpuPct: nonNegative(100),
        memUsedBytes: nonNegative(Number.MAX_SAFE_INTEGER),
        memTotalBytes: nonNegative(Number.MAX_SAFE_INTEGER),
        load1: nonNegative(1_000_000),
      }),
      containers: fc.array(containerArb, { maxLength: 4 }),
    })
    .map((v) => ({ ...fx.report, ...v })),
  fc.record({ at: timestamp }).map((v) => ({ ...fx.ping, ...v })),
  fc.record({ id: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }).map((v) => ({ ...fx.describeRequest, ...v })),
  fc
    .record({ id: fc.integer({ min: 0, max: 2 ** 32 - 1 }), value: valueArb })
    .map((v) => ({ ...fx.resultOk, ...v })),
  fc
    .record({
      id: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      error: fc.record({ code: text(30), message: text(500) }),
    })
    .map((v) => ({ ...fx.resultError, ...v })),
);

/** Cut points as fractions of the stream, so they fit whatever length the stream turns out to have. */
const cutsArb = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 12 });

function cut(bytes: Uint8Array, fractions: readonly number[]): Buffer[] {
  const offsets = fractions.map((f) => Math.floor(f * bytes.length)).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const end of [...offsets, bytes.length]) {
    chunks.push(Buffer.from(bytes.subarray(start, end)));
    start = end;
  }
  return chunks;
}

function header(length: number): Buffer {
  const h = Buffer.alloc(FRAME_HEADER_BYTES);
  h.writeUInt32BE(length, 0);
  return h;
}

// ---- properties ----

describe('codec properties', () => {
  it('sanity: every generated message is valid', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        expect(parseMessage(m)).toBe(m);
      }),
      RUNS,
    );
  });

  it('(a) a valid stream cut at arbitrary offsets decodes to exactly the messages sent', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { maxLength: 30 }), cutsArb, encodingArb, (messages, cuts, encoding) => {
        const encoder = new FrameEncoder({ encoding });
        const decoder = new FrameDecoder({ encoding });
        const stream = Buffer.concat(messages.map((m) => encoder.encode(m)));
        const decoded = cut(stream, cuts).flatMap((chunk) => decoder.push(chunk));
        expect(decoded).toEqual(messages);
        expect(decoder.bufferedBytes).toBe(0);
      }),
      RUNS,
    );
  });

  /** Random noise, plus bytes that get past the header check: random payloads in honest frames, and valid
   * streams with bytes flipped. */
  const hostileBytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
    fc.uint8Array({ maxLength: 256 }),
    fc
      .array(fc.uint8Array({ maxLength: 48 }), { minLength: 1, maxLength: 6 })
      .map((payloads) => Buffer.concat(payloads.flatMap((p) => [header(p.length), Buffer.from(p)]))),
    fc
      .tuple(
        fc.array(messageArb, { minLength: 1, maxLength: 6 }),
        encodingArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([messages, encoding, flips]) => {
        const encoder = new FrameEncoder({ encoding });
        const stream = Buffer.concat(messages.map((m) => encoder.encode(m)));
        for (const [at, byte] of flips) stream[at % stream.length] = byte;
        return stream;
      }),
  );

  it('(b) arbitrary bytes only ever yield valid messages or a ProtocolError', () => {
    fc.assert(
      fc.property(hostileBytesArb, cutsArb, encodingArb, (bytes, cuts, encoding) => {
        const decoder = new FrameDecoder({ encoding, maxFrameBytes: 4096 });
        for (const chunk of cut(bytes, cuts)) {
          let messages: Message[];
          try {
            messages = decoder.push(chunk);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
            expect(Array.isArray((error as ProtocolError).preceding)).toBe(true);
            // Failed for good: the same error again, whatever comes next.
            let again: unknown;
            try {
              decoder.push(Buffer.from([0]));
            } catch (e) {
              again = e;
            }
            expect(again).toBe(error);
            return;
          }
          for (const m of messages) expect(() => parseMessage(m)).not.toThrow();
          expect(decoder.bufferedBytes).toBeLessThanOrEqual(bytes.length);
        }
      }),
      RUNS,
    );
  });

  it('(c) any header length over the max is refused before the body arrives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 24 }),
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.array(messageArb, { maxLength: 3 }),
        fc.integer({ min: 1, max: FRAME_HEADER_BYTES }),
        (maxFrameBytes, excess, before, headerPieces) => {
          const length = Math.min(maxFrameBytes + excess, 2 ** 32 - 1);
          const encoder = new FrameEncoder({ maxFrameBytes: 2 ** 24 });
          const decoder = new FrameDecoder({ maxFrameBytes });
          const h = header(length);
          // Valid frames (if they fit the limit) then the bad header, split into `headerPieces` pushes.
          const frames = before.map((m) => encoder.encode(m));
          const prefixFits = frames.every((f) => f.length - FRAME_HEADER_BYTES <= maxFrameBytes);
          const prefix = prefixFits ? Buffer.concat(frames) : Buffer.alloc(0);
          const pieceLength = Math.ceil(FRAME_HEADER_BYTES / headerPieces);
          const pieces: Buffer[] = [];
          for (let at = 0; at < FRAME_HEADER_BYTES; at += pieceLength) pieces.push(h.subarray(at, at + pieceLength));
          pieces[0] = Buffer.concat([prefix, pieces[0]!]);

          const decoded: Message[] = [];
          for (const piece of pieces.slice(0, -1)) {
            decoded.push(...decoder.push(piece));
            expect(decoder.bufferedBytes).toBeLessThan(FRAME_HEADER_BYTES);
          }
          let error: unknown;
          try {
            decoder.push(pieces[pieces.length - 1]!);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(FrameTooLargeError);
          expect(error).toMatchObject({ length, maxFrameBytes });
          expect(decoder.bufferedBytes).toBe(0);
          expect([...decoded, ...(error as FrameTooLargeError).preceding]).toEqual(prefixFits ? before : []);
        },
      ),
      RUNS,
    );
  });
});
