import { Option, type Command } from 'commander';
import { coerceFlagValue, type ParamInfo } from '../param-info.ts';

/**
 * Block params as command-line flags, from their descriptions (describeParams of the block's schema, or a
 * precomputed copy of it): `nFft` becomes `--n-fft <value>`,
 * a boolean that defaults to true becomes `--no-center`, one that defaults to false `--htk`. Defaults are
 * not given to commander: a flag's value is taken only when the user typed it, so a preset's value is
 * not overwritten by a schema default.
 */
export function addParamFlags(
  command: Command,
  all: ParamInfo[],
  opts: { exclude?: string[]; rename?: Record<string, string> } = {},
): ParamInfo[] {
  const infos = all.filter((i) => !opts.exclude?.includes(i.name));
  for (const info of infos) {
    const flag = opts.rename?.[info.name] ?? info.flag;
    const shown = info.default === undefined ? '' : ` (default: ${formatValue(info.default)})`;
    let option: Option;
    if (info.boolean && !info.numeric && info.words.length === 0) {
      option = info.default === true
        ? new Option(`--no-${flag}`, `${info.description} (default: on; this turns it off)`)
        : new Option(`--${flag}`, `${info.description}${shown}`);
    } else {
      option = new Option(`--${flag} <${placeholder(info)}>`, `${info.description}${shown}`);
    }
    // The commander attribute name stays the param name, whatever the flag is called (--sr -> sampleRate).
    option.attributeName = () => info.name;
    command.addOption(option);
  }
  return infos;
}

/** `<n>`, `<hann|hamming>`, `<n|max>`, `<n|none>`: what may follow the flag; ranges are in the description. */
function placeholder(info: ParamInfo): string {
  if (info.item) return `${placeholder(info.item)},...`;
  const parts = [...(info.numeric ? ['n'] : []), ...info.words, ...(info.nullable ? ['none'] : []), ...(info.text ? ['value'] : [])];
  return [...new Set(parts)].join('|') || 'value';
}

/** The params the user typed as flags (coerced: numbers, `none` -> null, booleans), keyed by param name. */
export function readParamOptions(command: Command, infos: ParamInfo[]): Record<string, unknown> {
  const values = command.opts<Record<string, unknown>>();
  const out: Record<string, unknown> = {};
  for (const info of infos) {
    if (command.getOptionValueSource(info.name) !== 'cli') continue;
    const raw = values[info.name];
    out[info.name] = typeof raw === 'string' ? coerceFlagValue(info, raw) : raw;
  }
  return out;
}

export function formatValue(value: unknown): string {
  if (value === null) return 'none';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

