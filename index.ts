/**
 * corral's public API: what the CLI uses, for programs that embed a pre-fork server, supervise
 * their own processes in a tree (`createSupervisor`), or want the bare statecharts.
 *
 * @example
 * import { createArbiter } from 'corral';
 * const arbiter = createArbiter(settings, { logger });
 * await arbiter.start();
 * process.exitCode = (await arbiter.done).exitCode;
 */
export { createArbiter, type Arbiter, type ArbiterOptions } from './actors/create-arbiter.ts';
export {
  createSupervisor,
  type Supervisor,
  type SupervisorOptions,
  type TreeEvent,
} from './actors/supervise/create-supervisor.ts';
export type {
  SupervisorSpec,
  ChildSpec,
  ProcessSpec,
  PoolSpec,
  Readiness,
  DynamicChildOptions,
} from './actors/supervise/tree-spec.ts';
export { createLogger, type CorralLogger } from './logging/create-logger.ts';
export type { LogSink } from './actors/supervision-log.ts';
export type { InspectObserver } from './actors/observe/observability.ts';
export type {
  ObservedView,
  WorkerView,
  MasterView,
  LifecycleEntry,
  Totals,
} from './actors/observe/observation.ts';
export type { WorkerStats } from './protocol/worker-stats.ts';
export type {
  Hooks,
  HookName,
  HookLog,
  HookServer,
  HookWorker,
  HookWorkerRef,
  HookWorkerExit,
  MasterHooks,
  WorkerHooks,
} from './protocol/hooks.ts';
export {
  arbiterMachine,
  type ArbiterOutput,
  type ArbiterEmitted,
  type ArbiterInput,
} from './machines/arbiter-machine.ts';
export { workerMachine, type StopMode } from './machines/worker-machine.ts';
export {
  supervisorMachine,
  type SupervisorMachine,
  type SupervisorInput,
  type SupervisorEvent,
  type SupervisorEmitted,
  type SupervisorOutput,
  type ChildPlan,
  type Strategy,
  type RestartType,
} from './machines/supervisor/supervisor-machine.ts';
export type { WorkerExit, WorkerExitCause } from './machines/worker-types.ts';
export type { Settings, LogLevel } from './settings/settings.ts';
export { ExitCode } from './protocol/exit-codes.ts';
export * from './errors.ts';
export { settingsFromProgram, type SettingsInput } from './settings/program-settings.ts';
export { defineConfig, type CorralConfig } from './settings/define-config.ts';
export {
  readConfiguration,
  type ConfigurationRead,
  type ReadConfigurationInput,
} from './actors/read-configuration.ts';

// What the CLI is made of, for programs that build their own command line on corral.
export { checkApp, type AppCheck } from './actors/check-app.ts';
export { createMasterLog, type MasterLog } from './actors/master-log.ts';
export { processTitle } from './actors/process-title.ts';
export { reexecCommand, type ReexecCommand } from './actors/upgrade/command.ts';
export { runCtl } from './actors/observe/control/run-ctl.ts';
export { usageHint, usageLine } from './settings/parse-command-line.ts';
export { renderResolvedSettings } from './settings/render-resolved-settings.ts';
