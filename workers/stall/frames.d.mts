/**
 * Call frames of a `Debugger.paused` event as stall report frames, mapped through source maps
 * (see stall-frames.mjs).
 *
 * @example
 * const frames = toStallFrames(paused.callFrames, scriptsById);
 * // [{ functionName: 'spin', url: '/srv/app.ts', line: 12, column: 5 }, ...]
 */
import type { StallFrame } from '../../protocol/stall-report.ts';

export const MAX_FRAMES: number;

export interface CallFrame {
  functionName: string;
  url?: string;
  location: { scriptId: string; lineNumber: number; columnNumber?: number };
}

export interface ParsedScript {
  url: string;
  sourceMapURL?: string;
}

export function toStallFrames(
  callFrames: readonly CallFrame[],
  scripts: ReadonlyMap<string, ParsedScript>,
): StallFrame[];
