// A counting semaphore with a bounded wait: caps how many analyst queries run at once.

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Resolves true once a slot is held, or false after waitMs without one. */
  acquire(waitMs: number): Promise<boolean> {
    if (this.active < this.capacity) {
      this.active += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(true); // the releasing holder handed its slot over: active stays the same
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(false);
      }, waitMs);
      this.waiting.push(grant);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active = Math.max(0, this.active - 1);
  }

  get running(): number {
    return this.active;
  }
}
