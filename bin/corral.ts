/**
 * `corral [options] APP_MODULE`: parse the command line, start the arbiter, exit with its code.
 * Nothing else lives here; everything it calls is public API.
 */
import { CorralError } from '../errors.ts';
import { createArbiter } from '../actors/create-arbiter.ts';
import { reexecCommand } from '../actors/upgrade-command.ts';
import { createLogger } from '../logging/create-logger.ts';
import { parseCommandLine, usageHint, usageLine } from '../settings/parse-command-line.ts';
import { ExitCode } from '../protocol/exit-codes.ts';
import { installLastResort } from './last-resort.ts';

/** How this master was started, before anything could change it: USR2 re-executes it. */
const reexec = reexecCommand(process.argv.slice(2));

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv, process.env);
  } catch (error) {
    if (!(error instanceof CorralError)) throw error;
    process.stderr.write(`corral: error: ${error.message}\n${usageLine()}\n${usageHint()}\n`);
    return error.exitCode;
  }
  if (command.kind !== 'run') {
    process.stdout.write(`${command.text}\n`);
    return ExitCode.Ok;
  }
  const logger = createLogger({ level: command.settings.logLevel });
  // HUP reads the same command line again against the environment as it is then.
  const reloadSettings = () => {
    const again = parseCommandLine(argv, process.env);
    if (again.kind !== 'run') throw new Error('the command line no longer starts a server');
    return { settings: again.settings };
  };
  const arbiter = createArbiter(command.settings, { logger, reloadSettings, reexec });
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

process.exit(await main(process.argv.slice(2)));
