import test from 'ava';
import { readFileSync } from 'node:fs';
import { renderSettingsDoc, settingsDocUrl } from '../../settings/render-settings-doc.ts';
import { settingRows } from '../../settings/settings-table.ts';

test('docs/settings.md is generated from the settings table (run npm run docs:settings)', (t) => {
  t.is(readFileSync(settingsDocUrl, 'utf8'), renderSettingsDoc());
});

test('every setting has a section in docs/settings.md', (t) => {
  const doc = renderSettingsDoc();
  for (const row of settingRows) t.true(doc.includes(`### \`${row.name}\``), row.name);
});

test('the docs explain why the default worker class is async, unlike Gunicorn', (t) => {
  t.regex(renderSettingsDoc(), /default differs from Gunicorn's\*\*, which is `sync`/);
});
