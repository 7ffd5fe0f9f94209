/**
 * Generates docs/settings.md from the settings table (Gunicorn's `build_settings_doc.py`). Run
 * `npm run docs:settings` after changing a row; a spec fails while the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAX_SECONDS } from './setting-validators.ts';
import { describeBuiltInDefault, settingSections, type AnySettingSpec } from './setting-spec.ts';
import { settingRows } from './settings-table.ts';

/** Where the generated file lives. */
export const settingsDocUrl = new URL('../docs/settings.md', import.meta.url);

/**
 * The whole of docs/settings.md.
 *
 * @example
 * writeFileSync(settingsDocUrl, renderSettingsDoc());
 */
export function renderSettingsDoc(): string {
  const sections = settingSections.flatMap((section) => {
    const rows = settingRows.filter((row) => row.section === section);
    return rows.length === 0 ? [] : [`## ${section}`, ...rows.map(renderSetting)];
  });
  return `${[...intro(), overview(), ...sections, ...addressForms(), ...notCarried()].join('\n\n')}\n`;
}

function intro(): string[] {
  return [
    '<!-- Generated from settings/settings-table.ts by `npm run docs:settings`: edit the table, not this file. -->',
    '# Settings',
    'Every setting corral takes. The settings table in `settings/settings-table.ts` is their single source: the command-line parser, `--help` and this page are all generated from it.',
    '## Where a setting comes from',
    "Each setting takes its value from the most authoritative source that gives one, as in Gunicorn:\n\n1. the built-in default;\n2. an environment variable, for the two settings that read one (`WEB_CONCURRENCY` for `workers`, `PORT` for `bind`); an empty variable counts as unset;\n3. the config file (`-c FILE`, or the first of `corral.config.ts`, `.mjs`, `.js`, `.cjs`, `.json` in the working directory);\n4. `CORRAL_CMD_ARGS`: options in command-line syntax in one environment variable (`CORRAL_CMD_ARGS=\"-w 4 --name 'shop api'\"`), split as a POSIX shell would split it, without expansions; like Gunicorn's `GUNICORN_CMD_ARGS`;\n5. the command line.\n\n`corral --print-config` prints every resolved value and its source. Only the value that wins is checked, so a bad `WEB_CONCURRENCY` does not matter when `-w` is given, except in a config file, whose every key is checked as it is read. A bad value is a usage error: corral prints a line for every problem, naming the option, variable or file and key, then the usage line and \"Try 'corral --help' for more information.\", and exits with code 2 (see [errors.md](errors.md)). A config file that is missing, cannot be parsed or throws as it is imported is exit code 1.",
    '## Config files',
    "A config file is a module whose default export is an object of settings and server hooks ([hooks.md](hooks.md)); a `.json` file holds settings only. Keys are the setting names on this page, in camelCase; values may be typed (`workers: 4`, `bind: ['127.0.0.1:8000']`, `umask: 0o022`) or strings as on the command line. A TypeScript file loads without a build step, and `defineConfig` from `corral/config` gives it types:\n\n```ts\n// corral.config.ts\nimport { defineConfig } from 'corral/config';\n\nexport default defineConfig({\n  workers: 'auto',\n  bind: ['0.0.0.0:8000'],\n  gracefulTimeout: 20,\n  whenReady(server) {\n    server.log.info(`ready with pid ${server.pid}`);\n  },\n});\n```\n\nUnknown keys are errors, with a suggestion when one is close (Gunicorn's `worker_class` suggests `workerClass`); `config`, `checkConfig` and `printConfig` belong to one command and cannot be set in a file. The file may set `app`, so that `corral` alone starts the server. Each worker imports the file too, for the worker hooks, so keep its top level free of side effects. HUP reads the file again: changed settings and hooks apply to the new workers (a changed `bind` still needs USR2).",
    "## Command-line syntax\n\n- An option's value may follow it as the next argument or be attached: `-w 4`, `-w4`, `-w=4`, `--workers 4` and `--workers=4` are the same. The next argument is taken as the value even when it starts with `-`, so `-w -1` is a bad value rather than an unknown option.\n- Given twice, an option's last value wins, except `-b/--bind`, which collects every address.\n- One positional argument, APP_MODULE, is required unless the config file sets `app`; `--` ends the options, so `corral -- -odd-name.js` serves a file whose name starts with `-`.\n- `-h/--help` and `--version` print and exit at once: options after them are not looked at, while an unknown option before them is still reported.\n- An unknown long option gets a suggestion when it is close to a known one: `unknown option '--wrokers' (did you mean --workers?)`.\n- Choices (`--worker-class`, `--log-level`) are matched in any case.\n- Durations are in seconds: 0 or more, fractions allowed (`--timeout 0.5`), at most " +
      `${MAX_SECONDS} (about 24.8 days), because Node's timers overflow above 2³¹−1 ms and would then fire at once.`,
  ];
}

function overview(): string {
  const lines = [
    '## Overview\n',
    '| Setting | Command line | Environment | Default |',
    '|---|---|---|---|',
  ];
  for (const row of settingRows) {
    const env = row.env === undefined ? '' : `\`${row.env.name}\``;
    const fallback = row.required === true ? 'required' : code(plainDefault(row));
    lines.push(
      `| [\`${row.name}\`](#${row.name.toLowerCase()}) | ${code(usage(row))} | ${env} | ${fallback} |`,
    );
  }
  return lines.join('\n');
}

function renderSetting(row: AnySettingSpec): string {
  const facts = [
    `- **Command line:** ${code(usage(row))}${row.multiple === true ? ' (repeatable)' : ''}`,
    ...(row.env === undefined
      ? []
      : [`- **Environment:** \`${row.env.name}\` makes the default \`${row.env.gives}\``]),
    `- **Type:** ${row.type}`,
    `- **Default:** ${row.required === true ? 'none: required' : code(plainDefault(row))}`,
  ];
  return [`### \`${row.name}\``, facts.join('\n'), row.description].join('\n\n');
}

function usage(row: AnySettingSpec): string {
  if (row.cli === undefined) return '';
  if (row.cli === 'positional') return row.metavar;
  const value = row.type === 'boolean' ? '' : ` ${row.metavar}`;
  const flags = row.cli.short === undefined ? [row.cli.long] : [row.cli.short, row.cli.long];
  return flags.map((flag) => `${flag}${value}`).join(', ');
}

/** The built-in default alone; the environment's part is listed beside it. */
function plainDefault(row: AnySettingSpec): string {
  return describeBuiltInDefault(row) ?? '';
}

function code(text: string): string {
  return text === '' || text === 'none' ? text : `\`${text}\``;
}

function addressForms(): string[] {
  return [
    '## Bind address forms',
    '| Written | Means |\n|---|---|\n' +
      [
        ['`HOST:PORT`', 'TCP on that host, e.g. `127.0.0.1:8000`, `localhost:3000`'],
        ['`HOST`', 'TCP on port 8000'],
        [
          '`:PORT`',
          "TCP on every IPv4 interface (`0.0.0.0:PORT`): Gunicorn's reading of an empty host",
        ],
        ['`[IPV6]:PORT`', 'TCP over IPv6, e.g. `[::1]:8000`, `[::]:8000`'],
        ['`[IPV6]` or `IPV6`', 'IPv6 on port 8000, e.g. `[::1]` or `::1`'],
        ['`tcp://HOST:PORT`', 'the same as `HOST:PORT`'],
        [
          '`unix:PATH`, `unix://PATH`',
          'a unix socket; `unix:///run/app.sock` is the absolute path `/run/app.sock`',
        ],
        [
          '`fd://N`',
          'a socket already bound by the process that started corral, passed as file descriptor N; never unlinked by corral (see [socket-activation.md](socket-activation.md))',
        ],
      ]
        .map(([form, meaning]) => `| ${form} | ${meaning} |`)
        .join('\n'),
    "A host name resolves to its IPv4 address when the master binds (Gunicorn binds host names as IPv4 too); write an IPv6 literal for IPv6. Port 0 asks the system for a free port. Refused at once, with exit code 2: a port that is not a number from 0 to 65535, an empty host or port, a missing `]`, something other than an IPv6 address in brackets, more than one `:` outside brackets, dotted numbers that are not an IPv4 address (`-b 8000` is refused with a hint to write `:8000`), an empty unix path or one longer than 107 bytes (the kernel's limit), and an `fd://` that is not a whole number. Under systemd socket activation (`LISTEN_FDS` naming this process) the sockets come from systemd and `bind` is not used. Binding itself can still fail when the master starts (address in use, not available on this machine, permission denied, a host name that does not resolve): that is exit code 1.",
  ];
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(settingsDocUrl, renderSettingsDoc());
}

function notCarried(): string[] {
  return [
    '## Gunicorn settings corral does without',
    "- `--worker-tmp-dir`: Gunicorn workers prove they are alive by touching a temporary file, which is slow on a disk-backed `/tmp`. A corral worker sends its heartbeat over the IPC channel, so no file is involved.\n- `--daemon`: run corral under systemd, a container runtime or another supervisor; see [deploy.md](deploy.md).\n- `--initgroups`: `--user` always sets the user's supplementary groups, the way a login does.\n- `--pythonpath`, `--paste` and the other WSGI-specific settings have no Node counterpart.",
  ];
}
