/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), for specs that check
 * what `/metrics` serves: every line must be a HELP, a TYPE, a comment, a blank line or a
 * sample of the right shape; a family's TYPE comes before its samples, once; its samples are
 * together and named for it; no series appears twice; a histogram's buckets are cumulative and
 * its `+Inf` bucket equals its `_count`. Anything else throws, naming the line.
 *
 * @example
 * const families = parsePrometheusText(body);
 * sampleValue(families, 'corral_http_requests_total', { status_class: '2xx' }); // 10
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABEL = `${LABEL_NAME}=${LABEL_VALUE}`;
// Prometheus reads values with Go's strconv.ParseFloat, which takes Inf and NaN in any case
// (prom-client writes `Nan`).
const VALUE =
  '[+-]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN]|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
const SAMPLE_LINE = new RegExp(
  `^(${METRIC_NAME})(?:\\{((?:${LABEL}(?:,${LABEL})*)?,?)\\})? (${VALUE})(?: (-?\\d+))?$`,
);
const HELP_LINE = new RegExp(`^# HELP (${METRIC_NAME})(?: (.*))?$`);
const TYPE_LINE = new RegExp(`^# TYPE (${METRIC_NAME}) (counter|gauge|histogram|summary|untyped)$`);
const TYPES_WITH_SUFFIXES: Record<MetricType, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Parses the whole text; throws an Error naming the first line that breaks a rule. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the text does not end with a newline');
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current: Family | undefined;
  const closed = new Set<string>();
  const typed = new Set<string>();
  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    const open = (name: string): Family => {
      if (current?.name === name) return current;
      if (current !== undefined) closed.add(current.name);
      if (closed.has(name)) throw new Error(`${where}: the samples of ${name} are not together`);
      const family = families.get(name) ?? { name, type: 'untyped', help: undefined, samples: [] };
      families.set(name, family);
      current = family;
      return family;
    };
    if (line === '') return;
    const help = HELP_LINE.exec(line);
    if (help !== null) {
      const family = open(help[1]!);
      if (family.help !== undefined) throw new Error(`${where}: a second HELP`);
      family.help = unescapeHelp(help[2] ?? '');
      return;
    }
    const type = TYPE_LINE.exec(line);
    if (type !== null) {
      const family = open(type[1]!);
      if (family.samples.length > 0 || typed.has(family.name)) {
        throw new Error(`${where}: TYPE must come once, before the samples`);
      }
      typed.add(family.name);
      family.type = type[2] as MetricType;
      return;
    }
    if (line.startsWith('# HELP') || line.startsWith('# TYPE')) throw new Error(`${where}: bad`);
    if (line.startsWith('#')) return;
    const sample = parseSample(line, where);
    const family = open(familyOf(sample.name, current, where));
    const key = `${sample.name}{${Object.entries(sample.labels).sort().join(',')}}`;
    if (series.has(key)) throw new Error(`${where}: a second sample of ${key}`);
    series.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) checkFamily(family);
  return families;
}

function parseSample(line: string, where: string): Sample {
  const match = SAMPLE_LINE.exec(line);
  if (match === null) throw new Error(`${where}: not a sample, HELP, TYPE or comment`);
  const labels: Record<string, string> = {};
  for (const pair of (match[2] ?? '').matchAll(
    new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g'),
  )) {
    const name = pair[1]!;
    if (name in labels) throw new Error(`${where}: label ${name} twice`);
    labels[name] = unescapeLabel(pair[2]!.slice(1, -1));
  }
  return { name: match[1]!, labels, value: parseValue(match[3]!) };
}

/** The family a sample belongs to: the current one if its suffixes allow the name. */
function familyOf(name: string, current: Family | undefined, where: string): string {
  if (current !== undefined && name.startsWith(current.name)) {
    const suffix = name.slice(current.name.length);
    if (TYPES_WITH_SUFFIXES[current.type].includes(suffix)) return current.name;
  }
  if (current !== undefined && current.type !== 'untyped' && current.samples.length === 0) {
    throw new Error(`${where}: ${name} does not belong to the ${current.type} ${current.name}`);
  }
  return name;
}

function checkFamily(family: Family): void {
  if (family.type !== 'histogram') return;
  const groups = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    const { le: _le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  for (const samples of groups.values()) checkHistogram(family.name, samples);
}

function checkHistogram(name: string, samples: Sample[]): void {
  const buckets = samples.filter((s) => s.name === `${name}_bucket`);
  const count = samples.find((s) => s.name === `${name}_count`);
  if (samples.find((s) => s.name === `${name}_sum`) === undefined || count === undefined) {
    throw new Error(`histogram ${name} lacks _sum or _count`);
  }
  let previous = { bound: -Infinity, value: 0 };
  for (const bucket of buckets) {
    const le = bucket.labels.le;
    if (le === undefined) throw new Error(`histogram ${name} has a bucket without le`);
    const bound = parseValue(le);
    if (bound <= previous.bound || bucket.value < previous.value) {
      throw new Error(`histogram ${name}: buckets not cumulative at le="${le}"`);
    }
    previous = { bound, value: bucket.value };
  }
  if (previous.bound !== Infinity || previous.value !== count.value) {
    throw new Error(`histogram ${name}: the +Inf bucket must exist and equal _count`);
  }
}

function parseValue(text: string): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a number: ${text}`);
  return value;
}

function unescapeLabel(text: string): string {
  return text.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/**
 * The value of the one sample of `name` whose labels include `labels`; throws if there is none
 * or more than one.
 */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const found = samplesOf(families, name).filter((s) =>
    Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length !== 1) {
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  }
  return found[0]!.value;
}

/** Every sample named `name`, in whichever family holds it. */
export function samplesOf(families: Map<string, Family>, name: string): Sample[] {
  return [...families.values()].flatMap((f) => f.samples.filter((s) => s.name === name));
}
