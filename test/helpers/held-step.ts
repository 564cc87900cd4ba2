/** A step of the worker (an activity a test replaces) held until the test lets it go; from then on it passes. */
export class HeldStep {
  /** How many times the step has been taken (held or not). */
  asked = 0;
  private released = false;
  private readonly waiting: (() => void)[] = [];

  /** Settles once the test has released the step (at once after that). */
  wait(): Promise<void> {
    this.asked++;
    return this.released ? Promise.resolve() : new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    this.released = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
