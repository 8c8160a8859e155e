package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/train/data"
)

// Defaults applied to zero fields of [Options].
const (
	// DefaultMaxStreams bounds concurrent DoGet streams; each holds a
	// loader with about two shuffle windows of tokens per source.
	DefaultMaxStreams = 64
	// DefaultMaxRecordBytes keeps every record batch under gRPC's default
	// 4 MiB receive limit, so stock Flight clients need no option.
	DefaultMaxRecordBytes = 3 << 20
	// DefaultMaxStepBytes bounds the tokens of one rank's step, which the
	// loader holds in memory at once: a ticket cannot make the server
	// allocate without limit. LLaMA's 4M-token global batch on 8 ranks is
	// 2 MiB per rank.
	DefaultMaxStepBytes = 256 << 20
	// DefaultGrace is how long Serve waits, after its context ends, for
	// streams to close before cutting them.
	DefaultGrace = 10 * time.Second
)

// Schema metadata keys (on the schema message that opens every stream).
const (
	MetaConfigHash      = "tokenmill.config_hash"
	MetaManifestVersion = "tokenmill.manifest_version"
	MetaSeqLen          = "tokenmill.seq_len"
	MetaGlobalBatch     = "tokenmill.global_batch"
	MetaRank            = "tokenmill.rank"
	MetaWorld           = "tokenmill.world"
	MetaSteps           = "tokenmill.steps"
	MetaStartStep       = "tokenmill.start_step"
	MetaEndStep         = "tokenmill.end_step"
	MetaVocabSize       = "tokenmill.vocab_size"
	MetaBOS             = "tokenmill.bos"
	MetaEOS             = "tokenmill.eos"
)

// Options configure a [Server].
type Options struct {
	// Root is the folder whose manifests tickets may name; nothing outside
	// it is read, whatever a ticket or a symbolic link says. Required.
	Root string
	// Manifest is the manifest served to tickets that name none (a path
	// relative to the working directory, inside Root). Optional.
	Manifest string
	// MaxStreams bounds concurrent DoGet streams; more are refused with
	// codes.ResourceExhausted. 0 means DefaultMaxStreams.
	MaxStreams int
	// MaxRecordBytes bounds the token bytes of one record batch; a rank's
	// step larger than that is sent as several records. 0 means
	// DefaultMaxRecordBytes.
	MaxRecordBytes int
	// MaxStepBytes bounds one rank's step, (global_batch/world) ×
	// (seq_len+1) × 4 bytes; larger tickets are InvalidArgument. 0 means
	// DefaultMaxStepBytes.
	MaxStepBytes int64
	// Grace is how long Serve waits for streams after its context ends;
	// 0 means DefaultGrace.
	Grace time.Duration
	// Logger receives one line per stream; nil discards.
	Logger *slog.Logger
}

// Server is a Flight service serving train/data's batches. DoGet and
// GetFlightInfo are implemented; the other Flight methods answer
// Unimplemented. It is safe for concurrent use.
type Server struct {
	flight.BaseFlightServer
	root, def string
	sem       chan struct{}
	maxRecord int
	maxStep   int64
	grace     time.Duration
	log       *slog.Logger
	stop      context.Context
	cancel    context.CancelFunc
}

// New checks the options and returns a server; Serve starts it.
func New(o Options) (*Server, error) {
	if o.Root == "" {
		return nil, fmt.Errorf("feed: no root folder")
	}
	abs, err := filepath.Abs(o.Root)
	if err != nil {
		return nil, fmt.Errorf("feed: root %s: %w", o.Root, err)
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("feed: root %s: %w", o.Root, err)
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("feed: root %s is not a folder", o.Root)
	}
	s := &Server{root: root, sem: make(chan struct{}, orDefault(o.MaxStreams, DefaultMaxStreams)),
		maxRecord: orDefault(o.MaxRecordBytes, DefaultMaxRecordBytes), maxStep: o.MaxStepBytes, grace: o.Grace, log: o.Logger}
	if s.maxStep <= 0 {
		s.maxStep = DefaultMaxStepBytes
	}
	if s.grace <= 0 {
		s.grace = DefaultGrace
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if o.Manifest != "" {
		p, err := filepath.Abs(o.Manifest)
		if err != nil {
			return nil, fmt.Errorf("feed: manifest %s: %w", o.Manifest, err)
		}
		// The folder part may itself be a symbolic link (as the root may).
		if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
			p = filepath.Join(dir, filepath.Base(p))
		}
		if s.def, err = resolveManifest(root, p); err != nil {
			return nil, fmt.Errorf("feed: default manifest %s: %w", o.Manifest, err)
		}
	}
	s.stop, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Root returns the served root as a real absolute path.
func (s *Server) Root() string { return s.root }

// Serve answers Flight calls on lis until ctx ends, then shuts down
// gracefully: running streams stop at their next step boundary with
// codes.Unavailable (whose message says the step to resume at), and after
// Options.Grace whatever is left is cut. It returns nil after a shutdown
// caused by ctx, or the listener's error.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	gs := grpc.NewServer()
	flight.RegisterFlightServiceServer(gs, s)
	errc := make(chan error, 1)
	go func() { errc <- gs.Serve(lis) }()
	select {
	case err := <-errc:
		s.cancel()
		return err
	case <-ctx.Done():
	}
	s.cancel()
	done := make(chan struct{})
	go func() { gs.GracefulStop(); close(done) }()
	t := time.NewTimer(s.grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		gs.Stop()
		<-done
	}
	<-errc
	return nil
}

var (
	errMismatch = errors.New("feed: ticket does not match the manifest")
	errShutdown = errors.New("feed: server shutting down")
)

// grpcError maps the package's errors to Flight status codes.
func grpcError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrBadTicket):
		return status.Error(codes.InvalidArgument, err.Error())
	case errors.Is(err, ErrOutsideRoot):
		return status.Error(codes.PermissionDenied, err.Error())
	case errors.Is(err, errNotFound):
		return status.Error(codes.NotFound, err.Error())
	case errors.Is(err, errMismatch):
		return status.Error(codes.FailedPrecondition, err.Error())
	case errors.Is(err, errShutdown):
		return status.Error(codes.Unavailable, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}

// run is a checked ticket: the manifest it resolves to and the plan.
type run struct {
	t          Ticket
	path       string
	plan       *data.Plan
	schema     *arrow.Schema
	start, end int64
	per        int
}

// prepare decodes and checks a ticket against its manifest without opening
// any shard.
func (s *Server) prepare(b []byte) (*run, error) {
	t, err := ParseTicket(b)
	if err != nil {
		return nil, err
	}
	path, name := s.def, t.Manifest
	if name == "" {
		name = "the default manifest"
	}
	if t.Manifest != "" {
		if path, err = resolveManifest(s.root, t.Manifest); err != nil {
			return nil, err
		}
	} else if path == "" {
		return nil, fmt.Errorf("%w: no manifest named, and the server has no default", ErrBadTicket)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("feed: %s: %w", name, bare(err))
	}
	m, err := manifest.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("feed: %s: %w", name, err)
	}
	if err := checkShards(s.root, path, m); err != nil {
		return nil, err
	}
	if t.ManifestVersion != 0 && t.ManifestVersion != m.Version {
		return nil, fmt.Errorf("%w: the ticket asks for manifest version %d, %s is version %d", errMismatch, t.ManifestVersion, name, m.Version)
	}
	if per := int64(t.GlobalBatch / max(t.World, 1)); int64(t.SeqLen+1) > s.maxStep/4/max(per, 1) {
		return nil, fmt.Errorf("%w: a step of %d rows of %d tokens per rank exceeds the server's %d bytes", ErrBadTicket, per, t.SeqLen+1, s.maxStep)
	}
	plan, err := data.NewPlan(m, t.Config())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadTicket, err)
	}
	if t.ConfigHash != "" && t.ConfigHash != plan.ConfigHash {
		return nil, fmt.Errorf("%w: the ticket's config_hash %.12s is not this run's %.12s", errMismatch, t.ConfigHash, plan.ConfigHash)
	}
	r := &run{t: t, path: path, plan: plan, start: t.StartStep, end: t.EndStep}
	if r.end == 0 {
		r.end = plan.Steps
	}
	if r.end > plan.Steps || r.start > r.end {
		return nil, fmt.Errorf("%w: steps [%d, %d) are not within the run's %d steps", ErrBadTicket, r.start, r.end, plan.Steps)
	}
	world := max(t.World, 1)
	r.per = t.GlobalBatch / world
	r.schema = Schema(plan.SeqLen, arrow.NewMetadata(
		[]string{MetaConfigHash, MetaManifestVersion, MetaSeqLen, MetaGlobalBatch, MetaRank, MetaWorld,
			MetaSteps, MetaStartStep, MetaEndStep, MetaVocabSize, MetaBOS, MetaEOS},
		[]string{plan.ConfigHash, strconv.Itoa(plan.ManifestVersion), strconv.Itoa(plan.SeqLen),
			strconv.Itoa(plan.GlobalBatch), strconv.Itoa(t.Rank), strconv.Itoa(world),
			strconv.FormatInt(plan.Steps, 10), strconv.FormatInt(r.start, 10), strconv.FormatInt(r.end, 10),
			strconv.Itoa(plan.VocabSize), strconv.Itoa(int(plan.BOS)), strconv.Itoa(int(plan.EOS))}))
	return r, nil
}

// Schema is the stream's schema for seq_len L: one row per sequence,
//
//	step   int64                                  the optimizer step (from 0)
//	source utf8                                   the mixture source of the row
//	tokens fixed_size_list<int32 not null>[L+1]   inputs = tokens[:L], targets = tokens[1:]
//
// with md as its metadata. One column of L+1 tokens rather than two of L:
// it is what the loader reads (consecutive rows of a source overlap by one
// token), it moves L+1 instead of 2L tokens, and inputs and targets are two
// zero-copy views of it on the client.
func Schema(seqLen int, md arrow.Metadata) *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "step", Type: arrow.PrimitiveTypes.Int64},
		{Name: "source", Type: arrow.BinaryTypes.String},
		{Name: "tokens", Type: arrow.FixedSizeListOfNonNullable(int32(seqLen+1), arrow.PrimitiveTypes.Int32)},
	}, &md)
}

// GetFlightInfo describes the stream of a ticket given as a CMD descriptor
// (the ticket's JSON), without opening a shard: the schema (with its
// metadata), the row count (TotalRecords, rows of this rank over the steps
// served), the token bytes (TotalBytes) and one endpoint whose ticket is the
// given one pinned to the manifest's version and the run's config hash.
func (s *Server) GetFlightInfo(ctx context.Context, d *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	if d.GetType() != flight.DescriptorCMD {
		return nil, status.Error(codes.InvalidArgument, "feed: the descriptor must be a CMD holding a ticket's JSON")
	}
	r, err := s.prepare(d.GetCmd())
	if err != nil {
		return nil, grpcError(err)
	}
	pinned := r.t
	pinned.ManifestVersion, pinned.ConfigHash = r.plan.ManifestVersion, r.plan.ConfigHash
	rows := (r.end - r.start) * int64(r.per)
	return &flight.FlightInfo{
		Schema:           flight.SerializeSchema(r.schema, memory.DefaultAllocator),
		FlightDescriptor: d,
		Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: pinned.Marshal()}}},
		TotalRecords:     rows,
		TotalBytes:       rows * int64(r.plan.SeqLen+1) * 4,
		Ordered:          true,
	}, nil
}

// DoGet streams the ticket's batches: for each step in [start_step,
// end_step), this rank's rows of train/data's batch, in order, as one
// record batch (or several of at most MaxRecordBytes of tokens, rows in
// order, for a large step).
func (s *Server) DoGet(tkt *flight.Ticket, fs flight.FlightService_DoGetServer) error {
	r, err := s.prepare(tkt.GetTicket())
	if err != nil {
		return grpcError(err)
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	default:
		return status.Errorf(codes.ResourceExhausted, "feed: %d streams already running", cap(s.sem))
	}
	began := time.Now()
	sent, err := s.stream(fs, r)
	s.log.Info("feed stream", "manifest", r.path, "config", r.plan.ConfigHash[:12], "rank", r.t.Rank,
		"world", max(r.t.World, 1), "start_step", r.start, "steps_sent", sent, "end_step", r.end,
		"tokens", sent*int64(r.per)*int64(r.plan.SeqLen), "seconds", time.Since(began).Seconds(), "err", err)
	return grpcError(err)
}

// stream sends the run and returns the number of whole steps sent.
func (s *Server) stream(fs flight.FlightService_DoGetServer, r *run) (int64, error) {
	ctx := fs.Context()
	l, err := data.Open(ctx, r.path, r.t.Config())
	if err != nil {
		return 0, err
	}
	defer l.Close()
	if l.Plan().ConfigHash != r.plan.ConfigHash {
		return 0, fmt.Errorf("%w: the manifest changed while the stream opened; ask again", errMismatch)
	}
	if r.start > 0 {
		st := data.State{Samples: r.start * int64(r.plan.GlobalBatch), ConfigHash: r.plan.ConfigHash}
		if err := l.Resume(st, false); err != nil {
			return 0, err
		}
	}
	w := flight.NewRecordWriter(fs, ipc.WithSchema(r.schema))
	rows := max(1, s.maxRecord/((r.plan.SeqLen+1)*4))
	for step := r.start; step < r.end; step++ {
		select {
		case <-ctx.Done():
			return step - r.start, ctx.Err()
		case <-s.stop.Done():
			return step - r.start, fmt.Errorf("%w: resume at start_step %d", errShutdown, step)
		default:
		}
		b, err := l.Next()
		if err == io.EOF {
			return step - r.start, fmt.Errorf("feed: the loader ended at step %d of %d", step, r.end)
		}
		if err != nil {
			return step - r.start, err
		}
		for lo := 0; lo < len(b.Inputs); lo += rows {
			rec := Record(r.schema, b, lo, min(lo+rows, len(b.Inputs)))
			err := w.Write(rec)
			rec.Release()
			if err != nil {
				return step - r.start, fmt.Errorf("feed: step %d: %w", step, err)
			}
		}
	}
	return r.end - r.start, w.Close()
}

// Record converts rows [lo, hi) of a batch into a record of [Schema]'s
// layout; schema must have been made for the batch's seq_len.
func Record(schema *arrow.Schema, b data.Batch, lo, hi int) arrow.RecordBatch {
	n := hi - lo
	typ := schema.Field(2).Type.(*arrow.FixedSizeListType)
	w := int(typ.Len())
	toks := make([]int32, n*w)
	for i := lo; i < hi; i++ {
		row := toks[(i-lo)*w : (i-lo+1)*w]
		copy(row, b.Inputs[i])
		row[w-1] = b.Targets[i][w-2]
	}
	vals := array.NewData(arrow.PrimitiveTypes.Int32, len(toks),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(toks))}, nil, 0, 0)
	ld := array.NewData(typ, n, []*memory.Buffer{nil}, []arrow.ArrayData{vals}, 0, 0)
	vals.Release()
	tokens := array.NewFixedSizeListData(ld)
	ld.Release()

	sb := array.NewInt64Builder(memory.DefaultAllocator)
	nb := array.NewStringBuilder(memory.DefaultAllocator)
	for i := lo; i < hi; i++ {
		sb.Append(b.Step)
		nb.Append(b.Sources[i])
	}
	steps, names := sb.NewArray(), nb.NewArray()
	sb.Release()
	nb.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{steps, names, tokens}, int64(n))
	steps.Release()
	names.Release()
	tokens.Release()
	return rec
}
