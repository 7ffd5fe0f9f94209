// A child that says it is ready over IPC as soon as it has loaded, for bench/child-restart.ts:
// what is measured is the supervisor's part of a restart, not the child's own start-up work.
import { ready } from 'corral/child';

ready();
setInterval(() => {}, 1 << 30);
