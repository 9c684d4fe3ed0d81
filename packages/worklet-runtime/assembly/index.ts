// The voice engine that runs inside one AudioWorkletNode. It holds N voices and up to
// M slots; a slot is one instrument (a sampler or a small synth) with its own patch and
// its own sample memory, and renders into its own stereo buffer so that instruments
// sharing a node never mix inside it (or, when the host asks for one shared output,
// into a single buffer that holds their sum).
//
// Everything lives in raw linear memory at offsets computed once by `init`, so the
// render path touches no allocator: voices, patch records, the output buffers and
// their written-this-quantum flags, in one region of a heap managed by a free list that
// grows memory only when no free block fits, and sample data in the same heap. The
// memory is imported: every engine of a scope shares it (see "the scope's shared heap"). A patch record is filled when a load arrives and a voice plays one
// record into one slot's output; the host decides which record is current for a slot
// at each frame, so a load can be scheduled while the slot's previous patch still plays.
//
// Declicking: a voice never steps its output. Gain changes of a sounding voice ramp
// linearly over `rampLen` frames (1 ms). Any cut of a sounding voice (note-off, steal,
// retrigger, a new patch, a released slot) renders the voice's next `rampLen` frames,
// faded to zero, into that voice's own tail buffer at once; the voice is then free
// for the next note at the same frame, and the tail is mixed into the output it came
// from. So a stealing note starts frame-exact while the old sound fades under it, a
// tail never reads sample memory that the cut may free, and a voice's tail belongs to
// its instrument (pooled renders still equal solo ones). A second cut inside the ramp
// adds its fade to what is left of the first one. `setDeclick(0)` turns all of this
// off for renders that must match ProTracker exactly.
//
// Speed: a sampler voice, the common case, renders four frames per WebAssembly SIMD
// instruction sequence (see "sampler" below), so the module needs SIMD (built with
// `--enable simd`).

const QUANTUM: i32 = 128;
const PAL_CLOCK: f64 = 7093789.2;
const TWO_PI: f64 = 6.283185307179586;

// Voice record: 32 fields of 8 bytes, f64 except a sampler's fixed-point position and step.
const VOICE_STRIDE: i32 = 256;
const V_ACTIVE: i32 = 0;
const V_SLOT: i32 = 8;
/** A sampler voice's read position and step: i64 fixed-point, 32 fraction bits (see the sampler). */
const V_POS: i32 = 16;
const V_STEP: i32 = 24;
const V_GAIN_L: i32 = 32;
const V_GAIN_R: i32 = 40;
const V_VOLUME: i32 = 48;
const V_PAN: i32 = 56;
const V_VELOCITY: i32 = 64;
const V_PHASE: i32 = 72;
const V_ENV: i32 = 80;
const V_STAGE: i32 = 88;
const V_RELEASE_STEP: i32 = 96;
const V_Z1: i32 = 104;
const V_Z2: i32 = 112;
const V_SEED: i32 = 120;
const V_ENDED: i32 = 128;
const V_FREQ: i32 = 136;
const V_RECORD: i32 = 144;
/** Gains the current ramp ends at, their per-frame steps and the frames left in it. */
const V_TARGET_L: i32 = 152;
const V_TARGET_R: i32 = 160;
const V_DGAIN_L: i32 = 168;
const V_DGAIN_R: i32 = 176;
const V_RAMP: i32 = 184;
/** 1 from note-on until the voice renders its first frame: changes then apply at once. */
const V_FRESH: i32 = 192;
/** Frames of the voice's tail buffer still to mix, and the output they go to. */
const V_TAIL_LEFT: i32 = 200;
const V_TAIL_OUT: i32 = 208;

// Patch record: 32 f64 fields.
const PATCH_STRIDE: i32 = 256;
const P_KIND: i32 = 0;
const P_PTR: i32 = 8;
const P_FRAMES: i32 = 16;
const P_FORMAT: i32 = 24;
const P_LOOP_START: i32 = 32;
const P_LOOP_END: i32 = 40;
const P_LOOPED: i32 = 48;
const P_VOLUME: i32 = 56;
const P_FINETUNE: i32 = 64;
const P_BASE_FREQ: i32 = 72;
const P_INTERP: i32 = 80;
const P_WAVEFORM: i32 = 88;
const P_ATTACK: i32 = 96;
const P_DECAY: i32 = 104;
const P_SUSTAIN: i32 = 112;
const P_RELEASE: i32 = 120;
const P_CUTOFF: i32 = 128;
const P_RESONANCE: i32 = 136;
const P_B0: i32 = 144;
const P_B1: i32 = 152;
const P_B2: i32 = 160;
const P_A1: i32 = 168;
const P_A2: i32 = 176;

const KIND_EMPTY: f64 = 0;
const KIND_SAMPLER: f64 = 1;
const KIND_SYNTH: f64 = 2;

const STAGE_ATTACK: f64 = 0;
const STAGE_DECAY: f64 = 1;
const STAGE_SUSTAIN: f64 = 2;
const STAGE_RELEASE: f64 = 3;

// Free-list block header: u32 size (header included), u32 next free block (0 = none).
const HEADER: u32 = 8;
const MIN_SPLIT: u32 = 64;

let voiceCount: i32 = 0;
let sampleRate: f64 = 48000;
let voicesBase: usize = 0;
let recordsBase: usize = 0;
let outputsBase: usize = 0;
/** Output buffer pairs: one per slot, or one that every slot shares. */
let outputCount: i32 = 0;
/** 1 where the output buffer pair was written this quantum (u8 per output). */
let touchedBase: usize = 0;
let endedCount: i32 = 0;
/** Ramp and tail length in frames (about 1 ms); 0 when declicking is off. */
let rampLen: i32 = 0;
/** Tail capacity per voice, fixed at init: the ramp length declicking uses at this rate. */
let tailCap: i32 = 0;
/** Per voice, a stereo tail buffer of tailCap frames (left, then right). */
let tailsBase: usize = 0;
/** A stereo buffer of tailCap frames a cut voice's continuation is rendered into. */
let scratchBase: usize = 0;
/** Frame inside the current render span at which the voice being rendered starts a new tail. */
let tailFrom: i32 = 0;

function voicePtr(v: i32): usize {
  return voicesBase + <usize>(v * VOICE_STRIDE);
}

function recordPtr(record: i32): usize {
  return recordsBase + <usize>(record * PATCH_STRIDE);
}

function vget(p: usize, field: i32): f64 {
  return load<f64>(p + <usize>field);
}

function vset(p: usize, field: i32, value: f64): void {
  store<f64>(p + <usize>field, value);
}

function align8(n: usize): usize {
  return (n + 7) & ~(<usize>7);
}

// ---- the scope's shared heap ----
//
// Every engine of one AudioWorkletGlobalScope is an instance of this module over one
// imported memory (browsers refuse new memories after about a hundred per page, while
// instances without a memory of their own cost only their globals). Each instance keeps
// its own layout in its globals, so calls need no switching; what the instances share
// lives in memory: a header right after the static data (a marker that the heap was set
// up, the free list's head, the number of live engines), then the free-list heap that
// holds every engine's region (voices, patch records, outputs, tails) and every sample.
// The instances of a scope run on its one thread, so the shared list needs no locking.

const HEAP_MAGIC: u32 = 0x57504b48;
const HDR_MAGIC: usize = 0;
const HDR_HEAD: usize = 4;
const HDR_ENGINES: usize = 8;
const HDR_BYTES: usize = 16;

function header(): usize {
  return align8(__heap_base);
}

function head(): usize {
  return <usize>load<u32>(header() + HDR_HEAD);
}

function setHead(b: usize): void {
  store<u32>(header() + HDR_HEAD, <u32>b);
}

/** Sets up the shared heap the first time any instance of the scope starts. */
function ensureHeap(): void {
  const h = header();
  if (load<u32>(h + HDR_MAGIC) === HEAP_MAGIC) return;
  const heapStart = h + HDR_BYTES;
  const end = (<usize>memory.size()) << 16;
  store<u32>(h + HDR_MAGIC, HEAP_MAGIC);
  setHead(0);
  store<u32>(h + HDR_ENGINES, 0);
  if (end > heapStart + <usize>MIN_SPLIT) addFree(heapStart, <u32>(end - heapStart));
}

/** This engine's region in the shared heap (0 before init and after dispose). */
let region: usize = 0;
/** Bytes this engine's region needs (set by init even when the region cannot be had). */
let regionBytes: i32 = 0;
let recordCount: i32 = 0;

/**
 * Lays out voices, patch records and outputs in a region of the shared heap; returns 0,
 * or -1 if memory cannot grow (`engineBytes()` then says how much was asked for). With
 * `shared` set, every slot renders into one stereo output (their sum); otherwise each
 * slot has its own.
 */
export function init(voices: i32, slots: i32, records: i32, rate: f64, shared: i32): i32 {
  voiceCount = voices;
  recordCount = records;
  sampleRate = rate;
  outputCount = shared !== 0 ? 1 : slots;
  // 1 ms: long enough that a full-scale cut moves by at most 1/(rampLen+1) per frame
  // (1/49 at 48 kHz, below a 1 kHz full-scale sine's own step), short enough to stay
  // well inside a tracker tick (20 ms at 125 BPM) so slides and cuts keep their timing.
  // libopenmpt's defaults are close: 0.36 ms up, 0.95 ms down.
  tailCap = <i32>Math.min(256, Math.max(1, Math.round(rate / 1000)));
  rampLen = tailCap;
  // One voice record more than there are voices: the scratch voice a tail renders with.
  const recordsAt = <usize>((voices + 1) * VOICE_STRIDE);
  const outputsAt = recordsAt + <usize>(records * PATCH_STRIDE);
  const tailsAt = outputsAt + <usize>(outputCount * 2 * QUANTUM * 4);
  const scratchAt = tailsAt + <usize>(voices * tailCap * 2 * 4);
  const touchedAt = scratchAt + <usize>(tailCap * 2 * 4);
  const bytes = align8(touchedAt + <usize>outputCount);
  regionBytes = <i32>bytes;
  ensureHeap();
  if (region === 0) {
    region = alloc(<i32>bytes);
    if (region === 0) return -1;
    store<u32>(header() + HDR_ENGINES, load<u32>(header() + HDR_ENGINES) + 1);
  }
  voicesBase = region;
  recordsBase = region + recordsAt;
  outputsBase = region + outputsAt;
  tailsBase = region + tailsAt;
  scratchBase = region + scratchAt;
  touchedBase = region + touchedAt;
  memory.fill(region, 0, bytes);
  endedCount = 0;
  return setupMixer(slots);
}

/**
 * Returns this engine's region and every sample it holds to the shared heap, for the
 * scope's next engine. The instance must not be called again afterwards (init aside).
 */
export function dispose(): void {
  if (region === 0) return;
  for (let r = 0; r < recordCount; r++) {
    const s = recordPtr(r);
    if (vget(s, P_KIND) === KIND_SAMPLER) free(<usize>vget(s, P_PTR));
  }
  free(region);
  region = 0;
  if (mixBase !== 0) {
    free(mixBase);
    mixBase = 0;
  }
  store<u32>(header() + HDR_ENGINES, load<u32>(header() + HDR_ENGINES) - 1);
}

/** Bytes of the shared heap this engine's region takes (or asked for, when init failed). */
export function engineBytes(): i32 {
  return regionBytes;
}

/** Engines of this scope whose regions are live in the shared memory. */
export function engineCount(): i32 {
  return <i32>load<u32>(header() + HDR_ENGINES);
}

/**
 * 1 (the default after init): gain changes ramp and cut voices fade out over about
 * 1 ms. 0: every change steps at its frame, as ProTracker does.
 */
export function setDeclick(on: i32): void {
  rampLen = on !== 0 ? tailCap : 0;
}

/** Ramp and tail length in frames (0 when declicking is off). */
export function rampFrames(): i32 {
  return rampLen;
}

/** Bytes of the linear memory this instance shares with the other engines of its scope. */
export function memoryBytes(): i32 {
  return <i32>(memory.size() << 16);
}

/** Address of output `index`'s left buffer (128 f32); the right one follows it. */
export function outputPtr(index: i32): usize {
  return outputsBase + <usize>(index * 2 * QUANTUM * 4);
}

/** Address of the per-output flags (u8) saying which outputs were written this quantum. */
export function touchedPtr(): usize {
  return touchedBase;
}

// ---- sample memory: address-ordered free list with coalescing ----

function blockSize(b: usize): u32 {
  return load<u32>(b);
}

function blockNext(b: usize): usize {
  return <usize>load<u32>(b, 4);
}

function setBlock(b: usize, size: u32, next: usize): void {
  store<u32>(b, size);
  store<u32>(b, <u32>next, 4);
}

function addFree(b: usize, size: u32): void {
  let prev: usize = 0;
  let cur = head();
  while (cur !== 0 && cur < b) {
    prev = cur;
    cur = blockNext(cur);
  }
  setBlock(b, size, cur);
  if (prev === 0) setHead(b);
  else setBlock(prev, blockSize(prev), b);
  // Merge with the following block, then with the preceding one.
  if (cur !== 0 && b + <usize>size === cur) {
    setBlock(b, size + blockSize(cur), blockNext(cur));
  }
  if (prev !== 0 && prev + <usize>blockSize(prev) === b) {
    setBlock(prev, blockSize(prev) + blockSize(b), blockNext(b));
  }
}

function takeFirstFit(need: u32): usize {
  let prev: usize = 0;
  let cur = head();
  while (cur !== 0) {
    const size = blockSize(cur);
    if (size >= need) {
      let next = blockNext(cur);
      if (size - need >= MIN_SPLIT) {
        const rest = cur + <usize>need;
        setBlock(rest, size - need, next);
        next = rest;
        store<u32>(cur, need);
      }
      if (prev === 0) setHead(next);
      else setBlock(prev, blockSize(prev), next);
      store<u32>(cur, 0xffffffff, 4);
      return cur + <usize>HEADER;
    }
    prev = cur;
    cur = blockNext(cur);
  }
  return 0;
}

/** Reserves `bytes` of sample memory; returns its address, or 0 when memory cannot grow. */
export function alloc(bytes: i32): usize {
  if (bytes < 0) return 0;
  const need = <u32>align8(<usize>bytes + <usize>HEADER);
  let p = takeFirstFit(need);
  if (p !== 0) return p;
  // Nothing fits: grow by just enough, counting a free block that already ends at the top.
  const end = (<usize>memory.size()) << 16;
  let tailFree: usize = 0;
  let cur = head();
  while (cur !== 0) {
    if (cur + <usize>blockSize(cur) === end) tailFree = <usize>blockSize(cur);
    cur = blockNext(cur);
  }
  const missing = <usize>need - tailFree;
  const pages = <i32>((missing + 65535) >> 16);
  if (memory.grow(pages) < 0) return 0;
  addFree(end, <u32>((<usize>pages) << 16));
  p = takeFirstFit(need);
  return p;
}

/** Returns a block from `alloc` to the free list. */
export function free(p: usize): void {
  if (p === 0) return;
  const b = p - <usize>HEADER;
  addFree(b, blockSize(b));
}

/** Total bytes in free blocks (for tests of reuse). */
export function freeBytes(): i32 {
  let total: i32 = 0;
  let cur = head();
  while (cur !== 0) {
    total += <i32>blockSize(cur);
    cur = blockNext(cur);
  }
  return total;
}

// ---- patch records ----

/**
 * ProTracker's loop rule, the engine's one statement of it (src/loop.ts `sampleLoops` is
 * its twin on the main thread): a loop of 1 word (2 frames) or less is no loop, and a
 * loop must lie inside the sample.
 */
function loops(loopStart: i32, loopLength: i32, frames: i32): bool {
  return loopLength > 2 && loopStart + loopLength <= frames;
}

/** Fills free record `record` with a sampler patch whose data was written at `ptr` (from `alloc`). */
export function stageSampler(
  record: i32,
  ptr: usize,
  frames: i32,
  format: i32,
  loopStart: i32,
  loopLength: i32,
  volume: f64,
  finetune: f64,
  baseFrequency: f64,
  interpolate: i32,
): void {
  const s = recordPtr(record);
  memory.fill(s, 0, PATCH_STRIDE);
  vset(s, P_KIND, KIND_SAMPLER);
  vset(s, P_PTR, <f64>ptr);
  vset(s, P_FRAMES, <f64>frames);
  vset(s, P_FORMAT, <f64>format);
  const looped = loops(loopStart, loopLength, frames);
  vset(s, P_LOOPED, looped ? 1 : 0);
  vset(s, P_LOOP_START, looped ? <f64>loopStart : 0);
  vset(s, P_LOOP_END, looped ? <f64>(loopStart + loopLength) : <f64>frames);
  vset(s, P_VOLUME, volume);
  vset(s, P_FINETUNE, finetune);
  vset(s, P_BASE_FREQ, baseFrequency);
  vset(s, P_INTERP, <f64>interpolate);
}

/** Fills free record `record` with a synth patch. */
export function stageSynth(
  record: i32,
  waveform: i32,
  attack: f64,
  decay: f64,
  sustain: f64,
  release: f64,
  cutoff: f64,
  resonance: f64,
  volume: f64,
): void {
  const s = recordPtr(record);
  memory.fill(s, 0, PATCH_STRIDE);
  vset(s, P_KIND, KIND_SYNTH);
  vset(s, P_WAVEFORM, <f64>waveform);
  vset(s, P_ATTACK, attack);
  vset(s, P_DECAY, decay);
  vset(s, P_SUSTAIN, sustain);
  vset(s, P_RELEASE, release);
  vset(s, P_CUTOFF, cutoff);
  vset(s, P_RESONANCE, resonance);
  vset(s, P_VOLUME, volume);
  // RBJ low-pass biquad; resonance 0..1 maps to Q 0.707..12.
  const fc = Math.min(Math.max(cutoff, 10), sampleRate * 0.45);
  const q = Math.SQRT1_2 + resonance * 11.3;
  const w0 = (TWO_PI * fc) / sampleRate;
  const alpha = Math.sin(w0) / (2 * q);
  const cosw = Math.cos(w0);
  const a0 = 1 + alpha;
  vset(s, P_B0, (1 - cosw) / 2 / a0);
  vset(s, P_B1, (1 - cosw) / a0);
  vset(s, P_B2, (1 - cosw) / 2 / a0);
  vset(s, P_A1, (-2 * cosw) / a0);
  vset(s, P_A2, (1 - alpha) / a0);
}

/** Empties a record: voices playing it stop and its sample memory returns to the free list. */
export function freeRecord(record: i32): void {
  const s = recordPtr(record);
  for (let v = 0; v < voiceCount; v++) {
    const p = voicePtr(v);
    if (vget(p, V_ACTIVE) !== 0 && <i32>vget(p, V_RECORD) === record) cut(v);
  }
  if (vget(s, P_KIND) === KIND_SAMPLER) free(<usize>vget(s, P_PTR));
  memory.fill(s, 0, PATCH_STRIDE);
}

/** Stops every voice that renders into `slot` (each fades out over its tail). */
export function silenceSlot(slot: i32): void {
  for (let v = 0; v < voiceCount; v++) {
    const p = voicePtr(v);
    if (vget(p, V_ACTIVE) !== 0 && <i32>vget(p, V_SLOT) === slot) cut(v);
  }
}

// ---- voices ----

/**
 * Sets the voice's gains from its volume, velocity and pan: at once for a voice that
 * has not sounded yet (or with declicking off), otherwise as a ramp of rampLen frames.
 */
function updateGains(p: usize): void {
  const level = (vget(p, V_VOLUME) / 64) * vget(p, V_VELOCITY);
  const pan = vget(p, V_PAN);
  const l = level * Math.min(1, 1 - pan);
  const r = level * Math.min(1, 1 + pan);
  if (rampLen === 0 || vget(p, V_FRESH) !== 0 || vget(p, V_ACTIVE) === 0) {
    vset(p, V_GAIN_L, l);
    vset(p, V_GAIN_R, r);
    vset(p, V_RAMP, 0);
    return;
  }
  if (vget(p, V_RAMP) === 0 && l === vget(p, V_GAIN_L) && r === vget(p, V_GAIN_R)) return;
  vset(p, V_TARGET_L, l);
  vset(p, V_TARGET_R, r);
  vset(p, V_DGAIN_L, (l - vget(p, V_GAIN_L)) / <f64>rampLen);
  vset(p, V_DGAIN_R, (r - vget(p, V_GAIN_R)) / <f64>rampLen);
  vset(p, V_RAMP, <f64>rampLen);
}

/** Lane k holds k: the frame offsets of a four-frame SIMD block. */
const FRAME_LANES: v128 = i32x4(0, 1, 2, 3);

function tailLeftPtr(v: i32): usize {
  return tailsBase + <usize>(v * tailCap * 2 * 4);
}

/** The slot a voice renders into (its tail goes there too). */
function outputOf(p: usize): i32 {
  return <i32>vget(p, V_SLOT);
}

/**
 * Makes room in voice `v`'s tail buffer for a new tail going to output `out`: what is
 * left of an earlier tail to the same output moves to the front (the new fade adds to
 * it); a tail to another output is dropped, as only one fits.
 */
function openTail(v: i32, out: i32): void {
  const l = tailLeftPtr(v);
  const r = l + <usize>(tailCap * 4);
  const left = <i32>vget(voicePtr(v), V_TAIL_LEFT);
  const keep = left > 0 && <i32>vget(voicePtr(v), V_TAIL_OUT) === out ? left : 0;
  if (keep > 0) {
    const skip = <usize>((rampLen - keep) * 4);
    memory.copy(l, l + skip, <usize>(keep * 4));
    memory.copy(r, r + skip, <usize>(keep * 4));
  }
  memory.fill(l + <usize>(keep * 4), 0, <usize>((tailCap - keep) * 4));
  memory.fill(r + <usize>(keep * 4), 0, <usize>((tailCap - keep) * 4));
  vset(voicePtr(v), V_TAIL_OUT, <f64>out);
  vset(voicePtr(v), V_TAIL_LEFT, <f64>rampLen);
}

/**
 * Ends a sounding voice without a step: its next rampLen frames are rendered now, on a
 * scratch copy, faded linearly to zero, into the voice's tail. The voice itself stops.
 */
function cut(v: i32): void {
  const p = voicePtr(v);
  if (vget(p, V_ACTIVE) === 0) return;
  vset(p, V_ACTIVE, 0);
  if (rampLen === 0) return;
  const a = recordPtr(<i32>vget(p, V_RECORD));
  const kind = vget(a, P_KIND);
  if (kind === KIND_EMPTY) return;
  const s = voicePtr(voiceCount);
  memory.copy(s, p, VOICE_STRIDE);
  vset(s, V_ACTIVE, 1);
  // Already counted as ended, so the copy reaching its end reports nothing.
  vset(s, V_ENDED, 1);
  const sl = scratchBase;
  const sr = sl + <usize>(tailCap * 4);
  memory.fill(sl, 0, <usize>(tailCap * 2 * 4));
  if (kind === KIND_SAMPLER) renderSampler(s, a, sl, sr, 0, rampLen);
  else renderSynth(s, a, sl, sr, 0, rampLen);
  openTail(v, outputOf(p));
  const tl = tailLeftPtr(v);
  const tr = tl + <usize>(tailCap * 4);
  const n = rampLen;
  const span = <f32>(1 / <f64>(n + 1));
  // Four frames at a time, each lane's weight and sum as the per-frame loop after it makes them.
  let k = 0;
  let left = i32x4.sub(i32x4.splat(n), FRAME_LANES);
  const vspan = f32x4.splat(span);
  for (; k + 4 <= n; k += 4) {
    const w = f32x4.mul(f32x4.convert_i32x4_s(left), vspan);
    const o = (<usize>k) << 2;
    v128.store(tl + o, f32x4.add(v128.load(tl + o), f32x4.mul(v128.load(sl + o), w)));
    v128.store(tr + o, f32x4.add(v128.load(tr + o), f32x4.mul(v128.load(sr + o), w)));
    left = i32x4.sub(left, i32x4.splat(4));
  }
  for (; k < n; k++) {
    const w = <f32>(n - k) * span;
    const o = (<usize>k) << 2;
    store<f32>(tl + o, load<f32>(tl + o) + load<f32>(sl + o) * w);
    store<f32>(tr + o, load<f32>(tr + o) + load<f32>(sr + o) * w);
  }
}

/**
 * A one-shot that ended on a non-zero frame at frame `at`: its last values fade to zero
 * over the tail instead of stepping there. What is left of an older tail is mixed up to
 * `at` first and carried on.
 */
function endTail(p: usize, from: i32, at: i32, lastL: f32, lastR: f32): void {
  const v = <i32>((p - voicesBase) / <usize>VOICE_STRIDE);
  if (v >= voiceCount || rampLen === 0 || (lastL === 0 && lastR === 0)) return;
  mixTail(v, from, at);
  openTail(v, outputOf(p));
  const tl = tailLeftPtr(v);
  const tr = tl + <usize>(tailCap * 4);
  const n = rampLen;
  const span = <f32>(1 / <f64>(n + 1));
  let k = 0;
  let left = i32x4.sub(i32x4.splat(n), FRAME_LANES);
  const vspan = f32x4.splat(span);
  const vl = f32x4.splat(lastL);
  const vr = f32x4.splat(lastR);
  for (; k + 4 <= n; k += 4) {
    const w = f32x4.mul(f32x4.convert_i32x4_s(left), vspan);
    const o = (<usize>k) << 2;
    v128.store(tl + o, f32x4.add(v128.load(tl + o), f32x4.mul(vl, w)));
    v128.store(tr + o, f32x4.add(v128.load(tr + o), f32x4.mul(vr, w)));
    left = i32x4.sub(left, i32x4.splat(4));
  }
  for (; k < n; k++) {
    const w = <f32>(n - k) * span;
    const o = (<usize>k) << 2;
    store<f32>(tl + o, load<f32>(tl + o) + lastL * w);
    store<f32>(tr + o, load<f32>(tr + o) + lastR * w);
  }
  tailFrom = at;
}

/** Mixes voice `v`'s pending tail into frames [from, to) of its output. */
function mixTail(v: i32, from: i32, to: i32): void {
  const p = voicePtr(v);
  const left = <i32>vget(p, V_TAIL_LEFT);
  if (left <= 0 || to <= from) return;
  const n = min(left, to - from);
  const outL = slotTarget(<i32>vget(p, V_TAIL_OUT));
  const outR = outL + <usize>(QUANTUM * 4);
  const tl = tailLeftPtr(v) + <usize>((rampLen - left) * 4);
  const tr = tl + <usize>(tailCap * 4);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = (<usize>(from + k)) << 2;
    const t = (<usize>k) << 2;
    v128.store(outL + o, f32x4.add(v128.load(outL + o), v128.load(tl + t)));
    v128.store(outR + o, f32x4.add(v128.load(outR + o), v128.load(tr + t)));
  }
  for (; k < n; k++) {
    const o = (<usize>(from + k)) << 2;
    const t = (<usize>k) << 2;
    store<f32>(outL + o, load<f32>(outL + o) + load<f32>(tl + t));
    store<f32>(outR + o, load<f32>(outR + o) + load<f32>(tr + t));
  }
  vset(p, V_TAIL_LEFT, <f64>(left - n));
}

function applyPitch(p: usize, a: usize, mode: i32, value: f64): void {
  // mode 0: Amiga period (PAL clock); mode 1: frequency in Hz.
  const kind = vget(a, P_KIND);
  if (kind === KIND_SAMPLER) {
    let step: f64 = 0;
    if (mode === 0) {
      step = PAL_CLOCK / (2 * value) / sampleRate;
    } else {
      const fine = 2 ** (vget(a, P_FINETUNE) / 96);
      step = (value / vget(a, P_BASE_FREQ)) * fine;
    }
    store<i64>(p + <usize>V_STEP, stepToFixed(step));
  } else {
    const hz = mode === 0 ? PAL_CLOCK / (2 * value) : value;
    vset(p, V_FREQ, hz / sampleRate);
  }
}

function seek(p: usize, a: usize, offset: f64): void {
  if (offset < vget(a, P_LOOP_END)) {
    store<i64>(p + <usize>V_POS, posToFixed(offset));
  } else if (vget(a, P_LOOPED) !== 0) {
    store<i64>(p + <usize>V_POS, (<i64>vget(a, P_LOOP_START)) << 32);
  } else {
    // An offset past the end of a one-shot sample plays nothing. The voice is fresh here
    // (setOffset moved what it played into its tail), so nothing steps.
    vset(p, V_ACTIVE, 0);
  }
}

/**
 * Starts `voice` playing patch `record` into `slot`'s output. mode 0 = period, 1 = Hz.
 * volume < 0 takes the patch's default volume; localVoice is the voice's index inside
 * its instrument. Returns -1 if the record is empty.
 */
export function noteOn(
  voice: i32,
  slot: i32,
  record: i32,
  mode: i32,
  pitch: f64,
  volume: f64,
  pan: f64,
  offset: f64,
  velocity: f64,
  localVoice: i32,
): i32 {
  const a = recordPtr(record);
  const kind = vget(a, P_KIND);
  if (kind === KIND_EMPTY) return -1;
  const p = voicePtr(voice);
  // A stolen or retriggered voice fades out in its tail while the new note starts here.
  cut(voice);
  // A retriggered voice that had ended but was not yet reported keeps the count right.
  if (vget(p, V_ENDED) !== 0) endedCount--;
  const tailLeft = vget(p, V_TAIL_LEFT);
  const tailOut = vget(p, V_TAIL_OUT);
  memory.fill(p, 0, VOICE_STRIDE);
  vset(p, V_TAIL_LEFT, tailLeft);
  vset(p, V_TAIL_OUT, tailOut);
  vset(p, V_FRESH, 1);
  vset(p, V_ACTIVE, 1);
  vset(p, V_SLOT, <f64>slot);
  vset(p, V_RECORD, <f64>record);
  vset(p, V_VOLUME, volume < 0 ? vget(a, P_VOLUME) : volume);
  vset(p, V_PAN, pan);
  vset(p, V_VELOCITY, velocity);
  // Seeding from the voice's index inside its instrument keeps noise identical
  // wherever the instrument's slot lives.
  vset(p, V_SEED, <f64>(<u32>0x9e3779b1 ^ (<u32>(localVoice + 1) * <u32>0x85ebca6b)));
  applyPitch(p, a, mode, pitch);
  updateGains(p);
  if (kind === KIND_SAMPLER) {
    seek(p, a, offset);
  } else {
    vset(p, V_STAGE, STAGE_ATTACK);
    vset(p, V_ENV, 0);
  }
  return 0;
}

/**
 * Releases a voice: a sampler stops (fading out over its tail), a synth enters its
 * release stage (or, with a release shorter than the ramp, fades out like a sampler).
 */
export function noteOff(voice: i32): void {
  const p = voicePtr(voice);
  if (vget(p, V_ACTIVE) === 0) return;
  const a = recordPtr(<i32>vget(p, V_RECORD));
  const rel = vget(a, P_RELEASE);
  if (vget(a, P_KIND) !== KIND_SYNTH || (rampLen > 0 && rel * sampleRate < <f64>rampLen)) {
    cut(voice);
    return;
  }
  vset(p, V_STAGE, STAGE_RELEASE);
  vset(p, V_RELEASE_STEP, rel > 0 ? vget(p, V_ENV) / (rel * sampleRate) : 1e9);
}

/** Changes a playing voice's pitch without retriggering it. */
export function setPitch(voice: i32, mode: i32, value: f64): void {
  const p = voicePtr(voice);
  applyPitch(p, recordPtr(<i32>vget(p, V_RECORD)), mode, value);
}

/** Changes a voice's volume (0..64). */
export function setVolume(voice: i32, volume: f64): void {
  const p = voicePtr(voice);
  vset(p, V_VOLUME, volume);
  updateGains(p);
}

/** Changes a voice's pan (-1..1). */
export function setPan(voice: i32, pan: f64): void {
  const p = voicePtr(voice);
  vset(p, V_PAN, pan);
  updateGains(p);
}

/**
 * Moves a playing sampler voice to frame `offset` of its sample. A voice that has
 * sounded leaves what it played in its tail, so the jump does not step either.
 */
export function setOffset(voice: i32, offset: f64): void {
  const p = voicePtr(voice);
  if (vget(p, V_ACTIVE) === 0) return;
  const a = recordPtr(<i32>vget(p, V_RECORD));
  if (vget(a, P_KIND) !== KIND_SAMPLER) return;
  if (rampLen > 0 && vget(p, V_FRESH) === 0) {
    cut(voice);
    vset(p, V_ACTIVE, 1);
    vset(p, V_FRESH, 1);
    // The jump restarts the voice: gains go straight to where a ramp was heading.
    if (vget(p, V_RAMP) !== 0) {
      vset(p, V_GAIN_L, vget(p, V_TARGET_L));
      vset(p, V_GAIN_R, vget(p, V_TARGET_R));
      vset(p, V_RAMP, 0);
    }
  }
  seek(p, a, offset);
}

/** Whether a voice is sounding. */
export function voiceActive(voice: i32): i32 {
  return vget(voicePtr(voice), V_ACTIVE) !== 0 ? 1 : 0;
}

/** Number of sounding voices that belong to `slot`. */
export function activeVoices(slot: i32): i32 {
  let n = 0;
  for (let v = 0; v < voiceCount; v++) {
    const p = voicePtr(v);
    if (vget(p, V_ACTIVE) !== 0 && <i32>vget(p, V_SLOT) === slot) n++;
  }
  return n;
}

/** How many voices stopped on their own since the last `takeEnded`. */
export function endedPending(): i32 {
  return endedCount;
}

/** Frame (inside the quantum) + 1 at which `voice` stopped by itself, 0 if it did not; clears it. */
export function takeEnded(voice: i32): i32 {
  const p = voicePtr(voice);
  const f = <i32>vget(p, V_ENDED);
  if (f !== 0) {
    vset(p, V_ENDED, 0);
    endedCount--;
  }
  return f;
}

// ---- rendering ----

/**
 * Zeroes one stereo quantum buffer (2 x 128 f32) with SIMD stores: in Chromium's profile
 * of a pooled node, `memory.fill` of these 1 KiB (a call out of the module each time) was
 * 6% of the audio thread.
 */
function zeroQuantum(p: usize): void {
  const z = i32x4.splat(0);
  for (let o: usize = 0; o < <usize>(2 * QUANTUM * 4); o += 64) {
    v128.store(p + o, z);
    v128.store(p + o, z, 16);
    v128.store(p + o, z, 32);
    v128.store(p + o, z, 48);
  }
}

/** Zeroes the outputs written in the last quantum (the others still hold zeros); once per quantum. */
export function beginQuantum(): void {
  for (let o = 0; o < outputCount; o++) {
    const flag = touchedBase + <usize>o;
    if (load<u8>(flag) === 0) continue;
    zeroQuantum(outputPtr(o));
    store<u8>(flag, 0);
  }
  for (let s = 0; s < slotCount; s++) {
    const flag = slotTouchedBase + <usize>s;
    if (load<u8>(flag) === 0) continue;
    if (!mixInPlace) zeroQuantum(slotBuffer(s));
    store<u8>(flag, 0);
  }
}

// ---- sampler ----
//
// A sampler voice's read position is fixed-point: the frame index in the high 32 bits of
// an i64 (V_POS) and the fraction in the low 32, advanced each frame by a step rounded to
// the nearest 2^-32 of a frame (V_STEP). Integer addition is exact, so the position k
// frames on is exactly pos + k * step: the frames of a span do not depend on each other,
// and the fast path renders them four at a time in SIMD lanes with the same f32
// operations, in the same order, as the per-frame path (no fused multiply-add, no
// reassociation), so the two give identical bits. Linear interpolation weighs the two
// points around the position by the fraction's top 24 bits, s + (s1 - s) * w with
// w = (fraction >> 8) / 2^24: as fine as an f32 weight gets, exact, always below 1, and
// three SIMD operations where rounding all 32 bits would take eight.

/** One frame in fixed-point position units (2^32). */
const FX_ONE: f64 = 4294967296.0;
/** The weight of the lowest of the fraction's top 24 bits (2^-24). */
const WEIGHT_UNIT: f32 = <f32>(1.0 / 16777216.0);
/** 2^-31: scales a sample widened into the top bits of an i32 lane back to -1..1. */
const WIDE_SCALE: f32 = <f32>(1.0 / 2147483648.0);
/**
 * The largest step (frames per frame): far more than any pitch the protocol allows, and
 * small enough that positions stay below 2^63 for samples shorter than 2^31 - 2^24 frames.
 */
const MAX_STEP: f64 = 16777216.0;

/** A step in fixed-point, rounded to the nearest 2^-32 frame; 0 for anything but a positive number. */
function stepToFixed(step: f64): i64 {
  if (!(step > 0)) return 0;
  return <i64>Math.round(Math.min(step, MAX_STEP) * FX_ONE);
}

/** A position in fixed-point, rounded down so that a position inside the sample stays inside it. */
function posToFixed(pos: f64): i64 {
  if (!(pos > 0)) return 0;
  return <i64>Math.floor(pos * FX_ONE);
}

function readSample(data: usize, format: i32, i: i32): f32 {
  if (format === 1) return <f32>load<i8>(data + <usize>i) * (<f32>1 / 128);
  if (format === 2) return <f32>load<i16>(data + ((<usize>i) << 1)) * (<f32>1 / 32768);
  return load<f32>(data + ((<usize>i) << 2));
}

/** The interpolation weight of a fixed-point position: its fraction's top 24 bits, in [0, 1). */
function fracOf(pos: i64): f32 {
  return <f32>(<u32>pos >> 8) * WEIGHT_UNIT;
}

function markEnded(p: usize, frame: i32): void {
  vset(p, V_ACTIVE, 0);
  if (vget(p, V_ENDED) === 0) endedCount++;
  vset(p, V_ENDED, <f64>(frame + 1));
}

// Results of fastSpan, which returns two values.
let spanPos: i64 = 0;
let spanFrame: i32 = 0;

// Per lane k of a block: k * step, split into its low and high 32 bits; the low ones also
// with the sign bit flipped, for the unsigned comparison that finds a lane's carry.
let laneLo: v128 = i32x4.splat(0);
let laneHi: v128 = i32x4.splat(0);
let laneLoFlipped: v128 = i32x4.splat(0);

/** Sets laneLo, laneHi and laneLoFlipped for a voice's step. */
function setLaneSteps(step: i64): void {
  let lo = i32x4.splat(0);
  lo = i32x4.replace_lane(lo, 1, <i32>step);
  lo = i32x4.replace_lane(lo, 2, <i32>(step * 2));
  lo = i32x4.replace_lane(lo, 3, <i32>(step * 3));
  let hi = i32x4.splat(0);
  hi = i32x4.replace_lane(hi, 1, <i32>(step >> 32));
  hi = i32x4.replace_lane(hi, 2, <i32>((step * 2) >> 32));
  hi = i32x4.replace_lane(hi, 3, <i32>((step * 3) >> 32));
  laneLo = lo;
  laneHi = hi;
  laneLoFlipped = v128.xor(lo, i32x4.splat(0x80000000));
}

/**
 * The first position at which a block of four frames no longer fits the SIMD path for a
 * sample of `sampleBytes`-byte frames (-1 when the step is too long for it): a block reads
 * frames idx0 + d and idx0 + d + 1 with d <= (fraction + 3 step) < window - 1, and its
 * loads stay inside the sample while idx0 + window <= endI.
 */
function blockLimit(sampleBytes: i32, step: i64, safeEnd: i64, endI: i32): i64 {
  // Sample frames one block may read: one 16-byte load, two for float samples.
  const window: i32 = sampleBytes === 4 ? 8 : 16 / sampleBytes;
  const step3 = step * 3;
  if (step3 >= (<i64>(window - 2)) << 32) return -1;
  return min(safeEnd - step3, (<i64>(endI - window + 1)) << 32);
}

/**
 * The fast path's SIMD block: four consecutive frames of a voice, one per lane, from
 * position `pos` on (lane k at pos + k * step, given as kLo / kHi), interpolated when
 * `linear`, each exactly as the per-frame path computes it. Small enough that -O3 inlines
 * it into the loop that calls it twice.
 */
function blockSamples<T>(data: usize, pos: i64, kLo: v128, kLoFlipped: v128, kHi: v128, linear: bool): v128 {
  // Lane k's fraction, and its frame's distance d from the block's first frame: k * step's
  // whole frames, plus one where adding the fractions carried (an unsigned frac < kLo,
  // compared as signed numbers with the top bit flipped; the compare gives -1 for true).
  const frac = i32x4.add(i32x4.splat(<i32>pos), kLo);
  const carried = i32x4.lt_s(v128.xor(frac, i32x4.splat(0x80000000)), kLoFlipped);
  const d = i32x4.sub(kHi, carried);
  const at = data + ((<usize>(<i32>(pos >> 32))) << (<usize>alignof<T>()));
  let s: v128;
  let s1: v128;
  // Each lane picks its frames out of the window with a byte shuffle (an index past the
  // 16 bytes of a vector gives 0). Integer samples land in the top bits of their lane,
  // so their conversion to f32 is exact, and the scale to -1..1 is one multiply by a
  // power of two after the interpolation: each value on the way is the per-frame path's
  // (scaled samples, their difference, its product with the weight, the sum) times that
  // power of two, exactly, as none of them comes near the f32 range's ends.
  if (sizeof<T>() === 1) {
    const w = v128.load(at);
    const sel = v128.or(i32x4.shl(d, 24), i32x4.splat(0x00ffffff));
    s = f32x4.convert_i32x4_s(i8x16.swizzle(w, sel));
    s1 = linear ? f32x4.convert_i32x4_s(i8x16.swizzle(w, i32x4.add(sel, i32x4.splat(0x01000000)))) : s;
  } else if (sizeof<T>() === 2) {
    const w = v128.load(at);
    const sel = v128.or(v128.or(i32x4.shl(d, 17), i32x4.shl(d, 25)), i32x4.splat(0x0100ffff));
    s = f32x4.convert_i32x4_s(i8x16.swizzle(w, sel));
    s1 = linear ? f32x4.convert_i32x4_s(i8x16.swizzle(w, i32x4.add(sel, i32x4.splat(0x02020000)))) : s;
  } else {
    // Bytes 4d..4d+3 of a 32-byte window: lanes past the first vector read the second.
    const w0 = v128.load(at);
    const w1 = v128.load(at, 16);
    const sel = i32x4.add(i32x4.mul(d, i32x4.splat(0x04040404)), i32x4.splat(0x03020100));
    const high = i32x4.splat(0x10101010);
    s = v128.or(i8x16.swizzle(w0, sel), i8x16.swizzle(w1, i32x4.sub(sel, high)));
    if (linear) {
      const sel1 = i32x4.add(sel, i32x4.splat(0x04040404));
      s1 = v128.or(i8x16.swizzle(w0, sel1), i8x16.swizzle(w1, i32x4.sub(sel1, high)));
    } else {
      s1 = s;
    }
  }
  if (linear) {
    const weight = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(frac, 8)), f32x4.splat(WEIGHT_UNIT));
    s = f32x4.add(s, f32x4.mul(f32x4.sub(s1, s), weight));
  }
  return isInteger<T>() ? f32x4.mul(s, f32x4.splat(WIDE_SCALE)) : s;
}

/**
 * Renders frames from `i` while the read position stays below `safeEnd` (so both points
 * of the interpolation lie inside the sample and no loop or end check is needed), with
 * the sample format fixed at compile time: in blocks of four frames while a block's
 * points fit one SIMD window of the sample, then frame by frame. Same arithmetic, in the
 * same order, as the general per-frame path, so all of them give identical output.
 */
function fastSpan<T>(
  data: usize,
  linear: bool,
  outL: usize,
  outR: usize,
  gl: f32,
  gr: f32,
  step: i64,
  pos: i64,
  i: i32,
  to: i32,
  safeEnd: i64,
  endI: i32,
): void {
  const scale: f32 = isInteger<T>() ? (sizeof<T>() === 1 ? <f32>1 / 128 : <f32>1 / 32768) : 1;
  const shift = <usize>alignof<T>();
  if (i + 4 <= to) {
    const limit = blockLimit(sizeof<T>(), step, safeEnd, endI);
    if (pos < limit) {
      const step4 = step * 4;
      // Blocks to render: as many as fit in the frames left and start below the limit.
      let blocks = (to - i) >> 2;
      if (step4 > 0) {
        const below = (limit - pos + step4 - 1) / step4;
        if (below < <i64>blocks) blocks = <i32>below;
      }
      setLaneSteps(step);
      const kLo = laneLo;
      const kHi = laneHi;
      const kLoFlipped = laneLoFlipped;
      const vgl = f32x4.splat(gl);
      const vgr = f32x4.splat(gr);
      let ol = outL + ((<usize>i) << 2);
      let or = outR + ((<usize>i) << 2);
      i += blocks << 2;
      // Two blocks per turn: fewer loop branches, and the two are independent work.
      while (blocks >= 2) {
        const s0 = blockSamples<T>(data, pos, kLo, kLoFlipped, kHi, linear);
        const s1 = blockSamples<T>(data, pos + step4, kLo, kLoFlipped, kHi, linear);
        v128.store(ol, f32x4.add(v128.load(ol), f32x4.mul(s0, vgl)));
        v128.store(or, f32x4.add(v128.load(or), f32x4.mul(s0, vgr)));
        v128.store(ol, f32x4.add(v128.load(ol, 16), f32x4.mul(s1, vgl)), 16);
        v128.store(or, f32x4.add(v128.load(or, 16), f32x4.mul(s1, vgr)), 16);
        pos += step4 * 2;
        ol += 32;
        or += 32;
        blocks -= 2;
      }
      if (blocks > 0) {
        const s0 = blockSamples<T>(data, pos, kLo, kLoFlipped, kHi, linear);
        v128.store(ol, f32x4.add(v128.load(ol), f32x4.mul(s0, vgl)));
        v128.store(or, f32x4.add(v128.load(or), f32x4.mul(s0, vgr)));
        pos += step4;
      }
    }
  }
  while (i < to && pos < safeEnd) {
    const idx = <i32>(pos >> 32);
    const at = data + ((<usize>idx) << shift);
    let s: f32 = isInteger<T>() ? <f32>load<T>(at) * scale : <f32>load<T>(at);
    if (linear) {
      const s1: f32 = isInteger<T>()
        ? <f32>load<T>(at + sizeof<T>()) * scale
        : <f32>load<T>(at + sizeof<T>());
      s += (s1 - s) * fracOf(pos);
    }
    mixInto(outL, outR, i, s, gl, gr);
    pos += step;
    i++;
  }
  spanPos = pos;
  spanFrame = i;
}

/** Adds `s`, scaled by each side's gain, into frame `i` of a stereo output. */
function mixInto(outL: usize, outR: usize, i: i32, s: f32, gl: f32, gr: f32): void {
  const ol = outL + ((<usize>i) << 2);
  const or = outR + ((<usize>i) << 2);
  store<f32>(ol, load<f32>(ol) + s * gl);
  store<f32>(or, load<f32>(or) + s * gr);
}

/** One frame of a sample at `pos` by the general rule: the point after the last frame is the loop start, or 0. */
function sampleAt(
  data: usize,
  format: i32,
  linear: bool,
  pos: i64,
  endI: i32,
  looped: bool,
  loopStartI: i32,
): f32 {
  const idx = <i32>(pos >> 32);
  let s = readSample(data, format, idx);
  if (linear) {
    const nextIdx = idx + 1;
    let s1: f32 = 0;
    if (nextIdx < endI) s1 = readSample(data, format, nextIdx);
    else if (looped) s1 = readSample(data, format, loopStartI);
    s += (s1 - s) * fracOf(pos);
  }
  return s;
}

function renderSampler(p: usize, a: usize, outL: usize, outR: usize, from: i32, to: i32): void {
  const data = <usize>vget(a, P_PTR);
  const format = <i32>vget(a, P_FORMAT);
  const looped = vget(a, P_LOOPED) !== 0;
  const loopStartI = <i32>vget(a, P_LOOP_START);
  const endI = <i32>vget(a, P_LOOP_END);
  const end = (<i64>endI) << 32;
  const loopStart = (<i64>loopStartI) << 32;
  const loopLen = end - loopStart;
  const linear = vget(a, P_INTERP) !== 0;
  let gl = vget(p, V_GAIN_L);
  let gr = vget(p, V_GAIN_R);
  let ramp = <i32>vget(p, V_RAMP);
  const dgl = vget(p, V_DGAIN_L);
  const dgr = vget(p, V_DGAIN_R);
  const step = load<i64>(p + <usize>V_STEP);
  // Below this position a frame reads two points inside the sample: the fast path.
  const safeEnd = (<i64>(endI - 1)) << 32;
  let pos = load<i64>(p + <usize>V_POS);
  // Where a ramp's frames may go four at a time (-1: nowhere).
  let rampLimit: i64 = -1;
  if (ramp >= 4) {
    rampLimit = blockLimit(format === 1 ? 1 : format === 2 ? 2 : 4, step, safeEnd, endI);
    setLaneSteps(step);
  }
  let i = from;
  while (i < to) {
    if (ramp >= 4 && i + 4 <= to && pos < rampLimit) {
      // A gain ramp with four frames or more to go, and four frames that fit a SIMD block:
      // the samples as the fast path makes them, each frame's gain stepped in f64 as below.
      const s =
        format === 1
          ? blockSamples<i8>(data, pos, laneLo, laneLoFlipped, laneHi, linear)
          : format === 2
            ? blockSamples<i16>(data, pos, laneLo, laneLoFlipped, laneHi, linear)
            : blockSamples<f32>(data, pos, laneLo, laneLoFlipped, laneHi, linear);
      gl += dgl;
      gr += dgr;
      let vl = f32x4.splat(<f32>gl);
      let vr = f32x4.splat(<f32>gr);
      gl += dgl;
      gr += dgr;
      vl = f32x4.replace_lane(vl, 1, <f32>gl);
      vr = f32x4.replace_lane(vr, 1, <f32>gr);
      gl += dgl;
      gr += dgr;
      vl = f32x4.replace_lane(vl, 2, <f32>gl);
      vr = f32x4.replace_lane(vr, 2, <f32>gr);
      ramp -= 4;
      if (ramp === 0) {
        gl = vget(p, V_TARGET_L);
        gr = vget(p, V_TARGET_R);
      } else {
        gl += dgl;
        gr += dgr;
      }
      vl = f32x4.replace_lane(vl, 3, <f32>gl);
      vr = f32x4.replace_lane(vr, 3, <f32>gr);
      const ol = outL + ((<usize>i) << 2);
      const or = outR + ((<usize>i) << 2);
      v128.store(ol, f32x4.add(v128.load(ol), f32x4.mul(s, vl)));
      v128.store(or, f32x4.add(v128.load(or), f32x4.mul(s, vr)));
      pos += step * 4;
      i += 4;
    } else if (ramp > 0) {
      // A gain ramp in progress: frame by frame until it reaches its target.
      const s = sampleAt(data, format, linear, pos, endI, looped, loopStartI);
      ramp--;
      if (ramp === 0) {
        gl = vget(p, V_TARGET_L);
        gr = vget(p, V_TARGET_R);
      } else {
        gl += dgl;
        gr += dgr;
      }
      mixInto(outL, outR, i, s, <f32>gl, <f32>gr);
      pos += step;
      i++;
    } else if (pos < safeEnd) {
      const fl = <f32>gl;
      const fr = <f32>gr;
      if (format === 1) fastSpan<i8>(data, linear, outL, outR, fl, fr, step, pos, i, to, safeEnd, endI);
      else if (format === 2) fastSpan<i16>(data, linear, outL, outR, fl, fr, step, pos, i, to, safeEnd, endI);
      else fastSpan<f32>(data, linear, outL, outR, fl, fr, step, pos, i, to, safeEnd, endI);
      pos = spanPos;
      i = spanFrame;
    } else {
      // The last frame before the end: the second point comes from the loop start (or is 0).
      mixInto(outL, outR, i, sampleAt(data, format, linear, pos, endI, looped, loopStartI), <f32>gl, <f32>gr);
      pos += step;
      i++;
    }
    if (pos >= end) {
      if (looped) {
        pos -= loopLen;
        // A step longer than the loop wraps it more than once.
        if (pos >= end) pos = loopStart + ((pos - loopStart) % loopLen);
      } else {
        markEnded(p, i);
        if (rampLen > 0) {
          // The frame just played, at the position before the step.
          const last = sampleAt(data, format, linear, pos - step, endI, looped, loopStartI);
          endTail(p, from, i, last * <f32>gl, last * <f32>gr);
        }
        break;
      }
    }
  }
  store<i64>(p + <usize>V_POS, pos);
  vset(p, V_GAIN_L, gl);
  vset(p, V_GAIN_R, gr);
  vset(p, V_RAMP, <f64>ramp);
}

function nextNoise(p: usize): f32 {
  let x = <u32>vget(p, V_SEED);
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  vset(p, V_SEED, <f64>x);
  return <f32>(<f64>x / 2147483648.0 - 1.0);
}

function renderSynth(p: usize, a: usize, outL: usize, outR: usize, from: i32, to: i32): void {
  const waveform = <i32>vget(a, P_WAVEFORM);
  const b0 = vget(a, P_B0);
  const b1 = vget(a, P_B1);
  const b2 = vget(a, P_B2);
  const a1 = vget(a, P_A1);
  const a2 = vget(a, P_A2);
  const attack = vget(a, P_ATTACK);
  const decay = vget(a, P_DECAY);
  const sustain = vget(a, P_SUSTAIN);
  const attackStep = attack > 0 ? 1 / (attack * sampleRate) : 2;
  const decayStep = decay > 0 ? (1 - sustain) / (decay * sampleRate) : 2;
  let gl = vget(p, V_GAIN_L);
  let gr = vget(p, V_GAIN_R);
  let ramp = <i32>vget(p, V_RAMP);
  const dgl = vget(p, V_DGAIN_L);
  const dgr = vget(p, V_DGAIN_R);
  const inc = vget(p, V_FREQ);
  let phase = vget(p, V_PHASE);
  let env = vget(p, V_ENV);
  let stage = vget(p, V_STAGE);
  const releaseStep = vget(p, V_RELEASE_STEP);
  let z1 = vget(p, V_Z1);
  let z2 = vget(p, V_Z2);
  for (let i = from; i < to; i++) {
    if (stage === STAGE_ATTACK) {
      env += attackStep;
      if (env >= 1) {
        env = 1;
        stage = STAGE_DECAY;
      }
    } else if (stage === STAGE_DECAY) {
      env -= decayStep;
      if (env <= sustain) {
        env = sustain;
        stage = STAGE_SUSTAIN;
      }
    } else if (stage === STAGE_RELEASE) {
      env -= releaseStep;
      if (env <= 0) {
        markEnded(p, i);
        break;
      }
    }
    let x: f64 = 0;
    if (waveform === 0) x = Math.sin(TWO_PI * phase);
    else if (waveform === 1) x = phase < 0.5 ? 1 : -1;
    else if (waveform === 2) x = 2 * phase - 1;
    else if (waveform === 3) x = 1 - 4 * Math.abs(phase - 0.5);
    else x = <f64>nextNoise(p);
    phase += inc;
    if (phase >= 1) phase -= Math.floor(phase);
    const y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    const s = y * env;
    if (ramp > 0) {
      ramp--;
      if (ramp === 0) {
        gl = vget(p, V_TARGET_L);
        gr = vget(p, V_TARGET_R);
      } else {
        gl += dgl;
        gr += dgr;
      }
    }
    const ol = outL + ((<usize>i) << 2);
    const or = outR + ((<usize>i) << 2);
    store<f32>(ol, load<f32>(ol) + <f32>(s * gl));
    store<f32>(or, load<f32>(or) + <f32>(s * gr));
  }
  vset(p, V_PHASE, phase);
  vset(p, V_ENV, env);
  vset(p, V_STAGE, stage);
  vset(p, V_Z1, z1);
  vset(p, V_Z2, z2);
  vset(p, V_GAIN_L, gl);
  vset(p, V_GAIN_R, gr);
  vset(p, V_RAMP, <f64>ramp);
}

/** Renders frames [from, to) of the current quantum for every active voice and every pending tail. */
export function render(from: i32, to: i32): void {
  for (let v = 0; v < voiceCount; v++) {
    const p = voicePtr(v);
    tailFrom = from;
    if (vget(p, V_ACTIVE) !== 0) {
      const a = recordPtr(<i32>vget(p, V_RECORD));
      const outL = slotTarget(outputOf(p));
      const outR = outL + <usize>(QUANTUM * 4);
      if (vget(a, P_KIND) === KIND_SAMPLER) renderSampler(p, a, outL, outR, from, to);
      else renderSynth(p, a, outL, outR, from, to);
      vset(p, V_FRESH, 0);
    }
    if (vget(p, V_TAIL_LEFT) > 0) mixTail(v, tailFrom, to);
  }
  mixSlots(from, to);
}

// ---- slot mixer ----
//
// Voices render into their slot's buffer; once per render span each sounding slot is
// scaled by its gain and pan (ramped over rampLen frames like a voice's gains) and,
// with a shared output, added into it. Doing it per slot rather than per voice keeps the
// voice loops untouched (and bit-exact) and costs one pass over 128 frames per sounding
// slot. The same pass feeds the slot's level meter, taken after gain, pan and mute: what
// the slot adds to the mix.

const MIX_STRIDE: i32 = 96;
const M_GAIN_L: i32 = 0;
const M_GAIN_R: i32 = 8;
const M_TARGET_L: i32 = 16;
const M_TARGET_R: i32 = 24;
const M_DGAIN_L: i32 = 32;
const M_DGAIN_R: i32 = 40;
const M_RAMP: i32 = 48;
const M_GAIN: i32 = 56;
const M_PAN: i32 = 64;
const M_MUTE: i32 = 72;
// f32 accumulators of the quantum being rendered.
const M_PEAK_L: i32 = 80;
const M_PEAK_R: i32 = 84;
const M_SUM_L: i32 = 88;
const M_SUM_R: i32 = 92;
/** Bytes of one slot's published meter: peak left, peak right, RMS left, RMS right (f32). */
const METER_BYTES: i32 = 16;

let slotCount: i32 = 0;
/** Whether each slot's buffer is its own output (the gain is applied in place). */
let mixInPlace: bool = true;
let mixBase: usize = 0;
let meterBase: usize = 0;
let slotBufBase: usize = 0;
/** 1 where a voice or tail wrote into the slot's buffer this quantum (u8 per slot). */
let slotTouchedBase: usize = 0;

function mixPtr(slot: i32): usize {
  return mixBase + <usize>(slot * MIX_STRIDE);
}

/** Where the voices of `slot` render: its own output, or its buffer before the shared mix. */
function slotBuffer(slot: i32): usize {
  return mixInPlace ? outputPtr(slot) : slotBufBase + <usize>(slot * 2 * QUANTUM * 4);
}

/**
 * Whether the slot meters are kept (from the first meters request on). Until then a slot
 * whose mix is unity, with no ramp, needs no pass of its own: its voices and tails write
 * straight into the shared output, and a slot with an output of its own is left as
 * rendered. That is the common case, and the pass it saves (clearing the slot's buffer,
 * then scaling and adding it out) cost as much as a third of a pooled node's render.
 */
let metering: bool = false;
/** Quanta metered since metering started. */
let meteredQuanta: i32 = 0;

/** Starts keeping the slot meters (1) or stops (0); asking for what already holds changes nothing. */
export function setMetering(on: i32): void {
  if (metering === (on !== 0)) return;
  metering = on !== 0;
  meteredQuanta = 0;
}

/** Quanta whose meters have been published since metering started. */
export function meteredCount(): i32 {
  return meteredQuanta;
}

/** Whether `slot`'s mix changes nothing: unity gains, no ramp, no meter to keep. */
function unityMix(slot: i32): bool {
  if (metering) return false;
  const m = mixPtr(slot);
  return load<f64>(m, M_RAMP) === 0 && load<f64>(m, M_GAIN_L) === 1 && load<f64>(m, M_GAIN_R) === 1;
}

/**
 * Where a voice or tail of `slot` renders this span, marked as written: the slot's own
 * output or buffer, or the shared output itself when the slot's mix is unity.
 */
function slotTarget(slot: i32): usize {
  if (!mixInPlace && unityMix(slot)) {
    store<u8>(touchedBase, 1);
    return outputPtr(0);
  }
  store<u8>(slotTouchedBase + <usize>slot, 1);
  return slotBuffer(slot);
}

/** Reserves the mixer's state in the heap; returns 0, or -1 when memory cannot grow. */
function setupMixer(slots: i32): i32 {
  slotCount = slots;
  mixInPlace = outputCount === slots;
  const buffers = mixInPlace ? 0 : slots * 2 * QUANTUM * 4;
  const bytes = slots * (MIX_STRIDE + METER_BYTES + 1) + buffers;
  // A second init of the same engine lays the mixer out again: give back the first one.
  if (mixBase !== 0) {
    free(mixBase);
    mixBase = 0;
  }
  const base = alloc(bytes);
  if (base === 0) return -1;
  memory.fill(base, 0, <usize>bytes);
  mixBase = base;
  meterBase = mixBase + <usize>(slots * MIX_STRIDE);
  slotBufBase = meterBase + <usize>(slots * METER_BYTES);
  slotTouchedBase = slotBufBase + <usize>buffers;
  for (let s = 0; s < slots; s++) resetMix(s);
  return 0;
}

/** Unity gain, centre, unmuted, at once: a slot's mix when a new patch is committed to it. */
export function resetMix(slot: i32): void {
  const m = mixPtr(slot);
  store<f64>(m, 1, M_GAIN);
  store<f64>(m, 0, M_PAN);
  store<f64>(m, 0, M_MUTE);
  store<f64>(m, 1, M_GAIN_L);
  store<f64>(m, 1, M_GAIN_R);
  store<f64>(m, 0, M_RAMP);
}

/** Gain and pan reach setMix as whole multiples of 2^-24 (MIX_UNIT in src/protocol.ts). */
const MIX_UNIT: f64 = 16777216.0;

/**
 * Changes a slot's mix: bit 1 of `has` sets the linear gain, bit 2 the pan (-1..1, the
 * voices' law: left = min(1, 1 - pan), right = min(1, 1 + pan)), bit 4 the mute (its
 * effective mute, solo included). Gain and pan come in units of 2^-24: integers, which
 * the host passes without allocating on any of its call paths, where a double may be
 * boxed. The gains move there over rampLen frames.
 */
export function setMix(slot: i32, has: i32, gain: i32, pan: i32, mute: i32): void {
  const m = mixPtr(slot);
  if (has & 1) store<f64>(m, <f64>gain / MIX_UNIT, M_GAIN);
  if (has & 2) store<f64>(m, <f64>pan / MIX_UNIT, M_PAN);
  if (has & 4) store<f64>(m, <f64>mute, M_MUTE);
  const level = load<f64>(m, M_MUTE) !== 0 ? 0 : load<f64>(m, M_GAIN);
  const p = load<f64>(m, M_PAN);
  const l = level * Math.min(1, 1 - p);
  const r = level * Math.min(1, 1 + p);
  if (rampLen === 0) {
    store<f64>(m, l, M_GAIN_L);
    store<f64>(m, r, M_GAIN_R);
    store<f64>(m, 0, M_RAMP);
    return;
  }
  if (load<f64>(m, M_RAMP) === 0 && l === load<f64>(m, M_GAIN_L) && r === load<f64>(m, M_GAIN_R)) return;
  store<f64>(m, l, M_TARGET_L);
  store<f64>(m, r, M_TARGET_R);
  store<f64>(m, (l - load<f64>(m, M_GAIN_L)) / <f64>rampLen, M_DGAIN_L);
  store<f64>(m, (r - load<f64>(m, M_GAIN_R)) / <f64>rampLen, M_DGAIN_R);
  store<f64>(m, <f64>rampLen, M_RAMP);
}

/** Address of the slots' meters of the last quantum: METER_BYTES per slot (peak L, peak R, RMS L, RMS R as f32). */
export function meterPtr(): usize {
  return meterBase;
}

/** Scales frames [from, to) of every sounding slot by its gains, mixes them out and meters them. */
function mixSlots(from: i32, to: i32): void {
  for (let s = 0; s < slotCount; s++) {
    const m = mixPtr(s);
    let ramp = <i32>load<f64>(m, M_RAMP);
    if (load<u8>(slotTouchedBase + <usize>s) === 0) {
      // Nothing sounds in the slot: its gains may jump to their targets without a click.
      if (ramp !== 0) {
        store<f64>(m, load<f64>(m, M_TARGET_L), M_GAIN_L);
        store<f64>(m, load<f64>(m, M_TARGET_R), M_GAIN_R);
        store<f64>(m, 0, M_RAMP);
      }
      continue;
    }
    if (mixInPlace && unityMix(s)) {
      // The slot's output already holds what it adds to the mix.
      store<u8>(touchedBase + <usize>s, 1);
      continue;
    }
    let gl = load<f64>(m, M_GAIN_L);
    let gr = load<f64>(m, M_GAIN_R);
    // A muted slot still takes its pass (adding zeros): its output stays written, so the
    // host's copy takes the same path whether or not an instrument is muted.
    const dgl = load<f64>(m, M_DGAIN_L);
    const dgr = load<f64>(m, M_DGAIN_R);
    const bl = slotBuffer(s);
    const br = bl + <usize>(QUANTUM * 4);
    const out = mixInPlace ? s : 0;
    store<u8>(touchedBase + <usize>out, 1);
    const ol = outputPtr(out);
    const or = ol + <usize>(QUANTUM * 4);
    let pl = load<f32>(m, M_PEAK_L);
    let pr = load<f32>(m, M_PEAK_R);
    let sl = load<f32>(m, M_SUM_L);
    let sr = load<f32>(m, M_SUM_R);
    let i = from;
    for (; ramp > 0 && i < to; i++) {
      ramp--;
      if (ramp === 0) {
        gl = load<f64>(m, M_TARGET_L);
        gr = load<f64>(m, M_TARGET_R);
      } else {
        gl += dgl;
        gr += dgr;
      }
      const o = (<usize>i) << 2;
      const yl = load<f32>(bl + o) * <f32>gl;
      const yr = load<f32>(br + o) * <f32>gr;
      if (mixInPlace) {
        store<f32>(bl + o, yl);
        store<f32>(br + o, yr);
      } else {
        store<f32>(ol + o, load<f32>(ol + o) + yl);
        store<f32>(or + o, load<f32>(or + o) + yr);
      }
      pl = max(pl, abs(yl));
      pr = max(pr, abs(yr));
      sl += yl * yl;
      sr += yr * yr;
    }
    const fl = <f32>gl;
    const fr = <f32>gr;
    const unity = fl === 1 && fr === 1;
    const vl = f32x4.splat(fl);
    const vr = f32x4.splat(fr);
    let vpl = f32x4.splat(0);
    let vpr = f32x4.splat(0);
    let vsl = f32x4.splat(0);
    let vsr = f32x4.splat(0);
    for (; i + 4 <= to; i += 4) {
      const o = (<usize>i) << 2;
      let yl = v128.load(bl + o);
      let yr = v128.load(br + o);
      if (!unity) {
        yl = f32x4.mul(yl, vl);
        yr = f32x4.mul(yr, vr);
        if (mixInPlace) {
          v128.store(bl + o, yl);
          v128.store(br + o, yr);
        }
      }
      if (!mixInPlace) {
        v128.store(ol + o, f32x4.add(v128.load(ol + o), yl));
        v128.store(or + o, f32x4.add(v128.load(or + o), yr));
      }
      vpl = f32x4.max(vpl, f32x4.abs(yl));
      vpr = f32x4.max(vpr, f32x4.abs(yr));
      vsl = f32x4.add(vsl, f32x4.mul(yl, yl));
      vsr = f32x4.add(vsr, f32x4.mul(yr, yr));
    }
    pl = max(
      max(pl, f32x4.extract_lane(vpl, 0)),
      max(f32x4.extract_lane(vpl, 1), max(f32x4.extract_lane(vpl, 2), f32x4.extract_lane(vpl, 3))),
    );
    pr = max(
      max(pr, f32x4.extract_lane(vpr, 0)),
      max(f32x4.extract_lane(vpr, 1), max(f32x4.extract_lane(vpr, 2), f32x4.extract_lane(vpr, 3))),
    );
    sl +=
      f32x4.extract_lane(vsl, 0) +
      f32x4.extract_lane(vsl, 1) +
      f32x4.extract_lane(vsl, 2) +
      f32x4.extract_lane(vsl, 3);
    sr +=
      f32x4.extract_lane(vsr, 0) +
      f32x4.extract_lane(vsr, 1) +
      f32x4.extract_lane(vsr, 2) +
      f32x4.extract_lane(vsr, 3);
    for (; i < to; i++) {
      const o = (<usize>i) << 2;
      const yl = load<f32>(bl + o) * fl;
      const yr = load<f32>(br + o) * fr;
      if (mixInPlace) {
        store<f32>(bl + o, yl);
        store<f32>(br + o, yr);
      } else {
        store<f32>(ol + o, load<f32>(ol + o) + yl);
        store<f32>(or + o, load<f32>(or + o) + yr);
      }
      pl = max(pl, abs(yl));
      pr = max(pr, abs(yr));
      sl += yl * yl;
      sr += yr * yr;
    }
    store<f64>(m, gl, M_GAIN_L);
    store<f64>(m, gr, M_GAIN_R);
    store<f64>(m, <f64>ramp, M_RAMP);
    store<f32>(m, pl, M_PEAK_L);
    store<f32>(m, pr, M_PEAK_R);
    store<f32>(m, sl, M_SUM_L);
    store<f32>(m, sr, M_SUM_R);
  }
  if (to === QUANTUM && metering) publishMeters();
}

/** Makes the quantum's accumulated peaks and RMS the published meters and starts over. */
function publishMeters(): void {
  meteredQuanta++;
  for (let s = 0; s < slotCount; s++) {
    const m = mixPtr(s);
    const out = meterBase + <usize>(s * METER_BYTES);
    store<f32>(out, load<f32>(m, M_PEAK_L));
    store<f32>(out, load<f32>(m, M_PEAK_R), 4);
    store<f32>(out, <f32>Math.sqrt(<f64>load<f32>(m, M_SUM_L) / <f64>QUANTUM), 8);
    store<f32>(out, <f32>Math.sqrt(<f64>load<f32>(m, M_SUM_R) / <f64>QUANTUM), 12);
    store<f32>(m, 0, M_PEAK_L);
    store<f32>(m, 0, M_PEAK_R);
    store<f32>(m, 0, M_SUM_L);
    store<f32>(m, 0, M_SUM_R);
  }
}
