import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT, type MessageKey } from '../shared/i18n.js';
import { Card, ConfirmedAction, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';
import { PlaceName } from '../shared/region-picker.js';
import type { Session } from './session.js';
import { emptyIdentity, IdentityFields, identityBody } from './sign-in-screens.js';
import { RELATIONSHIPS } from '../shared/choices.js';
import { actionText, colon, sawText, whoText, whyText } from '../shared/audit-words.js';
import { PaperCardPanel } from './paper-card-panel.js';

/** A household member as the dependents list shows them (masked), with the relationship. */
export type Dependent = Answer<'/api/v1/residents/{id}/dependents'>[number];
type AuditEntry = Answer<'/api/v1/residents/{id}/access-log'>[number];
type Appeal = Answer<'/api/v1/residents/{id}/appeals'>[number];

/** Household members without a phone, whose codes this phone shows. */
export function HouseholdScreen({ session, onShow }: { session: Session; onShow: (d: Dependent) => void }): JSX.Element {
  const t = useT();
  const [dependents, setDependents] = useState<Dependent[]>([]);
  const [adding, setAdding] = useState(false);
  const [carding, setCarding] = useState<string | null>(null);
  const [identity, setIdentity] = useState(emptyIdentity);
  const [relationship, setRelationship] = useState<(typeof RELATIONSHIPS)[number]>('grandparent');
  const load = () => ok(client.GET('/api/v1/residents/{id}/dependents', { params: { path: { id: session.residentId } }, headers: bearer(session.token) })).then(setDependents, () => undefined);
  useEffect(() => void load(), []);
  const add = useAction(async () => {
    await ok(client.POST('/api/v1/residents/{id}/dependents', { params: { path: { id: session.residentId } }, headers: bearer(session.token), body: { ...identityBody(identity), relationship } }));
    setAdding(false);
    setIdentity(emptyIdentity());
    await load();
  });
  return (
    <Card title={t('household.title')}>
      <p class="muted">{t('household.intro')}</p>
      {dependents.length === 0 && <p>{t('household.none')}</p>}
      <ul class="list">
        {dependents.flatMap((d) => [
          <li>
            <div>
              <strong>{d.maskedName}</strong> <span class="muted">{t(`relationship.${d.relationship ?? 'other'}` as 'relationship.other')}</span>
              <div class="muted small">{d.maskedIdNumber}</div>
            </div>
            <button type="button" class="secondary" onClick={() => onShow(d)}>
              {t('household.showCode')}
            </button>
            <button type="button" class="secondary" aria-expanded={carding === d.id} data-testid="open-paper-card" onClick={() => setCarding(carding === d.id ? null : d.id)}>
              {t('paperCard.open')}
            </button>
          </li>,
          // The card's panel opens beneath its member, across the list's width.
          carding === d.id ? (
            <li class="stacked">
              <PaperCardPanel session={session} residentId={d.id} name={d.maskedName} />
            </li>
          ) : null,
        ])}
      </ul>
      {adding ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void add.run();
          }}
        >
          <IdentityFields value={identity} onChange={setIdentity} error={add.error} />
          <Field label={t('field.relationship')} error={fieldError(add.error, 'relationship')}>
            <select value={relationship} onChange={(e) => setRelationship(e.currentTarget.value as (typeof RELATIONSHIPS)[number])}>
              {RELATIONSHIPS.map((r) => (
                <option value={r}>{t(`relationship.${r}`)}</option>
              ))}
            </select>
          </Field>
          <ErrorNotice error={add.error} />
          <button class="primary wide" type="submit" disabled={add.busy}>
            {t('household.add')}
          </button>
        </form>
      ) : (
        <button type="button" class="secondary" onClick={() => setAdding(true)}>
          + {t('household.add')}
        </button>
      )}
    </Card>
  );
}

/** My data: take a copy of everything held about me, or delete it all. */
export function MyDataScreen({ session, onDeleted }: { session: Session; onDeleted: () => void }): JSX.Element {
  const t = useT();
  const [me, setMe] = useState<Answer<'/api/v1/residents/{id}'> | null>(null);
  useEffect(() => void ok(client.GET('/api/v1/residents/{id}', { params: { path: { id: session.residentId } }, headers: bearer(session.token) })).then(setMe, () => undefined), []);
  const exportData = useAction(async () => {
    const data = await ok(client.GET('/api/v1/residents/{id}/export', { params: { path: { id: session.residentId } }, headers: bearer(session.token) }));
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `healthcode-my-data-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    URL.revokeObjectURL(url);
  });
  const remove = useAction(async () => {
    await ok(client.DELETE('/api/v1/residents/{id}', { params: { path: { id: session.residentId } }, headers: bearer(session.token) }));
    onDeleted();
  });
  return (
    <Card title={t('data.title')}>
      {me && (
        <dl class="facts">
          <dt>{t('field.name')}</dt>
          <dd>{me.maskedName}</dd>
          <dt>{t('field.idNumber')}</dt>
          {/* Reclaimed by its holder: the number is no longer this account's, and the screen says so. */}
          <dd data-testid="my-id-number" data-revoked={String(me.identityRevoked)}>
            {me.identityRevoked ? (
              <>
                <s>{me.maskedIdNumber}</s> {t('data.idReturned')}
              </>
            ) : (
              me.maskedIdNumber
            )}
          </dd>
          <dt>{t('field.phone')}</dt>
          <dd>{me.maskedPhone ?? '—'}</dd>
          <dt>{t('field.addressRegion')}</dt>
          <dd>
            <PlaceName code={me.region} name={me.regionName} />
          </dd>
        </dl>
      )}
      {me?.identityRevoked && (
        <p class="notice notice-info" data-testid="identity-returned">
          {t('data.idReturnedNote')}
        </p>
      )}
      <p class="muted">{t('data.exportIntro')}</p>
      <button type="button" class="secondary" onClick={() => void exportData.run()} disabled={exportData.busy}>
        {t('data.export')}
      </button>
      <ErrorNotice error={exportData.error} />
      <hr />
      <p class="muted">{t('data.deleteIntro')}</p>
      <ConfirmedAction label={t('data.delete')} question={t('data.deleteConfirm')} yes={t('data.deleteYes')} onConfirm={() => void remove.run()} busy={remove.busy} />
      <ErrorNotice error={remove.error} />
    </Card>
  );
}

/** Who read my data, when, and for what purpose: every entry of the audit log that concerns me. */
export function AccessLogScreen({ session }: { session: Session }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => void ok(client.GET('/api/v1/residents/{id}/access-log', { params: { path: { id: session.residentId } }, headers: bearer(session.token) })).then(setEntries, setError), []);
  return (
    <Card title={t('access.title')}>
      <p class="muted">{t('access.intro')}</p>
      <ErrorNotice error={error} />
      {entries?.length === 0 && <p>{t('access.none')}</p>}
      <ul class="list">
        {entries?.map((e) => {
          const why = whyText(e.described.why, t);
          return (
            <li class="stacked access-entry" data-action={e.action}>
              <strong>{actionText(e, t)}</strong>
              <span data-testid="access-who">{whoText(e.described.who, t, lang, 'resident')}</span>
              <span class="muted small">{formatDateTime(e.at, lang)}</span>
              <span data-testid="access-why">
                <span class="muted">{why.label}{colon(lang)}</span>
                {why.typed ? <q class="typed">{why.text}</q> : why.text}
              </span>
              <span data-testid="access-saw">
                <span class="muted">{t('access.saw')}{colon(lang)}</span>
                {sawText(e.described, t, lang, 'resident')}
              </span>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/** Appeal against the current colour; answers come back here and by SMS. */
export function AppealScreen({ session, subjectId }: { session: Session; subjectId: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [appeals, setAppeals] = useState<Appeal[]>([]);
  const [message, setMessage] = useState('');
  const [colourAsked, setColourAsked] = useState<'' | 'green' | 'yellow' | 'gray'>('');
  const load = () => ok(client.GET('/api/v1/residents/{id}/appeals', { params: { path: { id: subjectId } }, headers: bearer(session.token) })).then(setAppeals, () => undefined);
  useEffect(() => void load(), [subjectId]);
  const submit = useAction(async () => {
    await ok(client.POST('/api/v1/residents/{id}/appeals', { params: { path: { id: subjectId } }, headers: bearer(session.token), body: { message, ...(colourAsked && { colourAsked }) } }));
    setMessage('');
    await load();
  });
  const colourWord = (c: string) => t(`colour.${c}` as MessageKey);
  // One at a time: an appeal waiting for an answer, or for the correction it led to.
  const open = appeals.some((a) => a.status === 'open' || a.status === 'correction-pending');
  return (
    <Card title={t('appeal.title')}>
      <p class="muted">{t('appeal.intro')}</p>
      {!open && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit.run();
          }}
        >
          <Field label={t('appeal.message')} error={fieldError(submit.error, 'message')}>
            <textarea name="message" rows={5} required minLength={5} maxLength={2000} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
          </Field>
          <Field label={t('appeal.colourAsked')} error={fieldError(submit.error, 'colourAsked')}>
            <select name="colourAsked" value={colourAsked} onChange={(e) => setColourAsked(e.currentTarget.value as typeof colourAsked)}>
              <option value="">{t('appeal.colourAskedNone')}</option>
              {['green', 'yellow', 'gray'].map((c) => (
                <option value={c}>{colourWord(c)}</option>
              ))}
            </select>
          </Field>
          <ErrorNotice error={submit.error} />
          <button class="primary wide" type="submit" disabled={submit.busy}>
            {t('appeal.submit')}
          </button>
        </form>
      )}
      <ul class="list">
        {appeals.map((a) => (
          <li class="stacked" data-appeal={a.status}>
            <div>
              <ColourBadge colour={a.colour} /> <span class="muted">{formatDateTime(a.createdAt, lang)}</span> · <strong>{t(`appeal.status.${a.status}` as 'appeal.status.open')}</strong>
            </div>
            <p>{a.message}</p>
            {a.colourAsked && <p class="muted small">{t('appeal.asked', { colour: colourWord(a.colourAsked) })}</p>}
            {a.response && (
              <p class="answer">
                <strong>{t('appeal.answer')}</strong> {a.response}
              </p>
            )}
            {/* What happened to the colour, as it stands: never a change that did not happen. */}
            {a.status === 'correction-pending' && a.correction && (
              <p class="notice notice-info" data-testid="appeal-outcome">
                {t('appeal.pendingExplain', { colour: colourWord(a.correction.colour) })}
              </p>
            )}
            {a.status === 'corrected' && a.correction && (
              <p class="notice notice-ok" data-testid="appeal-outcome">
                {t('appeal.correctedExplain', { colour: colourWord(a.correction.colour) })}
              </p>
            )}
            {a.status === 'correction-rejected' && (
              <p class="notice notice-info" data-testid="appeal-outcome">
                {t('appeal.rejectedExplain')}
              </p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
