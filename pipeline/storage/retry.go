package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gocloud.dev/gcerrors"
)

// Retry says how remote stores (HTTP, S3, GCS) time out and retry. Every
// request gets an answer within OpTimeout or is abandoned; a body that
// delivers no byte for IdleTimeout is broken. Failures that may pass (5xx,
// 429 and S3's SlowDown, connection resets and refusals, timeouts) are
// retried up to Attempts times with jittered exponential backoff; a broken
// download resumes where it stopped with a range request, checking that the
// object did not change. A throttling answer also pauses every request to
// the same store for the backoff, so concurrency backs off as a whole.
type Retry struct {
	Attempts    int
	Base, Max   time.Duration
	OpTimeout   time.Duration
	IdleTimeout time.Duration
}

// DefaultRetry is what Open uses.
var DefaultRetry = Retry{Attempts: 6, Base: 250 * time.Millisecond, Max: 20 * time.Second,
	OpTimeout: 60 * time.Second, IdleTimeout: 60 * time.Second}

// StatusError is an HTTP answer that is not a success.
type StatusError struct {
	Op, URL    string
	Code       int
	Status     string
	RetryAfter time.Duration
}

func (e *StatusError) Error() string { return fmt.Sprintf("%s %s: %s", e.Op, e.URL, e.Status) }

// classify says whether err may pass on a retry, and whether the store
// asked us to slow down.
func classify(err error) (retry, throttled bool) {
	var se *StatusError
	switch {
	case err == nil, errors.Is(err, ErrNotExist), errors.Is(err, errChanged):
		return false, false
	case errors.As(err, &se):
		return se.Code == 429 || se.Code == 408 || se.Code >= 500, se.Code == 429 || se.Code == 503
	case errors.Is(err, errIdle), errors.Is(err, errNoAnswer), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE):
		return true, false
	}
	msg := err.Error()
	if strings.Contains(msg, "SlowDown") || strings.Contains(msg, "TooManyRequests") || strings.Contains(msg, "RequestLimitExceeded") {
		return true, true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true, false
	}
	switch gcerrors.Code(err) {
	case gcerrors.ResourceExhausted:
		return true, true
	case gcerrors.DeadlineExceeded, gcerrors.Internal:
		return true, false
	}
	return false, false
}

var (
	errIdle     = errors.New("no data received for the idle timeout")
	errNoAnswer = errors.New("no answer within the request timeout")
	errChanged  = errors.New("the object changed while it was being read")
)

// throttle pauses a store's requests after a throttling answer.
type throttle struct {
	mu    sync.Mutex
	until time.Time
}

func (t *throttle) wait(ctx context.Context) error {
	t.mu.Lock()
	d := time.Until(t.until)
	t.mu.Unlock()
	if d <= 0 {
		return nil
	}
	return sleep(ctx, d)
}

func (t *throttle) pause(d time.Duration) {
	t.mu.Lock()
	if u := time.Now().Add(d); u.After(t.until) {
		t.until = u
	}
	t.mu.Unlock()
}

func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff is the wait before attempt i (from 1): full jitter over an
// exponentially growing window, at least what the server asked for.
func (p Retry) backoff(i int, err error) time.Duration {
	w := p.Base << min(i-1, 16)
	if w > p.Max || w <= 0 {
		w = p.Max
	}
	d := w/2 + time.Duration(rand.Int64N(int64(w/2)+1))
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > d {
		d = min(se.RetryAfter, p.Max)
	}
	return d
}

// do runs op until it succeeds, fails for good, or runs out of attempts;
// each attempt gets OpTimeout. what names the operation in the error.
func (p Retry) do(ctx context.Context, th *throttle, what string, op func(ctx context.Context) error) error {
	var err error
	for i := 1; ; i++ {
		if werr := th.wait(ctx); werr != nil {
			return werr
		}
		actx, cancel := context.WithTimeoutCause(ctx, p.OpTimeout, errNoAnswer)
		err = op(actx)
		if err != nil && actx.Err() != nil && ctx.Err() == nil {
			err = fmt.Errorf("%s: %w (%v): last error: %v", what, errNoAnswer, p.OpTimeout, err)
		}
		cancel()
		if err == nil || ctx.Err() != nil {
			return err
		}
		retry, throttled := classify(err)
		if !retry || i >= p.Attempts {
			if i > 1 {
				return fmt.Errorf("%w (gave up after %d attempts)", err, i)
			}
			return err
		}
		d := p.backoff(i, err)
		if throttled {
			th.pause(d)
		}
		if serr := sleep(ctx, d); serr != nil {
			return serr
		}
	}
}

// rangeOpener opens a key's bytes from off to the end; size is the object's
// whole size and tag its entity tag ("" when unknown), to tell a resumed
// read of a changed object.
type rangeOpener func(ctx context.Context, off int64) (body io.ReadCloser, size int64, tag string, err error)

// resumable is a download that survives broken connections: on an error
// mid-body, or a body that stalls for IdleTimeout, it reopens from the
// offset reached.
type resumable struct {
	ctx    context.Context
	p      Retry
	th     *throttle
	what   string
	open   rangeOpener
	off    int64
	size   int64
	tag    string
	body   io.ReadCloser
	cancel context.CancelFunc
	fails  int
	err    error
}

// openResumable opens the first range (with retries) so that a missing
// object fails at open time.
func (p Retry) openResumable(ctx context.Context, th *throttle, what string, open rangeOpener) (io.ReadCloser, error) {
	r := &resumable{ctx: ctx, p: p, th: th, what: what, open: open, size: -1}
	if err := r.reopen(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *resumable) reopen() error {
	return r.p.do(r.ctx, r.th, r.what, func(actx context.Context) error {
		// The body outlives the attempt's timeout: give it its own
		// context, cancelled by the idle watchdog or Close.
		bctx, cancel := context.WithCancel(r.ctx)
		stop := context.AfterFunc(actx, func() {
			if actx.Err() != nil && r.body == nil {
				cancel()
			}
		})
		body, size, tag, err := r.open(bctx, r.off)
		stop()
		if err != nil {
			cancel()
			return err
		}
		if r.size >= 0 && (size != r.size || (r.tag != "" && tag != "" && tag != r.tag)) {
			body.Close()
			cancel()
			return fmt.Errorf("%s: %w (size %d→%d, tag %q→%q)", r.what, errChanged, r.size, size, r.tag, tag)
		}
		if r.size < 0 {
			r.size, r.tag = size, tag
		}
		r.body, r.cancel = body, cancel
		return nil
	})
}

func (r *resumable) Read(p []byte) (int, error) {
	for {
		if r.err != nil {
			return 0, r.err
		}
		if r.body == nil {
			if err := r.reopen(); err != nil {
				r.err = err
				return 0, err
			}
		}
		n, err := r.readIdle(p)
		r.off += int64(n)
		if n > 0 {
			r.fails = 0
		}
		if err == io.EOF && (r.size < 0 || r.off >= r.size) {
			return n, io.EOF
		}
		if err == nil || (n > 0 && err != io.EOF) {
			if err != nil {
				r.drop()
			}
			return n, nil
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // the body ended before the object did
		}
		r.drop()
		if r.ctx.Err() != nil {
			r.err = r.ctx.Err()
			return n, r.err
		}
		retry, _ := classify(err)
		if r.fails++; !retry || r.fails >= r.p.Attempts {
			r.err = fmt.Errorf("%s at byte %d: %w", r.what, r.off, err)
			return n, r.err
		}
		if serr := sleep(r.ctx, r.p.backoff(r.fails, err)); serr != nil {
			r.err = serr
			return n, serr
		}
		if n > 0 {
			return n, nil
		}
	}
}

// readIdle reads from the body, breaking it off when no byte comes for
// IdleTimeout.
func (r *resumable) readIdle(p []byte) (int, error) {
	var idle atomic.Bool
	cancel := r.cancel
	tm := time.AfterFunc(r.p.IdleTimeout, func() { idle.Store(true); cancel() })
	n, err := r.body.Read(p)
	if !tm.Stop() && idle.Load() {
		return n, fmt.Errorf("%w (%v)", errIdle, r.p.IdleTimeout)
	}
	return n, err
}

func (r *resumable) drop() {
	if r.body != nil {
		r.body.Close()
		r.cancel()
		r.body = nil
	}
}

func (r *resumable) Close() error {
	r.drop()
	if r.err == nil {
		r.err = errors.New("storage: read after close")
	}
	return nil
}
