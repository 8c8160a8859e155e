package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/tokenmill/tokenmill/train/data"
)

// Ticket is the JSON body of a DoGet ticket and of a GetFlightInfo command
// descriptor. It names one rank's slice of a run: the fields marked "order"
// are those of [data.Config] that determine the global sample stream, so two
// clients with the same order fields see the same global stream whatever
// their Rank and World. Unknown fields are refused, so a misspelt field is an
// error rather than a silently different run.
type Ticket struct {
	// Manifest is the path of a build's manifest.json (or of its folder)
	// relative to the server's root; an absolute path must lie inside the
	// root. Empty means the server's default manifest (tokenmill feed
	// --data). URLs are refused: the server only reads its own root.
	Manifest string `json:"manifest,omitempty"`
	// ManifestVersion, when not 0, must equal the manifest's version, so
	// that a job pinned to one build does not silently read a newer
	// incremental version written into the same folder.
	ManifestVersion int `json:"manifest_version,omitempty"`
	// ConfigHash, when set, must equal the run's [data.Plan.ConfigHash]: the
	// strongest pin (it covers seed, shards and their digests, weights,
	// seq_len, global batch and run length). A job stores it with its
	// checkpoint and sends it back on resume.
	ConfigHash string `json:"config_hash,omitempty"`

	// Seed keys the shuffles (order).
	Seed uint64 `json:"seed"`
	// SeqLen is the number of input positions per row (order); each row
	// carries SeqLen+1 tokens.
	SeqLen int `json:"seq_len"`
	// GlobalBatch is the number of rows per step over all ranks (order).
	GlobalBatch int `json:"global_batch"`
	// Steps is the length of the run in optimizer steps, as `tokenmill
	// train --steps`: the token budget is Steps*GlobalBatch*SeqLen (order).
	// Exactly one of Steps and TokenBudget is set.
	Steps int64 `json:"steps,omitempty"`
	// TokenBudget is the run length in training tokens, rounded down to
	// whole steps, as [data.Config.TokenBudget] (order).
	TokenBudget int64 `json:"token_budget,omitempty"`
	// MaxEpochs, Weights and Window are passed to [data.Config] as they are
	// (Weights and Window are order fields; 0 and empty mean the defaults).
	MaxEpochs float64            `json:"max_epochs,omitempty"`
	Weights   map[string]float64 `json:"weights,omitempty"`
	Window    int                `json:"window,omitempty"`

	// Rank and World select rows [Rank*GlobalBatch/World,
	// (Rank+1)*GlobalBatch/World) of every step; World 0 means 1.
	Rank  int `json:"rank"`
	World int `json:"world"`
	// StartStep is the first step served: resuming at step N serves exactly
	// the batches an uninterrupted stream serves from step N on.
	StartStep int64 `json:"start_step,omitempty"`
	// EndStep, when not 0, stops the stream before that step; 0 serves to
	// the end of the run.
	EndStep int64 `json:"end_step,omitempty"`
}

// ErrBadTicket marks a ticket that cannot be decoded or names an impossible
// run; the server answers it with codes.InvalidArgument.
var ErrBadTicket = errors.New("feed: bad ticket")

// maxTicketBytes bounds what the server decodes; real tickets are a few
// hundred bytes (a long weights map included).
const maxTicketBytes = 64 << 10

// ParseTicket decodes a ticket strictly: one JSON object, no unknown
// fields, no trailing data. Errors wrap [ErrBadTicket].
func ParseTicket(b []byte) (Ticket, error) {
	var t Ticket
	if len(b) > maxTicketBytes {
		return t, fmt.Errorf("%w: %d bytes, at most %d", ErrBadTicket, len(b), maxTicketBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, fmt.Errorf("%w: %v", ErrBadTicket, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return t, fmt.Errorf("%w: trailing data after the JSON object", ErrBadTicket)
	}
	if len(t.Weights) == 0 {
		t.Weights = nil // {} and absent are the same run
	}
	return t, t.check()
}

// Marshal encodes the ticket as the JSON a server accepts.
func (t Ticket) Marshal() []byte {
	b, err := json.Marshal(t)
	if err != nil {
		panic(err) // numbers, strings and a map of floats always encode
	}
	return b
}

// check refuses what no manifest can make valid; the rest (rank range,
// divisibility, weights naming absent sources, epochs) is data.NewPlan's.
func (t Ticket) check() error {
	switch {
	case (t.Steps == 0) == (t.TokenBudget == 0):
		return fmt.Errorf("%w: set exactly one of steps and token_budget", ErrBadTicket)
	case t.Steps < 0 || t.TokenBudget < 0:
		return fmt.Errorf("%w: steps and token_budget must be positive", ErrBadTicket)
	case t.StartStep < 0 || t.EndStep < 0:
		return fmt.Errorf("%w: start_step %d and end_step %d must not be negative", ErrBadTicket, t.StartStep, t.EndStep)
	case t.EndStep != 0 && t.EndStep < t.StartStep:
		return fmt.Errorf("%w: end_step %d is before start_step %d", ErrBadTicket, t.EndStep, t.StartStep)
	case t.ManifestVersion < 0:
		return fmt.Errorf("%w: manifest_version %d must not be negative", ErrBadTicket, t.ManifestVersion)
	case t.SeqLen <= 0 || t.GlobalBatch <= 0:
		return fmt.Errorf("%w: seq_len %d and global_batch %d must be positive", ErrBadTicket, t.SeqLen, t.GlobalBatch)
	}
	if t.Steps > 0 {
		// Steps*GlobalBatch*SeqLen must not overflow int64.
		if t.Steps > (1<<62)/int64(t.GlobalBatch)/int64(t.SeqLen) {
			return fmt.Errorf("%w: %d steps of %d×%d tokens overflow", ErrBadTicket, t.Steps, t.GlobalBatch, t.SeqLen)
		}
	}
	return nil
}

// Config is the [data.Config] the ticket names: the one the Go trainer
// would use for the same run (read-ahead on).
func (t Ticket) Config() data.Config {
	budget := t.TokenBudget
	if t.Steps > 0 {
		budget = t.Steps * int64(t.GlobalBatch) * int64(t.SeqLen)
	}
	return data.Config{Seed: t.Seed, SeqLen: t.SeqLen, GlobalBatch: t.GlobalBatch, TokenBudget: budget,
		Rank: t.Rank, World: t.World, MaxEpochs: t.MaxEpochs, Weights: t.Weights, Window: t.Window}
}
