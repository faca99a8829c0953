"""Messages of the hyperparameter search that people read, as named templates (tests import these)."""
from __future__ import annotations

UNKNOWN_PARAM = ("There is no setting '{name}' to search for this model. Searchable settings: "
                 "{known}.")
BAD_PARAM_SYNTAX = ("Cannot read the search range '{text}'. Write NAME=LOW:HIGH (add :log for a "
                    "log scale), e.g. lr=1e-4:1e-1:log or units_1=16:256, or NAME=A,B,C for "
                    "choices, e.g. optimizer=adam,sgd_momentum.")
EMPTY_RANGE = ("The range of '{name}' is empty: {low} to {high} holds no value to try. Give two "
               "different ends, the smaller first.")
INVERTED_RANGE = ("The range of '{name}' is inverted: {low} is above {high}. Put the smaller "
                  "value first, e.g. {name}={high}:{low}.")
OUT_OF_BOUNDS = "The range of '{name}' must stay within {lo} to {hi}; got {low} to {high}."
LOG_NEEDS_POSITIVE = ("A log range needs both ends above 0; '{name}' starts at {low}. Drop :log "
                      "or start above 0.")
BAD_CHOICE = "'{value}' is not a possible {name}; choose among {allowed}."
NO_CHOICES = "The search range of '{name}' lists no choice; give at least one, e.g. {example}."
ZERO_BUDGET = ("A search needs a budget above 0: got {what}. Give --trials (how many settings "
               "to try) and/or --timeout (seconds), e.g. --trials 10.")
NOTHING_TO_SEARCH = "Pick at least one setting to search (for example the learning rate)."
NO_SUCH_STUDY = "There is no search '{study_id}' in the run store."
FROM_FAILED_RUN = ("Run {run_id} {status}, so its settings are not a starting point to search "
                   "around: {error} Start from a run that finished, or from a preset.")
NO_FAIRNESS_COLUMN = ("Optimising accuracy under a fairness bound needs a sensitive column and a "
                      "binary target; {dataset} has {what}. Choose another objective or set a "
                      "sensitive column on the Data page.")
OBJECTIVE_TASK = "The objective '{objective}' does not fit a {task} task; choose one of {allowed}."
ALL_DIVERGED = ("Every trial of search {study_id} diverged (the loss blew up), so no setting can "
                "be recommended. Lower the learning-rate range, e.g. lr={low:.0e}:{high:.0e}:log, "
                "and check that the inputs are scaled.")
NO_TRIAL_FINISHED = ("No trial of search {study_id} finished ({counts}), so there is no best "
                     "setting yet. {why}")
TIME_TOO_SHORT = ("{trials} trials will not fit in {timeout:.0f} s: the search stops at the time "
                  "limit and reports the best of the trials it finished.")
PRUNED_NOTE = ("Search {study_id}, trial {number}: pruned at epoch {epoch} — its validation "
               "{metric} was worse than the median of earlier trials at that epoch.")
PRUNED_NOTE_HYPERBAND = ("Search {study_id}, trial {number}: pruned at epoch {epoch} by Hyperband — "
                         "its validation {metric} was not among the best of the trials it was "
                         "compared with at that epoch.")
PRUNED_SENTENCE = {
    "median": ("{n} trial(s) were stopped early because they were doing worse than the median "
               "of earlier trials at the same epoch."),
    "hyperband": ("{n} trial(s) were stopped early by Hyperband: at one of its checkpoints "
                  "(epochs {rungs}) they were not among the best of the trials compared."),
}
TRIAL_NOTE = "Search {study_id}, trial {number}."
STOPPED_BY_USER = "Stopped by you after {done} trials."
JOB_ENDED = ("The search stopped before it finished: {why}. The trials it finished are kept; "
             "start a new search to go on.")
BUDGET_SHORT = ("About {fit} of {trials} trials will finish in {limit} (one trial takes about "
                "{trial_s:.3g} s{side_by_side}); the search stops at the time limit and keeps the "
                "best so far. Trials that are pruned end sooner, so a few more may fit.")
BUDGET_NONE_FITS = ("Not even one trial fits in {limit}: one takes about {trial_s:.3g} s. Give "
                    "more time, or fewer epochs per trial.")
IMPORTANCE_TOO_FEW = ("Which setting mattered most shows once {need} trials have finished "
                      "({n} so far).")
DIVERGED_ABOVE = ("At or above a learning rate of {low:.2g} every trial diverged; search below "
                  "it, e.g. lr={lo:.0e}:{low:.0e}:log.")
