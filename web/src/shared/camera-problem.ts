export type CameraProblem = 'camera.denied' | 'camera.none' | 'camera.busy' | 'camera.other';

/** Why the camera could not start, in the app's words: the browser's own text is English whatever the page's language. */
export function cameraProblem(error: unknown): CameraProblem {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'camera.denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'camera.none';
  if (name === 'NotReadableError' || name === 'AbortError') return 'camera.busy';
  return 'camera.other';
}
