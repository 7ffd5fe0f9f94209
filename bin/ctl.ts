/**
 * `corral ctl [-s PATH] COMMAND`: steer a running master through its `--control-socket`.
 * Dispatched from bin/corral.ts; everything it does is in actors/observe/control/run-ctl.ts.
 */
import { runCtl } from '../index.ts';

export async function ctlMain(argv: string[]): Promise<number> {
  return runCtl(argv, process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
