"""Background jobs on a Huey queue: packs, report PDFs and the daily reminders.

`records` creates and reads the job rows (a service: flush, never commit); `queue` builds the
Huey instance from the configuration and enqueues; `runner` runs one job as its own unit of
work in a worker; `kinds` says what each kind of job does; `worker` is `tracker worker`.
"""
