/**
 * 不正常运行登记 (abnormal-operation registrations): the form (POST /registrations: a site, optionally a point and
 * one of its factors, a period and a reason), the list with filters by state, enterprise and month (GET
 * /registrations), and the regulator's decision (POST /registrations/:id/review).
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import type { Item, Point, Site } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field, SelectField, TextField } from '../components/Field.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/registrations.js';
import zh from '../i18n/zh-CN/registrations.js';
import { REGISTRATION_REASONS, REGISTRATION_STATES, type LedgerPage, type RegistrationEntry } from '../ledger-types.js';
import { fetchAll } from '../list.js';
import type { ScreenProps } from '../routes.js';
import { useCan, useSession } from '../session.js';
import { canReview, LEDGER_ROLES, ledgerFilterFromQuery, ledgerQuery, nextOffsetOf, NO_LEDGER_FILTER, offsetOf, registrationBodyOf, type LedgerFilter, type RegistrationForm } from './ledger-logic.js';
import { asApiError, EnterprisePicker, LedgerState, ledgerMessages, ReviewForm, ReviewNote, showPeriod, TextArea, useEnterprises } from './ledger-parts.js';
import { keyedByQuery } from './query-keyed.js';

const messages = defineMessages('registrations', { 'zh-CN': zh, en });
const PAGE = 50;
/** Roles that may read sites (GET /sites) to name them in the list. */
const SITE_READERS = ['admin', 'ops', 'regulator', 'enterprise'];

function RegistrationsScreen(props: ScreenProps) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const { user } = useSession();
  const canAct = useCan(LEDGER_ROLES.act);
  const mayReview = useCan(LEDGER_ROLES.review);
  const [showForm, setShowForm] = useState(false);
  const [filter, setFilter] = useState<LedgerFilter>(() => ledgerFilterFromQuery(props.query));
  const [draft, setDraft] = useState<LedgerFilter>(filter);
  const [reviewing, setReviewing] = useState<RegistrationEntry | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const pager = useCursorPager();
  const enterprises = useEnterprises(user.role);
  const sites = useLoad(() => (SITE_READERS.includes(user.role) ? fetchAll<Site>(api, '/sites') : Promise.resolve([])), []);
  const page = useLoad(() => api.get<LedgerPage<RegistrationEntry>>('/registrations', ledgerQuery({ ...filter, mn: '', rule: '' }, offsetOf(pager.cursor), PAGE)), [filter, pager.cursor]);
  const apply = (f: LedgerFilter) => (pager.reset(), setFilter(f));

  // Point names of the page shown (at most PAGE look-ups; points are listed per site only).
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
    { id: 'by', header: tl('by'), value: (e) => e.by.name, render: (e) => `${e.by.name} · ${showTime(e.createdAt)}` },
    { id: 'state', header: tl('state'), value: (e) => e.state, render: (e) => <>
      <LedgerState state={e.state} /> <ReviewNote review={e.review} />
    </> },
    {
      id: 'actions',
      header: tl('actions'),
      render: (e) =>
        mayReview && canReview('registration', e.state) ? (
          <button type="button" class="secondary" data-action="review" onClick={() => (setNotice(null), setReviewing(e))}>
            {tl('review')}
          </button>
        ) : null,
    },
  ];

  return (
    <section data-screen="registrations" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      {canAct && !showForm && (
        <p>
          <button type="button" data-action="create" onClick={() => (setNotice(null), setShowForm(true))}>
            {t('showForm')}
          </button>
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {canAct && showForm && (
        <RegistrationFormView
          sites={sites.data ?? []}
          onCancel={() => setShowForm(false)}
          onDone={() => {
            setShowForm(false);
            setNotice(t('registered'));
            page.reload();
          }}
        />
      )}
      {reviewing && (
        <ReviewForm
          key={reviewing.id}
          path={`/registrations/${encodeURIComponent(reviewing.id)}`}
          what={what(reviewing)}
          onCancel={() => setReviewing(null)}
          onDone={() => {
            setReviewing(null);
            setNotice(t('reviewedOk'));
            page.reload();
          }}
        >
          <p>
            {t(`reason.${reviewing.reason}`)}
            {reviewing.reasonText ? ` · ${reviewing.reasonText}` : ''}
          </p>
        </ReviewForm>
      )}
      <FilterBar name="registrations" onApply={() => apply(draft)} onReset={() => (setDraft(NO_LEDGER_FILTER), apply(NO_LEDGER_FILTER))}>
        <Field name="state" label={tl('state')}>
          {(c) => (
            <select {...c} value={draft.state} onChange={(e) => setDraft({ ...draft, state: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{tl('anyState')}</option>
              {REGISTRATION_STATES.map((s) => (
                <option key={s} value={s}>
                  {tl(`state.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {enterprises.pick && <EnterprisePicker enterprises={enterprises.list} value={draft.enterpriseId} onChange={(v) => setDraft({ ...draft, enterpriseId: v })} />}
        <Field name="month" label={tl('month')}>
          {(c) => <input {...c} type="month" value={draft.month} onInput={(e) => setDraft({ ...draft, month: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
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
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const points = useLoad(() => (form.siteId ? fetchAll<Point>(api, `/sites/${encodeURIComponent(form.siteId)}/points`, { enabled: 'true' }) : Promise.resolve([])), [form.siteId]);
  const items = useLoad(() => (form.pointId ? fetchAll<Item>(api, `/points/${encodeURIComponent(form.pointId)}/items`, { enabled: 'true' }) : Promise.resolve([])), [form.pointId]);
  const factors = [...new Set((items.data ?? []).map((i) => i.factor))];

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onDone(await api.post<RegistrationEntry>('/registrations', registrationBodyOf(form)));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
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
      <ErrorBox error={error ?? points.error ?? items.error} />
      <div class="row">
        <button type="submit" data-action="submit" disabled={busy || form.siteId === ''}>
          {tl('submit')}
        </button>
        <button type="button" class="secondary" data-action="cancel" onClick={props.onCancel}>
          {tl('cancel')}
        </button>
      </div>
    </form>
  );
}

export default keyedByQuery(RegistrationsScreen);
