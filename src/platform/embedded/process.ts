import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { once } from 'node:events';

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** A child service we started and must stop. */
export interface ManagedProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** How a service is started. */
export interface ServiceOptions {
  /**
   * Start it in its own process group. Ctrl-C in a terminal signals the whole foreground group: the
   * embedded services must keep running until the application has drained its jobs and closed its
   * connections, and are then stopped by it (`npm start`). Tests leave it off, so that a test run
   * interrupted by Ctrl-C leaves no redis-server behind.
   */
  ownProcessGroup?: boolean;
}

/**
 * Spawns a service and waits until it accepts TCP connections. Output goes to `logFile` handles
 * already opened by the caller, so a failing start can be diagnosed.
 */
export async function startService(
  name: string,
  command: string,
  args: string[],
  port: number,
  stdio: [number, number],
  timeoutMs = 30_000,
  options: ServiceOptions = {},
): Promise<ManagedProcess> {
  const child = spawn(command, args, {
    stdio: ['ignore', stdio[0], stdio[1]],
    detached: options.ownProcessGroup ?? false,
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.once('error', (err) => {
    exited = err.message;
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (exited) throw new Error(`${name} did not start: ${exited}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not open port ${port} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name,
    port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}
