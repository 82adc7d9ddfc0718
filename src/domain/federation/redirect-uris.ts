const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Why a redirect URI is refused, if it is: https, or http on loopback in development (a test host
 * app on this machine). Any other scheme (javascript:, data:, file:, a private-use scheme) is refused:
 * host apps here are web apps with https callbacks; native-app schemes (RFC 8252) are not supported.
 */
export function redirectUriRefusal(uri: string, mode: 'development' | 'production'): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not a URL';
  }
  if (url.hash !== '') return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.includes(url.hostname) && mode === 'development') return undefined;
  return mode === 'development' ? 'must be an https URL (or http on 127.0.0.1, localhost or [::1])' : 'must be an https URL';
}
