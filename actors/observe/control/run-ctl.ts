/**
 * `corral ctl`: read the command line, send the request, print the answer, and give the exit
 * code (ctl-exit-codes.ts). bin/ctl.ts only calls this and exits.
 *
 * @example
 * process.exit(await runCtl(['-s', '/run/corral.sock', 'status'], process.env, io));
 */
import type { ControlReply } from './commands.ts';
import { sendControlRequest } from './ctl-client.ts';
import { parseCtlCommandLine, CTL_USAGE, type CtlCommandLine } from './ctl-command-line.ts';
import { CtlExitCode, CtlFailure, type CtlExitCodeValue } from './ctl-exit-codes.ts';
import { renderStatusTable } from './status-table.ts';

export interface CtlOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function runCtl(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: CtlOutput,
): Promise<CtlExitCodeValue> {
  try {
    const line = parseCtlCommandLine(argv, env);
    if (line.kind === 'help') {
      out.stdout(`${CTL_USAGE}\n`);
      return CtlExitCode.Ok;
    }
    const reply = await sendControlRequest(line.socket, line.request, line.timeoutMs);
    return report(line, reply, out);
  } catch (error) {
    if (!(error instanceof CtlFailure)) throw error;
    out.stderr(`corral ctl: error: ${error.message}\n`);
    if (error.exitCode === CtlExitCode.Usage)
      out.stderr("Try 'corral ctl --help' for more information.\n");
    return error.exitCode;
  }
}

function report(
  line: Extract<CtlCommandLine, { kind: 'run' }>,
  reply: ControlReply,
  out: CtlOutput,
): CtlExitCodeValue {
  if (!reply.ok) {
    out.stderr(`corral ctl: error: ${reply.error}\n`);
    return CtlExitCode.Refused;
  }
  if (line.request.command === 'status' && reply.view !== undefined) {
    out.stdout(
      line.json
        ? `${JSON.stringify(reply.view, null, 2)}\n`
        : renderStatusTable(reply.view, Date.now()),
    );
  } else {
    out.stdout(`corral ctl: ${reply.message}\n`);
  }
  return CtlExitCode.Ok;
}
