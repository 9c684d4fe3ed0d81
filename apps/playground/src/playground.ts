// The playground: one AudioContext, one song bank at a time, and the views that follow it.
// Every action runs through one queue, so a settings change, a file load and a play click
// can never interleave half-way.
import {
  createSongBank,
  defaultSongBytes,
  loadMod,
  type Song,
  type SongBank,
  type SongBankOptions,
  type SongBankStats,
  SongLoadError,
  type SongPlayer,
  songTempoMode,
} from '@workletpool/songbank';
import { type StrategyName, strategyNames } from '@workletpool/strategies';
import { renderComparison, renderSpeeds } from './comparison-figure.js';
import { h, instrumentColor } from './dom.js';
import { InstrumentList } from './instrument-list.js';
import { dedicatedLayout, pooledLayout } from './layout-model.js';
import { LevelMeter } from './level-meter.js';
import { PoolMap } from './pool-map.js';
import { compareRenderSpeed, perWorkletCost } from './render-speed.js';
import { renderStats } from './stats-panel.js';
import { VoiceActivity } from './voice-activity.js';

/** The bank settings the controls choose. */
export interface Settings {
  readonly strategy: StrategyName;
  readonly pooling: boolean;
  readonly simplifiedMod: boolean;
  readonly voicesPerWorklet: number;
}

/** Engine sizes offered in the voices-per-worklet picker. */
export const VOICES_PER_WORKLET = [4, 8, 16, 32] as const;

const DEFAULT_SETTINGS: Settings = {
  strategy: 'fixed-blocks',
  pooling: true,
  simplifiedMod: false,
  voicesPerWorklet: 16,
};

const SPEED_SECONDS = 20; // audio seconds per configuration: long enough that node set-up does not dominate
const STATS_INTERVAL_MS = 250;

/** What the page reports about itself (read by the browser suite through window.__playground). */
export interface PlaygroundProbe {
  /** Peak level of the bank's master output over the last analyser window. */
  level(): number;
  stats(): SongBankStats | undefined;
  settings(): Settings;
  /** Current gain of each instrument's output node (mute and solo act on these). */
  gains(): Record<string, number>;
  /** Each instrument's peak over the last quantum, from its meter (after mute and solo). */
  levels(): Promise<Record<string, number>>;
  /** Pool map cells lit right now. */
  litCells(): number;
  /** Resolves once every queued action has finished. */
  idle(): Promise<void>;
}

function describeError(error: unknown): string {
  // The loader's message already names the byte offset.
  if (error instanceof SongLoadError) return `${error.name} ${error.code}: ${error.message}`;
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? ` ${error.code}` : '';
    return `${error.name}${code}: ${error.message}`;
  }
  return String(error);
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Builds the page inside `root` and starts it with the bundled default song. */
export function startPlayground(root: HTMLElement): PlaygroundProbe {
  return new Playground(root).probe();
}

class Playground {
  private settings: Settings = DEFAULT_SETTINGS;
  private song: Song;
  private songName = 'default song';
  private context: AudioContext | undefined;
  private bank: SongBank | undefined;
  private player: SongPlayer | undefined;
  private activity: VoiceActivity | undefined;
  private master: LevelMeter | undefined;
  private instruments: InstrumentList | undefined;
  private retiredNodes = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly colors = new Map<string, string>();
  private comparisonSignature = '';
  private lastStatsAt = 0;
  /** What the last render speed measurement says one worklet costs the audio thread. */
  private workletLoad = 'not reported live; measure the offline render speed below';
  private reporting = false;

  // Elements.
  private readonly status = h('span', { class: 'status', testid: 'status', text: 'starting' });
  private readonly songLabel = h('span', { class: 'song-label', testid: 'song' });
  private readonly position = h('span', { class: 'position', testid: 'position', text: '—' });
  private readonly error = h('div', { class: 'error', testid: 'error', attrs: { role: 'alert' } });
  private readonly playButton = h('button', { class: 'primary', testid: 'play', text: '▶ Play' });
  private readonly stopButton = h('button', { testid: 'stop', text: '■ Stop' });
  private readonly fileInput = h('input', {
    testid: 'file-input',
    attrs: { type: 'file', accept: '.mod,.MOD,audio/mod,audio/x-mod' },
  });
  private readonly strategySelect = h(
    'select',
    { testid: 'strategy' },
    ...strategyNames.map((name) => h('option', { attrs: { value: name }, text: name })),
  );
  private readonly poolingBox = h('input', { testid: 'pooling', attrs: { type: 'checkbox' } });
  private readonly simplifiedBox = h('input', { testid: 'simplified', attrs: { type: 'checkbox' } });
  private readonly voicesSelect = h(
    'select',
    { testid: 'voices-per-worklet' },
    ...VOICES_PER_WORKLET.map((n) => h('option', { attrs: { value: String(n) }, text: String(n) })),
  );
  private readonly mapRoot = h('div');
  private readonly poolMap = new PoolMap(this.mapRoot);
  /** Shared memory carries the note events where the page allows it (cross-origin isolated). */
  private readonly transport: NonNullable<SongBankOptions['transport']> =
    globalThis.crossOriginIsolated === true ? 'shared-memory' : 'port';
  private readonly transportLabel = h('span', {
    class: 'muted',
    testid: 'transport',
    text:
      this.transport === 'shared-memory'
        ? 'Note events: shared-memory ring'
        : 'Note events: port messages (page not cross-origin isolated)',
  });
  private readonly statsRoot = h('dl', { class: 'stats', testid: 'stats' });
  private readonly figureRoot = h('div', { class: 'figure', testid: 'comparison' });
  private readonly speedRoot = h('div', { class: 'speed' });
  private readonly speedButton = h('button', {
    testid: 'measure',
    text: `Measure offline render speed (${SPEED_SECONDS} s, both ways)`,
  });
  private readonly listRoot = h('ul');

  constructor(private readonly root: HTMLElement) {
    this.song = loadMod(defaultSongBytes());
    this.layout();
    this.showSettings(this.settings);
    this.enqueue('starting', () => this.boot());
    requestAnimationFrame(this.frame);
  }

  probe(): PlaygroundProbe {
    return {
      level: () => this.master?.peak() ?? 0,
      stats: () => this.bank?.getStats(),
      settings: () => this.settings,
      gains: () => {
        const gains: Record<string, number> = {};
        for (const { id } of this.bank?.getStats().instruments ?? []) {
          const mix = this.bank?.instrument(id)?.mix;
          if (mix) gains[id] = mix.mute ? 0 : mix.gain;
        }
        return gains;
      },
      levels: async () => {
        const levels: Record<string, number> = {};
        for (const { id } of this.bank?.getStats().instruments ?? []) {
          const meter = await this.bank?.instrument(id)?.meter();
          if (meter) levels[id] = Math.max(meter.peak[0], meter.peak[1]);
        }
        return levels;
      },
      litCells: () => this.poolMap.litCount(),
      idle: () => this.queue,
    };
  }

  // ---- page structure ------------------------------------------------------------------

  private layout(): void {
    this.playButton.addEventListener('click', () => {
      // Resume inside the click itself: browsers only let a user gesture start audio.
      void this.context?.resume();
      this.enqueue('starting playback', () => this.play());
    });
    this.stopButton.addEventListener('click', () => this.enqueue('stopping', async () => this.stop()));
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      if (file !== undefined) this.enqueue(`loading ${file.name}`, () => this.loadFile(file));
      this.fileInput.value = '';
    });
    const onSettings = () =>
      this.enqueue('re-creating the bank', () => this.applySettings(this.readSettings()));
    for (const control of [this.strategySelect, this.poolingBox, this.simplifiedBox, this.voicesSelect]) {
      control.addEventListener('change', onSettings);
    }
    this.speedButton.addEventListener('click', () => this.enqueue('measuring', () => this.measureSpeed()));
    this.installDropTarget();

    this.root.classList.add('playground');
    this.root.replaceChildren(
      h(
        'header',
        {},
        h('h1', {}, 'workletpool ', h('span', { class: 'muted', text: 'playground' })),
        h(
          'p',
          { class: 'lede' },
          'Many instruments, a few AudioWorkletNodes: a tracker song played through a voice pool. ',
          'Change the strategy or switch pooling off and watch the worklets and nodes change.',
        ),
      ),
      h(
        'section',
        { class: 'transport card' },
        this.playButton,
        this.stopButton,
        h('span', { class: 'now' }, this.songLabel, this.position),
        this.status,
        h(
          'label',
          { class: 'file drop-hint', title: 'Or drop a .mod file anywhere on the page' },
          'Load MOD… ',
          this.fileInput,
          h('span', { class: 'muted', text: ' or drop a file on the page' }),
        ),
      ),
      this.error,
      h(
        'section',
        { class: 'settings card' },
        h('label', {}, 'Strategy ', this.strategySelect),
        h('label', {}, this.poolingBox, ' Pooling'),
        h('label', {}, this.simplifiedBox, ' Simplified MOD instruments (no worklet)'),
        h('label', {}, 'Voices per worklet ', this.voicesSelect),
        this.transportLabel,
      ),
      h(
        'div',
        { class: 'columns' },
        h(
          'section',
          { class: 'card map-card' },
          h('h2', { text: 'Pool map' }),
          h('p', {
            class: 'muted small',
            text: 'One row per worklet, one cell per voice, coloured by instrument; a cell lights while its voice sounds.',
          }),
          this.mapRoot,
        ),
        h('section', { class: 'card' }, h('h2', { text: 'Stats' }), this.statsRoot),
      ),
      h(
        'div',
        { class: 'columns' },
        h(
          'section',
          { class: 'card' },
          h('h2', { text: 'Same song, with and without pooling' }),
          this.figureRoot,
          this.speedButton,
          this.speedRoot,
        ),
        h('section', { class: 'card' }, h('h2', { text: 'Instruments' }), this.listRoot),
      ),
    );
  }

  private installDropTarget(): void {
    const body = document.body;
    body.addEventListener('dragover', (event) => {
      event.preventDefault();
      body.classList.add('dragging');
    });
    body.addEventListener('dragleave', (event) => {
      if (event.relatedTarget === null) body.classList.remove('dragging');
    });
    body.addEventListener('drop', (event) => {
      event.preventDefault();
      body.classList.remove('dragging');
      const file = event.dataTransfer?.files[0];
      if (file !== undefined) this.enqueue(`loading ${file.name}`, () => this.loadFile(file));
    });
  }

  private showSettings(settings: Settings): void {
    this.strategySelect.value = settings.strategy;
    this.poolingBox.checked = settings.pooling;
    this.simplifiedBox.checked = settings.simplifiedMod;
    this.voicesSelect.value = String(settings.voicesPerWorklet);
    // The strategy and engine size only matter while instruments share worklets.
    const pooled = settings.pooling && !settings.simplifiedMod;
    this.strategySelect.disabled = !pooled;
    this.voicesSelect.disabled = !pooled;
  }

  private readSettings(): Settings {
    const strategy =
      strategyNames.find((name) => name === this.strategySelect.value) ?? this.settings.strategy;
    return {
      strategy,
      pooling: this.poolingBox.checked,
      simplifiedMod: this.simplifiedBox.checked,
      voicesPerWorklet: Number(this.voicesSelect.value),
    };
  }

  // ---- actions ---------------------------------------------------------------------------

  private enqueue(label: string, action: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      this.status.textContent = label;
      try {
        await action();
      } catch (error) {
        this.showError(error);
      }
      this.status.textContent = this.isPlaying() ? 'playing' : 'ready';
      this.refresh(true);
    });
  }

  private showError(error: unknown, context?: string): void {
    const text = describeError(error);
    this.error.textContent = context === undefined ? text : `${context}: ${text}`;
    this.error.classList.add('shown');
  }

  private clearError(): void {
    this.error.textContent = '';
    this.error.classList.remove('shown');
  }

  private isPlaying(): boolean {
    return this.player !== undefined && !this.player.finished;
  }

  private bankOptions(settings: Settings): SongBankOptions {
    return {
      pooling: settings.pooling,
      strategy: settings.strategy,
      voicesPerWorklet: settings.voicesPerWorklet,
      simplifiedMod: settings.simplifiedMod,
      transport: this.transport,
    };
  }

  private async boot(): Promise<void> {
    this.songLabel.textContent = this.describeSong();
    // Created at once so the pool can be laid out before the first click; a browser that
    // wants a gesture starts it suspended, and the play click resumes it.
    const context = new AudioContext({ latencyHint: 'interactive' });
    this.context = context;
    this.master = new LevelMeter(context);
    this.instruments = new InstrumentList(this.listRoot, context);
    const bank = await createSongBank(context, this.bankOptions(this.settings));
    this.bank = bank;
    this.master.attach(bank.output);
    await bank.prepareSong(this.song);
  }

  private async play(): Promise<void> {
    const { context, bank } = this;
    if (context === undefined || bank === undefined) return;
    await context.resume();
    this.stop();
    const player = bank.play(this.song, { loop: true });
    this.player = player;
    try {
      await player.ready;
    } catch (error) {
      if (this.player === player) this.stop();
      throw error;
    }
    if (this.player !== player || Number.isNaN(player.startTime)) return;
    this.activity = new VoiceActivity(this.song, player.startTime, true);
  }

  private stop(): void {
    this.player?.stop();
    this.player = undefined;
    this.activity = undefined;
    this.poolMap.light([]);
    this.position.textContent = '—';
  }

  private async loadFile(file: File): Promise<void> {
    const bank = this.bank;
    if (bank === undefined) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    let song: Song;
    try {
      song = await bank.loadSong(bytes);
    } catch (error) {
      // The current song stays loaded and playable: nothing below has run.
      this.showError(error, `Could not load ${file.name}`);
      return;
    }
    const wasPlaying = this.isPlaying();
    const previous = { song: this.song, name: this.songName };
    this.stop();
    bank.resetForNewSong();
    try {
      await bank.prepareSong(song);
    } catch (error) {
      this.showError(error, `Could not prepare ${file.name}`);
      bank.resetForNewSong();
      await bank.prepareSong(previous.song);
      return;
    }
    this.clearError();
    this.song = song;
    this.songName = file.name;
    this.songLabel.textContent = this.describeSong();
    if (wasPlaying) await this.play();
  }

  private async applySettings(next: Settings): Promise<void> {
    const context = this.context;
    const old = this.bank;
    if (context === undefined || old === undefined) return;
    const wasPlaying = this.isPlaying();
    // Build the new bank beside the old one, so a refused configuration changes nothing.
    let fresh: SongBank | undefined;
    try {
      fresh = await createSongBank(context, this.bankOptions(next));
      await fresh.prepareSong(this.song);
    } catch (error) {
      fresh?.dispose();
      this.showSettings(this.settings);
      this.showError(error, 'Those settings cannot play this song');
      return;
    }
    this.stop();
    this.retiredNodes += old.getStats().nodesCreated;
    old.dispose();
    this.bank = fresh;
    this.settings = next;
    this.showSettings(next);
    this.master?.attach(fresh.output);
    this.clearError();
    if (wasPlaying) await this.play();
  }

  private async measureSpeed(): Promise<void> {
    const context = this.context;
    if (context === undefined) return;
    this.speedButton.disabled = true;
    this.speedRoot.textContent = 'rendering…';
    try {
      const speeds = await compareRenderSpeed({
        song: this.song,
        seconds: SPEED_SECONDS,
        sampleRate: context.sampleRate,
        strategy: this.settings.strategy,
        voicesPerWorklet: this.settings.voicesPerWorklet,
      });
      renderSpeeds(this.speedRoot, speeds, SPEED_SECONDS);
      this.retiredNodes += speeds.reduce((sum, speed) => sum + speed.nodes, 0);
      const micros = perWorkletCost(speeds[0], speeds[1], SPEED_SECONDS, context.sampleRate);
      const budget = (128 / context.sampleRate) * 1e6;
      this.workletLoad =
        micros === undefined
          ? 'offline: the difference between the renders was within noise'
          : `offline: ≈${micros.toFixed(1)} µs per extra worklet per 128-frame quantum (${((100 * micros) / budget).toFixed(2)}% of its ${budget.toFixed(0)} µs)`;
    } catch (error) {
      this.speedRoot.textContent = '';
      throw error;
    } finally {
      this.speedButton.disabled = false;
    }
  }

  private describeSong(): string {
    const title = this.song.title.trim();
    const name = title.length > 0 && title !== this.songName ? `${title} (${this.songName})` : this.songName;
    // The timing the bank plays the song with: CIA tempo, or VBlank for NoiseTracker-era songs.
    const tempo = songTempoMode(this.song) === 'cia' ? 'CIA tempo' : 'VBlank tempo';
    return `${name} · ${this.song.channels} channels · ${this.song.orders.length} orders · ${tempo}`;
  }

  // ---- display ---------------------------------------------------------------------------

  private readonly frame = (): void => {
    const context = this.context;
    if (this.player !== undefined && context !== undefined) {
      if (this.activity !== undefined) {
        const { order, row, tick } = this.player.position();
        const pattern = this.song.orders[order] ?? 0;
        this.position.textContent = `order ${pad(order)}/${pad(this.song.orders.length - 1)} · pattern ${pad(pattern)} · row ${pad(row)} · tick ${tick}`;
        this.activity.advance(context.currentTime);
        this.poolMap.light(this.activity.sounding());
      }
      if (this.player.finished) this.stop();
    }
    this.instruments?.drawMeters();
    this.refresh(false);
    requestAnimationFrame(this.frame);
  };

  /** Re-reads the bank's stats (throttled unless `now`) and updates every view from them. */
  private refresh(now: boolean): void {
    const bank = this.bank;
    const context = this.context;
    if (bank === undefined || context === undefined) return;
    const time = performance.now();
    if (!now && time - this.lastStatsAt < STATS_INTERVAL_MS) return;
    this.lastStatsAt = time;
    const stats = bank.getStats();
    this.askForLoad(bank, context);
    for (const instrument of stats.instruments) {
      // Ids are sample numbers, so a sample keeps its colour across banks and settings.
      if (!this.colors.has(instrument.id))
        this.colors.set(instrument.id, instrumentColor(Number(instrument.id)));
    }
    this.poolMap.render(stats, { voicesPerWorklet: this.settings.voicesPerWorklet, colors: this.colors });
    renderStats(this.statsRoot, stats, {
      pageNodes: this.retiredNodes + stats.nodesCreated,
      workletLoad: liveLoad(stats, context.sampleRate) ?? this.workletLoad,
      sampleRate: context.sampleRate,
      contextState: context.state,
    });
    this.instruments?.sync(bank, stats, this.colors);
    this.updateComparison(stats);
  }

  /** Asks the worklets for their render time while the context runs (one request at a time). */
  private askForLoad(bank: SongBank, context: AudioContext): void {
    if (this.reporting || context.state !== 'running' || bank.mode !== 'pooled') return;
    this.reporting = true;
    bank
      .report()
      .catch(() => undefined)
      .finally(() => {
        this.reporting = false;
      });
  }

  private updateComparison(stats: SongBankStats): void {
    const requests = stats.instruments.map((i) => ({ id: i.id, voices: i.voices }));
    const signature = JSON.stringify([requests, this.settings.strategy, this.settings.voicesPerWorklet]);
    if (signature === this.comparisonSignature) return;
    this.comparisonSignature = signature;
    renderComparison(
      this.figureRoot,
      pooledLayout(requests, this.settings.strategy, this.settings.voicesPerWorklet),
      dedicatedLayout(requests),
      this.colors,
    );
  }
}

/** Each worklet's mean render time per quantum, as reported by its processor, with its share of the quantum. */
function liveLoad(stats: SongBankStats, sampleRate: number): string | undefined {
  const budgetMs = (128 / sampleRate) * 1000;
  const parts = stats.render
    .filter((w) => w.renderTime !== null && w.renderTime.mean > 0)
    .map((w) => {
      const mean = w.renderTime?.mean ?? 0;
      return `w${w.index}: ${(mean * 1000).toFixed(0)} µs (${((mean / budgetMs) * 100).toFixed(1)}%)`;
    });
  return parts.length === 0 ? undefined : parts.join(', ');
}
