// Test-only fault injection for the engine processor: the `fail-for-test` message makes
// the next process() throw once, or makes the processor stop answering and render
// silence, so fault recovery can be tested on real nodes. It lives apart so that the
// production processor does not carry it: every use sits behind the build constant
// __WORKLETPOOL_TEST_FAULTS__, which is false in the production bundle, so the minifier
// drops the calls and this module with them (production-processor.test.ts reads the
// bundle). Only the testing entry, `@workletpool/worklet-runtime/testing`, loads a
// processor built with it.

/** The faults a test asked for. */
export class FaultInjection {
  private failNext = false;
  /** The processor stopped answering and renders silence. */
  hung = false;

  /** Obeys a `fail-for-test` message. */
  arm(mode: 'throw' | 'hang'): void {
    if (mode === 'throw') this.failNext = true;
    else this.hung = true;
  }

  /** Throws once after a `throw` fault was asked for: the one deliberate throw of the processor. */
  throwIfArmed(): void {
    if (!this.failNext) return;
    this.failNext = false;
    throw new Error('fail-for-test: this processor was told to fail');
  }
}
