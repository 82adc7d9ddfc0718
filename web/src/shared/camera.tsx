import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from './i18n.js';
import { cameraProblem, type CameraProblem } from './camera-problem.js';
import { readQr } from './qr-reader.js';

/** The camera: reads frames a few times a second and hands each QR text over once. */
export function Camera({ onText, paused, hint }: { onText: (text: string) => void; paused: boolean; hint?: string }): JSX.Element {
  const t = useT();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<CameraProblem | null>(null);
  // Read through refs: the frame loop outlives renders, and must use the latest handler and trust list.
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const onTextRef = useRef(onText);
  onTextRef.current = onText;
  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    const tick = async () => {
      while (!stopped) {
        const v = video.current;
        if (!pausedRef.current && v && v.readyState >= 2 && v.videoWidth > 0) {
          canvas.width = v.videoWidth;
          canvas.height = v.videoHeight;
          context.drawImage(v, 0, 0);
          const text = await readQr(context.getImageData(0, 0, canvas.width, canvas.height)).catch(() => null);
          if (text && !stopped) onTextRef.current(text);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        stream = s;
        if (video.current) {
          video.current.srcObject = s;
          void video.current.play();
        }
        void tick();
      })
      .catch((e: unknown) => setError(cameraProblem(e)));
    return () => {
      stopped = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  return (
    <div class="camera">
      <video ref={video} playsInline muted />
      <div class="camera-frame" aria-hidden="true" />
      {error ? <div class="notice notice-error" data-camera-problem={error}>{t('scanner.noCamera', { error: t(error) })}</div> : <p class="camera-hint">{hint ?? t('scanner.aim')}</p>}
    </div>
  );
}


