import test from 'ava';
import { UsageError } from '../../errors.ts';
import { splitArguments } from '../../settings/split-arguments.ts';

const cases: [string, string[]][] = [
  ['', []],
  ['  -w 4\t--timeout=5 \n', ['-w', '4', '--timeout=5']],
  [`--name 'shop api'`, ['--name', 'shop api']],
  [`-e A="x y"`, ['-e', 'A=x y']],
  [`-e 'A=$HOME' -e "B=\\$HOME"`, ['-e', 'A=$HOME', '-e', 'B=$HOME']],
  [`-e "A=say \\"hi\\""`, ['-e', 'A=say "hi"']],
  [`-e 'A=it\\s'`, ['-e', 'A=it\\s']],
  [`a\\ b ''`, ['a b', '']],
  [`"a"'b'c`, ['abc']],
];

for (const [text, words] of cases) {
  test(`splits ${JSON.stringify(text)}`, (t) => {
    t.deepEqual(splitArguments(text), words);
  });
}

test('an unclosed quote or a trailing backslash is a usage error naming the variable', (t) => {
  t.throws(() => splitArguments(`-n "x`), {
    instanceOf: UsageError,
    message: 'CORRAL_CMD_ARGS has an unclosed " quote',
  });
  t.throws(() => splitArguments('-w 4 \\'), {
    instanceOf: UsageError,
    message: 'CORRAL_CMD_ARGS ends with a lone backslash',
  });
});
