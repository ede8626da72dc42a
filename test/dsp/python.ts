import { spawnSync } from 'node:child_process';

/**
 * Whether `python3` has every module named. Uses importlib's find_spec, which locates a module without
 * importing it (importing scipy costs seconds).
 */
export function pythonHas(...modules: string[]): boolean {
  const script = `import importlib.util, sys\nsys.exit(0 if all(importlib.util.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`;
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  return r.status === 0;
}

/** Run a Python script with arguments; throws with its stderr when it fails. */
export function runPython(script: string, args: string[] = []): string {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
