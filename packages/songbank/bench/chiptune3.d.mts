/** What renderWithChiptune3 measured. */
export interface Chiptune3Render {
  /** Seconds of audio rendered. */
  readonly seconds: number;
  /** Wall time of startRendering() alone, in ms. */
  readonly wallMs: number;
  /** CPU time of the whole process during startRendering(), in ms. */
  readonly cpuMs: number;
  /** Rendered seconds per wall-clock second. */
  readonly xRealTime: number;
  /** Rendered seconds per CPU second (steadier than xRealTime on a busy machine). */
  readonly xPerCpuSecond: number;
  /** The song's length according to libopenmpt (one pass, no repeat). */
  readonly songSeconds: number;
  readonly libopenmptVersion: string;
  readonly peak: number;
  readonly rms: number;
  /** The first frame that is not exactly zero on any channel, -1 when none. */
  readonly firstSoundFrame: number;
  /** Progress messages the processor posted (one per render quantum). */
  readonly progressMessages: number;
  readonly buffer: AudioBuffer;
  /** libopenmpt's view of the module: title, sample names, orders (as chiptune3 reports it). */
  readonly meta: {
    readonly title: string;
    readonly song: {
      readonly channels: readonly string[];
      readonly samples: readonly string[];
      readonly orders: readonly { readonly pat: number }[];
      readonly patterns: readonly unknown[];
    };
  };
}

/** Peak, RMS and first sounding frame over every channel of an AudioBuffer. */
export function measureBuffer(buffer: AudioBuffer): { peak: number; rms: number; firstSoundFrame: number };

/** Renders `seconds` of a module with chiptune3 (libopenmpt in an AudioWorklet) in node-web-audio-api. */
export function renderWithChiptune3(
  bytes: Uint8Array,
  seconds: number,
  sampleRate?: number,
): Promise<Chiptune3Render>;

/** The chiptune3 version this harness drives. */
export const versions: { readonly chiptune3: string };
