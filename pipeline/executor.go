package pipeline

import (
	"context"
	"fmt"
	"sync"
)

// PhaseKind says what a phase's tasks do.
type PhaseKind string

const (
	// PhaseObserve runs the steps before a Gatherer over every input of a
	// group and hands the survivors to the gatherer's Observe; Seal follows
	// the phase.
	PhaseObserve PhaseKind = "observe"
	// PhaseWrite runs the whole chain over the group's inputs and commits
	// each input's shards and task record.
	PhaseWrite PhaseKind = "write"
)

// Phase is a set of tasks that may run in any order and at once; a phase
// starts when the one before it has ended. A source's inputs are cut into
// groups (the recipe's group size); each group has one observe phase per
// Gatherer of the chain, in chain order, then one write phase.
type Phase struct {
	Source string
	// Group is the index of the group of inputs in the source.
	Group int
	Kind  PhaseKind
	// Step is the gatherer's index in the chain (observe phases), or -1.
	Step  int
	Tasks []Task
}

func (ph *Phase) String() string {
	if ph.Kind == PhaseObserve {
		return fmt.Sprintf("%s group %d: observe for step %d", ph.Source, ph.Group, ph.Step)
	}
	return fmt.Sprintf("%s group %d: %s", ph.Source, ph.Group, ph.Kind)
}

// Task is the unit of work of a phase: one input.
type Task struct {
	Source string
	// Index is the input's position in the source's inputs; Shard its
	// position in its group (what Gatherer.Observe is given).
	Index int
	Shard int
	Input Input
	// CountOnly marks an input whose outputs an earlier run committed, in a
	// group whose step counters were never recorded: it runs through the
	// chain again so that the group's counters are complete, and nothing
	// it makes is written.
	CountOnly bool
}

// TaskFunc runs one task. It returns an error only for failures that must
// stop the build; an input whose storage fails is recorded by the plan as
// a failed input and the TaskFunc returns nil.
type TaskFunc func(ctx context.Context, t Task) error

// Executor runs the tasks of a phase. LocalExecutor runs them on a pool of
// goroutines; an executor for a cluster would ship the recipe, Options and
// tasks to workers that make the same plan (NewPlan) and run them, their
// results coming back as task records in the output store.
type Executor interface {
	// Run calls run for every task of ph and returns when all have
	// returned; the first error cancels the others and is returned.
	Run(ctx context.Context, ph *Phase, run TaskFunc) error
}

// LocalExecutor runs up to Workers tasks at once in this process.
type LocalExecutor struct {
	Workers int
}

// Run implements Executor.
func (e LocalExecutor) Run(ctx context.Context, ph *Phase, run TaskFunc) error {
	workers := max(e.Workers, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, t := range ph.Tasks {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(t Task) {
			defer func() { <-sem; wg.Done() }()
			if err := run(ctx, t); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}(t)
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
