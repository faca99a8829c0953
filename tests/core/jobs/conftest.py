"""The test-only jobs (sleep, fail) are registered through the environment, so the detached
workers the runner spawns (they inherit it) resolve them as well."""
import json

import pytest

from core.jobs import EXTRA_JOBS_ENV

TEST_JOBS = {"sleep": "tests.core.jobs.jobs_for_tests:sleep_job",
             "fail": "tests.core.jobs.jobs_for_tests:fail_job",
             "hog": "tests.core.jobs.jobs_for_tests:hog_job"}


@pytest.fixture
def extra_jobs(monkeypatch):
    monkeypatch.setenv(EXTRA_JOBS_ENV, json.dumps(TEST_JOBS))
    return TEST_JOBS
