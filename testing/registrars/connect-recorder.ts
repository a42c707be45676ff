/**
 * A loopback HTTPS proxy that records which host the CLI tries to reach (axios honours
 * HTTPS_PROXY and tunnels with CONNECT) and refuses the tunnel, so nothing leaves the machine.
 * It proves which production or sandbox host a setting selects without calling it.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectRecorder {
  readonly server: Server;
  /** Value for HTTPS_PROXY. */
  readonly url: string;
  /** `host:port` of every CONNECT, in order. */
  readonly targets: string[];
  close(): Promise<void>;
}

export async function startConnectRecorder(): Promise<ConnectRecorder> {
  const targets: string[] = [];
  const server = createServer((_req, res) => res.writeHead(400).end());
  server.on('connect', (req, socket) => {
    targets.push(String(req.url));
    socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
