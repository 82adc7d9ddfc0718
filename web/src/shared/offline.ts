/** Registers the service worker that lets the apps open and work without a network. */
export function registerOfflineSupport(): void {
  if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
