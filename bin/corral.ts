/**
 * `corral [options] APP_MODULE`: read the settings (command line, CORRAL_CMD_ARGS, config file,
 * environment), then print them, check them, or start the arbiter and exit with its code.
 * Nothing else lives here; everything it calls is public API.
 */
import {
  checkApp,
  CorralError,
  createArbiter,
  createMasterLog,
  ExitCode,
  processTitle,
  readConfiguration,
  reexecCommand,
  renderResolvedSettings,
  usageHint,
  usageLine,
  UsageError,
  type AppCheck,
  type MasterLog,
} from '../index.ts';
import { installLastResort } from './last-resort.ts';

/** How this master was started, before anything could change it: USR2 re-executes it. */
const reexec = reexecCommand(process.argv.slice(2));

async function main(argv: string[]): Promise<number> {
  let read;
  try {
    read = await readConfiguration({ argv, env: process.env, cwd: reexec.cwd });
  } catch (error) {
    if (!(error instanceof CorralError)) throw error;
    process.stderr.write(errorText(error));
    return error.exitCode;
  }
  if (read.kind !== 'run') {
    process.stdout.write(`${read.text}\n`);
    return ExitCode.Ok;
  }
  const { settings, sources, hooks } = read;
  if (settings.printConfig) {
    process.stdout.write(`${renderResolvedSettings(settings, sources, hooks)}\n`);
    return ExitCode.Ok;
  }
  if (settings.chdir !== undefined) process.chdir(settings.chdir);
  if (settings.checkConfig) return reportCheck(await checkApp(settings).catch(asCheckFailure));
  // Only the CLI: an embedding program owns its process's title.
  process.title = processTitle('master', settings);
  let masterLog: MasterLog;
  try {
    masterLog = createMasterLog(settings);
  } catch (error) {
    if (!(error instanceof CorralError)) throw error;
    process.stderr.write(errorText(error));
    return error.exitCode;
  }
  const { logger, reopen: reopenLogs } = masterLog;
  // HUP reads every source again: the config file and the environment as they are then.
  const reloadSettings = async () => {
    const again = await readConfiguration({ argv, env: process.env, cwd: reexec.cwd });
    if (again.kind !== 'run') throw new Error('the command line no longer starts a server');
    return { settings: again.settings, hooks: again.hooks };
  };
  const arbiter = createArbiter(settings, {
    logger,
    hooks,
    reloadSettings,
    reexec,
    reopenLogs,
    handleSignals: true,
  });
  installLastResort(arbiter, logger);
  try {
    await arbiter.start();
  } catch (error) {
    if (!(error instanceof CorralError)) throw error;
    logger.error(error.message);
    return error.exitCode;
  }
  const { exitCode } = await arbiter.done;
  return exitCode;
}

/** Each problem on a line of its own; a usage error also gets the usage line and the hint. */
function errorText(error: CorralError): string {
  const lines = error.message.split('\n').map((line) => `corral: error: ${line}\n`);
  const usage = error instanceof UsageError ? `${usageLine()}\n${usageHint()}\n` : '';
  return `${lines.join('')}${usage}`;
}

function asCheckFailure(error: unknown): AppCheck {
  if (!(error instanceof CorralError)) throw error;
  return { ok: false, reason: error.message };
}

function reportCheck(check: AppCheck): number {
  if (check.ok) {
    process.stdout.write('corral: the settings and the app are fine\n');
    return ExitCode.Ok;
  }
  process.stderr.write(`corral: error: ${check.reason}\n`);
  return ExitCode.Error;
}

const argv = process.argv.slice(2);
// `corral ctl ...` is a client of a running master, not a master: bin/ctl.ts.
const ctl = argv[0] === 'ctl' ? (await import('./ctl.ts')).ctlMain : undefined;
process.exit(ctl === undefined ? await main(argv) : await ctl(argv.slice(1)));
