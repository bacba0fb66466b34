"""Checkpoints for a training run that may be stopped and continued in a later session.

The folder holds state.pt (the stage, its step, every module, the optimizer and the random generators' states), the cached
features in chunk files, and time.log: one line per session with its wall time and the process's CPU time, plus the
run's totals, so the training budget can be checked across sessions. A session ends cleanly on SIGINT/SIGTERM or
after --stop-after minutes: it saves the state first.
"""
import os
import random
import signal
import time
from pathlib import Path

import torch


class Checkpoint:
    def __init__(self, folder, save_every, stop_after, log):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "state.pt"
        self.save_every, self.log = save_every, log
        self.deadline = time.time() + stop_after * 60 if stop_after else None
        self.stop_requested = False
        self.started_wall, self.started_cpu = time.time(), time.process_time()
        self.previous = {"wall": 0.0, "cpu": 0.0}
        self.last_save = time.time()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._request_stop)

    def _request_stop(self, *_):
        self.stop_requested = True

    def load(self):
        if not self.path.exists():
            return None
        state = torch.load(self.path)
        self.previous = state["time"]
        self.log(f"resuming at stage {state['stage']}, step {state['step']} (so far {self.previous['wall'] / 60:.1f} min wall, "
                 f"{self.previous['cpu'] / 60:.1f} min CPU)")
        return state

    def totals(self):
        return {"wall": self.previous["wall"] + time.time() - self.started_wall,
                "cpu": self.previous["cpu"] + time.process_time() - self.started_cpu}

    def save(self, state):
        state.update(time=self.totals(), torch_random=torch.get_rng_state(), random=random.getstate())
        temporary = self.path.with_suffix(".tmp")
        torch.save(state, temporary)
        os.replace(temporary, self.path)
        self.last_save = time.time()

    def should_stop(self):
        return self.stop_requested or (self.deadline is not None and time.time() >= self.deadline)

    def due(self):
        """Whether to save now: periodically, and before the session ends."""
        return self.should_stop() or time.time() - self.last_save >= self.save_every

    def end_session(self, state, finished):
        """Saves, appends this session's times to time.log and tells the caller whether training goes on."""
        self.save(state)
        session_wall, session_cpu = time.time() - self.started_wall, time.process_time() - self.started_cpu
        totals = state["time"]
        line = (f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} session ended at stage {state['stage']} step "
                f"{state['step']}{' (finished)' if finished else ''}: {session_wall / 60:.1f} min wall, {session_cpu / 60:.1f} min CPU; "
                f"run total {totals['wall'] / 60:.1f} min wall, {totals['cpu'] / 60:.1f} min CPU")
        with open(self.folder / "time.log", "a", encoding="utf-8") as f:
            f.write(line + "\n")
        self.log(line)

    def feature_chunk(self, index):
        return self.folder / f"features-{index:05d}.pt"
