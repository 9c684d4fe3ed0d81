// fast-check arbitraries for whole songs that the MOD format can hold exactly, for the
// writer's properties (and any suite that wants random but valid modules).
import fc from 'fast-check';
import type { Cell, Pattern, Sample, Song } from '../src/song.js';

const textChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_#!';

/** Printable text of at most `max` characters that starts and ends with a visible character. */
export function modText(max: number): fc.Arbitrary<string> {
  const visible = fc.constantFrom(...textChars.split(''));
  return fc
    .array(fc.oneof({ weight: 6, arbitrary: visible }, { weight: 1, arbitrary: fc.constant(' ') }), {
      maxLength: max,
    })
    .map((chars) => chars.join('').trim());
}

/** A sample with an even length, in-range finetune/volume and a loop that fits (or no loop). */
export function modSample(maxWords = 256): fc.Arbitrary<Sample> {
  return fc
    .record({
      name: modText(22),
      finetune: fc.integer({ min: -8, max: 7 }),
      volume: fc.integer({ min: 0, max: 64 }),
      words: fc.integer({ min: 0, max: maxWords }),
      loop: fc.tuple(fc.nat(), fc.nat(), fc.boolean()),
      seed: fc.integer(),
    })
    .map(({ name, finetune, volume, words, loop, seed }) => {
      const data = new Int8Array(words * 2);
      let x = seed | 1;
      for (let i = 0; i < data.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        data[i] = x;
      }
      let loopStart = 0;
      let loopLength = 2;
      if (loop[2] && words >= 2) {
        const startWords = loop[0] % (words - 1);
        const lengthWords = 2 + (loop[1] % (words - startWords - 1));
        loopStart = startWords * 2;
        loopLength = lengthWords * 2;
      }
      return { name, finetune, volume, loopStart, loopLength, data };
    });
}

/** One stored cell: any 12-bit period, any of the 31 sample numbers, any effect. */
export const modCell: fc.Arbitrary<Cell> = fc.record({
  period: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0xfff })),
  sample: fc.integer({ min: 0, max: 31 }),
  effect: fc.integer({ min: 0, max: 15 }),
  param: fc.integer({ min: 0, max: 255 }),
});

/** A 64-row pattern of `channels` channels. */
export function modPattern(channels: number): fc.Arbitrary<Pattern> {
  return fc
    .array(fc.array(modCell, { minLength: channels, maxLength: channels }), { minLength: 64, maxLength: 64 })
    .map((rows) => ({ rows }));
}

/** A whole 31-sample song: a 4-channel tag, FLT8, or xCHN/xxCH with 1..32 channels. */
export function modSong(options: { maxPatterns?: number; maxSampleWords?: number } = {}): fc.Arbitrary<Song> {
  const { maxPatterns = 4, maxSampleWords = 256 } = options;
  const layout = fc.oneof(
    fc.constantFrom('M.K.', 'M!K!', 'FLT4', 'N.T.').map((tag) => ({ tag, channels: 4 })),
    fc.constantFrom('FLT8', 'CD81', 'OKTA').map((tag) => ({ tag, channels: 8 })),
    fc
      .integer({ min: 1, max: 32 })
      .map((channels) => ({ tag: channels < 10 ? `${channels}CHN` : `${channels}CH`, channels })),
  );
  return layout.chain(({ tag, channels }) =>
    fc.integer({ min: 1, max: maxPatterns }).chain((patternCount) =>
      fc
        .record({
          title: modText(20),
          samples: fc.array(modSample(maxSampleWords), { minLength: 31, maxLength: 31 }),
          patterns: fc.array(modPattern(channels), { minLength: patternCount, maxLength: patternCount }),
          // Every pattern is played at least once, as ProTracker itself saves only those.
          orders: fc
            .array(fc.integer({ min: 0, max: patternCount - 1 }), { minLength: 0, maxLength: 24 })
            .chain((extra) =>
              fc.shuffledSubarray([...Array(patternCount).keys(), ...extra], {
                minLength: patternCount + extra.length,
              }),
            ),
          restart: fc.nat(),
        })
        .map(({ title, samples, patterns, orders, restart }) => ({
          title,
          format: { kind: 'protracker', tag } as const,
          channels,
          samples,
          orders,
          // 0x78 and 0x7F are tracker signatures in the restart byte, never positions.
          restartPosition: [0x78, 0x7f].includes(restart % orders.length) ? 0 : restart % orders.length,
          patterns,
        })),
    ),
  );
}
