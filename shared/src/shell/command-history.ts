/**
 * zkCli's numbered history: every non-empty line gets the next number (shown in the prompt), and
 * `history` lists the last eleven. `redo n` replaces its own entry with the line it re-runs.
 */
export class CommandHistory {
  private readonly lines: string[] = [];

  /** the number the next command will get */
  get count(): number {
    return this.lines.length;
  }

  add(line: string): number {
    this.lines.push(line);
    return this.lines.length - 1;
  }

  get(index: number): string | undefined {
    return this.lines[index];
  }

  replace(index: number, line: string): void {
    if (index >= 0 && index < this.lines.length) this.lines[index] = line;
  }

  /** the last `count` entries with their numbers, oldest first */
  recent(count = 11): Array<{ index: number; line: string }> {
    const start = Math.max(0, this.lines.length - count);
    return this.lines.slice(start).map((line, offset) => ({ index: start + offset, line }));
  }
}
