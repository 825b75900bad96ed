export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Failures in a row that open the circuit; 0 turns the breaker off (it never opens). */
  consecutiveFailures: number;
  /** Share of failed calls in the rolling window that opens it (0..1), once the window holds `minCalls`. */
  failureRatio: number;
  minCalls: number;
  windowMs: number;
  /** How long an open circuit refuses calls before it lets one probe through. */
  cooldownMs: number;
  /** Told of every change of state (for logs); rare, so it may be slow. */
  onChange?: (state: CircuitState) => void;
  now?: () => number;
}

const BUCKETS = 10;

/** A call let through, to report back: outcomes of calls let through before the circuit last changed are ignored. */
export interface Admission {
  generation: number;
  probe: boolean;
}

/**
 * One subgraph's circuit breaker. Closed: every call goes through and outcomes are counted. It opens after
 * `consecutiveFailures` failures in a row, or when `failureRatio` of at least `minCalls` calls in the last
 * `windowMs` failed; while open, calls fail fast without reaching the subgraph. After `cooldownMs` it is
 * half-open: one call at a time is let through as a probe; a success closes it, a failure opens it again.
 * The rolling window is ten buckets, so recording an outcome is a few additions, whatever the traffic.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probing = false;
  /** Bumped whenever the circuit opens or closes, so late outcomes of older calls cannot move it. */
  private generation = 0;
  private readonly bucketMs: number;
  private readonly buckets = Array.from({ length: BUCKETS }, () => ({ index: -1, ok: 0, failed: 0 }));
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.bucketMs = Math.max(1, Math.floor(options.windowMs / BUCKETS));
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it is not open). */
  retryAfterMs(): number {
    return this.current === 'open' ? Math.max(0, this.openedAt + this.options.cooldownMs - this.now()) : 0;
  }

  /**
   * Whether a call may go to the subgraph now: false, or its admission to pass to `success`/`failure`. In half-open
   * the one admitted call is the probe, and only the probe's outcome closes or reopens the circuit; a call let
   * through before the circuit opened that finishes meanwhile changes nothing.
   */
  allow(): false | Admission {
    if (this.current === 'closed') return { generation: this.generation, probe: false };
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.cooldownMs) return false;
      this.change('half-open');
      this.probing = false;
    }
    if (this.probing) return false;
    this.probing = true;
    return { generation: this.generation, probe: true };
  }

  success(admission?: Admission): void {
    if (this.stale(admission)) return;
    if (this.current === 'half-open') {
      this.reset();
      this.change('closed');
      return;
    }
    if (this.current === 'open') return;
    this.consecutive = 0;
    this.bucket().ok++;
  }

  failure(admission?: Admission): void {
    if (this.stale(admission)) return;
    if (this.current === 'half-open') {
      this.open();
      return;
    }
    if (this.current === 'open' || this.options.consecutiveFailures <= 0) return;
    this.consecutive++;
    this.bucket().failed++;
    if (this.consecutive >= this.options.consecutiveFailures || this.ratioExceeded()) this.open();
  }

  /** An outcome from before the circuit last opened or closed, or a non-probe call finishing while half-open. */
  private stale(admission: Admission | undefined): boolean {
    if (!admission) return false;
    return admission.generation !== this.generation || (this.current === 'half-open' && !admission.probe);
  }

  private ratioExceeded(): boolean {
    const newest = Math.floor(this.now() / this.bucketMs);
    let ok = 0;
    let failed = 0;
    for (const bucket of this.buckets) {
      if (bucket.index > newest - BUCKETS) {
        ok += bucket.ok;
        failed += bucket.failed;
      }
    }
    const calls = ok + failed;
    return calls >= this.options.minCalls && failed / calls >= this.options.failureRatio;
  }

  private bucket() {
    const index = Math.floor(this.now() / this.bucketMs);
    const bucket = this.buckets[index % BUCKETS]!;
    if (bucket.index !== index) {
      bucket.index = index;
      bucket.ok = 0;
      bucket.failed = 0;
    }
    return bucket;
  }

  private open() {
    this.generation++;
    this.openedAt = this.now();
    this.probing = false;
    this.change('open');
  }

  private reset() {
    this.generation++;
    this.consecutive = 0;
    this.probing = false;
    for (const bucket of this.buckets) bucket.index = -1;
  }

  private change(state: CircuitState) {
    if (this.current === state) return;
    this.current = state;
    this.options.onChange?.(state);
  }
}
