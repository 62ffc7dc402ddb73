/** The console's messages: zh-CN default and fallback, parameters, unknown keys visible. */
import { readdirSync } from 'node:fs';
import t from 'tap';
import { common, defineMessages, DEFAULT_LANG, pickLang, translate } from '../src/i18n/index.js';
import enCommon from '../src/i18n/en/common.js';
import zhCommon from '../src/i18n/zh-CN/common.js';

t.test('zh-CN is the default and a stored language must be a known one', async (tt) => {
  tt.equal(DEFAULT_LANG, 'zh-CN');
  tt.equal(pickLang(null), 'zh-CN');
  tt.equal(pickLang('en'), 'en');
  tt.equal(pickLang('fr'), 'zh-CN');
  tt.equal(pickLang(''), 'zh-CN');
});

t.test('a key missing in English falls back to zh-CN, then to the key itself', async (tt) => {
  const m = defineMessages('demo', { 'zh-CN': { hello: '你好 {name}', only: '仅中文' }, en: { hello: 'Hello {name}' } });
  tt.equal(m('en', 'hello', { name: 'A' }), 'Hello A');
  tt.equal(m('zh-CN', 'hello', { name: 'A' }), '你好 A');
  tt.equal(m('en', 'only'), '仅中文', 'falls back to zh-CN');
  tt.equal(m('en', 'nope'), 'demo.nope', 'unknown key shown as is');
  tt.equal(translate('en', 'unknown-ns.x'), 'unknown-ns.x');
  tt.equal(m('en', 'hello'), 'Hello {name}', 'a missing parameter stays visible');
});

t.test('the shell messages exist in both languages with the same keys and placeholders', async (tt) => {
  tt.same(Object.keys(enCommon).sort(), Object.keys(zhCommon).sort());
  for (const [key, zh] of Object.entries(zhCommon)) {
    const en = (enCommon as Record<string, string>)[key]!;
    tt.same(en.match(/\{\w+\}/g) ?? [], zh.match(/\{\w+\}/g) ?? [], `${key}: same placeholders`);
  }
  tt.equal(common('en', 'pager.total', { total: 5 }), '5 in all');
  tt.equal(common('zh-CN', 'pager.total', { total: 5 }), '共 5 条');
});

t.test('every screen has its messages in both languages with the same keys and placeholders', async (tt) => {
  const dir = (lang: string) => new URL(`../src/i18n/${lang}/`, import.meta.url);
  const files = readdirSync(dir('zh-CN')).filter((f) => f.endsWith('.js'));
  tt.ok(files.length >= 2, `${files.length} message files`);
  tt.same(readdirSync(dir('en')).filter((f) => f.endsWith('.js')).sort(), [...files].sort(), 'one English file per Chinese file');
  for (const file of files) {
    const zh = ((await import(new URL(file, dir('zh-CN')).href)) as { default: Record<string, string> }).default;
    const en = ((await import(new URL(file, dir('en')).href)) as { default: Record<string, string> }).default;
    tt.same(Object.keys(en).sort(), Object.keys(zh).sort(), `${file}: same keys`);
    for (const [key, text] of Object.entries(zh)) {
      const other = en[key];
      if (other === undefined) continue;
      tt.same((other.match(/\{\w+\}/g) ?? []).sort(), (text.match(/\{\w+\}/g) ?? []).sort(), `${file} ${key}: same placeholders`);
    }
  }
});
