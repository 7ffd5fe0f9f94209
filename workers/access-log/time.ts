/**
 * The access log's `%(t)s`: `[26/Nov/2026:04:15:43 +0000]`, local time with its offset, as
 * Gunicorn writes it (`[%d/%b/%Y:%H:%M:%S %z]`). Built once per second, not once per line.
 */
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let cachedSecond = Number.NaN;
let cachedText = '';

/**
 * @example
 * accessTimestamp(Date.parse('2026-11-26T04:15:43Z')); // '[26/Nov/2026:04:15:43 +0000]' where TZ=UTC
 */
export function accessTimestamp(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = render(new Date(second * 1000));
  }
  return cachedText;
}

function render(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  const day = `${two(date.getDate())}/${months[date.getMonth()]}/${date.getFullYear()}`;
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`;
  return `[${day}:${time} ${zone}]`;
}
