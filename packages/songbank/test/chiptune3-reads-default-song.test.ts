// An independent reader for the MOD writer: libopenmpt (through chiptune3) must read the
// bundled default song as the module it was composed as, and play it.
import { describe, expect, it } from 'vitest';
import { renderWithChiptune3 } from '../bench/chiptune3.mjs';
import { defaultSong, defaultSongBytes } from '../src/default-song.js';

describe('libopenmpt reads the default song', () => {
  it('as a 40 s, 4-channel module with its title, samples and orders, and plays it', async () => {
    const song = defaultSong();
    const render = await renderWithChiptune3(defaultSongBytes(), 1, 44_100);
    expect(render.songSeconds).toBeCloseTo(40, 6);
    expect(render.meta.title).toBe(song.title);
    expect(render.meta.song.channels).toHaveLength(4);
    expect(render.meta.song.samples.slice(0, 8)).toEqual(song.samples.slice(0, 8).map((s) => s.name));
    expect(render.meta.song.orders.map((o) => o.pat)).toEqual(song.orders);
    expect(render.meta.song.patterns).toHaveLength(song.patterns.length);
    expect(render.peak).toBeGreaterThan(0.05);
    expect(render.firstSoundFrame).toBeLessThan(128);
  }, 60_000);
});
