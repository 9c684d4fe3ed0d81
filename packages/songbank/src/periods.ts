/**
 * Amiga periods and notes. Notes count semitones from C-0 (period 13696), so
 * ProTracker's C-1 (856) is note 48 and its B-3 (113) is note 83.
 */

/** The period of note 0 (C-0); every octave up halves it. */
export const C0_PERIOD = 13696;
/** ProTracker's lowest note, C-1. */
export const MIN_PT_NOTE = 48;
/** ProTracker's highest note, B-3. */
export const MAX_PT_NOTE = 83;
/** Amiga PAL clock: a period P plays 3546894.6 / P sample frames per second. */
export const PAL_CLOCK = 7093789.2;

/**
 * ProTracker 2's period table: one row of 36 periods (C-1..B-3) per finetune,
 * rows ordered 0..7 then -8..-1 as in the replayer.
 */
const PT_TABLE: readonly (readonly number[])[] = [
  [
    856, 808, 762, 720, 678, 640, 604, 570, 538, 508, 480, 453, 428, 404, 381, 360, 339, 320, 302, 285, 269,
    254, 240, 226, 214, 202, 190, 180, 170, 160, 151, 143, 135, 127, 120, 113,
  ],
  [
    850, 802, 757, 715, 674, 637, 601, 567, 535, 505, 477, 450, 425, 401, 379, 357, 337, 318, 300, 284, 268,
    253, 239, 225, 213, 201, 189, 179, 169, 159, 150, 142, 134, 126, 119, 113,
  ],
  [
    844, 796, 752, 709, 670, 632, 597, 563, 532, 502, 474, 447, 422, 398, 376, 355, 335, 316, 298, 282, 266,
    251, 237, 224, 211, 199, 188, 177, 167, 158, 149, 141, 133, 125, 118, 112,
  ],
  [
    838, 791, 746, 704, 665, 628, 592, 559, 528, 498, 470, 444, 419, 395, 373, 352, 332, 314, 296, 280, 264,
    249, 235, 222, 209, 198, 187, 176, 166, 157, 148, 140, 132, 125, 118, 111,
  ],
  [
    832, 785, 741, 699, 660, 623, 588, 555, 524, 495, 467, 441, 416, 392, 370, 350, 330, 312, 294, 278, 262,
    247, 233, 220, 208, 196, 185, 175, 165, 156, 147, 139, 131, 124, 117, 110,
  ],
  [
    826, 779, 736, 694, 655, 619, 584, 551, 520, 491, 463, 437, 413, 390, 368, 347, 328, 309, 292, 276, 260,
    245, 232, 219, 206, 195, 184, 174, 164, 155, 146, 138, 130, 123, 116, 109,
  ],
  [
    820, 774, 730, 689, 651, 614, 580, 547, 516, 487, 460, 434, 410, 387, 365, 345, 325, 307, 290, 274, 258,
    244, 230, 217, 205, 193, 183, 172, 163, 154, 145, 137, 129, 122, 115, 109,
  ],
  [
    814, 768, 725, 684, 646, 610, 575, 543, 513, 484, 457, 431, 407, 384, 363, 342, 323, 305, 288, 272, 256,
    242, 228, 216, 204, 192, 181, 171, 161, 152, 144, 136, 128, 121, 114, 108,
  ],
  [
    907, 856, 808, 762, 720, 678, 640, 604, 570, 538, 508, 480, 453, 428, 404, 381, 360, 339, 320, 302, 285,
    269, 254, 240, 226, 214, 202, 190, 180, 170, 160, 151, 143, 135, 127, 120,
  ],
  [
    900, 850, 802, 757, 715, 675, 636, 601, 567, 535, 505, 477, 450, 425, 401, 379, 357, 337, 318, 300, 284,
    268, 253, 238, 225, 212, 200, 189, 179, 169, 159, 150, 142, 134, 126, 119,
  ],
  [
    894, 844, 796, 752, 709, 670, 632, 597, 563, 532, 502, 474, 447, 422, 398, 376, 355, 335, 316, 298, 282,
    266, 251, 237, 223, 211, 199, 188, 177, 167, 158, 149, 141, 133, 125, 118,
  ],
  [
    887, 838, 791, 746, 704, 665, 628, 592, 559, 528, 498, 470, 444, 419, 395, 373, 352, 332, 314, 296, 280,
    264, 249, 235, 222, 209, 198, 187, 176, 166, 157, 148, 140, 132, 125, 118,
  ],
  [
    881, 832, 785, 741, 699, 660, 623, 588, 555, 524, 494, 467, 441, 416, 392, 370, 350, 330, 312, 294, 278,
    262, 247, 233, 220, 208, 196, 185, 175, 165, 156, 147, 139, 131, 123, 117,
  ],
  [
    875, 826, 779, 736, 694, 655, 619, 584, 551, 520, 491, 463, 437, 413, 390, 368, 347, 328, 309, 292, 276,
    260, 245, 232, 219, 206, 195, 184, 174, 164, 155, 146, 138, 130, 123, 116,
  ],
  [
    868, 820, 774, 730, 689, 651, 614, 580, 547, 516, 487, 460, 434, 410, 387, 365, 345, 325, 307, 290, 274,
    258, 244, 230, 217, 205, 193, 183, 172, 163, 154, 145, 137, 129, 122, 115,
  ],
  [
    862, 814, 768, 725, 684, 646, 610, 575, 543, 513, 484, 457, 431, 407, 384, 363, 342, 323, 305, 288, 272,
    256, 242, 228, 216, 203, 192, 181, 171, 161, 152, 144, 136, 128, 121, 114,
  ],
];

/**
 * How note periods are derived. 'protracker' reads ProTracker 2's period table
 * (what an Amiga plays); 'equal' computes equal-tempered periods from C-0 = 13696
 * (what libxmp and most PC players use). The two differ by at most 1.4 periods.
 */
export type Tuning = 'protracker' | 'equal';

/** The period of a note (C-0 = 0) at a finetune of -8..7 (eighths of a semitone). */
export function notePeriod(note: number, finetune: number, tuning: Tuning = 'equal'): number {
  if (tuning === 'protracker' && note >= MIN_PT_NOTE && note <= MAX_PT_NOTE) {
    const row = PT_TABLE[finetune < 0 ? finetune + 16 : finetune];
    const period = row?.[note - MIN_PT_NOTE];
    if (period !== undefined) return period;
  }
  return C0_PERIOD / 2 ** ((note + finetune / 8) / 12);
}

/**
 * The nearest note to a period as a MOD cell stores it, or -1 for no period. Periods
 * are matched in equal temperament, so every finetune's table value finds its note.
 */
export function periodToNote(period: number): number {
  if (period <= 0) return -1;
  const exact = 12 * Math.log2(C0_PERIOD / period);
  // Round half away from zero, as C's rounding of the same value does.
  return exact >= 0 ? Math.floor(exact + 0.5) : Math.ceil(exact - 0.5);
}

/** The ProTracker period table row for a finetune (-8..7): 36 periods, C-1..B-3. */
export function protrackerPeriods(finetune: number): readonly number[] {
  return PT_TABLE[finetune < 0 ? finetune + 16 : finetune] ?? [];
}

/**
 * ProTracker's arpeggio and glissando read the period table as one flat array: rows
 * of 37 (36 periods and a 0) in finetune order 0..7, -8..-1, then the bytes that
 * follow the table in memory. Reading past a row's end is how high arpeggios wrap.
 */
const FLAT_TABLE: readonly number[] = [
  ...PT_TABLE.flatMap((row) => [...row, 0]),
  774,
  1800,
  2314,
  3087,
  4113,
  4627,
  5400,
  6426,
  6940,
  7713,
  8739,
  9253,
  24625,
  12851,
  13365,
];

/**
 * ProTracker's arpeggio: the first table period at or below `period` in the
 * finetune's row, moved `semitones` entries on (0 when it lands on a row's end).
 */
export function protrackerArpeggio(period: number, finetune: number, semitones: number): number {
  const base = (finetune < 0 ? finetune + 16 : finetune) * 37;
  for (let i = 0; i < 37; i++) {
    if (period >= (FLAT_TABLE[base + i] ?? 0)) return FLAT_TABLE[base + i + semitones] ?? 0;
  }
  return period;
}

/** ProTracker's glissando: the period rounded to the first table period at or below it. */
export function protrackerGlissando(period: number, finetune: number): number {
  return protrackerArpeggio(period, finetune, 0) || period;
}

/** Sample frames per second that an Amiga period plays at (PAL). */
export function periodToRate(period: number): number {
  return PAL_CLOCK / (2 * period);
}
