// A unix socket any user may connect to, forwarding to the Docker engine's:
// lets a test run the action as an unprivileged user that still reaches the
// engine (as a user in the docker group would), without touching the socket.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SocketForward {
  /** For DOCKER_HOST. */
  host: string;
  stop(): Promise<void>;
}

export async function forwardDockerSocket(target = '/var/run/docker.sock'): Promise<SocketForward> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docker-fwd-'));
  chmodSync(dir, 0o755);
  const socket = path.join(dir, 'docker.sock');
  const server: Server = createServer((client) => {
    const upstream = connect(target);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((r) => server.listen(socket, r));
  chmodSync(socket, 0o777);
  return {
    host: `unix://${socket}`,
    stop: () =>
      new Promise((r) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          r();
        }),
      ),
  };
}
