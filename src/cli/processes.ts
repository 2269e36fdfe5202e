import cluster from 'node:cluster';

/** True in a process that `superviseProcesses` started. */
export const isChildProcess = (): boolean => cluster.isWorker;

/** Which of the processes this one is (1 … N), or 1 when turnout runs as one process. */
export const processNumber = (): number => (cluster.isWorker ? Number(process.env.TURNOUT_PROCESS ?? cluster.worker?.id ?? 1) : 1);

/**
 * Runs `count` copies of this command (`turnout serve …`) that share one port (node:cluster:
 * the primary accepts connections and hands them round), and starts a new copy when one dies.
 * The primary serves nothing itself. Each copy is a whole web process with its own pool of
 * database connections; they share nothing else, so this is only for PostgreSQL.
 */
export function superviseProcesses(count: number, out: (line: string) => void): void {
  let stopping = false;
  const start = (n: number) => {
    const child = cluster.fork({ TURNOUT_PROCESS: String(n) });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      out(`turnout process ${n} (pid ${child.process.pid}) ended (${signal ?? code}); starting another`);
      setTimeout(() => start(n), 1000);
    });
  };
  for (let n = 1; n <= count; n++) start(n);
  const stop = () => {
    stopping = true;
    const children = Object.values(cluster.workers ?? {});
    let left = children.length;
    if (left === 0) process.exit(0);
    for (const child of children) {
      child?.once('exit', () => --left === 0 && process.exit(0));
      child?.process.kill('SIGTERM');
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
