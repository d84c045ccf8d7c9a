import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { HostPort } from './parsers';

/**
 * Binds a server and resolves with the address it got (port 0 → the OS's pick), or rejects with the
 * bind error (EADDRINUSE, EACCES…) instead of leaving it to an unhandled 'error' event.
 */
export function listenOn(server: NetServer | HttpServer, at: HostPort): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Closes an HTTP server now: idle and busy keep-alive connections are cut rather than awaited. */
export function closeHttpServer(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
