// A diagnostic, not part of `npm run bench`: profiles the CPU of every forked worker process of
// a server (corral's, or bench/servers/*), to see where the time per request goes. Node does
// not accept --cpu-prof in NODE_OPTIONS, but it accepts --import, so this module starts the
// V8 sampling profiler through the inspector and writes the profile when the process exits.
//
//   NODE_OPTIONS="--import ./bench/tools/worker-cpu-profile.mjs" CPU_PROFILE_DIR=/tmp/prof/corral \
//     node bin/corral.js bench/app/hello.js -w 2 -b 127.0.0.1:8000
//   # load it, stop it with SIGTERM, then:
//   node bench/tools/profile-summary.mjs /tmp/prof/corral REQUESTS
//
// Only processes with an IPC channel (forked workers) are profiled, not the master.
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector';

if (typeof process.send === 'function') {
  const dir = process.env.CPU_PROFILE_DIR ?? '/tmp/corral-prof';
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The main-thread session answers synchronously, so this completes before the exit.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(`${dir}/${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    });
  });
}
