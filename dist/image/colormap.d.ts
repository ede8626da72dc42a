/**
 * Perceptually uniform colormaps for spectrogram images.
 *
 * Source: the 256-entry `_viridis_data` and `_magma_data` tables in matplotlib's
 * lib/matplotlib/_cm_listed.py (Nathaniel J. Smith, Stefan van der Walt and Eric Firing, 2015; released
 * under CC0, https://bids.github.io/colormap/). Each float in [0, 1] is stored here as round(v * 255), as
 * six hex digits per colour (r, g, b): the same bytes d3-scale-chromatic ships, and within one level of
 * matplotlib's `cmap(x, bytes=True)` (which truncates instead of rounding).
 */
export type ColormapName = 'viridis' | 'magma';
/** The colormap as 256 RGB triples, interleaved: entry i is bytes [3i, 3i + 3). Do not mutate. */
export declare function colormapTable(name: ColormapName): Uint8Array;
