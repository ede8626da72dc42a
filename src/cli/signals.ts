/**
 * SIGINT/SIGTERM for long commands: the first signal asks the command to stop cleanly (it stops taking new
 * work, lets or makes the work in hand end within a grace, and leaves resumable state); a second one exits
 * at once. Exit codes follow the shell's 128 + signal number: 130 for SIGINT (Ctrl-C), 143 for SIGTERM, so
 * scripts can tell "interrupted" from "failed" (1).
 */

export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

export interface StopSignals {
  /** Aborted on the first signal (its reason is the signal's name). */
  signal: AbortSignal;
  /** The first signal received, if any. */
  received(): StopSignal | undefined;
  /**
   * Removes the handlers (default behaviour returns: the next signal kills the process), unless a signal
   * came: the command is then on its way out, and a second signal during that still exits at once with its
   * code and line, not by the signal (a stop that ends quickly used to let it kill the process).
   */
  dispose(): void;
}

/** Installs the handlers; `onFirst` says what stopping means for this command (`what`, e.g. "convert"). */
export function handleStopSignals(onFirst: (signal: StopSignal) => void, what = 'birdcall'): StopSignals {
  const controller = new AbortController();
  let first: StopSignal | undefined;
  const handler = (signal: StopSignal): void => {
    if (first !== undefined) {
      process.stderr.write(`birdcall: ${signal} again: ${what} stops now\n`);
      process.exit(SIGNAL_EXIT[signal]);
    }
    first = signal;
    onFirst(signal);
    controller.abort(signal);
  };
  const onInt = (): void => handler('SIGINT');
  const onTerm = (): void => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received: () => first,
    dispose: () => {
      if (first !== undefined) return;
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** The usual first-signal line for a batch command: what stops, and within how long. */
export function stopOnSignals(what: string, graceSeconds: number, onFirst?: () => void): StopSignals {
  return handleStopSignals((signal) => {
    onFirst?.();
    process.stderr.write(`birdcall: ${signal}: ${what} stops after the files in progress (at most ${graceSeconds} s); send it again to stop at once\n`);
  }, what);
}
