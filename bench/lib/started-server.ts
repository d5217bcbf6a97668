import { spawn } from 'node:child_process';

const URL_LINE = /Meterline is running at (http:\/\/\S+)/;

export interface StartedServer {
  /** The address it printed. */
  url: string;
  /** The process that prints it: the server itself under `node`, npm under `npm start`. */
  pid: number;
  /** Stops it (SIGTERM to its process group, so npm's child too) and waits for it to leave. */
  stop(): Promise<void>;
}

/**
 * Starts Meterline as a user does (`command`, e.g. `npm start`) with `env` over this process's,
 * and resolves with its address once it prints it; rejects if it exits first.
 */
export async function startServer(command: string[], env: Record<string, string>): Promise<StartedServer> {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group, so the stop reaches npm's child (the server) too.
    detached: true,
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = URL_LINE.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) =>
        reject(new Error(`${command.join(' ')} exited (${code}) before printing its URL:\n${out}`)),
      );
    });
    // Read on, so that a full pipe never blocks its writes.
    child.stdout.resume();
    return { url, pid: child.pid as number, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
