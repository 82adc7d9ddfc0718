/**
 * Where the keyboard's focus goes when what it was on disappears: a screen replaced (signing in,
 * a new section) or a control replaced by its outcome (a region picked). Left alone, the browser
 * puts it back at the top of the page and a keyboard or screen-reader user starts over.
 */

/** Elements Tab stops at, in document order. */
const TABBABLE = ['a[href]', 'button', 'input:not([type=hidden])', 'select', 'textarea', 'summary', '[tabindex]'].join(',');

function tabbable(element: HTMLElement): boolean {
  if ((element as HTMLButtonElement).disabled || element.tabIndex < 0) return false;
  // Hidden (display: none, or inside a closed <details> or [hidden]) takes no room.
  return element.getClientRects().length > 0;
}

/** The first element Tab reaches after everything inside `container`. */
export function nextTabbable(container: Element): HTMLElement | null {
  for (const element of document.querySelectorAll<HTMLElement>(TABBABLE)) {
    if (container.contains(element)) continue;
    if (container.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING && tabbable(element)) return element;
  }
  return null;
}

/**
 * A dialog closing gives the focus back to the screen's heading, when the focus was in the dialog
 * (or nowhere): otherwise the next Tab starts again from the top of the page.
 */
export function returnFocusFrom(dialog: Element | null): void {
  const active = document.activeElement;
  if (active && active !== document.body && !dialog?.contains(active)) return;
  const heading = document.querySelector<HTMLElement>('main h2');
  if (!heading || dialog?.contains(heading)) return;
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}

/**
 * The focus is nowhere (its element was removed) or still where it was when the screen changed,
 * and not in a modal dialog (a verdict shown over the screen keeps it).
 */
function focusIsFree(before: Element | null): boolean {
  const active = document.activeElement;
  if (active?.closest('[aria-modal="true"]')) return false;
  return !active || active === document.body || active === before || !active.isConnected;
}

/**
 * Moves the focus to the screen's heading (the first h2 in main) as soon as it is shown, unless the
 * person has put the focus somewhere themself meanwhile: a screen often shows "Loading…" first.
 * Calls `onShown` with the heading. Returns the function that stops waiting.
 */
export function focusHeadingWhenShown(onShown: (heading: HTMLElement) => void, waitMs = 10_000): () => void {
  const before = document.activeElement;
  const attempt = (): boolean => {
    const heading = document.querySelector<HTMLElement>('main h2');
    if (!heading) return false;
    onShown(heading);
    if (focusIsFree(before)) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
    return true;
  };
  if (attempt()) return () => undefined;
  const observer = new MutationObserver(() => attempt() && stop());
  const timer = setTimeout(() => stop(), waitMs);
  function stop(): void {
    observer.disconnect();
    clearTimeout(timer);
  }
  observer.observe(document.body, { childList: true, subtree: true });
  return stop;
}
