"""A job runner for tests that runs each queued job in this process, as a worker would.

`submit` only records the job; `run_all(store)` then calls each one's registered function with
its arguments after a JSON round trip (what a worker receives) and a plain store (a worker
knows no user). So a test sees exactly what the submitting side put into the job's JSON,
without starting worker processes on a shared machine.
"""
import json


class InlineRunner:
    slots = 1

    def __init__(self):
        self.jobs: list[tuple[str, dict, str | None]] = []

    def submit(self, name: str, args: dict, run_id: str | None = None) -> str:
        self.jobs.append((name, json.loads(json.dumps(args)), run_id))
        return f"job-{len(self.jobs)}"

    def queue(self):
        """The recorded jobs as a real runner lists its queue: all waiting, in order."""
        from core.jobs import JobStatus

        return [JobStatus(id=f"job-{i}", name=name, args=args, run_id=run_id, status="queued",
                          position=i) for i, (name, args, run_id) in enumerate(self.jobs, 1)]

    def run_all(self, store) -> None:
        from core.jobs import resolve_job

        plain = getattr(store, "_store", store)
        for i, (name, args, run_id) in enumerate(self.jobs, 1):
            resolve_job(name)(args, store=plain, job_id=f"job-{i}", run_id=run_id)
        self.jobs.clear()
