import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const PLATFORM_ENTRY = resolve('dist/apps/platform/src/main.js');

export interface PlatformProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote, for assertions on what it logs. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the built platform (`npm run build`) as a real child process and waits until it listens; `nodeOptions`
 * are given to node itself (e.g. `--cpu-prof`, which NODE_OPTIONS may not carry).
 */
export async function startPlatformProcess(
  env: Record<string, string>,
  nodeOptions: readonly string[] = [],
): Promise<PlatformProcess> {
  if (!existsSync(PLATFORM_ENTRY))
    throw new Error(`${PLATFORM_ENTRY} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [...nodeOptions, PLATFORM_ENTRY], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: '0',
      HOST: '127.0.0.1',
      NO_COLOR: '1',
      LOG_LEVEL: 'info',
      DEMO: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s)]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
