/**
 * `CORRAL_CMD_ARGS` holds options in command-line syntax in one variable, as GUNICORN_CMD_ARGS
 * does; it is split into words the way a POSIX shell would split it (Gunicorn uses Python's
 * `shlex.split`), without expansions: whitespace separates words, single quotes keep text as
 * it is, double quotes keep text but let a backslash escape `"`, `\` and `$`, and a backslash
 * outside quotes escapes the next character.
 */
import { UsageError } from '../errors.ts';

/**
 * @example
 * splitArguments(`-w 4 --name 'shop api' -e GREETING="hi there"`);
 * // ['-w', '4', '--name', 'shop api', '-e', 'GREETING=hi there']
 * @throws {UsageError} for an unclosed quote or a trailing backslash
 */
export function splitArguments(text: string, origin = 'CORRAL_CMD_ARGS'): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word = (word ?? '') + char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /["\\$`]/.test(text[index + 1] ?? '')) {
        word = (word ?? '') + text[++index];
      } else word = (word ?? '') + char;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\') {
      if (index + 1 >= text.length) throw new UsageError(`${origin} ends with a lone backslash`);
      word = (word ?? '') + text[++index];
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== undefined) throw new UsageError(`${origin} has an unclosed ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}
