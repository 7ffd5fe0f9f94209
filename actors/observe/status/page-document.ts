/**
 * The status page as one self-contained HTML document: the template, its style and script from
 * page/, the two statecharts inlined as SVG, and the first view as JSON, so a single response
 * draws everything and nothing is fetched from anywhere else.
 */
import { readFileSync } from 'node:fs';
import type { AnyStateMachine } from 'xstate';
import { arbiterMachine } from '../../../machines/arbiter-machine.ts';
import { workerMachine } from '../../../machines/worker-machine.ts';
import { allStates, dottedPath } from '../../../machines/machine-graph.ts';
import { renderStatechart } from './statechart-svg.ts';

const pageFile = (name: string) => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8');

/** The parts that never change while the master runs. */
export interface PageParts {
  template: string;
  style: string;
  script: string;
  arbiterChart: string;
  workerChart: string;
  descriptions: Record<string, Record<string, string>>;
}

/** Reads the page's files and lays out the charts (about 0.2 s, once). */
export async function loadPageParts(): Promise<PageParts> {
  const [arbiterChart, workerChart] = await Promise.all([
    // Every arbiter state can stop: left to right keeps those edges short.
    renderStatechart(arbiterMachine, 'LR'),
    renderStatechart(workerMachine),
  ]);
  return {
    template: pageFile('status-page.html'),
    style: pageFile('status-page.css'),
    script: pageFile('status-page.js'),
    arbiterChart,
    workerChart,
    descriptions: {
      [arbiterMachine.id]: stateDescriptions(arbiterMachine),
      [workerMachine.id]: stateDescriptions(workerMachine),
    },
  };
}

/**
 * @example
 * const html = renderPage(parts, { now: Date.now(), control: false, view });
 */
export function renderPage(parts: PageParts, payload: unknown): string {
  const replacements: Record<string, string> = {
    '<!--style-->': `<style>\n${parts.style}</style>`,
    '<!--arbiter-chart-->': parts.arbiterChart,
    '<!--worker-chart-->': parts.workerChart,
    '<!--data-->': [
      jsonScript('initial-payload', payload),
      jsonScript('state-descriptions', parts.descriptions),
    ].join('\n'),
    '<!--script-->': `<script>\n${parts.script}</script>`,
  };
  // One pass, so text inside an inserted part is never taken for a marker.
  return parts.template.replace(/<!--[a-z-]+-->/g, (marker) => replacements[marker] ?? marker);
}

/** JSON inside <script> must not contain `</script>` or an HTML comment opener. */
function jsonScript(id: string, value: unknown): string {
  const json = JSON.stringify(value).replace(/</g, '\\u003c');
  return `<script type="application/json" id="${id}">${json}</script>`;
}

function stateDescriptions(machine: AnyStateMachine): Record<string, string> {
  const found: Record<string, string> = {};
  for (const node of allStates(machine)) {
    if (node.description !== undefined) found[dottedPath(node)] = node.description;
  }
  return found;
}
