/** A one-line progress bar on a terminal (stderr); silent when stderr is not a TTY. */
export class Progress {
  private last = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(out.isTTY);
  }

  update(done: number, total: number, extra = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 28;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.out.write(`\r${this.label} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}% ${extra}\u001b[K`);
  }

  done(message?: string): void {
    if (!this.enabled) return;
    this.out.write(`\r\u001b[K${message ? `${message}\n` : ''}`);
  }
}
