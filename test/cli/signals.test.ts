import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleStopSignals } from '../../src/cli/signals.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

describe('stop signals', () => {
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  afterEach(() => {
    vi.restoreAllMocks();
    // A disposed handler that outlives its test (after a signal it stays on purpose) must not reach the next.
    for (const s of SIGNALS) for (const l of process.listeners(s)) if (!before.get(s)!.includes(l)) process.off(s, l);
  });

  it('removes its handlers when no signal came', () => {
    const stop = handleStopSignals(() => {});
    for (const s of SIGNALS) expect(process.listenerCount(s)).toBe(before.get(s)!.length + 1);
    stop.dispose();
    for (const s of SIGNALS) expect(process.listenerCount(s)).toBe(before.get(s)!.length);
  });

  it('after a first signal, a second one still exits at once with its code, even once disposed', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const first = vi.fn();
    const stop = handleStopSignals(first, 'convert');
    process.emit('SIGINT');
    expect(first).toHaveBeenCalledWith('SIGINT');
    expect(stop.signal.aborted).toBe(true);
    expect(exit).not.toHaveBeenCalled();
    stop.dispose();
    process.emit('SIGTERM');
    expect(exit).toHaveBeenCalledWith(143);
    expect(write).toHaveBeenCalledWith('birdcall: SIGTERM again: convert stops now\n');
  });
});
