// tsx's --import hooks do not reach worker threads on Node 20, so every spec file runs in
// its own child process instead; that also isolates signals and cwd between files.
export default {
  files: ['spec/**/*.spec.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '120s',
};
