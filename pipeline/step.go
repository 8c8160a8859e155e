package pipeline

import (
	"context"
)

// Step handles one document: it may change it in place and keeps or drops it.
// Process returns "" to keep the document, or the reason for dropping it,
// written "step:rule" ("langid:score<0.5"). A non-nil error means the step
// itself failed (a model could not run), not that the document was bad; the
// runner stops the build on it. Process is called from many goroutines at
// once, each with a different document.
type Step interface {
	Name() string
	Process(d *Doc) (drop string, err error)
}

// Gatherer is a Step whose decision on a document depends on a whole group of
// input shards (line dedup, exact document dedup). The plan first runs an
// observe phase over the group: for every shard it runs the steps that come
// before the gatherer and hands the survivors to Observe, then calls Seal
// once; only after that does it call Process (in the write phase).
//
// Observe is called concurrently for different shards but never for the same
// shard, whose documents arrive in input order. What Seal concludes must not
// depend on the order in which shards were observed: shard is the input
// shard's index in the group, in the recipe's input order, so "first
// occurrence" means the lowest (shard, position).
type Gatherer interface {
	Step
	Observe(shard int, d *Doc) error
	Seal(ctx context.Context) error
}

// Closer is implemented by steps that hold resources or buffered state; the
// runner calls Close once after the last document.
type Closer interface {
	Close() error
}

// StatsReporter is implemented by steps that keep counters of their own
// (lines removed, bytes spilled); the runner adds them to the build's stats
// under the step's name.
type StatsReporter interface {
	Counters() map[string]int64
}
