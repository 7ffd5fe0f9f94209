// Sums the .cpuprofile files of a directory (see worker-cpu-profile.mjs) by function, self time,
// and prints the top entries in microseconds per request (pass the number of requests served,
// e.g. from wrk's summary) or in percent of the busy time.
//
//   node bench/tools/profile-summary.mjs DIR [REQUESTS] [TOP]
import { readFileSync, readdirSync } from 'node:fs';

const [dir, requestsArg, topArg] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: profile-summary.mjs DIR [REQUESTS] [TOP]');
  process.exit(2);
}
const requests = Number(requestsArg ?? 0);
const top = Number(topArg ?? 30);
const self = new Map();
let busyUs = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id).callFrame;
    if (frame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i + 1] ?? 0;
    busyUs += us;
    const where = frame.url.replace(/^.*\/(node_modules|bench|workers|actors)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + us);
  });
}
const unit = requests > 0 ? 'µs/req' : '%';
const scale = (us) => (requests > 0 ? us / requests : (100 * us) / busyUs);
console.log(
  `busy: ${(busyUs / 1e6).toFixed(2)} s${requests > 0 ? `, ${scale(busyUs).toFixed(2)} µs/req` : ''}`,
);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${scale(us).toFixed(2).padStart(8)} ${unit}  ${key}`);
}
