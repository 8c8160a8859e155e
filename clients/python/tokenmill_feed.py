"""Minimal Python client of ``tokenmill feed`` (Arrow Flight).

The server streams exactly the batches that tokenmill's Go data loader
(train/data) gives the Go trainer: for each optimizer step, this rank's rows
of the global batch, each row ``seq_len + 1`` tokens (inputs ``row[:-1]``,
targets ``row[1:]``). This module only decodes them; it never mixes, shuffles
or packs, so a PyTorch job sees the same global stream as ``tokenmill train``.

Needs ``pyarrow`` (with Flight) and ``numpy``; ``TokenStream`` also needs
``torch``. See README.md.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional

import numpy as np
import pyarrow.flight as flight

__all__ = ["ticket", "FeedClient", "Step", "TokenStream"]


def ticket(**fields: Any) -> bytes:
    """Encodes a DoGet ticket. Fields are those of the Go ``feed.Ticket``:
    manifest, manifest_version, config_hash, seed, seq_len, global_batch,
    steps or token_budget, max_epochs, weights, window, rank, world,
    start_step, end_step. Unset (None) fields are left out."""
    return json.dumps({k: v for k, v in fields.items() if v is not None}).encode()


class Step:
    """One optimizer step of this rank: ``tokens`` is an int32 array of shape
    (rows, seq_len + 1); ``inputs`` and ``targets`` are views of it."""

    __slots__ = ("step", "tokens", "sources")

    def __init__(self, step: int, tokens: np.ndarray, sources: List[str]):
        self.step, self.tokens, self.sources = step, tokens, sources

    @property
    def inputs(self) -> np.ndarray:
        return self.tokens[:, :-1]

    @property
    def targets(self) -> np.ndarray:
        return self.tokens[:, 1:]


class FeedClient:
    """A thin wrapper over ``pyarrow.flight.FlightClient``."""

    def __init__(self, location: str = "grpc://127.0.0.1:8815", **client_kwargs: Any):
        self.client = flight.FlightClient(location, **client_kwargs)

    def info(self, tkt: bytes) -> flight.FlightInfo:
        """GetFlightInfo: schema (its metadata has tokenmill.config_hash and
        the run's shape), total_records, and ``endpoints[0].ticket``, the
        ticket pinned to the manifest version and config hash: keep that one
        with your checkpoint."""
        return self.client.get_flight_info(flight.FlightDescriptor.for_command(tkt))

    def steps(self, tkt: bytes) -> Iterator[Step]:
        """Yields the ticket's steps in order. A step larger than the
        server's record limit arrives as several record batches; they are
        joined here."""
        reader = self.client.do_get(flight.Ticket(tkt))
        seq_len = int(reader.schema.metadata[b"tokenmill.seq_len"])
        cur: Optional[int] = None
        parts: List[np.ndarray] = []
        names: List[str] = []
        while True:
            try:
                batch = reader.read_chunk().data
            except StopIteration:  # pyarrow's end of stream
                break
            if batch is None or batch.num_rows == 0:
                continue
            steps = batch.column("step").to_numpy()
            rows = batch.column("tokens").flatten().to_numpy().reshape(-1, seq_len + 1)
            srcs = batch.column("source").to_pylist()
            step = int(steps[0])
            if cur is not None and step != cur:
                yield Step(cur, np.concatenate(parts) if len(parts) > 1 else parts[0], names)
                parts, names = [], []
            cur = step
            parts.append(rows)
            names.extend(srcs)
        if cur is not None:
            yield Step(cur, np.concatenate(parts) if len(parts) > 1 else parts[0], names)


try:
    import torch
    from torch.utils.data import IterableDataset, get_worker_info

    class TokenStream(IterableDataset):
        """An IterableDataset of this rank's steps, one item per optimizer
        step: ``{"step": int, "input_ids": LongTensor[rows, seq_len],
        "targets": LongTensor[rows, seq_len], "sources": [str]}``. The targets
        are already shifted (targets[:, k] follows input_ids[:, k]).

        Use it with ``DataLoader(ds, batch_size=None, num_workers=0)``: the
        batching is the server's, and worker processes are refused (see
        __iter__). rank and world default to
        torch.distributed's. ``state_dict()`` gives the next step and the
        config hash to store with a checkpoint; ``load_state_dict`` resumes
        there, exactly.
        """

        def __init__(self, location: str, *, seed: int, seq_len: int, global_batch: int,
                     steps: Optional[int] = None, token_budget: Optional[int] = None,
                     manifest: Optional[str] = None, rank: Optional[int] = None,
                     world: Optional[int] = None, start_step: int = 0,
                     end_step: Optional[int] = None, dtype: "torch.dtype" = torch.long,
                     **extra: Any):
            super().__init__()
            if rank is None or world is None:
                dist = torch.distributed
                on = dist.is_available() and dist.is_initialized()
                rank = dist.get_rank() if on else 0
                world = dist.get_world_size() if on else 1
            self.location, self.dtype = location, dtype
            self.fields: Dict[str, Any] = dict(
                manifest=manifest, seed=seed, seq_len=seq_len, global_batch=global_batch,
                steps=steps, token_budget=token_budget, rank=rank, world=world,
                start_step=start_step, end_step=end_step, **extra)
            self.next_step = start_step
            self.config_hash: Optional[str] = extra.get("config_hash")

        def __iter__(self):
            if get_worker_info() is not None:
                # A worker process would advance its own copy of next_step,
                # so state_dict() in the trainer would not move; and several
                # workers would each replay the whole stream. The gRPC client
                # already reads ahead on its own threads.
                raise RuntimeError("TokenStream must run in the trainer's process: use DataLoader(num_workers=0)")
            fields = dict(self.fields, start_step=self.next_step)
            client = FeedClient(self.location)
            info = client.info(ticket(**fields))
            self.config_hash = info.schema.metadata[b"tokenmill.config_hash"].decode()
            pinned = info.endpoints[0].ticket.ticket
            for s in client.steps(pinned):
                t = torch.from_numpy(np.array(s.tokens, dtype=np.int64 if self.dtype == torch.long else np.int32))
                self.next_step = s.step + 1
                yield {"step": s.step, "input_ids": t[:, :-1], "targets": t[:, 1:], "sources": s.sources}

        def state_dict(self) -> Dict[str, Any]:
            return {"next_step": self.next_step, "config_hash": self.config_hash}

        def load_state_dict(self, state: Dict[str, Any]) -> None:
            self.next_step = int(state["next_step"])
            if state.get("config_hash"):
                self.fields["config_hash"] = self.config_hash = state["config_hash"]

except ImportError:  # torch is optional for FeedClient
    TokenStream = None  # type: ignore[assignment,misc]
