/**
 * The arbiter's and the worker machine's statecharts as SVG, laid out by Graphviz compiled to
 * WebAssembly (@viz-js/viz), so the page needs no CDN and no browser-side layout. Rendered once
 * per process, on first use, and kept.
 */
import type { AnyStateMachine } from 'xstate';
import { instance } from '@viz-js/viz';
import { machineDot, type LayoutDirection } from './statechart-dot.ts';

/**
 * @example
 * const svg = await renderStatechart(workerMachine); // '<svg width="..." ...>...</svg>'
 */
export async function renderStatechart(
  machine: AnyStateMachine,
  direction: LayoutDirection = 'TB',
): Promise<string> {
  const viz = await instance();
  const result = viz.render(machineDot(machine, direction), { format: 'svg' });
  if (result.status !== 'success') {
    const why = result.errors.map((error) => error.message).join('; ');
    throw new Error(`the ${machine.id} statechart could not be laid out: ${why}`);
  }
  // The XML prolog and doctype are for files; the page inlines the <svg> element.
  return result.output.slice(result.output.indexOf('<svg'));
}
