/**
 * 不正常运行登记 (abnormal-operation registrations): the form (POST /registrations: a site, optionally a point and
 * one of its factors, a period and a reason), the list with filters by state, enterprise and month (GET
 * /registrations), and the regulator's decision (POST /registrations/:id/review).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Item, Point, Site } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, SelectField, TextField } from '../components/Field.js';
import { FormFooter } from '../components/FormFooter.js';
import { Notice } from '../components/Notice.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { useSubmit } from '../components/use-submit.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/registrations.js';
import zh from '../i18n/zh-CN/registrations.js';
import { REGISTRATION_REASONS, REGISTRATION_STATES, type RegistrationEntry } from '../ledger-types.js';
import { fetchAll } from '../list.js';
import type { ScreenProps } from '../routes.js';
import { useCan, useSession } from '../session.js';
import { LEDGER_ROLES, ledgerFilterFromQuery, nextOffsetOf, NO_LEDGER_FILTER, registrationBodyOf, type RegistrationForm } from './ledger-logic.js';
import { CreateButton, LedgerFilterFields, reviewedTailColumns, useLedgerList } from './ledger-list.js';
import { ledgerMessages, ReviewForm, showPeriod, TextArea } from './ledger-parts.js';
import { keyedByQuery } from './query-keyed.js';

const messages = defineMessages('registrations', { 'zh-CN': zh, en });
/** Roles that may read sites (GET /sites) to name them in the list. */
const SITE_READERS = ['admin', 'ops', 'regulator', 'enterprise'];

function RegistrationsScreen(props: ScreenProps) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const { user } = useSession();
  const canAct = useCan(LEDGER_ROLES.act);
  const mayReview = useCan(LEDGER_ROLES.review);
  const [showForm, setShowForm] = useState(false);
  const sites = useLoad(() => (SITE_READERS.includes(user.role) ? fetchAll<Site>(api, '/sites') : Promise.resolve([])), []);
  const list = useLedgerList<RegistrationEntry>('/registrations', () => ledgerFilterFromQuery(props.query), (f) => ({ ...f, mn: '', rule: '' }));
  const { draft, setDraft, pager, enterprises, page, apply, review } = list;

  // Point names of the page shown (at most LEDGER_PAGE look-ups; points are listed per site only).
  const pointIds = SITE_READERS.includes(user.role) ? [...new Set((page.data?.items ?? []).flatMap((e) => (e.pointId ? [e.pointId] : [])))] : [];
  const pointNames = useLoad(
    () => Promise.all(pointIds.map((id) => api.get<Point>(`/points/${encodeURIComponent(id)}`).then((p) => [id, p.name] as const, () => [id, id] as const))).then((e) => new Map(e)),
    [pointIds.join(',')],
  );
  const siteName = (id: string) => sites.data?.find((s) => s.id === id)?.name ?? id;
  const scopeOf = (e: RegistrationEntry) => [siteName(e.siteId), e.pointId ? (pointNames.data?.get(e.pointId) ?? e.pointId) : '', e.factor ?? ''].filter(Boolean).join(' / ');
  const what = (e: RegistrationEntry) => t('what', { scope: scopeOf(e), period: showPeriod(e.periodStart, e.periodEnd) });

  const columns: Column<RegistrationEntry>[] = [
    ...(enterprises.pick ? [{ id: 'enterprise', header: tl('enterprise'), value: (e: RegistrationEntry) => enterprises.nameOf(e.enterpriseId) }] : []),
    { id: 'scope', header: t('scope'), value: (e) => scopeOf(e) },
    { id: 'period', header: tl('period'), value: (e) => e.periodStart, render: (e) => showPeriod(e.periodStart, e.periodEnd) },
    { id: 'reason', header: t('reason'), value: (e) => e.reason, render: (e) => <span title={e.reasonText}>{t(`reason.${e.reason}`)}{e.reasonText ? ` · ${e.reasonText}` : ''}</span> },
    ...reviewedTailColumns<RegistrationEntry>(tl, mayReview, review.open),
  ];

  return (
    <section data-screen="registrations" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      {canAct && !showForm && <CreateButton label={t('showForm')} onClick={() => (review.setNotice(null), setShowForm(true))} />}
      <Notice text={review.notice} />
      {canAct && showForm && (
        <RegistrationFormView
          sites={sites.data ?? []}
          onCancel={() => setShowForm(false)}
          onDone={() => {
            setShowForm(false);
            review.setNotice(t('registered'));
            page.reload();
          }}
        />
      )}
      {review.panel && (
        <ReviewForm key={review.panel.id} path={`/registrations/${encodeURIComponent(review.panel.id)}`} what={what(review.panel)} onCancel={review.close} onDone={review.done(t('reviewedOk'))}>
          <p>
            {t(`reason.${review.panel.reason}`)}
            {review.panel.reasonText ? ` · ${review.panel.reasonText}` : ''}
          </p>
        </ReviewForm>
      )}
      <FilterBar name="registrations" onApply={() => apply(draft)} onReset={() => (setDraft(NO_LEDGER_FILTER), apply(NO_LEDGER_FILTER))}>
        <LedgerFilterFields draft={draft} setDraft={setDraft} states={REGISTRATION_STATES} enterprises={enterprises} mn={false} />
      </FilterBar>
      <ErrorBox error={page.error ?? enterprises.error ?? sites.error} onRetry={page.reload} />
      <DataTable name="registrations" columns={columns} rows={page.data?.items ?? []} rowKey={(e) => e.id} />
      <Pager pager={pager} total={page.data?.total} nextCursor={nextOffsetOf(page.data)} />
    </section>
  );
}

function RegistrationFormView(props: { sites: readonly Site[]; onCancel: () => void; onDone: (entry: RegistrationEntry) => void }) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const [form, setForm] = useState<RegistrationForm>({ siteId: '', pointId: '', factor: '', periodStart: '', periodEnd: '', reason: 'maintenance', reasonText: '' });
  const { error, busy, run } = useSubmit();
  const points = useLoad(() => (form.siteId ? fetchAll<Point>(api, `/sites/${encodeURIComponent(form.siteId)}/points`, { enabled: 'true' }) : Promise.resolve([])), [form.siteId]);
  const items = useLoad(() => (form.pointId ? fetchAll<Item>(api, `/points/${encodeURIComponent(form.pointId)}/items`, { enabled: 'true' }) : Promise.resolve([])), [form.pointId]);
  const factors = [...new Set((items.data ?? []).map((i) => i.factor))];

  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => props.onDone(await api.post<RegistrationEntry>('/registrations', registrationBodyOf(form))));
  };

  return (
    <form name="registration" class="panel" onSubmit={submit}>
      <h2>{t('newTitle')}</h2>
      <div class="row">
        <SelectField
          name="siteId"
          label={tl('site')}
          value={form.siteId}
          onChange={(v) => setForm({ ...form, siteId: v, pointId: '', factor: '' })}
          error={error}
          options={[{ value: '', label: t('chooseSite') }, ...props.sites.filter((s) => s.enabled).map((s) => ({ value: s.id, label: s.name }))]}
        />
        <SelectField
          name="pointId"
          label={tl('point')}
          value={form.pointId}
          onChange={(v) => setForm({ ...form, pointId: v, factor: '' })}
          error={error}
          options={[{ value: '', label: t('wholeSite') }, ...(points.data ?? []).map((p) => ({ value: p.id, label: p.name }))]}
        />
        <SelectField name="factor" label={tl('factor')} value={form.factor} onChange={(v) => setForm({ ...form, factor: v })} error={error} options={[{ value: '', label: t('allItems') }, ...factors.map((f) => ({ value: f, label: f }))]} />
      </div>
      <div class="row">
        <TextField name="periodStart" label={t('periodStart')} type="datetime-local" required value={form.periodStart} onInput={(v) => setForm({ ...form, periodStart: v })} error={error} />
        <TextField name="periodEnd" label={t('periodEnd')} type="datetime-local" required value={form.periodEnd} onInput={(v) => setForm({ ...form, periodEnd: v })} error={error} />
        <SelectField name="reason" label={t('reason')} value={form.reason} onChange={(v) => setForm({ ...form, reason: v })} error={error} options={REGISTRATION_REASONS.map((r) => ({ value: r, label: t(`reason.${r}`) }))} />
      </div>
      <TextArea name="reasonText" label={t('reasonText')} value={form.reasonText} onInput={(v) => setForm({ ...form, reasonText: v })} error={error} required={form.reason === 'other'} />
      <FormFooter error={error ?? points.error ?? items.error} submit={{ label: tl('submit'), disabled: busy || form.siteId === '' }} cancelLabel={tl('cancel')} onCancel={props.onCancel} />
    </form>
  );
}

export default keyedByQuery(RegistrationsScreen);
