/**
 * Runs `task` at once and then every `intervalSeconds`, one run at a time (a slow run delays the
 * next instead of overlapping it). The task reports its own errors; the timer does not keep the
 * process alive. `stop()` waits for a run in progress.
 */
export function startPeriodic(task: () => Promise<void>, intervalSeconds: number): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(task);
  };
  tick();
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
