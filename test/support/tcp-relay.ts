import { connect, createServer, type NetConnectOpts, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP relay between an agent and the VIM's agent port that can partition the two: while
 * partitioned it stops reading either side and holds back closes, so neither peer sees a FIN or a reset
 * (as when a network drops packets); healing resumes both directions and delivers what was held back,
 * including the close of a side that gave up meanwhile. `startUnix` relays a unix socket the same way:
 * partitioned in front of a Docker Engine, it is an engine that hangs (connections accepted, nothing answered).
 */
export class TcpRelay {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private partitioned = false;
  private held: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    /** The TCP port it listens on; 0 for a unix-socket relay. */
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpRelay> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const relay = new TcpRelay(server, (server.address() as { port: number }).port);
    server.on('connection', (client: Socket) => relay.accept(client, { host: '127.0.0.1', port: targetPort }));
    return relay;
  }

  /** Listens on the unix socket `path` and relays each connection to the one at `targetPath`. */
  static async startUnix(path: string, targetPath: string): Promise<TcpRelay> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    const relay = new TcpRelay(server, 0);
    server.on('connection', (client: Socket) => relay.accept(client, { path: targetPath }));
    return relay;
  }

  get connections(): number {
    return this.pairs.size;
  }

  partition(): void {
    this.partitioned = true;
    for (const { client, upstream } of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  heal(): void {
    this.partitioned = false;
    for (const { client, upstream } of this.pairs) {
      client.resume();
      upstream.resume();
    }
    const held = this.held;
    this.held = [];
    for (const deliver of held) deliver();
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: NetConnectOpts): void {
    const upstream = connect(target);
    const pair = { client, upstream };
    this.pairs.add(pair);
    if (this.partitioned) {
      client.pause();
      upstream.pause();
    }
    const forward = (from: Socket, to: Socket): void => {
      from.on('data', (chunk: Buffer) => {
        if (!to.destroyed) to.write(chunk);
      });
      // A close while partitioned reaches the other side only when the partition heals.
      const passClose = (): void => {
        const deliver = (): void => {
          to.destroy();
          this.pairs.delete(pair);
        };
        if (this.partitioned) this.held.push(deliver);
        else deliver();
      };
      from.on('close', passClose);
      from.on('error', () => undefined);
    };
    forward(client, upstream);
    forward(upstream, client);
  }
}
