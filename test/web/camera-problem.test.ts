import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cameraProblem } from '../../web/src/shared/camera-problem.js';
import { MESSAGES } from '../../web/src/shared/messages.js';

/** What getUserMedia rejects with, as the browser names it (its message is English whatever the page). */
const refused = (name: string) => Object.assign(new Error('Requested device not found'), { name });

describe("why the camera could not start, in the app's words", () => {
  it('tells a refused permission, a missing camera and a busy one apart', () => {
    assert.equal(cameraProblem(refused('NotAllowedError')), 'camera.denied');
    assert.equal(cameraProblem(refused('NotFoundError')), 'camera.none');
    assert.equal(cameraProblem(refused('NotReadableError')), 'camera.busy');
  });

  it("never shows the browser's English text on the Chinese screen", () => {
    for (const name of ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'TypeError', 'SomethingNew']) {
      const words = MESSAGES['zh-CN'][cameraProblem(refused(name))];
      assert.doesNotMatch(words, /[A-Za-z]{3,}/, `${name}: ${words}`);
    }
  });
});
