/**
 * Bounds a label's cardinality: the first `max` distinct values pass through, every later new value becomes
 * `overflow`. Client-chosen values (operation names) would otherwise grow the time series without limit.
 */
export class LabelCap {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly overflow = 'other',
  ) {}

  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return this.overflow;
    this.seen.add(value);
    return value;
  }
}
