// A job that fails shortly after each start, for examples/escalation-tree.ts.
setTimeout(() => {
  console.error(`flaky job (pid ${process.pid}): lost its connection, exiting with code 1`);
  process.exit(1);
}, 200);
