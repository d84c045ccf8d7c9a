import { connect, type Socket } from 'node:net';
import { computeProof, FrameDecoder, FrameEncoder, PROTOCOL_VERSION, type Message } from '@acs/protocol';

/** A hand-driven agent connection for tests that need to misbehave on purpose. */
export class RawAgent {
  readonly socket: Socket;
  readonly received: Message[] = [];
  readonly closed: Promise<void>;
  private readonly decoder = new FrameDecoder();
  private readonly encoder = new FrameEncoder();
  private waiters: Array<() => void> = [];

  private constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.on('data', (chunk: Buffer) => {
      try {
        this.received.push(...this.decoder.push(chunk));
      } catch {
        this.socket.destroy();
      }
      this.waiters.forEach((w) => w());
    });
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  static async open(port: number): Promise<RawAgent> {
    const agent = new RawAgent(port);
    await new Promise<void>((resolve, reject) => {
      agent.socket.once('connect', resolve);
      agent.socket.once('error', reject);
    });
    return agent;
  }

  send(message: Message): void {
    this.socket.write(this.encoder.encode(message));
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  next<T extends Message['type']>(type: T, timeoutMs = 5000): Promise<Extract<Message, { type: T }>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.find((m) => m.type === type);
        if (!found) return false;
        clearTimeout(timer);
        resolve(found as Extract<Message, { type: T }>);
        return true;
      };
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms; got ${this.received.map((m) => m.type).join(',')}`)), timeoutMs);
      if (!check()) this.waiters.push(() => void check());
    });
  }

  /** Completes the handshake as a well-behaved agent would. */
  async handshake(secret: string | Buffer, agentId: string): Promise<Message> {
    const challenge = await this.next('challenge');
    this.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      agentId,
      hostname: 'raw-agent',
      agentVersion: 'test',
      capacity: { maxContainers: 1, cpus: 1, memoryBytes: 1 },
      front: null,
      proof: computeProof(secret, challenge.nonce),
    });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const answer = this.received.find((m) => m.type === 'welcome' || m.type === 'reject');
      if (answer) return answer;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no welcome or reject');
  }

  close(): void {
    this.socket.destroy();
  }
}
