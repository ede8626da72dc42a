import { describe, expect, it } from 'vitest';
import { buildProgram, commandsFor } from '../../src/cli/main.ts';

const ALL = ['melspec', 'convert', 'worker', 'queue', 'manifest', 'pipeline', 'blocks', 'recipes', 'train', 'cv', 'predict', 'select'];

describe('the CLI loads only the commands a call needs', () => {
  it('loads none for --version', () => {
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V'])).toEqual([]);
  });

  it('loads the one named, with its flags and arguments, or through help', () => {
    expect(commandsFor(['convert', '--help'])).toEqual(['convert']);
    expect(commandsFor(['train', '--data', 'x.csv', '-o', 'models/a'])).toEqual(['train']);
    expect(commandsFor(['help', 'select'])).toEqual(['select']);
  });

  it('loads all for the overall help, no arguments, or an unknown command (for "did you mean")', () => {
    expect(commandsFor(['--help'])).toEqual(ALL);
    expect(commandsFor([])).toEqual(ALL);
    expect(commandsFor(['convrt'])).toEqual(ALL);
    // program options come before a command: this is the overall help, which lists every command
    expect(commandsFor(['--help', 'melspec'])).toEqual(ALL);
  });

  it('registers exactly those commands', async () => {
    expect((await buildProgram(['convert', '--help'])).commands.map((c) => c.name())).toEqual(['convert']);
    expect((await buildProgram()).commands.map((c) => c.name())).toEqual(ALL);
  });
});
