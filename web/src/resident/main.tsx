import { render, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../shared/styles.css';
import { UNAUTHORIZED_EVENT } from '../shared/api.js';
import { I18n, useT, type MessageKey } from '../shared/i18n.js';
import { registerOfflineSupport } from '../shared/offline.js';
import { ErrorNotice, Shell } from '../shared/ui.js';
import { AccessLogScreen, AppealScreen, HouseholdScreen, MyDataScreen } from './account-screens.js';
import { RememberedDevicesCard } from './devices-card.js';
import { CodeScreen } from './code-screen.js';
import { ElderSwitch, FamilyHelp, useElderMode } from './elder-view.js';
import { CheckInScreen } from './check-in-screen.js';
import { DeclareScreen } from './health-forms.js';
import { forgetThisDevice, refreshSession, rememberThisDevice, savedDevice, savedSession, saveSession, sessionExpiredHere, type Session } from './session.js';
import { RegisterScreen, SignInScreen } from './sign-in-screens.js';
import type { CodeView } from './code-screen.js';
import { VenueVisitScreen } from './venue-visit.js';
import { ConnectedAppsCard, ConsentScreen, HostAppContext } from './host-app-screens.js';
import { MoveRegistrationCard, TravelCardScreen, VisitorScreen } from './moving-screens.js';
import { RulesScreen } from './rules-screen.js';
import { WhyScreen } from './why-screen.js';

type Route = 'code' | 'why' | 'rules' | 'visit' | 'travel' | 'declare' | 'check-in' | 'household' | 'data' | 'access' | 'appeal' | 'register' | 'sign-in' | 'visitor' | 'oauth';
const ROUTES: Route[] = ['code', 'why', 'rules', 'visit', 'travel', 'declare', 'check-in', 'household', 'data', 'access', 'appeal', 'register', 'sign-in', 'visitor', 'oauth'];

function currentRoute(): Route {
  const r = location.hash.replace(/^#\/?/, '').split('?')[0] as Route;
  return ROUTES.includes(r) ? r : 'code';
}

/** The authorization a host app started, waiting in the address for the resident's answer. */
const oauthUid = () => new URLSearchParams(location.hash.split('?')[1] ?? '').get('uid') ?? '';

const TABS: { route: Route; label: MessageKey; icon: string }[] = [
  { route: 'code', label: 'nav.code', icon: '▦' },
  { route: 'declare', label: 'nav.declare', icon: '✎' },
  { route: 'check-in', label: 'nav.checkIn', icon: '✓' },
  { route: 'household', label: 'nav.household', icon: '⌂' },
  { route: 'data', label: 'nav.me', icon: '☰' },
];

function ResidentApp(): JSX.Element {
  const t = useT();
  const [route, setRoute] = useState<Route>(currentRoute);
  const [session, setSession] = useState<Session | null>(() => savedSession());
  // A remembered phone whose session has ended opens a new one first: no SMS code at the gate.
  const [reopening, setReopening] = useState(() => session === null && savedDevice() !== null);
  // The session ended without the resident signing out: the sign-in screen says so, phone filled in.
  const [ended, setEnded] = useState(() => session === null && sessionExpiredHere());
  const [subject, setSubject] = useState<{ id: string; label: string } | null>(null);
  const [why, setWhy] = useState<CodeView | null>(null);
  const [elder, setElder] = useElderMode();
  const elderSwitch = <ElderSwitch mode={elder} onChange={setElder} />;

  // The remembered device could not be shown to the server (no network, a busy server): it is kept, and
  // the resident is asked to try again rather than sent to an SMS code.
  const [unreached, setUnreached] = useState<unknown>(null);
  const reopen = () =>
    void refreshSession().then(
      (s) => {
        setUnreached(null);
        setSession(s);
        if (!s) setEnded(true);
        setReopening(false);
      },
      (error: unknown) => {
        setUnreached(error);
        setReopening(false);
      },
    );

  useEffect(() => {
    if (reopening) reopen();
  }, []);

  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    // An ended session is reopened through the remembered device when there is one.
    const onExpired = (event: Event) =>
      void refreshSession((event as CustomEvent<string>).detail).then(
        (s) => {
          if (s) setSession(s);
          else sessionEnded();
        },
        (error: unknown) => {
          saveSession(null);
          setSession(null);
          setUnreached(error);
        },
      );
    addEventListener('hashchange', onHash);
    addEventListener(UNAUTHORIZED_EVENT, onExpired);
    return () => {
      removeEventListener('hashchange', onHash);
      removeEventListener(UNAUTHORIZED_EVENT, onExpired);
    };
  }, []);
  const go = (r: Route) => {
    location.hash = `#/${r}`;
  };
  const signOut = () => {
    void forgetThisDevice(session);
    setSession(null);
    setSubject(null);
    setEnded(false);
    go('sign-in');
  };
  // Not a sign-out: the phone stays remembered, so signing in again is one tap away.
  const sessionEnded = () => {
    saveSession(null);
    setSession(null);
    setSubject(null);
    setEnded(true);
    go('sign-in');
  };
  const signedIn = async (s: Session, next: string) => {
    setEnded(false);
    saveSession(s);
    await rememberThisDevice(s);
    setSession(s);
    location.hash = next;
  };

  if (reopening) return <Shell title={t('app.resident')}>{<p class="muted">{t('common.loading')}</p>}</Shell>;
  if (unreached !== null && !session && route !== 'register' && route !== 'visitor') {
    return (
      <Shell title={t('app.resident')} screen="signed-out" actions={elderSwitch}>
        <div class="card" data-testid="reopen-unreached">
          <ErrorNotice error={unreached} />
          <p>{t('signIn.stillRemembered')}</p>
          <button class="primary wide" data-testid="reopen-retry" onClick={() => (setReopening(true), reopen())}>{t('common.tryAgain')}</button>
          <button class="secondary wide" onClick={() => (setUnreached(null), setEnded(true), go('sign-in'))}>{t('signIn.withCodeInstead')}</button>
        </div>
      </Shell>
    );
  }

  if (!session || route === 'register' || route === 'sign-in' || route === 'visitor') {
    return (
      <Shell title={t('app.resident')} screen="signed-out" actions={elderSwitch}>
        {route === 'register' ? (
          // A new resident's code is gray until they declare: straight to the form, not to the gray code.
          <RegisterScreen onRegistered={(s) => void signedIn(s, '#/declare?welcome')} />
        ) : route === 'visitor' ? (
          // A visitor's facts came from home with the latest declaration: straight to the code.
          <VisitorScreen onAdmitted={(s) => void signedIn(s, '#/code')} />
        ) : (
          // A host app's consent request waits while the resident signs in, then is shown.
          <>
            {route === 'oauth' && <HostAppContext uid={oauthUid()} />}
            <SignInScreen ended={ended} onSignedIn={(s) => void signedIn(s, route === 'oauth' ? location.hash : '#/code')} />
          </>
        )}
      </Shell>
    );
  }

  const subjectId = subject?.id ?? session.residentId;
  // "Why" explains the code last shown; opened directly, it shows the code first.
  const codeScreen = <CodeScreen session={session} subjectId={subjectId} subjectLabel={subject?.label ?? null} onWhy={(c) => (setWhy(c), go('why'))} elder={elder.on ? <FamilyHelp mode={elder} onChange={setElder} /> : undefined} elderCallFirst={elder.familyPhone !== null} />;
  let screen: JSX.Element;
  switch (route) {
    case 'why':
      screen = why ? <WhyScreen session={session} subjectId={subjectId} code={why} /> : codeScreen;
      break;
    case 'rules':
      screen = <RulesScreen region={why?.ruleSet.region ?? 'CN'} />;
      break;
    case 'visit':
      screen = <VenueVisitScreen session={session} subjectId={subjectId} />;
      break;
    case 'oauth':
      screen = <ConsentScreen session={session} uid={oauthUid()} />;
      break;
    case 'travel':
      screen = <TravelCardScreen session={session} subjectId={subjectId} />;
      break;
    case 'declare':
      screen = <DeclareScreen session={session} subjectId={subjectId} subjectLabel={subject?.label ?? null} onDone={() => go('code')} welcome={location.hash.endsWith('?welcome')} />;
      break;
    case 'check-in':
      screen = <CheckInScreen session={session} subjectId={subjectId} />;
      break;
    case 'household':
      screen = <HouseholdScreen session={session} onShow={(d) => (setSubject({ id: d.id, label: d.maskedName }), go('code'))} />;
      break;
    case 'data':
      screen = (
        <>
          <nav class="menu" aria-label={t('nav.account')}>
            <a href="#/access">{t('access.title')}</a>
            <a href="#/appeal">{t('appeal.title')}</a>
            <button type="button" class="link" onClick={signOut}>
              {t('common.signOut')}
            </button>
          </nav>
          <RememberedDevicesCard session={session} onThisDeviceSignedOut={signOut} />
          <ConnectedAppsCard session={session} />
          <MoveRegistrationCard session={session} />
          <MyDataScreen session={session} onDeleted={signOut} />
        </>
      );
      break;
    case 'access':
      screen = <AccessLogScreen session={session} />;
      break;
    case 'appeal':
      screen = <AppealScreen session={session} subjectId={subjectId} />;
      break;
    default:
      screen = codeScreen;
  }
  return (
    <Shell
      title={t('app.resident')}
      screen="signed-in"
      actions={
        <>
          {subject && (
            <button type="button" class="chip" onClick={() => setSubject(null)} title={t('code.backToMe')}>
              {subject.label} ✕
            </button>
          )}
          {elderSwitch}
        </>
      }
    >
      {screen}
      {/* In elder mode the first screen is the code alone: the other screens keep their tabs. */}
      <nav class="tabbar" aria-label={t('nav.tabs')} hidden={elder.on && screen === codeScreen}>
        {TABS.map((tab) => (
          <a href={`#/${tab.route}`} class={route === tab.route || (tab.route === 'data' && (route === 'access' || route === 'appeal')) ? 'active' : ''} data-tab={tab.route}>
            <span aria-hidden="true">{tab.icon}</span>
            {t(tab.label)}
          </a>
        ))}
      </nav>
    </Shell>
  );
}

render(
  <I18n>
    <ResidentApp />
  </I18n>,
  document.getElementById('app')!,
);

// Installable and usable on a flaky network: the app shell is cached by the service worker.
registerOfflineSupport();
