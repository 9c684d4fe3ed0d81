// The bank plays and renders a song with its decided tempo mode (real worklets, real WASM),
// and a forced mode overrides the decision.
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { buildSong } from '../test/song-builder.js';
import { loadMod } from './mod-loader.js';
import { writeMod } from './mod-writer.js';
import { createSongBank } from './song-bank.js';
import type { TempoModeOption } from './tempo-mode.js';

const RATE = 44_100;

/**
 * Two short one-shot notes, on rows 0 and 1; row 0 holds F20 (32 ticks a row with VBlank
 * timing, 32 BPM with CIA timing), row 1 sets speed 6. 17 orders make the CIA pass 510 s,
 * so the song plays with VBlank timing: the second note starts at 32 x 20 ms = 0.64 s,
 * where CIA timing would start it at 6 x 78.125 ms = 0.469 s.
 */
const song = loadMod(
  writeMod(
    buildSong({
      samples: [{ length: 1000 }],
      patterns: [
        {
          0: { 0: { period: 428, sample: 1 }, 1: { effect: 0xf, param: 0x20 } },
          1: { 0: { period: 428, sample: 1 }, 1: { effect: 0xf, param: 0x06 } },
        },
      ],
      orders: Array.from({ length: 17 }, () => 0),
    }),
  ),
);

/** Seconds at which the second note starts in a 1 s render. */
async function secondOnset(tempoMode: TempoModeOption | undefined): Promise<number> {
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: RATE, sampleRate: RATE });
  const bank = await createSongBank(context, { AudioWorkletNode });
  const buffer = await bank.render(
    song,
    tempoMode === undefined ? { seconds: 1 } : { seconds: 1, tempoMode },
  );
  bank.dispose();
  const left = buffer.getChannelData(0);
  // The first note (1000 frames at 8287 Hz) is over by 0.13 s.
  for (let i = Math.round(0.3 * RATE); i < left.length; i++) {
    if (Math.abs(left[i] ?? 0) > 1e-3) return i / RATE;
  }
  return Number.NaN;
}

describe('tempo mode in the bank', () => {
  it('renders with the decided mode (VBlank here) unless a mode is forced', async () => {
    expect(await secondOnset(undefined)).toBeCloseTo(0.64, 2);
    expect(await secondOnset('auto')).toBeCloseTo(0.64, 2);
    expect(await secondOnset('cia')).toBeCloseTo(0.469, 2);
  });

  it('reports the mode a player plays with', async () => {
    // One song per OfflineAudioContext: play() there schedules the whole render.
    const modeOf = async (tempoMode?: 'cia') => {
      const context = new OfflineAudioContext({ numberOfChannels: 2, length: RATE, sampleRate: RATE });
      const bank = await createSongBank(context, { AudioWorkletNode });
      const player = bank.play(song, tempoMode === undefined ? {} : { tempoMode });
      await player.ready;
      await context.startRendering();
      bank.dispose();
      return player.tempoMode;
    };
    expect(await modeOf()).toBe('vblank');
    expect(await modeOf('cia')).toBe('cia');
  });
});
