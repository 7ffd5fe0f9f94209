/** Who holds the server side of the established connections on a port (from `ss -p`). */
import { execFile } from 'node:child_process';

/**
 * Established connections accepted on 127.0.0.1:port, counted per owning pid. With keep-alive,
 * how the kernel split the client's connections between the workers decides how evenly they
 * are loaded for the whole measurement, so this is sampled once mid-run.
 *
 * @example
 * await connectionsByPid(8000); // Map { 1234 => 37, 1235 => 27 }
 */
export function connectionsByPid(port: number): Promise<Map<number, number>> {
  return new Promise((resolve) => {
    execFile(
      'ss',
      ['-Htnp', 'state', 'established', `( sport = :${port} )`],
      { encoding: 'utf8', timeout: 5000 },
      (error, stdout) => {
        const counts = new Map<number, number>();
        if (error) return resolve(counts);
        for (const line of stdout.split('\n')) {
          const match = /pid=(\d+)/.exec(line);
          if (match) {
            const pid = Number(match[1]);
            counts.set(pid, (counts.get(pid) ?? 0) + 1);
          }
        }
        resolve(counts);
      },
    );
  });
}
