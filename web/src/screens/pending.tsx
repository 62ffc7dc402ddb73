/**
 * Pending devices (GET /pending-devices, most recently seen first, MN search, cursor paging) and registering one
 * (POST /pending-devices/:mn/register: password, edition, optional binding to a site and point, legacy MN options).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Collector, ListPage, PendingDevice, Point, Site } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field, SelectField, TextField } from '../components/Field.js';
import { FormFooter } from '../components/FormFooter.js';
import { useSubmit } from '../components/use-submit.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/pending.js';
import zh from '../i18n/zh-CN/pending.js';
import { fetchAll } from '../list.js';
import { hrefOf } from '../routes.js';
import { registerBodyOf, type RegisterForm as Form } from './pending-logic.js';

const messages = defineMessages('pending', { 'zh-CN': zh, en });

export default function PendingScreen() {
  const t = useT(messages);
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const pager = useCursorPager();
  const list = useLoad(() => api.get<ListPage<PendingDevice>>('/pending-devices', { q, limit: 100, cursor: pager.cursor }), [q, pager.cursor]);
  const [selected, setSelected] = useState<PendingDevice | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const columns: Column<PendingDevice>[] = [
    { id: 'mn', header: t('mn'), value: (p) => p.mn, render: (p) => <span class="mono">{p.mn}</span> },
    { id: 'lastSeen', header: t('lastSeen'), value: (p) => p.lastSeen, render: (p) => showTime(p.lastSeen) },
    { id: 'firstSeen', header: t('firstSeen'), value: (p) => p.firstSeen, render: (p) => showTime(p.firstSeen) },
    { id: 'source', header: t('source'), value: (p) => p.sourceIp, render: (p) => <span class="mono">{p.sourceIp}</span> },
    { id: 'frames', header: t('frames'), value: (p) => p.frames, numeric: true },
    {
      id: 'register',
      header: '',
      render: (p) => (
        <button type="button" class="secondary" data-action="register" onClick={() => (setSelected(p), setDone(null))}>
          {t('register')}
        </button>
      ),
    },
  ];

  return (
    <section data-screen="pending" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      <FilterBar name="pending" onApply={() => (pager.reset(), setQ(draft.trim()))} onReset={() => (setDraft(''), pager.reset(), setQ(''))}>
        <Field name="q" label={t('search')}>
          {(c) => <input {...c} type="search" value={draft} onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
      </FilterBar>
      {done && (
        <p class="notice" role="status" data-registered={done}>
          {t('registered', { mn: done })} · <a href={hrefOf('/collectors/:mn', { mn: done })}>{t('open')}</a>
        </p>
      )}
      {selected && (
        <RegisterForm
          key={selected.mn}
          device={selected}
          onCancel={() => setSelected(null)}
          onDone={(c) => {
            setSelected(null);
            setDone(c.mn);
            list.reload();
          }}
        />
      )}
      <ErrorBox error={list.error} onRetry={list.reload} />
      <DataTable name="pending" columns={columns} rows={list.data?.items ?? []} rowKey={(p) => p.mn} onActivate={(p) => (setSelected(p), setDone(null))} />
      <Pager pager={pager} total={list.data?.total} nextCursor={list.data?.nextCursor} />
    </section>
  );
}

function RegisterForm(props: { device: PendingDevice; onCancel: () => void; onDone: (c: Collector) => void }) {
  const t = useT(messages);
  const [form, setForm] = useState<Form>({ password: '', version: '', siteId: '', pointId: '', allowMnLength: false, mnCharset: '' });
  const { error, busy, run } = useSubmit();
  const sites = useLoad(() => fetchAll<Site>(api, '/sites', { enabled: 'true' }), []);
  const points = useLoad(() => (form.siteId ? fetchAll<Point>(api, `/sites/${encodeURIComponent(form.siteId)}/points`, { enabled: 'true' }) : Promise.resolve([])), [form.siteId]);

  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => props.onDone(await api.post<Collector>(`/pending-devices/${encodeURIComponent(props.device.mn)}/register`, registerBodyOf(form))));
  };

  return (
    <form class="panel" onSubmit={submit} data-form="register" data-mn={props.device.mn}>
      <h2>{t('registerTitle', { mn: props.device.mn })}</h2>
      <p class="muted">{t('sample')}</p>
      <pre class="raw mono">{props.device.sampleFrame}</pre>
      <div class="row">
        <TextField name="password" label={t('password')} hint={t('passwordHint')} type="password" value={form.password} onInput={(v) => setForm({ ...form, password: v })} error={error} required autoComplete="new-password" />
        <SelectField
          name="version"
          label={t('version')}
          value={form.version}
          onChange={(v) => setForm({ ...form, version: v })}
          error={error}
          options={[{ value: '', label: t('autoVersion') }, ...['2005', '2017', '2025'].map((v) => ({ value: v, label: `HJ 212-${v}` }))]}
        />
        <SelectField
          name="siteId"
          label={t('site')}
          value={form.siteId}
          onChange={(v) => setForm({ ...form, siteId: v, pointId: '' })}
          error={error}
          options={[{ value: '', label: t('none') }, ...(sites.data ?? []).map((s) => ({ value: s.id, label: s.name }))]}
        />
        <SelectField
          name="pointId"
          label={t('point')}
          value={form.pointId}
          onChange={(v) => setForm({ ...form, pointId: v })}
          error={error}
          options={[{ value: '', label: t('none') }, ...(points.data ?? []).map((p) => ({ value: p.id, label: p.name }))]}
        />
        <SelectField
          name="mnCharset"
          label={t('mnCharset')}
          value={form.mnCharset}
          onChange={(v) => setForm({ ...form, mnCharset: v })}
          error={error}
          options={[
            { value: '', label: t('charset.alnum') },
            { value: 'extended', label: t('charset.extended') },
          ]}
        />
      </div>
      <label class="check">
        <input type="checkbox" name="allowMnLength" checked={form.allowMnLength} onChange={(e) => setForm({ ...form, allowMnLength: (e.currentTarget as HTMLInputElement).checked })} />
        {t('allowMnLength')}
      </label>
      <FormFooter error={error ?? sites.error} submit={{ label: t('register'), action: 'confirm-register', disabled: busy || form.password === '' }} cancelLabel={t('cancel')} onCancel={props.onCancel} />
    </form>
  );
}
