// Package feed serves a build's training stream to trainers that are not
// ours (PyTorch, JAX) over Arrow Flight: the exact batches train/data gives
// the Go trainer, rank by rank, so a job on N GPUs sees the same global
// mixture stream as `tokenmill train`, and resumes at any step.
//
// # Why a server and not a Python port of the loader
//
// The stream is a pure function of the manifest and the run's configuration
// (see train/data: mixture interleave, two-level keyed shuffles, packing
// with one-token overlap). Re-implementing it in Python would create a second
// definition that has to stay identical forever. The server calls train/data
// itself — [data.Open], [data.Loader.Resume], [data.Loader.Next] — and only
// converts each batch to Arrow; it never mixes, shuffles or packs.
//
// # Tickets
//
// A DoGet ticket is a JSON [Ticket]:
//
//	{"manifest": "run1/manifest.json", "manifest_version": 3,
//	 "seed": 1, "seq_len": 2048, "global_batch": 512, "steps": 100000,
//	 "rank": 5, "world": 64, "start_step": 41000}
//
// seed, seq_len, global_batch, steps (or token_budget), weights, window and
// max_epochs are train/data's Config fields of the same names (steps as in
// `tokenmill train --steps`); a PyTorch job that wants the Go trainer's
// stream sends the values the Go trainer uses. manifest_version and
// config_hash optionally pin the run: a ticket whose pin does not match is
// refused with FailedPrecondition. GetFlightInfo with a CMD descriptor
// holding a ticket returns the schema, the row count and the same ticket
// pinned to the manifest's version and the run's config hash, which a job
// should keep with its checkpoint. Tickets are decoded strictly: unknown
// fields, trailing data and impossible runs (rank out of range, global batch
// not a multiple of the world, weights for absent sources, steps beyond the
// run) are InvalidArgument.
//
// # The stream
//
// The schema (see [Schema]) has one row per sequence: step int64, source
// utf8, tokens fixed_size_list<int32>[seq_len+1]; inputs are tokens[:L] and
// targets tokens[1:]. Rows come in train/data's order: step by step, this
// rank's rows [rank*G/W, (rank+1)*G/W) of each global batch of G. A step is
// one record batch, or several in row order when its tokens exceed
// Options.MaxRecordBytes (3 MiB by default, under gRPC's default 4 MiB
// receive limit, so stock clients need no option). The schema metadata
// carries the config hash, manifest version, seq_len, global batch, rank,
// world, the run's steps, the served step range, vocabulary size, BOS and
// EOS.
//
// Resume is a new DoGet with start_step = the first step not trained on:
// the server replays train/data's interleave to it (no I/O) and serves from
// there, byte-identical to an uninterrupted stream.
//
// # Confinement
//
// The server reads only under Options.Root. A ticket's manifest is a path
// relative to the root (or an absolute path inside it); URLs, ".." that
// leaves the root, absolute paths elsewhere and symbolic links that lead out
// (for the manifest and for every shard it lists) are refused with
// PermissionDenied (URLs with InvalidArgument) before anything is opened.
// The check is made when a stream starts: the root's contents are assumed to
// be written by trusted builds; what is not trusted is the ticket.
//
// # Flow control and shutdown
//
// Each stream holds one loader (about two shuffle windows of tokens per
// source) and sends through gRPC's flow control, so a slow client slows its
// stream, not the server's memory. At most Options.MaxStreams streams run at
// once; more are ResourceExhausted. One rank's step may hold at most
// Options.MaxStepBytes of tokens (256 MiB by default), so a ticket cannot make
// the server allocate without bound. Resuming replays train/data's
// interleave up to start_step (about 26 ns per global sample, no I/O: some
// 18 s at the end of a LLaMA-sized run); that replay does not watch the
// stream's context. When Serve's context ends, streams stop
// at their next step boundary with Unavailable and a message naming the
// step to resume at; after Options.Grace the rest are cut.
package feed
