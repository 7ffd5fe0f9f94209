// A stand-in for a queue consumer, supervised by examples/embedded-server.ts: it "connects",
// says it is ready, beats from its work loop, and stops cleanly on SIGTERM.
import { childPath, heartbeatEvery, ready } from 'corral/child';

const connected = new Promise((resolve) => setTimeout(resolve, 100));
await connected;
ready();
const stopBeating = heartbeatEvery(500);
let handled = 0;
const work = setInterval(() => {
  handled += 1;
}, 50);
console.log(`${childPath() ?? 'consumer'} consuming (pid ${process.pid})`);
process.once('SIGTERM', () => {
  clearInterval(work);
  stopBeating();
  console.log(`${childPath() ?? 'consumer'} stopped after ${handled} jobs`);
  process.exit(0);
});
