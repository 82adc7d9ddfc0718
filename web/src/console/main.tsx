import { render, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../shared/styles.css';
import { I18n, useT, type MessageKey } from '../shared/i18n.js';
import { StaffSignIn, useStaffSession } from '../shared/staff-session.js';
import { Shell } from '../shared/ui.js';
import { AppealsView } from './appeals.js';
import { CorrectionsView } from './corrections.js';
import { ReclaimsView } from './reclaims.js';
import { AuditView } from './audit.js';
import { DashboardView } from './dashboard.js';
import { ImportsView } from './imports.js';
import { RiskAreasView } from './risk-areas.js';
import { RulesView } from './rules.js';
import { TracesView } from './traces.js';
import { FederationView } from './federation.js';
import { PaperCardsView } from './paper-cards.js';

type Section = 'dashboard' | 'risk-areas' | 'imports' | 'traces' | 'rules' | 'appeals' | 'corrections' | 'reclaims' | 'federation' | 'audit' | 'paper-cards';

/** Each role sees the sections its credential may use; the server enforces the same. */
const SECTIONS: { id: Section; label: MessageKey; roles: string[] }[] = [
  { id: 'dashboard', label: 'console.dashboard', roles: ['authority', 'auditor'] },
  { id: 'risk-areas', label: 'console.riskAreas', roles: ['authority'] },
  { id: 'imports', label: 'console.imports', roles: ['authority'] },
  { id: 'traces', label: 'console.traces', roles: ['authority', 'tracer'] },
  { id: 'rules', label: 'console.rules', roles: ['authority', 'auditor', 'tracer'] },
  { id: 'appeals', label: 'console.appeals', roles: ['authority'] },
  { id: 'corrections', label: 'console.corrections', roles: ['authority'] },
  { id: 'reclaims', label: 'console.reclaims', roles: ['authority'] },
  { id: 'federation', label: 'console.federation', roles: ['authority'] },
  { id: 'audit', label: 'console.audit', roles: ['auditor'] },
  { id: 'paper-cards', label: 'console.paperCards', roles: ['authority', 'checkpoint'] },
];

function ConsoleApp(): JSX.Element {
  const t = useT();
  const [session, setSession] = useStaffSession('console');
  const [section, setSection] = useState<Section>(() => (location.hash.replace(/^#\/?/, '') as Section) || 'dashboard');
  useEffect(() => {
    const onHash = () => setSection((location.hash.replace(/^#\/?/, '') as Section) || 'dashboard');
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (!session)
    return (
      <Shell title={t('app.console')} screen="signed-out" skipLink>
        <StaffSignIn roles={['authority', 'tracer', 'auditor', 'checkpoint']} onSignedIn={setSession} />
      </Shell>
    );
  const visible = SECTIONS.filter((s) => s.roles.includes(session.role));
  const active = visible.find((s) => s.id === section)?.id ?? visible[0]!.id;
  return (
    <Shell title={t('app.console')} screen="signed-in" skipLink>
      <p class="who">
        {session.name} · {t(`role.${session.role}` as 'role.authority')}{' '}
        <button type="button" class="link" onClick={() => setSession(null)}>
          {t('common.signOut')}
        </button>
      </p>
      <nav class="sections" aria-label={t('app.console')}>
        {visible.map((s) => (
          <a href={`#/${s.id}`} class={s.id === active ? 'active' : ''} data-section={s.id}>
            {t(s.label)}
          </a>
        ))}
      </nav>
      {active === 'dashboard' && <DashboardView session={session} />}
      {active === 'risk-areas' && <RiskAreasView session={session} />}
      {active === 'imports' && <ImportsView session={session} />}
      {active === 'traces' && <TracesView session={session} />}
      {active === 'rules' && <RulesView session={session} />}
      {active === 'appeals' && <AppealsView session={session} />}
      {active === 'corrections' && <CorrectionsView session={session} />}
      {active === 'reclaims' && <ReclaimsView session={session} />}
      {active === 'federation' && <FederationView session={session} />}
      {active === 'audit' && <AuditView session={session} />}
      {active === 'paper-cards' && <PaperCardsView session={session} />}
    </Shell>
  );
}

render(
  <I18n>
    <ConsoleApp />
  </I18n>,
  document.getElementById('app')!,
);
