/**
 * npm run bench:protocol — encode+decode rate and bytes per report, msgpackr vs JSON.
 *
 * Each variant frames, decodes and validates exactly as a connection does, one report at a time, over
 * a fixed count; the figure is the best of three rounds to damp noise from the shared machine.
 */
import { FrameDecoder, FrameEncoder, parseMessage, type Message } from '@acs/protocol';
import { sampleReport } from './fixtures';

interface Variant {
  name: string;
  roundTrip(message: Message): number;
}

function framedVariant(name: string, encoding: 'records' | 'maps'): Variant {
  const encoder = new FrameEncoder({ encoding });
  const decoder = new FrameDecoder({ encoding });
  return {
    name,
    roundTrip(message) {
      const frame = encoder.encode(message);
      if (decoder.push(frame).length !== 1) throw new Error('lost a message');
      return frame.length;
    },
  };
}

function jsonVariant(): Variant {
  return {
    name: 'JSON (framed + validated)',
    roundTrip(message) {
      const payload = Buffer.from(JSON.stringify(message));
      const frame = Buffer.allocUnsafe(4 + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      payload.copy(frame, 4);
      parseMessage(JSON.parse(frame.subarray(4).toString('utf8')));
      return frame.length;
    },
  };
}

function measure(variant: Variant, containers: number, count: number): { perSecond: number; bytes: number } {
  let best = 0;
  let bytes = 0;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) bytes = variant.roundTrip(sampleReport(i, containers));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, count / seconds);
  }
  return { perSecond: best, bytes };
}

const count = Number(process.env['BENCH_COUNT'] ?? 100_000);
console.log(`protocol bench: ${count} reports per round, best of 3, Node ${process.version}`);
for (const containers of [0, 8]) {
  console.log(`\nreport with ${containers} containers`);
  console.log('variant                          encode+decode/s   bytes/frame');
  const rows = [framedVariant('msgpackr records (framed+valid.)', 'records'), framedVariant('msgpackr maps (framed+valid.)', 'maps'), jsonVariant()];
  for (const variant of rows) {
    measure(variant, containers, Math.min(count, 5000)); // warm up the JIT
    const { perSecond, bytes } = measure(variant, containers, count);
    console.log(`${variant.name.padEnd(33)}${Math.round(perSecond).toString().padStart(15)}${String(bytes).padStart(14)}`);
  }
}
