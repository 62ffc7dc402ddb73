/**
 * 运行台账 (monthly operation ledger, GET /monthly-ledger): month and enterprise pickers kept in the hash
 * (`#/ledger?month=2024-05&enterpriseId=…`), the rows as a table, the CSV of the same selection as a plain link (the
 * session cookie authenticates a GET; the API answers it as an attachment), and a recompute for the roles that may
 * ask for a rollup (POST /monthly-ledger/rollup).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Site } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field } from '../components/Field.js';
import { Notice } from '../components/Notice.js';
import { FilterBar } from '../components/FilterBar.js';
import { useLoad } from '../components/use-load.js';
import { showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/ledger.js';
import zh from '../i18n/zh-CN/ledger.js';
import type { MonthlyLedger, MonthlyRow } from '../ledger-types.js';
import { fetchAll } from '../list.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { useCan, useSession } from '../session.js';
import { ledgerCsvHref, monthOf, ROLLUP_ROLES, showRate } from './ledger-logic.js';
import { asApiError, EnterprisePicker, ledgerMessages, useEnterprises } from './ledger-parts.js';
import { keyedByQuery } from './query-keyed.js';

const messages = defineMessages('ledger-month', { 'zh-CN': zh, en });
const SITE_READERS = ['admin', 'ops', 'regulator', 'enterprise'];

function LedgerScreen(props: ScreenProps) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const { user } = useSession();
  const mayRollup = useCan(ROLLUP_ROLES);
  const initialMonth = /^\d{4}-\d{2}$/.test(props.query.month ?? '') ? props.query.month! : monthOf(Date.now());
  const [draft, setDraft] = useState({ month: initialMonth, enterpriseId: props.query.enterpriseId ?? '' });
  const [sel, setSel] = useState(draft);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const enterprises = useEnterprises(user.role);
  const sites = useLoad(() => (SITE_READERS.includes(user.role) ? fetchAll<Site>(api, '/sites') : Promise.resolve([])), []);
  const ledger = useLoad(() => api.get<MonthlyLedger>('/monthly-ledger', { month: sel.month, enterpriseId: sel.enterpriseId }), [sel]);

  const apply = () => {
    if (!/^\d{4}-\d{2}$/.test(draft.month)) return;
    setNotice(null);
    setSel(draft);
    history.replaceState(null, '', hrefOf('/ledger', {}, draft));
  };
  const rollup = async () => {
    setActionError(null);
    try {
      const { jobId } = await api.post<{ month: string; jobId: string }>('/monthly-ledger/rollup', { month: sel.month });
      setNotice(t('rollupAsked', { jobId }));
    } catch (err) {
      setActionError(asApiError(err));
    }
  };

  const siteName = (id: string) => sites.data?.find((s) => s.id === id)?.name ?? id;
  const columns: Column<MonthlyRow>[] = [
    ...(enterprises.pick && !sel.enterpriseId ? [{ id: 'enterprise', header: tl('enterprise'), value: (r: MonthlyRow) => enterprises.nameOf(r.enterpriseId) }] : []),
    { id: 'site', header: tl('site'), value: (r) => siteName(r.siteId) },
    { id: 'mn', header: tl('mn'), value: (r) => r.mn, render: (r) => <a class="mono" href={hrefOf('/collectors/:mn', { mn: r.mn })}>{r.mn}</a> },
    { id: 'factor', header: tl('factor'), value: (r) => r.factor },
    { id: 'kind', header: tl('kind'), value: (r) => tl(`kind.${r.kind}`) },
    { id: 'expected', header: t('expected'), value: (r) => r.expected, numeric: true },
    { id: 'received', header: t('received'), value: (r) => r.received, numeric: true },
    { id: 'backFilled', header: t('backFilled'), value: (r) => r.backFilled, numeric: true },
    { id: 'covered', header: t('covered'), value: (r) => r.coveredByRegistration, numeric: true },
    { id: 'gaps', header: t('gaps'), value: (r) => r.gaps.total, numeric: true, render: (r) => `${r.gaps.total} (${r.gaps.open})` },
    { id: 'anomalies', header: t('anomalies'), value: (r) => r.anomalies.total, numeric: true, render: (r) => `${r.anomalies.total} (${r.anomalies.unexplained})` },
    { id: 'uploadRate', header: t('uploadRate'), value: (r) => r.uploadRate, numeric: true, render: (r) => showRate(r.uploadRate) },
    { id: 'publicationRate', header: t('publicationRate'), value: (r) => r.publicationRate, numeric: true, render: (r) => showRate(r.publicationRate) },
  ];

  const data = ledger.data;
  return (
    <section data-screen="ledger" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      <FilterBar name="ledger" onApply={apply}>
        <Field name="month" label={tl('month')}>
          {(c) => <input {...c} type="month" required value={draft.month} onInput={(e) => setDraft({ ...draft, month: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        {enterprises.pick && <EnterprisePicker enterprises={enterprises.list} value={draft.enterpriseId} onChange={(v) => setDraft({ ...draft, enterpriseId: v })} />}
        <a class="button-link" data-action="download-csv" href={ledgerCsvHref(sel.month, sel.enterpriseId)} download={`monthly-ledger-${sel.month}.csv`}>
          {t('downloadCsv')}
        </a>
        <button type="button" class="secondary" data-action="refresh" onClick={ledger.reload} disabled={ledger.loading}>
          {t('refresh')}
        </button>
        {mayRollup && (
          <button type="button" class="secondary" data-action="rollup" onClick={() => void rollup()}>
            {t('rollup')}
          </button>
        )}
      </FilterBar>
      <Notice text={notice} />
      <ErrorBox error={actionError ?? ledger.error ?? enterprises.error} onRetry={ledger.reload} />
      {data && (
        <p class="muted summary" data-computed={data.computed}>
          {data.month} · {t(`computed.${data.computed}`, { at: showTime(data.computedAt), jobId: data.jobId ?? '' })} · {t('rows', { count: data.rows.length })}
        </p>
      )}
      <DataTable name="ledger" columns={columns} rows={data?.rows ?? []} rowKey={(r) => `${r.itemId}:${r.kind}`} />
    </section>
  );
}

export default keyedByQuery(LedgerScreen);
