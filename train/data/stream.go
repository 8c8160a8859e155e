package data

import (
	"fmt"
	"sort"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// stream is one source's packed token stream: epoch after epoch, each epoch
// every document once as BOS, tokens, EOS. The order of an epoch is two keyed
// permutations: of all the source's row groups (the unit of I/O), and then of
// the documents inside each window of Window consecutive row groups of that
// order. Sample j of the source is stream[j*SeqLen : j*SeqLen+SeqLen+1].
type stream struct {
	l       *Loader
	name    string
	shards  []manifest.Shard
	rgs     []rowGroup
	perEp   int64 // stream tokens per epoch
	limit   int64 // stream tokens the run reads: Quota*SeqLen+1
	layouts []*layout
	windows map[winKey]*window
}

type winKey struct{ epoch, window int64 }

func (k winKey) less(o winKey) bool {
	return k.epoch < o.epoch || k.epoch == o.epoch && k.window < o.window
}

// layout is one epoch's order of row groups and where each window starts in
// the epoch's stream.
type layout struct {
	epoch int64
	order []int32
	start []int64 // start[w] is window w's offset; start[len] is perEp
}

// window is a window's documents in shuffled order; done is closed once docs
// (or err) are set.
type window struct {
	done  chan struct{}
	err   error
	docs  [][]int32
	start []int64 // start[d] is document d's offset in the window's stream
}

func (s *stream) windowSize() int { return s.l.cfg.Window }

func (s *stream) layout(epoch int64) *layout {
	for _, lay := range s.layouts {
		if lay.epoch == epoch {
			return lay
		}
	}
	order := make([]int32, len(s.rgs))
	for i := range order {
		order[i] = int32(i)
	}
	shuffle(keyedRand(s.l.cfg.Seed, s.l.plan.ManifestVersion, s.name, epoch, -1), len(order),
		func(i, j int) { order[i], order[j] = order[j], order[i] })
	k := s.windowSize()
	nwin := (len(order) + k - 1) / k
	lay := &layout{epoch: epoch, order: order, start: make([]int64, nwin+1)}
	for w := 0; w < nwin; w++ {
		n := int64(0)
		for _, g := range order[w*k : min((w+1)*k, len(order))] {
			n += s.rgs[g].streamLen()
		}
		lay.start[w+1] = lay.start[w] + n
	}
	// Samples move forward, so the two latest epochs (the current one and the
	// next, which read-ahead may touch) are all that is worth keeping.
	if len(s.layouts) >= 2 {
		s.layouts = s.layouts[1:]
	}
	s.layouts = append(s.layouts, lay)
	return lay
}

// window returns window w of epoch e, loading it if needed, and starts
// loading the window after it.
func (s *stream) window(e int64, w int) (*window, error) {
	key := winKey{e, int64(w)}
	win := s.windows[key]
	if win == nil {
		win = s.start(key)
	}
	// A source's positions only move forward (Resume clears the cache), so
	// windows before this one will not be asked for again.
	for k := range s.windows {
		if k.less(key) {
			delete(s.windows, k)
		}
	}
	if !s.l.cfg.NoReadAhead {
		lay := s.layout(e)
		next, at := winKey{e, int64(w + 1)}, e*s.perEp+lay.start[w+1]
		if w+1 >= len(lay.start)-1 {
			next = winKey{e + 1, 0}
		}
		// Nothing past the run's last sample is fetched.
		if at < s.limit && s.windows[next] == nil {
			s.start(next)
		}
	}
	select {
	case <-win.done:
	case <-s.l.ctx.Done():
		return nil, s.l.ctx.Err()
	}
	return win, win.err
}

// start begins loading a window: in the background with read-ahead, else in
// the caller's goroutine.
func (s *stream) start(key winKey) *window {
	lay := s.layout(key.epoch)
	k := s.windowSize()
	w := int(key.window)
	groups := lay.order[w*k : min((w+1)*k, len(lay.order))]
	want := lay.start[w+1] - lay.start[w]
	win := &window{done: make(chan struct{})}
	s.windows[key] = win
	load := func() {
		defer close(win.done)
		win.docs, win.start, win.err = s.load(key, groups, want)
	}
	if s.l.cfg.NoReadAhead {
		load()
	} else {
		s.l.wg.Add(1)
		go func() {
			defer s.l.wg.Done()
			load()
		}()
	}
	return win
}

// load reads a window's row groups and shuffles their documents. It runs
// concurrently with the loader and touches only its arguments, state fixed
// at Open and the goroutine-safe shard reader.
func (s *stream) load(key winKey, groups []int32, want int64) ([][]int32, []int64, error) {
	var docs [][]int32
	for _, gi := range groups {
		g := s.rgs[gi]
		d, err := s.l.rd.readRowGroup(s.l.ctx, s.shards[g.shard], g)
		if err != nil {
			return nil, nil, fmt.Errorf("data: source %s epoch %d window %d: %w", s.name, key.epoch, key.window, err)
		}
		docs = append(docs, d...)
	}
	shuffle(keyedRand(s.l.cfg.Seed, s.l.plan.ManifestVersion, s.name, key.epoch, key.window), len(docs),
		func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	start := make([]int64, len(docs)+1)
	for i, d := range docs {
		start[i+1] = start[i] + int64(len(d)) + 2
	}
	if start[len(docs)] != want {
		return nil, nil, fmt.Errorf("data: source %s epoch %d window %d: %w: %d stream tokens, the index had %d",
			s.name, key.epoch, key.window, ErrCorrupt, start[len(docs)], want)
	}
	return docs, start, nil
}

// read fills dst with the stream's tokens from position pos on.
func (s *stream) read(dst []int32, pos int64) error {
	bos, eos := s.l.plan.BOS, s.l.plan.EOS
	for len(dst) > 0 {
		e, off := pos/s.perEp, pos%s.perEp
		lay := s.layout(e)
		nwin := len(lay.start) - 1
		w := sort.Search(nwin, func(i int) bool { return lay.start[i+1] > off })
		win, err := s.window(e, w)
		if err != nil {
			return err
		}
		woff := off - lay.start[w]
		wend := lay.start[w+1] - lay.start[w]
		for d := sort.Search(len(win.docs), func(i int) bool { return win.start[i+1] > woff }); woff < wend && len(dst) > 0; d++ {
			doc := win.docs[d]
			u := woff - win.start[d] // position inside BOS, doc, EOS
			for u < int64(len(doc))+2 && len(dst) > 0 {
				var n int
				switch {
				case u == 0:
					dst[0], n = bos, 1
				case u <= int64(len(doc)):
					n = copy(dst, doc[u-1:])
				default:
					dst[0], n = eos, 1
				}
				dst = dst[n:]
				u += int64(n)
				woff += int64(n)
				pos += int64(n)
			}
		}
	}
	return nil
}

func (s *stream) reset() {
	s.windows = map[winKey]*window{}
}
