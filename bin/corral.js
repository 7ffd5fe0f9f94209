#!/usr/bin/env node
// corral's sources are TypeScript run without a build step. The master must be one plain node
// process (signals and pids are its interface), so tsx is registered in-process here rather
// than through the `tsx` command, which would put a wrapper process in front of it.
import { register } from 'tsx/esm/api';

register();
await import('./corral.ts');
