// Songs written with writeMod for the fidelity table, each built to exercise one thing
// the fixture songs exercise only in passing. They are made here, from code, so the
// table can hold them without adding files of unknown licence to the repository.
//
// - odd-tempos.mod: a drum-like part on every row at tempos whose tick is not a whole
//   number of frames at 48 kHz (128, 91, 182 and 133 BPM), two ticks a row. A player
//   that times ticks exactly instead of in whole frames as libopenmpt does drifts by half
//   a frame a tick here, and the 50 ms envelopes of short hits stop lining up within
//   seconds.
// - slides.mod: portamento, vibrato, tremolo, volume slides and sample offsets on
//   looped and one-shot samples at the default tempo, across all four channels.
import { writeMod } from '../dist/index.js';

const EMPTY = { period: 0, sample: 0, effect: 0, param: 0 };
const PERIODS = [428, 381, 339, 320, 285, 254, 226, 214, 190, 170];

/** A short decaying noise burst: a hit whose envelope has a sharp edge. */
function hit(frames, seed) {
  const data = new Int8Array(frames);
  let x = seed;
  for (let i = 0; i < frames; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const noise = ((x >>> 16) & 0xff) - 128;
    data[i] = Math.round(noise * Math.exp((-6 * i) / frames));
  }
  return data;
}

/** One cycle of a wave repeated `cycles` times: a looping tone. */
function tone(cycles, shape) {
  const period = 32;
  const data = new Int8Array(period * cycles);
  for (let i = 0; i < data.length; i++) {
    const phase = (i % period) / period;
    data[i] = Math.round(shape(phase) * 100);
  }
  return data;
}

function sample(name, data, { loop = false, volume = 64 } = {}) {
  return {
    name,
    finetune: 0,
    volume,
    loopStart: 0,
    loopLength: loop ? data.length : 0,
    data,
  };
}

function samples(list) {
  const empty = sample('', new Int8Array(0));
  return Array.from({ length: 31 }, (_, i) => list[i] ?? empty);
}

function pattern(cellAt) {
  return {
    rows: Array.from({ length: 64 }, (_, row) =>
      Array.from({ length: 4 }, (_, ch) => cellAt(row, ch) ?? EMPTY),
    ),
  };
}

function oddTempos() {
  const tempos = [0x80, 0x5b, 0xb6, 0x85];
  const patterns = tempos.map((tempo) =>
    pattern((row, ch) => {
      if (ch === 0)
        return { period: PERIODS[row % 3], sample: 1, effect: row === 0 ? 0xf : 0, param: row === 0 ? 2 : 0 };
      if (ch === 1) return row % 4 === 2 ? { period: 214, sample: 2, effect: 0, param: 0 } : undefined;
      if (ch === 2) return row === 0 ? { period: 0, sample: 0, effect: 0xf, param: tempo } : undefined;
      return row % 8 === 0
        ? { period: PERIODS[(row / 8) % PERIODS.length], sample: 3, effect: 0, param: 0 }
        : undefined;
    }),
  );
  return {
    title: 'odd-tempos',
    format: { kind: 'protracker', tag: 'M.K.' },
    channels: 4,
    samples: samples([
      sample('hit', hit(1200, 7)),
      sample('snare', hit(2400, 99)),
      sample(
        'bass',
        tone(40, (p) => (p < 0.5 ? 1 : -1)),
        { volume: 40 },
      ),
    ]),
    orders: [0, 1, 2, 3, 0, 1, 2, 3],
    restartPosition: 0,
    patterns,
  };
}

function slides() {
  const a = pattern((row, ch) => {
    const bar = row % 16;
    if (ch === 0) {
      if (bar === 0) return { period: 428, sample: 1, effect: 0, param: 0 };
      if (bar === 4) return { period: 285, sample: 0, effect: 0x3, param: 0x08 };
      if (bar > 4 && bar < 12) return { period: 0, sample: 0, effect: 0x3, param: 0 };
      return { period: 0, sample: 0, effect: 0x4, param: 0x46 };
    }
    if (ch === 1) {
      if (bar === 0) return { period: 214, sample: 2, effect: 0x9, param: 0x04 };
      return { period: 0, sample: 0, effect: 0xa, param: bar < 8 ? 0x04 : 0x40 };
    }
    if (ch === 2) {
      if (bar % 4 === 0) return { period: 320, sample: 3, effect: 0x7, param: 0x38 };
      return { period: 0, sample: 0, effect: 0x7, param: 0 };
    }
    return bar % 2 === 0 ? { period: 170, sample: 4, effect: 0xc, param: 16 + 3 * bar } : undefined;
  });
  return {
    title: 'slides',
    format: { kind: 'protracker', tag: 'M.K.' },
    channels: 4,
    samples: samples([
      sample(
        'saw',
        tone(64, (p) => 2 * p - 1),
        { loop: true },
      ),
      sample(
        'square',
        tone(64, (p) => (p < 0.3 ? 1 : -1)),
        { loop: true, volume: 48 },
      ),
      sample(
        'sine',
        tone(64, (p) => Math.sin(2 * Math.PI * p)),
        { loop: true },
      ),
      sample('hit', hit(1600, 3)),
    ]),
    orders: [0, 0, 0, 0],
    restartPosition: 0,
    patterns: [a],
  };
}

/** The generated songs: a file name and the MOD bytes. */
export function generatedSongs() {
  return [
    { name: 'odd-tempos.mod (generated)', bytes: writeMod(oddTempos()) },
    { name: 'slides.mod (generated)', bytes: writeMod(slides()) },
  ];
}
