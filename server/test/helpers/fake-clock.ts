// A clock for `hbnb beat`'s scheduler that jumps instead of waiting, and stops the scheduler once
// past `end`: a day of schedules runs in moments, each job seeing the time of its slot.
import type { Clock, Scheduler } from '../../src/jobs/schedule.js'

export function fakeClock(start: number, end: number, scheduler: () => Scheduler): Clock {
  let now = start
  return {
    now: () => now,
    sleep: async (ms) => {
      await scheduler().idle()
      now += ms
      if (now > end) void scheduler().stop()
    },
  }
}
