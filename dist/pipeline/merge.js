import { readFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { BirdcallError } from "../errors.js";
import { openInputs } from "./inputs.js";
import { ManifestColumns, streamOutputManifest, writeOutputManifest } from "./manifest.js";
import { SHARD_RECORD } from "./shard.js";
const SHOW = 5;
function listSome(items) {
    return items.slice(0, SHOW).join(', ') + (items.length > SHOW ? `, … (${items.length} in all)` : '');
}
async function readRecord(manifest) {
    const path = join(dirname(manifest), SHARD_RECORD);
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return undefined;
        throw err;
    }
    try {
        const record = JSON.parse(text);
        if (record.format !== 1 || !Array.isArray(record.sources) || typeof record.shard?.count !== 'number')
            throw new Error('bad shape');
        return record;
    }
    catch {
        throw new BirdcallError('MERGE_INVALID', 'not a shard record written by `birdcall convert --shard`', path);
    }
}
export async function mergeManifests(options) {
    if (options.shards.length === 0)
        throw new BirdcallError('USAGE', 'give at least one shard manifest to merge');
    const outAbs = resolve(options.out);
    const outDir = dirname(outAbs);
    const shards = [];
    for (const manifest of options.shards) {
        const record = await readRecord(manifest);
        shards.push({ manifest, record, label: record ? `shard ${record.shard.index}/${record.shard.count} (${manifest})` : manifest });
    }
    if (shards.every((s) => s.record))
        shards.sort((a, b) => a.record.shard.index - b.record.shard.index);
    const problems = [];
    // Shard records agree on how the input was split, and none is missing or doubled.
    const records = shards.flatMap((s) => (s.record ? [s.record] : []));
    if (records.length > 0) {
        const counts = new Set(records.map((r) => r.shard.count));
        const inputs = new Set(records.map((r) => r.input));
        if (counts.size > 1)
            problems.push(`shards were cut for different shard counts (${[...counts].join(', ')})`);
        if (inputs.size > 1)
            problems.push(`shards come from different inputs (${[...inputs].join(', ')})`);
        if (counts.size === 1 && records.length === shards.length) {
            const count = records[0].shard.count;
            const seen = new Map();
            for (const r of records)
                seen.set(r.shard.index, (seen.get(r.shard.index) ?? 0) + 1);
            const missing = [...Array(count).keys()].filter((i) => !seen.has(i)).map((i) => `${i}/${count}`);
            const doubled = [...seen].filter(([, n]) => n > 1).map(([i]) => `${i}/${count}`);
            if (missing.length > 0)
                problems.push(`shard${missing.length > 1 ? 's' : ''} ${listSome(missing)} missing`);
            if (doubled.length > 0)
                problems.push(`shard${doubled.length > 1 ? 's' : ''} ${listSome(doubled)} given twice`);
        }
    }
    // First pass: coverage, duplicates, one pipeline, the column set.
    const owner = new Map();
    const duplicates = [];
    const chunkSeen = new Set();
    const chunkDuplicates = [];
    const columns = new ManifestColumns();
    const hashes = new Set();
    const strays = [];
    const failed = [];
    for (const shard of shards) {
        const claim = (source) => {
            const first = owner.get(source);
            if (first !== undefined && first !== shard.label)
                duplicates.push(`${source} (${first} and ${shard.label})`);
            else
                owner.set(source, shard.label);
        };
        const assigned = shard.record ? new Set(shard.record.sources) : undefined;
        if (shard.record) {
            for (const source of shard.record.sources)
                claim(source);
            hashes.add(shard.record.pipelineHash);
            failed.push(...shard.record.failed);
        }
        for await (const row of rebased(shard.manifest, outDir)) {
            if (assigned) {
                if (!assigned.has(row.source))
                    strays.push(`${row.source} (in ${shard.manifest})`);
            }
            else {
                claim(row.source);
            }
            const key = `${row.source}\n${row.chunkIndex}`;
            if (chunkSeen.has(key))
                chunkDuplicates.push(`${row.source} chunk ${row.chunkIndex}`);
            chunkSeen.add(key);
            hashes.add(row.pipelineHash);
            columns.add(row);
        }
    }
    if (duplicates.length > 0)
        problems.push(`${duplicates.length} source(s) covered by two shards: ${listSome(duplicates)}`);
    if (chunkDuplicates.length > 0)
        problems.push(`${chunkDuplicates.length} chunk(s) listed twice: ${listSome(chunkDuplicates)}`);
    if (strays.length > 0)
        problems.push(`${strays.length} manifest row(s) for sources not assigned to their shard: ${listSome(strays)}`);
    if (hashes.size > 1)
        problems.push(`the shards used different pipelines (hashes ${[...hashes].map((h) => h.slice(0, 12)).join(', ')})`);
    if (options.inputManifest !== undefined) {
        const source = await openInputs(options.inputManifest);
        const expected = new Set();
        for await (const row of source.rows({ onInvalidRow: () => { } }))
            expected.add(row.path);
        const missing = [...expected].filter((p) => !owner.has(p));
        const extra = [...owner.keys()].filter((p) => !expected.has(p));
        if (missing.length > 0)
            problems.push(`${missing.length} of ${expected.size} input source(s) covered by no shard: ${listSome(missing)}`);
        if (extra.length > 0)
            problems.push(`${extra.length} source(s) not in ${options.inputManifest}: ${listSome(extra)}`);
    }
    if (problems.length > 0) {
        throw new BirdcallError('MERGE_COVERAGE', `not merged: ${problems.join('; ')}`, options.out);
    }
    async function* allRows() {
        for (const shard of shards)
            yield* rebased(shard.manifest, outDir);
    }
    const chunks = await writeOutputManifest(outAbs, allRows(), columns);
    return { out: options.out, shards: shards.length, sources: owner.size, chunks, failed, pipelineHash: [...hashes][0] ?? '' };
}
/** A shard's rows with output paths made relative to the merged manifest's folder. */
async function* rebased(manifest, outDir) {
    const shardDir = dirname(resolve(manifest));
    for await (const row of streamOutputManifest(manifest)) {
        const outputs = {};
        for (const [name, rel] of Object.entries(row.outputs)) {
            const moved = relative(outDir, join(shardDir, rel)).split(sep).join(posix.sep);
            if (moved.startsWith('../') || moved === '..') {
                throw new BirdcallError('MERGE_LAYOUT', `its outputs lie outside ${outDir}; put the merged manifest in a folder that holds every shard's folder ` +
                    '(e.g. out/manifest.csv over out/shard-0/, out/shard-1/, …)', manifest);
            }
            outputs[name] = moved;
        }
        yield { ...row, outputs };
    }
}
//# sourceMappingURL=merge.js.map