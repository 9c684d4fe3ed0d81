/** A one-line progress bar for terminals; silent when the stream is not a TTY. */
export interface ProgressBar {
  update(fraction: number): void;
  done(): void;
}

/** Creates a progress bar writing to `stream` (redrawn in place with a carriage return). */
export function createProgressBar(stream: NodeJS.WriteStream, label: string, width = 30): ProgressBar {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = -1;
  const draw = (fraction: number) => {
    const clamped = Math.min(1, Math.max(0, fraction));
    const filled = Math.round(clamped * width);
    const percent = Math.round(clamped * 100);
    if (percent === last) return;
    last = percent;
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}%`,
    );
  };
  return {
    update: draw,
    done() {
      draw(1);
      stream.write('\n');
    },
  };
}
