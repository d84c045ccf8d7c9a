import { Packr, Unpackr } from 'msgpackr';

/**
 * One direction of one connection's msgpack payloads.
 *
 * We use msgpackr's sequential records: the first message with a given key set carries the key list once,
 * and later messages on the same connection refer to it by a one-byte id. On these machines that decoded
 * about 1.8× faster than plain maps for a report with eight containers, in 57% of the bytes
 * (see bench/protocol.ts). The price is state: a
 * decoder must see every frame of its connection in order, so each connection gets a fresh pair and a
 * reconnect starts a fresh pair.
 *
 * msgpackr keeps record definitions between messages only in its "trusted" mode. That mode does not
 * weaken key handling (`__proto__` is renamed either way); it lets a peer define record layouts that live
 * as long as its connection, which is why the pair is per connection and why any decode error closes it.
 */
export type PayloadEncoding = 'records' | 'maps';

export const DEFAULT_PAYLOAD_ENCODING: PayloadEncoding = 'records';

export interface PayloadPacker {
  pack(value: unknown): Buffer;
}

export interface PayloadUnpacker {
  unpack(bytes: Buffer): unknown;
}

export function createPayloadPacker(encoding: PayloadEncoding = DEFAULT_PAYLOAD_ENCODING): PayloadPacker {
  const packr =
    encoding === 'records'
      ? new Packr({ sequential: true, useRecords: true })
      : new Packr({ useRecords: false });
  return { pack: (value) => packr.pack(value) };
}

export function createPayloadUnpacker(encoding: PayloadEncoding = DEFAULT_PAYLOAD_ENCODING): PayloadUnpacker {
  const unpackr =
    encoding === 'records'
      ? new Unpackr({ sequential: true, useRecords: true }) // sequential implies trusted
      : new Unpackr({ useRecords: false });
  return { unpack: (bytes) => unpackr.unpack(bytes) as unknown };
}
