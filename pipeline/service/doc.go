// Package service runs tokenmill as a build server: teams submit builds
// over an HTTP JSON API, watch their progress, cancel them and read their
// logs and stats, while the server keeps a bounded number running and the
// rest queued.
//
// It exists apart from the CLI because a server has duties a one-shot
// command has not: it outlives its builds (state on disk, resumed after a
// restart), it is shared (bearer tokens, request size limits), it must not
// become a way to read or write anywhere on the host (every path a request
// names is confined to configured roots and buckets), and it is watched by
// machines (Prometheus metrics, structured logs).
//
// # Contracts
//
//   - The build itself is injected as a [RunFunc]: this package plans and
//     confines, queues and records; it never constructs a pipeline. The
//     command wires RunFunc to the same entry point `tokenmill build` uses,
//     so a build run by the server writes exactly what the CLI writes.
//   - State: one JSON file per build in the state folder, replaced
//     atomically (pipeline/storage/atomicfile) on every transition, so a
//     crash leaves each file either at its old or at its new content. A
//     build found "running" when the server starts was interrupted: it is
//     queued again, ahead of newer submissions, and rerun with the same
//     request into the same output, where the pipeline's task markers make
//     it skip the input shards already committed.
//   - Confinement: local paths must resolve (symlinks included, through
//     filepath.EvalSymlinks of the deepest existing ancestor) inside a
//     --root; s3:// and gs:// URLs must name a configured bucket (and its
//     prefix, and exactly its query: no endpoint override); http(s) URLs
//     may be read (never written) below a configured prefix, without
//     escapes or user info; embed:// is always readable; every other
//     scheme, `..` segments, relative paths in a request and file://host
//     tricks are refused, and so is the state folder even inside a root. The check covers the
//     request's inputs and output, every file-like value of the recipe, and
//     the inputs the sources resolve (listings and folders are read through
//     a confined view, so a listing or a symlink in a folder cannot lead
//     out). The check runs at submission and again before each run; between
//     that check and the build's own reads a path swapped on disk is not
//     seen (the build opens its files itself).
//   - Queue: at most MaxBuilds run at once; the rest wait first in, first
//     out, and an interrupted build goes ahead of them. Two active builds
//     never share an output (nor one inside the other).
//   - Progress is read from the output: the task markers the pipeline
//     writes per committed input shard give, per source, the inputs done
//     and the documents, tokens and bytes written; stats.json gives the
//     full funnel (documents and bytes in, drops by reason) once a build
//     ends. A RunFunc may report more through its progress callback.
package service
