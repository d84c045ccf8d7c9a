/**
 * Hostile byte streams for the agent port, drawn from a seeded PRNG so a failing case can be replayed by seed.
 * Each case is what one connection sends; the VIM must close every one of them itself, with a reason.
 */
import { computeProof, DEFAULT_MAX_FRAME_BYTES, FrameEncoder, PROTOCOL_VERSION, type Message } from '@acs/protocol';

export interface FuzzCase {
  kind: string;
  /** Bytes to send at once after connecting. */
  before: Buffer;
  /** When set, complete a valid handshake with this secret first, then send `after`. */
  authenticate?: { agentId: string };
  after?: Buffer;
}

type Random = () => number;

const int = (random: Random, max: number): number => Math.floor(random() * max);

function randomBytes(random: Random, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = int(random, 256);
  return bytes;
}

/** One frame: 4-byte big-endian length, then `payload` as given (not necessarily valid msgpack). */
export function rawFrame(payload: Buffer, declaredLength = payload.length): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(declaredLength >>> 0);
  return Buffer.concat([header, payload]);
}

/** A properly encoded frame of anything shaped like a message; a fresh encoder defines its records inline. */
export function encodedFrame(message: Record<string, unknown>): Buffer {
  return new FrameEncoder().encode(message as unknown as Message);
}

export function validHello(secret: Buffer, nonce: string, agentId: string): Record<string, unknown> {
  return {
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    agentId,
    hostname: 'fuzz',
    agentVersion: 'fuzz',
    capacity: { maxContainers: 1, cpus: 1, memoryBytes: 1 },
    front: null,
    proof: computeProof(secret, nonce),
  };
}

/** Hello fields replaced by values of the wrong type, one or more per case. */
const WRONG_VALUES: unknown[] = [123, -1, 1.5, 'x'.repeat(300), '', null, true, [], [1, 2, 3], {}, { nested: { deeper: [1] } }, Buffer.from('bytes'), 2 ** 53, Number.NaN];
const HELLO_FIELDS = ['type', 'protocolVersion', 'agentId', 'hostname', 'agentVersion', 'capacity', 'front', 'proof'];

function wrongTypedHello(random: Random): Buffer {
  const hello: Record<string, unknown> = validHello(Buffer.from('not-the-secret-0123456789'), '0'.repeat(64), 'fuzz-typed');
  const changes = 1 + int(random, 3);
  for (let i = 0; i < changes; i++) hello[HELLO_FIELDS[int(random, HELLO_FIELDS.length)]!] = WRONG_VALUES[int(random, WRONG_VALUES.length)];
  if (random() < 0.2) hello['__proto__'] = { polluted: true };
  return encodedFrame(hello);
}

/** msgpack array headers nested `depth` deep: recursion bombs for the decoder. */
function deepNesting(depth: number): Buffer {
  return rawFrame(Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0xc0])]));
}

/** Builds case number `index`; the kinds take turns so every kind appears in a bounded run. */
export function fuzzCase(random: Random, index: number, agentIdPrefix: string): FuzzCase {
  const kinds = [
    'random-bytes',
    'random-length-prefix',
    'oversize-length-prefix',
    'zero-length-frame',
    'truncated-hello',
    'wrong-field-types',
    'huge-array-claim',
    'huge-map-claim',
    'deep-nesting',
    'unknown-type',
    'garbage-then-hello',
    'agent-sends-challenge',
    'handshake-then-garbage',
    'handshake-then-huge-report',
    'handshake-then-deep-nesting',
    'handshake-then-wrong-types',
  ] as const;
  const kind = kinds[index % kinds.length]!;
  const agentId = `${agentIdPrefix}-${index}`;
  switch (kind) {
    case 'random-bytes':
      return { kind, before: randomBytes(random, 1 + int(random, 4096)) };
    case 'random-length-prefix':
      return { kind, before: rawFrame(randomBytes(random, int(random, 64)), int(random, 2 ** 32)) };
    case 'oversize-length-prefix':
      return { kind, before: rawFrame(Buffer.alloc(16), DEFAULT_MAX_FRAME_BYTES + 1 + int(random, 2 ** 31)) };
    case 'zero-length-frame':
      return { kind, before: rawFrame(Buffer.alloc(0)) };
    case 'truncated-hello': {
      const frame = encodedFrame(validHello(Buffer.from('x'.repeat(32)), '0'.repeat(64), agentId));
      return { kind, before: frame.subarray(0, 1 + int(random, frame.length - 1)) };
    }
    case 'wrong-field-types':
      return { kind, before: wrongTypedHello(random) };
    case 'huge-array-claim':
      // array32 claiming up to 4 billion elements, followed by far fewer.
      return { kind, before: rawFrame(Buffer.concat([Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(int(random, 8000), 0xc0)])) };
    case 'huge-map-claim':
      return { kind, before: rawFrame(Buffer.concat([Buffer.from([0xdf, 0x7f, 0xff, 0xff, 0xff]), Buffer.alloc(int(random, 8000), 0xc0)])) };
    case 'deep-nesting':
      return { kind, before: deepNesting(1000 + int(random, 14_000)) };
    case 'unknown-type':
      return { kind, before: encodedFrame({ type: `no-such-${int(random, 1000)}`, id: 1 }) };
    case 'garbage-then-hello':
      return { kind, before: Buffer.concat([randomBytes(random, 1 + int(random, 32)), encodedFrame(validHello(Buffer.from('y'.repeat(32)), '0'.repeat(64), agentId))]) };
    case 'agent-sends-challenge':
      return { kind, before: encodedFrame({ type: 'challenge', protocolVersion: PROTOCOL_VERSION, nonce: 'a'.repeat(64) }) };
    case 'handshake-then-garbage':
      return { kind, before: Buffer.alloc(0), authenticate: { agentId }, after: randomBytes(random, 1 + int(random, 4096)) };
    case 'handshake-then-huge-report': {
      // More containers than any report may carry, inside the frame limit.
      const containers = Array.from({ length: 1025 + int(random, 2000) }, (_, i) => ({ id: `c${i}` }));
      return { kind, before: Buffer.alloc(0), authenticate: { agentId }, after: encodedFrame({ type: 'report', seq: 1, at: Date.now(), host: {}, containers }) };
    }
    case 'handshake-then-deep-nesting':
      return { kind, before: Buffer.alloc(0), authenticate: { agentId }, after: deepNesting(100_000 + int(random, 800_000)) };
    case 'handshake-then-wrong-types':
      return {
        kind,
        before: Buffer.alloc(0),
        authenticate: { agentId },
        after: encodedFrame({ type: 'report', seq: 'one', at: -5, host: { cpuPct: 500 }, containers: [{ id: 7, state: 'flying' }] }),
      };
  }
}
