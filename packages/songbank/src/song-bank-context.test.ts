// The bank follows its AudioContext: suspend and resume keep everything in place; after
// close every call fails with a clear error and the bank holds no instrument or node.
import type { InstrumentPatch } from '@workletpool/worklet-runtime';
import { AudioContext, AudioWorkletNode } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { createSongBank } from './song-bank.js';

const patch: InstrumentPatch = {
  kind: 'synth',
  waveform: 'sine',
  attack: 0,
  decay: 0,
  sustain: 1,
  release: 0,
  cutoff: 4000,
  resonance: 0,
};

function runningContext(): AudioContext {
  const options: AudioContextOptions & { sinkId: { type: 'none' } } = {
    sinkId: { type: 'none' },
    sampleRate: 44_100,
  };
  return new AudioContext(options);
}

describe('SongBank and its AudioContext', () => {
  it('suspend and resume keep the instruments and the clock in place', async () => {
    const context = runningContext();
    try {
      const bank = await createSongBank(context as unknown as BaseAudioContext, { AudioWorkletNode });
      const lead = await bank.ensureInstrument('lead', patch);
      await context.suspend();
      // The clock's last update may land just after suspend resolves; then it stands still.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const frozen = context.currentTime;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(context.currentTime).toBe(frozen);
      lead.noteOn({ time: frozen + 0.01, frequency: 440 });
      await context.resume();
      await lead.flush();
      // Resumed in place: the clock goes on from where it stood, not from wall time.
      expect(context.currentTime).toBeGreaterThanOrEqual(frozen);
      expect(bank.instrument('lead')).toBe(lead);
      expect(bank.getStats()).toMatchObject({ workletCount: 1, allocatedVoices: 4 });
      bank.dispose();
    } finally {
      await context.close();
    }
  });

  it('after close every call fails with DISPOSED naming the closed context, and nothing is left', async () => {
    const context = runningContext();
    const bank = await createSongBank(context as unknown as BaseAudioContext, { AudioWorkletNode });
    const lead = await bank.ensureInstrument('lead', patch);
    await context.close();
    // The statechange event arrives on its own task.
    for (let i = 0; i < 100 && bank.getStats().instruments.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(bank.getStats()).toMatchObject({ instruments: [], allocatedVoices: 0 });
    await expect(bank.ensureInstrument('bass', patch)).rejects.toMatchObject({
      code: 'DISPOSED',
      message: expect.stringContaining("the bank's AudioContext was closed"),
    });
    expect(() => bank.teardownInstrument('lead')).toThrow(/AudioContext was closed/);
    expect(() => bank.resetForNewSong()).toThrow(/AudioContext was closed/);
    expect(() => lead.noteOn({ time: 0, frequency: 440 })).toThrow(/disposed/);
    bank.dispose();
  });
});
