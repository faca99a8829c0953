"""Messages of the job runner that people read, as named templates (tests import these)."""
from __future__ import annotations

UNKNOWN_JOB = "Unknown job '{name}'; known jobs: {known}."
NO_SUCH_JOB = "There is no job '{job_id}'."
BAD_JOB_TARGET = "Job target {target!r} must look like 'package.module:function'."
BAD_EXTRA_JOBS = ("LAYERLAB_EXTRA_JOBS must be a JSON object mapping job names to "
                  "'package.module:function' strings, e.g. {{\"sleep\": \"my.jobs:sleep_job\"}}; "
                  "got {value!r}.")
JOB_FAILED = "The job failed: {error}"
WORKER_LOST = "The worker process stopped unexpectedly."
# Why a run failed when the process training it died: DEATH_REASON with one of each pair.
DEATH_REASON = "The {what} stopped (killed or out of memory) {during}; {kept}"
DURING_EPOCH = "during epoch {epoch}"
BEFORE_TRAINING = "before training started"
KEPT_CHECKPOINT = "the last checkpoint from epoch {epoch} is kept."
NO_CHECKPOINT = "no checkpoint had been saved yet."
DEAD_RUN_ADVICE = ("Start the run again; if it keeps happening, use a smaller batch size or "
                   "model (the machine may be out of memory).")
FORCED_STOP = "Stopped by force: the training process did not stop by itself in time."
# Ray (core.jobs._ray): the setting is named so people know what to fix.
RAY_ADDRESS_ENV = "LAYERLAB_RAY_ADDRESS"
RAY_MISSING = ("LAYERLAB_RAY_ADDRESS is set ({address!r}) but Ray is not installed: run "
               "`pip install -r requirements.txt` (it pins ray), or unset LAYERLAB_RAY_ADDRESS "
               "to train on this machine.")
RAY_UNREACHABLE = ("Jobs cannot run: no Ray cluster answers at LAYERLAB_RAY_ADDRESS={address!r} "
                   "({why}). Start it with `ray start --head` (see the README, \"Run on a "
                   "cluster\"), fix the address, or unset LAYERLAB_RAY_ADDRESS to train on this "
                   "machine. Finished runs can still be viewed.")
RAY_WAITING_CPU = ("Waiting for a free CPU on the Ray cluster: all {total:g} CPUs are in use; it "
                   "starts when one is free.")
RAY_WAITING_SLOT = "Waiting for a Ray worker to start (the first job on a fresh worker imports torch)."
RAY_OTHER_CLUSTER = ("This process is already connected to the Ray cluster at {other!r}; it "
                     "cannot also use {address!r}. Restart it with one LAYERLAB_RAY_ADDRESS.")
