// Prometheus metrics of background tasks, shared by both queue drivers and the worker.
import { counter, gauge, histogram } from '../../metrics.js'

export const taskMetrics = {
  duration: histogram(
    'hbnb_task_duration_seconds',
    'Time a task handler ran, by task name and outcome (ok or failed).',
    ['task', 'outcome'],
  ),
  failures: counter('hbnb_task_failures_total', 'Failed tries of tasks (each try counts).', ['task']),
  retries: counter('hbnb_task_retries_total', 'Failed tries scheduled for another try.', ['task']),
  deadLetters: counter('hbnb_task_dead_letters_total', 'Tasks dead-lettered after their last failed try.', [
    'task',
  ]),
  wait: histogram(
    'hbnb_task_wait_seconds',
    'Time a task waited for a handler once due (from its publish, or the end of its retry delay).',
    ['task'],
  ),
  oldestReady: gauge(
    'hbnb_task_queue_oldest_ready_seconds',
    'How long the longest-waiting ready task has been due (RabbitMQ: an upper bound), by task name.',
    ['task'],
  ),
  depth: gauge(
    'hbnb_task_queue_depth',
    'Tasks waiting, by task name and state (ready, delayed for a retry, dead).',
    ['task', 'state'],
  ),
  concurrency: gauge(
    'hbnb_worker_concurrency',
    'Handlers of a task name this process lets run at once (set by the autoscaler).',
    ['task'],
  ),
  running: gauge('hbnb_worker_running_tasks', 'Task handlers running now in this process.', ['task']),
}

/** Counts a failed try that the driver retries (`dead` false) or dead-letters. */
export function countFailedTry(task: string, dead: boolean): void {
  ;(dead ? taskMetrics.deadLetters : taskMetrics.retries).inc({ task })
}
