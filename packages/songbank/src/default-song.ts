/**
 * The project's own tune, bundled so that rendering needs nothing outside the repository.
 * "First Light": 4 channels, 8 synthesized instruments, five 64-row patterns at speed 6 /
 * 120 BPM (8 s each, 40 s in all), in A minor: intro and verse over Am-F-C-G, chorus
 * over F-G-Em-Am, outro F-G-C.
 *
 *   channel 0  bass                  channel 1  kick, snare, hi-hat
 *   channel 2  bell / lead / pluck   channel 3  pad / plucked arpeggio chords
 *
 * Effects it uses: Fxx speed and tempo, Cxx volume, Axy volume slide, EBx fine volume
 * slide, 0xy arpeggio, 3xx tone portamento, 4xy vibrato and ECx note cut.
 */
import { loadMod } from './mod-loader.js';
import { writeMod } from './mod-writer.js';
import type { Cell, Pattern, Sample, Song } from './song.js';
import { synthInstruments } from './synth-samples.js';

/** ProTracker's periods at finetune 0, C-1 to B-3. */
const PERIODS = [
  856, 808, 762, 720, 678, 640, 604, 570, 538, 508, 480, 453, 428, 404, 381, 360, 339, 320, 302, 285, 269,
  254, 240, 226, 214, 202, 190, 180, 170, 160, 151, 143, 135, 127, 120, 113,
];
const NOTE_NAMES = ['C-', 'C#', 'D-', 'D#', 'E-', 'F-', 'F#', 'G-', 'G#', 'A-', 'A#', 'B-'];

/** The Amiga period of a note written as in a tracker, e.g. `A-2` or `C#3`. */
function period(note: string): number {
  const semitone = NOTE_NAMES.indexOf(note.slice(0, 2));
  const octave = Number(note.slice(2));
  const value = PERIODS[(octave - 1) * 12 + semitone];
  if (semitone < 0 || value === undefined) throw new RangeError(`no ProTracker period for note ${note}`);
  return value;
}

const KICK = 1;
const SNARE = 2;
const HAT = 3;
const BASS = 4;
const LEAD = 5;
const PAD = 6;
const PLUCK = 7;
const BELL = 8;

const ARPEGGIO = 0x0;
const TONE_PORTAMENTO = 0x3;
const VIBRATO = 0x4;
const VOLUME_SLIDE = 0xa;
const SET_VOLUME = 0xc;
const EXTENDED = 0xe;
const SET_SPEED = 0xf;
const NOTE_CUT = 0xc0; // ECx, in the parameter's high nibble
const FINE_VOLUME_DOWN = 0xb0; // EBx

const CHANNELS = 4;
const BAR = 16; // rows per 4/4 bar: a row is a sixteenth note
const EMPTY: Cell = { period: 0, sample: 0, effect: 0, param: 0 };

/** A mutable 64-row grid that becomes an immutable Pattern. */
class PatternGrid {
  private readonly cells: Cell[][] = Array.from({ length: 64 }, () =>
    Array.from({ length: CHANNELS }, () => EMPTY),
  );

  /** Triggers `note` on `sample`, optionally with an effect. */
  note(channel: number, row: number, note: string, sample: number, effect = 0, param = 0): this {
    this.put(channel, row, { period: period(note), sample, effect, param });
    return this;
  }

  /** Sets an effect on a cell, keeping its note. */
  effect(channel: number, row: number, effect: number, param: number): this {
    const cell = this.cells[row]![channel]!;
    this.put(channel, row, { ...cell, effect, param });
    return this;
  }

  /** The same effect on every row from `from` to `to` inclusive. */
  effects(channel: number, from: number, to: number, effect: number, param: number): this {
    for (let row = from; row <= to; row++) this.effect(channel, row, effect, param);
    return this;
  }

  build(): Pattern {
    return { rows: this.cells.map((row) => [...row]) };
  }

  private put(channel: number, row: number, cell: Cell): void {
    const cells = this.cells[row];
    if (!cells || channel < 0 || channel >= CHANNELS)
      throw new RangeError(`no cell at row ${row}, channel ${channel}`);
    cells[channel] = cell;
  }
}

type Chord = { root: string; bass: string; arpeggio: number };
const Am: Chord = { root: 'A-2', bass: 'A-1', arpeggio: 0x37 };
const F: Chord = { root: 'F-2', bass: 'F-1', arpeggio: 0x47 };
const C: Chord = { root: 'C-2', bass: 'C-2', arpeggio: 0x47 };
const G: Chord = { root: 'G-2', bass: 'G-1', arpeggio: 0x47 };
const Em: Chord = { root: 'E-2', bass: 'E-1', arpeggio: 0x37 };

/** One octave up from a note name in octave 1 or 2. */
const up = (note: string) => `${note.slice(0, 2)}${Number(note.slice(2)) + 1}`;

/** Notes given as [row, note, length in rows], placed in successive bars on one channel. */
type Line = readonly (readonly [row: number, note: string, rows?: number])[];

function melody(
  grid: PatternGrid,
  channel: number,
  sample: number,
  bars: readonly Line[],
  { vibrato = 0, volume }: { vibrato?: number; volume?: number } = {},
): void {
  bars.forEach((line, bar) => {
    for (const [row, note, rows = 2] of line) {
      const at = bar * BAR + row;
      if (volume === undefined) grid.note(channel, at, note, sample);
      else grid.note(channel, at, note, sample, SET_VOLUME, volume);
      // Long notes sing: vibrato from their second beat on.
      if (vibrato && rows >= 6) grid.effects(channel, at + 3, at + rows - 1, VIBRATO, vibrato);
    }
  });
}

function drums(grid: PatternGrid, bars: number, fill: boolean, from = 0): void {
  for (let bar = from; bar < bars; bar++) {
    const at = bar * BAR;
    grid.note(1, at, 'C-3', KICK);
    grid.note(1, at + 2, 'C-3', HAT, SET_VOLUME, 0x18);
    grid.note(1, at + 4, 'C-3', SNARE);
    grid.note(1, at + 6, 'C-3', HAT, SET_VOLUME, 0x20);
    grid.note(1, at + 8, 'C-3', KICK);
    grid.note(1, at + 10, 'C-3', bar % 2 === 1 ? KICK : HAT, SET_VOLUME, 0x28);
    grid.note(1, at + 12, 'C-3', SNARE);
    grid.note(1, at + 14, 'C-3', HAT, SET_VOLUME, 0x1c);
  }
  if (fill) {
    // A snare roll into the next section, getting louder.
    const last = (bars - 1) * BAR;
    [0x18, 0x20, 0x28, 0x30, 0x38, 0x40].forEach((volume, i) => {
      grid.note(1, last + 10 + i, 'C-3', SNARE, SET_VOLUME, volume);
    });
  }
}

function walkingBass(grid: PatternGrid, chords: readonly Chord[]): void {
  chords.forEach((chord, bar) => {
    const at = bar * BAR;
    const low = chord.bass;
    const high = up(low);
    const steps = [low, low, high, low, low, high, low, high];
    steps.forEach((note, i) => {
      // On-beat notes ring and are accented; off-beat ones are cut short for bounce.
      if (i % 2 === 0) grid.note(0, at + i * 2, note, BASS, SET_VOLUME, 0x34);
      else grid.note(0, at + i * 2, note, BASS, EXTENDED, NOTE_CUT | 3);
    });
  });
}

function strummedChords(grid: PatternGrid, chords: readonly Chord[]): void {
  chords.forEach((chord, bar) => {
    // A 3+3+2 rhythm: hits on the first, fourth and seventh eighth note, each ringing
    // as a fast arpeggio of the triad until the next.
    const hits = [0, 6, 12, 16];
    for (let i = 0; i < 3; i++) {
      const at = bar * BAR + hits[i]!;
      grid.note(3, at, chord.root, PLUCK, ARPEGGIO, chord.arpeggio);
      grid.effects(3, at + 1, bar * BAR + hits[i + 1]! - 1, ARPEGGIO, chord.arpeggio);
    }
  });
}

function padLine(grid: PatternGrid, notes: readonly string[], fadeIn: boolean): void {
  notes.forEach((note, bar) => {
    const at = bar * BAR;
    grid.note(3, at, note, PAD, SET_VOLUME, fadeIn ? 0x08 : 0x20);
    if (fadeIn) grid.effects(3, at + 1, at + 6, VOLUME_SLIDE, 0x10);
  });
}

const introBells: readonly Line[] = [
  [
    [0, 'A-2'],
    [4, 'C-3'],
    [8, 'E-3'],
    [12, 'A-3'],
  ],
  [
    [0, 'A-2'],
    [4, 'C-3'],
    [8, 'F-3'],
    [12, 'C-3'],
  ],
  [
    [0, 'G-2'],
    [4, 'C-3'],
    [8, 'E-3'],
    [12, 'G-3'],
  ],
  [
    [0, 'G-2'],
    [4, 'B-2'],
    [8, 'D-3'],
    [12, 'G-3'],
  ],
];

const verseLead: readonly Line[] = [
  [
    [0, 'E-3', 4],
    [4, 'D-3'],
    [6, 'C-3'],
    [8, 'A-2', 6],
    [14, 'C-3'],
  ],
  [
    [0, 'C-3', 4],
    [4, 'A-2'],
    [6, 'C-3'],
    [8, 'F-3', 8],
  ],
  [
    [0, 'E-3', 4],
    [4, 'G-3', 4],
    [8, 'E-3'],
    [10, 'D-3'],
    [12, 'C-3', 4],
  ],
  [
    [0, 'D-3', 8],
    [8, 'B-2', 4],
    [12, 'D-3', 4],
  ],
];

const chorusPluck: readonly Line[] = [
  [
    [0, 'A-2'],
    [2, 'C-3'],
    [4, 'F-3'],
    [6, 'C-3'],
    [8, 'A-3', 4],
    [12, 'G-3'],
    [14, 'F-3'],
  ],
  [
    [0, 'B-2'],
    [2, 'D-3'],
    [4, 'G-3'],
    [6, 'D-3'],
    [8, 'G-3', 4],
    [12, 'F-3'],
    [14, 'D-3'],
  ],
  [
    [0, 'B-2'],
    [2, 'E-3'],
    [4, 'G-3'],
    [6, 'E-3'],
    [8, 'B-3', 4],
    [12, 'A-3'],
    [14, 'G-3'],
  ],
  [
    [0, 'C-3'],
    [2, 'E-3'],
    [4, 'A-3'],
    [6, 'E-3'],
    [8, 'E-3', 4],
    [12, 'C-3'],
    [14, 'B-2'],
  ],
];

const outroBells: readonly Line[] = [
  [
    [0, 'A-2'],
    [4, 'C-3'],
    [8, 'F-3'],
    [12, 'A-3'],
  ],
  [
    [0, 'B-2'],
    [4, 'D-3'],
    [8, 'G-3'],
    [12, 'B-3'],
  ],
  [
    [0, 'G-2'],
    [4, 'C-3'],
    [8, 'E-3'],
    [12, 'G-3'],
  ],
  [[0, 'C-3', 16]],
];

function intro(): Pattern {
  const grid = new PatternGrid();
  [Am, F, C, G].forEach((chord, bar) => {
    grid.note(0, bar * BAR, chord.bass, BASS, SET_VOLUME, 0x30);
  });
  grid.effect(0, 0, SET_SPEED, 0x78); // tempo 120 BPM
  melody(grid, 2, BELL, introBells);
  grid.effect(2, 0, SET_SPEED, 0x06); // 6 ticks per row
  padLine(grid, ['E-2', 'F-2', 'E-2', 'D-2'], true);
  // Hats alone for two bars, then the kick comes in.
  for (let row = 2; row < 32; row += 4) grid.note(1, row, 'C-3', HAT, SET_VOLUME, 0x14);
  drums(grid, 4, false, 2);
  return grid.build();
}

function verse(fill: boolean): Pattern {
  const grid = new PatternGrid();
  walkingBass(grid, [Am, F, C, G]);
  drums(grid, 4, fill);
  melody(grid, 2, LEAD, verseLead, { vibrato: 0x34 });
  // The last note glides up into the next section's first note.
  grid.note(2, 3 * BAR + 14, 'E-3', LEAD, TONE_PORTAMENTO, 0x06);
  grid.effect(2, 3 * BAR + 15, TONE_PORTAMENTO, 0x06);
  strummedChords(grid, [Am, F, C, G]);
  return grid.build();
}

function chorus(): Pattern {
  const grid = new PatternGrid();
  walkingBass(grid, [F, G, Em, Am]);
  drums(grid, 4, true);
  melody(grid, 2, PLUCK, chorusPluck, { volume: 0x30 });
  padLine(grid, ['C-2', 'D-2', 'B-1', 'C-2'], false);
  return grid.build();
}

function outro(): Pattern {
  const grid = new PatternGrid();
  [F, G, C].forEach((chord, bar) => {
    grid.note(0, bar * BAR, chord.bass, BASS, SET_VOLUME, 0x30);
  });
  // Bass and pad fade out under the last bell.
  grid.effects(0, 2 * BAR + 4, 4 * BAR - 1, EXTENDED, FINE_VOLUME_DOWN | 2);
  melody(grid, 2, BELL, outroBells);
  padLine(grid, ['C-2', 'D-2', 'E-2'], false);
  grid.effects(3, 2 * BAR + 8, 4 * BAR - 1, EXTENDED, FINE_VOLUME_DOWN | 2);
  drums(grid, 2, false);
  grid.note(1, 2 * BAR, 'C-3', KICK);
  grid.note(1, 2 * BAR + 2, 'C-3', HAT, SET_VOLUME, 0x18);
  return grid.build();
}

const EMPTY_SAMPLE: Sample = {
  name: '',
  finetune: 0,
  volume: 0,
  loopStart: 0,
  loopLength: 2,
  data: new Int8Array(0),
};

/** The default song as composed, before it passes through the MOD writer. */
function compose(): Song {
  const instruments = synthInstruments();
  const samples = [...instruments];
  while (samples.length < 31) samples.push({ ...EMPTY_SAMPLE, data: new Int8Array(0) });
  return {
    title: 'first light',
    format: { kind: 'protracker', tag: 'M.K.' },
    channels: CHANNELS,
    samples,
    orders: [0, 1, 2, 3, 4],
    restartPosition: 0,
    patterns: [intro(), verse(false), chorus(), verse(true), outro()],
  };
}

/** The bundled default song as MOD bytes, written by the project's own MOD writer. */
export function defaultSongBytes(): Uint8Array {
  return writeMod(compose());
}

/**
 * The bundled default song: 4 channels, 8 synthesized instruments, 40 seconds. It is
 * read back from defaultSongBytes(), so it is exactly what the MOD file holds. A new
 * copy on every call.
 */
export function defaultSong(): Song {
  return loadMod(defaultSongBytes());
}
