/**
 * SIGINT / SIGTERM for long commands. The first signal asks the work to stop (an AbortSignal whose reason is
 * the signal's name): it stops taking new items, lets the running ones finish within a grace period and
 * leaves resumable state. A second signal exits at once with the signal's code.
 */

/** Exit code of a command stopped by a signal: 128 + its number, as shells report it. */
export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export interface StopSignals {
  signal: AbortSignal;
  /** The signal received first, if any. */
  received(): 'SIGINT' | 'SIGTERM' | undefined;
  /** Removes the handlers (Node's defaults apply again). */
  dispose(): void;
}

export function stopOnSignals(what: string, graceSeconds: number, onFirst?: () => void): StopSignals {
  const controller = new AbortController();
  let first: 'SIGINT' | 'SIGTERM' | undefined;
  const handler = (name: 'SIGINT' | 'SIGTERM'): void => {
    if (first) {
      process.stderr.write(`birdcall: ${name} again: ${what} stops now\n`);
      process.exit(SIGNAL_EXIT[name]);
    }
    first = name;
    onFirst?.();
    process.stderr.write(`birdcall: ${name}: ${what} stops after the files in progress (at most ${graceSeconds} s); send it again to stop at once\n`);
    controller.abort(name);
  };
  const onInt = (): void => handler('SIGINT');
  const onTerm = (): void => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received: () => first,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
