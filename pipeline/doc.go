// Package pipeline is tokenmill's core: the document type that flows between
// packages, the small interfaces each role implements, the plan that turns
// a recipe into phases of tasks and runs them, the records, statistics and
// manifest every build leaves, the recipe format and its checks, and the
// component registry that turns recipe entries into sources, steps and the
// shard writer.
//
// The pipeline must not know any source format or model: those live in
// sources/, stages/, filters/ and dedup/ and reach it through the Registry.
//
// # Sources, files and inputs
//
// A Source reads one corpus format. Inputs resolves the recipe's input specs
// into Inputs, in a stable order, each with a unique Name (file sources use
// sources/inputs for files, globs, folders and listings); Open starts a
// Reader over one Input. An Input is plain data (URL, Part, Name, Size,
// ETag, Group) that plans carry to other machines: Part is a source-defined
// part of the file at URL (a range of bzip2 streams, a tar member, a hash
// partition of a query), "" for all of it; Group keys the inputs
// cross-document steps may see together (a CommonCrawl dump: groups are cut
// where it changes, and a source's inputs are ordered by it, stably). Sources list and read through
// Files (local paths, file://, s3://, gs://, http(s)://, embed://), which
// Stores implements with the store's timeouts and retries.
//
// A Reader is a pull iterator (Next, Doc, Err, Close). Err is sticky, nil at
// a clean end, and only for failures of storage: the input then fails as a
// task (see Failed inputs). A malformed record is not fatal: the reader
// reports it through the SkipFunc it was opened with, as a *RecordError
// {Path, Record, Offset, Err} whose Err is a Corruptf("short-reason", ...)
// (the reason is counted in the stats, the first errors kept as examples),
// and goes on with the next good record; a file cut in the middle keeps
// every complete record before the cut. A record left out on purpose (a
// Wikipedia redirect) goes through the same SkipFunc as a FilteredError:
// counted under its reason, not corrupt, never kept as an example.
//
// # Documents and steps
//
//   - A Doc's ID is stable and unique within its source and says where the
//     document came from. Steps never change ID or Source.
//   - A Step keeps, changes or drops one document; a drop carries a reason
//     written "step:rule", and the runner counts reasons, steps do not. A
//     step's error means the step itself failed and stops the build.
//   - A Gatherer is a Step whose decision depends on a whole group of
//     inputs (dedup). Before the group's write phase it sees, in an observe
//     phase, every document the steps before it keep (Observe, keyed by the
//     input's index in the group, never by arrival order), then Seal.
//   - A StatsReporter step reports counters of its own; they are the step
//     instance's, so they are recorded per group (see Records).
//   - Given the same inputs, recipe and models, the output is the same byte
//     for byte whatever the number of workers: documents leave an input in
//     the order they entered it.
//
// # Plan, phases, tasks, executor
//
// NewPlan(ctx, recipe, registry, Options) resolves a recipe: it opens the
// output, makes the build's scratch folder, builds each source and step
// through the registry (with the tokenize step ending every chain when the
// recipe names a tokenizer, and the writer the registry's Sink), and lists
// each source's inputs. Options are plain data (the output URL, sources to
// build, input overrides, workers, memory budget), so a worker on another
// machine makes the same plan from the same recipe and options; the CLI only
// parses flags into Options.
//
// Plan.Run cuts each source's inputs into groups (the recipe's group size,
// all inputs by default) and runs each group as phases: one observe phase
// per Gatherer of the chain, in chain order, then one write phase. A phase is
// a set of Tasks (one input each) that may run in any order and at once; the
// next phase starts when it has ended. An Executor runs a phase's tasks:
// LocalExecutor runs them on a pool of goroutines in this process (the
// documents of every running task share one pool of step workers); a
// cluster executor ships the recipe, options and tasks to workers that make
// the same plan and run them, the results coming back as task records in
// the output store. Plan.Phases lists the phases a run would run now;
// Plan.RunTask runs one write task on its own, as such a worker does (for
// chains without gatherers: a gatherer's state lives in the process that
// ran its observe phase). A group whose gatherers have seen another group
// gets fresh gatherer instances (SourcePlan.Rebuild).
//
// Each input is read from its storage once per group: the group's first
// phase keeps every input's documents and skipped records, as the reader
// gave them, in a zstd-compressed spill file of the scratch folder, and the
// later phases read that instead of fetching, decompressing and parsing the
// input again. A group's spills take at most half the free space of the
// scratch folder's file system (or Options.SpillBytes); inputs beyond that
// are read from storage in every phase. Options.NoSpill turns spills off;
// the spills of a group are removed when it ends.
//
// # Records, resume and statistics
//
// A write task commits its input's shards, then writes its task record
// _tasks/<source>/<input name>.json (TaskRecord, format RecordFormat) in one
// atomic put: the recipe's digest, the input (URL, part, size, SHA-256 when
// read whole, ETag), the manifest entries of its shards, and its complete
// TaskStats (docs and bytes in, skip reasons and examples, docs and bytes in
// and out of every step, drop reasons, docs, bytes and tokens out). It holds
// no timings, so the same task makes the same bytes. The stats also keep
// the first three documents dropped for each reason (DropExamples: ID and
// 200 characters, in input order). Where the chain has a
// Gatherer the record also names (Group) the set of inputs observed with it.
// When every task of a group has committed, the group record
// _groups/<source>/<group>.json (GroupRecord) keeps the steps' own counters
// for the group: for a gatherer (fresh per group), its counters; for a
// shared step, their difference over the group, less what it counted in the
// observe phases of later gatherers (documents that pass it again in the
// write phase).
//
// A rerun trusts a task record of the same recipe digest and format whose
// shards exist and, with gatherers, whose group was observed whole; its
// task is not run again. A group without its record runs its observe phases
// over all its inputs (the gatherers need them) and, when the chain has
// counters, its committed inputs through the write phase again with nothing
// written (Task.CountOnly). stats.json is then merged from the records in
// input order: it is the same for a build that ran at once, was killed and
// resumed, or ran on several machines, but for the seconds fields (this
// run's timings) and Resumed.
//
// # Failed inputs
//
// An input whose storage fails after the store's retries (Source.Open's
// error, a Reader's Err) is an *InputError: its task fails, the others go
// on, stats.json (SourceStats.Failed) and the summary name it with its
// error, the manifest leaves it out, and Run returns a *FailedError (the CLI
// exits 1). The group's other outputs record that they were made without it,
// so the next run remakes the group and the result equals a clean build. A
// step's failure or an output that cannot be written stops the build.
//
// # Outputs
//
//   - Every file of the output is written atomically (the store's
//     WriteFile/Create: a temporary file renamed over the target with
//     fsync locally, a single put on object stores); nothing that looks
//     finished is ever partial.
//   - Lock: Run takes _lock.json (LockInfo: pid, host, start, nonce) with an
//     exclusive create (an O_EXCL link locally, a conditional put on S3 and
//     GCS) and reads it back; a second build into the same output fails
//     with a *LockError naming the holder. A lock of a process of this host
//     that no longer runs is stale and taken over; a lock of another host is
//     never presumed stale.
//   - Manifest: manifest.json is written last, listing every committed
//     shard with its size and SHA-256 and every input. Before this build
//     commits its first shard, an earlier manifest.json is moved to
//     _previous/manifest.json, so a killed rebuild leaves no manifest rather
//     than one listing shards it replaced; the final manifest merges the
//     previous one (incremental ingestion) with this build's, its version
//     one higher when anything changed.
//   - Dropped documents: with Options.KeepDropped (or the recipe's
//     output.dropped) a sink that implements DroppedWriter also writes
//     every dropped document with its reason and the steps' scores; the
//     manifest lists those shards as kind "dropped".
//   - Models: Options.ResolveModel maps a recipe's catalogue references to
//     local files; the manifest records each model's name, URL and SHA-256.
//   - Progress: Options.Progress is called when a task commits; Plan.Live
//     gives the documents and text read so far, while tasks run.
//   - Scratch: the build's temporary folder is <TempDir>/tokenmill-build-
//     <pid>-*, removed by Plan.Close; making a plan removes those whose pid
//     no longer runs (killed builds).
//
// # Memory
//
// Options.MemoryBytes is one budget for the build: half of it is split
// among the gatherers of each chain (their indexes spill to disk beyond
// their share), an eighth bounds the text of the document batches in flight,
// and the rest is headroom for readers and models; the CLI also hands the
// whole budget to the Go runtime (debug.SetMemoryLimit, as GOMEMLIMIT).
package pipeline
