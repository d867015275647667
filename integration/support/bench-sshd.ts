/**
 * The test sshd for benchmarks, which run outside `npm test`: started by integration/sshd/start.sh
 * (its variables copied into this process, as run-all-tests.sh exports them) and stopped at the end
 * or on SIGINT/SIGTERM, so a benchmark never leaves a server behind.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export async function startBenchSshd(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const child = spawn('bash', [join(import.meta.dirname, '..', 'sshd', 'start.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`integration/sshd/start.sh exited ${code}`);
  const env = Object.fromEntries(out.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  Object.assign(process.env, env);
  const stop = async () => {
    if (!env.SFTP_IT_STATE) return;
    const stopper = spawn('bash', [join(import.meta.dirname, '..', 'sshd', 'stop.sh'), env.SFTP_IT_STATE], { stdio: 'inherit' });
    await new Promise((resolve) => stopper.on('close', resolve));
  };
  const interrupted = () => void stop().then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return { env, stop };
}
