package dedup

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
)

// Overlap measures.
const (
	// MeasureJaccard is |A∩B| / |A∪B| of the shingle sets (web pages).
	MeasureJaccard = "jaccard"
	// MeasureContainment is |A∩B| / min(|A|,|B|): the share of the smaller
	// document's shingles found in the other (books: an edition missing a
	// few chapters is a duplicate of the complete one).
	MeasureContainment = "containment"
)

// NearOptions configures near-duplicate detection. Zero values take the
// defaults of [DefaultNearOptions].
type NearOptions struct {
	Shingle string // ShingleWords or ShingleChars
	Size    int    // words or characters per shingle
	// Bands and Rows shape the LSH: Bands*Rows MinHash values, a pair is a
	// candidate when all Rows values of one band agree.
	Bands, Rows int
	Measure     string
	// Threshold: a verified pair is a duplicate when its measure is at least this.
	Threshold float64
	// SampleRate is the share of shingle hashes (those below
	// SampleRate*2^64) each document keeps on disk to verify candidates; 1
	// keeps all. SampleMin and SampleMax bound a document's sample: a
	// document keeps at least SampleMin hashes (all when it has fewer) and
	// at most SampleMax (its smallest).
	SampleRate           float64
	SampleMin, SampleMax int
	// MaxBucket is how many documents of one band bucket are compared
	// pairwise; each later document of the bucket is compared with the
	// bucket's first and with its predecessor only.
	MaxBucket int
	Seed      uint64
	// MemoryBytes caps the band records and candidate pairs held in memory
	// before they spill as sorted runs under TempDir (0: 1 GiB).
	MemoryBytes int64
	TempDir     string
	// State is a folder to load a previous build's survivors from and to
	// save this build's into ("" for none).
	State string
	// Workers verify candidate pairs in parallel at Seal (0: all cores).
	Workers int
	// KeepIDs remembers document IDs so that Survivor can name a dropped
	// document's survivor (tests, tools); it costs the IDs' memory.
	KeepIDs bool
}

// DefaultNearOptions are datatrove's MinHash defaults (5-word shingles, 14
// bands of 8 rows) with verification by Jaccard ≥ 0.8 on full shingle sets.
var DefaultNearOptions = NearOptions{
	Shingle: ShingleWords, Size: 5, Bands: 14, Rows: 8, Measure: MeasureJaccard, Threshold: 0.8,
	SampleRate: 1, SampleMin: 256, SampleMax: 1 << 16, MaxBucket: 32, Seed: 1,
}

func (o *NearOptions) fill() error {
	d := DefaultNearOptions
	if o.Shingle == "" {
		o.Shingle = d.Shingle
	}
	if o.Size <= 0 {
		o.Size = d.Size
	}
	if o.Bands <= 0 {
		o.Bands = d.Bands
	}
	if o.Rows <= 0 {
		o.Rows = d.Rows
	}
	if o.Measure == "" {
		o.Measure = d.Measure
	}
	if o.Threshold <= 0 {
		o.Threshold = d.Threshold
	}
	if o.SampleRate <= 0 {
		o.SampleRate = d.SampleRate
	}
	if o.SampleMin <= 0 {
		o.SampleMin = d.SampleMin
	}
	if o.SampleMax <= 0 {
		o.SampleMax = d.SampleMax
	}
	if o.MaxBucket <= 1 {
		o.MaxBucket = d.MaxBucket
	}
	if o.Seed == 0 {
		o.Seed = d.Seed
	}
	if o.MemoryBytes <= 0 {
		o.MemoryBytes = 1 << 30
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	switch {
	case o.Shingle != ShingleWords && o.Shingle != ShingleChars:
		return fmt.Errorf("dedup: unknown shingle kind %q", o.Shingle)
	case o.Measure != MeasureJaccard && o.Measure != MeasureContainment:
		return fmt.Errorf("dedup: unknown measure %q", o.Measure)
	case o.Threshold > 1 || o.SampleRate > 1:
		return fmt.Errorf("dedup: threshold and sample rate must be within (0,1]")
	case o.SampleMax < o.SampleMin:
		return fmt.Errorf("dedup: sample_max %d under sample_min %d", o.SampleMax, o.SampleMin)
	}
	return nil
}

// nearDoc is what Near keeps of a document in memory (48 bytes).
type nearDoc struct {
	sampleOff int64  // byte offset of the sample in its file
	sampleLen uint32 // number of hashes; 0: not compared (no shingles, or an alias of a state document)
	tau       uint64 // the sample is the document's distinct hashes < tau (MaxUint64: all of them)
	textLen   int64
	textHash  uint64
	idHash    uint64
}

type nearShard struct{ docs []nearDoc }

// Near finds near-duplicate documents over a group of shards: Observe every
// document, Seal once, then ask Duplicate. See the package doc.
type Near struct {
	o  NearOptions
	mh *minhasher

	mu     sync.Mutex
	sealed bool
	shards map[int]*nearShard
	ids    map[uint64]uint64 // ID hash -> doc key
	names  map[uint64]string // doc key -> ID, with KeepIDs
	pool   sync.Pool

	smu      sync.Mutex // the samples file
	samples  *os.File
	sw       *bufio.Writer
	sampleAt int64
	tmpDir   string

	bands *pairSorter

	// A previous build's state.
	prior        []nearDoc
	priorIDs     map[uint64]uint32
	priorSamples *os.File

	// Results of Seal.
	offsets  []int // dense index of each shard's first document
	nprior   int
	dropped  []uint64 // bitset over dense indexes
	survivor map[int]int

	docs, empty, aliases, candidates, verified, edges, clusters, ndropped atomic.Int64
}

type nearScratch struct {
	sh     shingler
	sample []uint64
	all    []uint64
	sig    []uint32
	mins   []uint64
	recs   []pair
	buf    []byte
}

// NewNear returns a near-duplicate finder; with o.State set it loads the
// survivors a previous build saved there, if any.
func NewNear(o NearOptions) (*Near, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	k := o.Bands * o.Rows
	n := &Near{o: o, mh: newMinhasher(k, o.Seed), shards: map[int]*nearShard{}, ids: map[uint64]uint64{},
		bands: newPairSorter(o.MemoryBytes/2, o.TempDir, "near-bands-")}
	if o.KeepIDs {
		n.names = map[uint64]string{}
	}
	n.pool.New = func() any {
		return &nearScratch{sh: shingler{kind: o.Shingle, n: o.Size}, sig: make([]uint32, k), mins: make([]uint64, k)}
	}
	if o.State != "" {
		if err := n.loadState(); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// docKey of a new document: shard+1 in the high half (0 is the state's),
// position in the low half; the order of keys is the input order.
func nearKey(shard, pos int) uint64 { return uint64(shard+1)<<32 | uint64(pos) }

// Observe records the next document of shard. Documents of one shard come
// in input order; shards may be observed concurrently.
func (n *Near) Observe(shard int, id, text string) error {
	if shard < 0 || shard >= 1<<31-1 {
		return fmt.Errorf("dedup: shard index %d out of range", shard)
	}
	ih := idHash(id)
	th := xxhash.Sum64String(text)
	n.mu.Lock()
	if n.sealed {
		n.mu.Unlock()
		return errors.New("dedup: Observe after Seal")
	}
	if _, dup := n.ids[ih]; dup {
		n.mu.Unlock()
		return fmt.Errorf("dedup: document ID %q observed twice", id)
	}
	st := n.shards[shard]
	if st == nil {
		st = &nearShard{}
		n.shards[shard] = st
	}
	pos := len(st.docs)
	dk := nearKey(shard, pos)
	st.docs = append(st.docs, nearDoc{idHash: ih, textHash: th, textLen: int64(len(text))})
	if pi, ok := n.priorIDs[ih]; ok && n.prior[pi].textHash == th {
		// The state's own document, seen again (a rerun, or incremental
		// ingestion over the same inputs): it is that document.
		n.ids[ih] = uint64(pi)
		n.mu.Unlock()
		n.aliases.Add(1)
		return nil
	}
	n.ids[ih] = dk
	if n.names != nil {
		n.names[dk] = id
	}
	n.mu.Unlock()
	n.docs.Add(1)

	sc := n.pool.Get().(*nearScratch)
	defer n.pool.Put(sc)
	hs := sc.sh.shingles(text)
	if len(hs) == 0 {
		n.empty.Add(1)
		return nil
	}
	sample, tau := n.sample(sc, hs)
	n.mh.signature(hs, sc.sig, sc.mins)
	sc.recs = sc.recs[:0]
	for b := 0; b < n.o.Bands; b++ {
		sc.recs = append(sc.recs, pair{bandKey(b, sc.sig[b*n.o.Rows:(b+1)*n.o.Rows]), dk})
	}
	off, err := n.writeSample(sc, sample)
	if err != nil {
		return err
	}
	// Only this shard's goroutine touches st.docs until Seal.
	d := &st.docs[pos]
	d.sampleOff, d.sampleLen, d.tau = off, uint32(len(sample)), tau
	return n.bands.add(sc.recs...)
}

// sample returns the document's distinct hashes below its threshold, sorted,
// and the threshold.
func (n *Near) sample(sc *nearScratch, hs []uint64) ([]uint64, uint64) {
	tau := uint64(math.MaxUint64)
	if n.o.SampleRate < 1 {
		tau = uint64(n.o.SampleRate * (1 << 64))
	}
	s := sc.sample[:0]
	for _, h := range hs {
		if h < tau || tau == math.MaxUint64 {
			s = append(s, h)
		}
	}
	slices.Sort(s)
	s = slices.Compact(s)
	if len(s) < n.o.SampleMin && tau != math.MaxUint64 {
		// Too few below the rate: the SampleMin smallest (all when the
		// document has fewer), so that short documents can be verified.
		all := append(sc.all[:0], hs...)
		slices.Sort(all)
		all = slices.Compact(all)
		sc.all = all
		if len(all) <= n.o.SampleMin {
			s, tau = append(s[:0], all...), math.MaxUint64
		} else {
			s, tau = append(s[:0], all[:n.o.SampleMin]...), all[n.o.SampleMin]
		}
	}
	if len(s) > n.o.SampleMax {
		tau = s[n.o.SampleMax]
		s = s[:n.o.SampleMax]
	}
	sc.sample = s
	return s, tau
}

func (n *Near) writeSample(sc *nearScratch, s []uint64) (int64, error) {
	sc.buf = sc.buf[:0]
	for _, h := range s {
		sc.buf = binary.LittleEndian.AppendUint64(sc.buf, h)
	}
	n.smu.Lock()
	defer n.smu.Unlock()
	if n.samples == nil {
		d, err := os.MkdirTemp(n.o.TempDir, "near-")
		if err != nil {
			return 0, fmt.Errorf("dedup: %w", err)
		}
		n.tmpDir = d
		f, err := os.Create(filepath.Join(d, "samples"))
		if err != nil {
			return 0, fmt.Errorf("dedup: %w", err)
		}
		n.samples, n.sw = f, bufio.NewWriterSize(f, 1<<20)
	}
	off := n.sampleAt
	if _, err := n.sw.Write(sc.buf); err != nil {
		return 0, fmt.Errorf("dedup: samples: %w", err)
	}
	n.sampleAt += int64(len(sc.buf))
	return off, nil
}

// doc returns the entry of a document key.
func (n *Near) doc(dk uint64) *nearDoc {
	if dk>>32 == 0 {
		return &n.prior[dk]
	}
	return &n.shards[int(dk>>32)-1].docs[uint32(dk)]
}

// dense maps a document key to its index in [0, documents).
func (n *Near) dense(dk uint64) int {
	if dk>>32 == 0 {
		return int(dk)
	}
	return n.offsets[int(dk>>32)-1] + int(uint32(dk))
}

// readSample reads a document's sample.
func (n *Near) readSample(dk uint64, buf []uint64) ([]uint64, error) {
	d := n.doc(dk)
	f := n.samples
	if dk>>32 == 0 {
		f = n.priorSamples
	}
	raw := make([]byte, int(d.sampleLen)*8)
	if _, err := f.ReadAt(raw, d.sampleOff); err != nil {
		return nil, fmt.Errorf("dedup: read sample: %w", err)
	}
	buf = buf[:0]
	for i := 0; i < len(raw); i += 8 {
		buf = append(buf, binary.LittleEndian.Uint64(raw[i:]))
	}
	return buf, nil
}

// restrict is the part of a sorted sample below tau.
func restrict(s []uint64, tau uint64) []uint64 {
	if tau == math.MaxUint64 {
		return s
	}
	i, _ := slices.BinarySearch(s, tau)
	return s[:i]
}

// Overlap is the measure of two samples: both are cut to the lower of their
// thresholds, where each holds every one of its document's hashes, so the
// intersection counted is exactly that of the two documents' shingle sets
// restricted to hashes below the threshold, a uniform sample of them.
func Overlap(measure string, a []uint64, ta uint64, b []uint64, tb uint64) float64 {
	t := min(ta, tb)
	a, b = restrict(a, t), restrict(b, t)
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	if measure == MeasureContainment {
		return float64(inter) / float64(min(len(a), len(b)))
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// Seal finds the clusters: candidates from the band buckets, each verified
// by its measured overlap, connected components over the verified pairs,
// then one survivor per component; a member is dropped when its own overlap
// with the survivor passes the threshold. Call once, after every Observe.
func (n *Near) Seal(ctx context.Context) error {
	n.mu.Lock()
	if n.sealed {
		n.mu.Unlock()
		return errors.New("dedup: Seal called twice")
	}
	n.sealed = true
	n.mu.Unlock()
	if n.sw != nil {
		if err := n.sw.Flush(); err != nil {
			return fmt.Errorf("dedup: samples: %w", err)
		}
	}
	// Dense indexes: the state's documents, then shards in order.
	maxShard := -1
	for s := range n.shards {
		maxShard = max(maxShard, s)
	}
	n.nprior = len(n.prior)
	n.offsets = make([]int, maxShard+1)
	total := n.nprior
	for s := 0; s <= maxShard; s++ {
		n.offsets[s] = total
		if st := n.shards[s]; st != nil {
			total += len(st.docs)
		}
	}

	// Candidate pairs from the band buckets.
	pairs := newPairSorter(n.o.MemoryBytes/2, n.o.TempDir, "near-pairs-")
	defer pairs.remove()
	var keep *bandKeeper
	if n.o.State != "" {
		var err error
		if keep, err = newBandKeeper(n.o.TempDir); err != nil {
			return err
		}
		defer keep.remove()
	}
	var cur uint64
	var first []uint64
	var prev uint64
	count := 0
	err := n.bands.iterate(func(p pair) error {
		if keep != nil {
			if err := keep.add(p); err != nil {
				return err
			}
		}
		if count == 0 || p.a != cur {
			cur, first, count = p.a, first[:0], 0
		}
		count++
		d := p.b
		var out []pair
		if len(first) < n.o.MaxBucket {
			for _, f := range first {
				if f>>32 != 0 || d>>32 != 0 { // two state documents are settled
					out = append(out, pair{f, d})
				}
			}
			first = append(first, d)
		} else {
			out = append(out, pair{first[0], d})
			if prev != first[0] {
				out = append(out, pair{prev, d})
			}
		}
		prev = d
		if len(out) > 0 {
			return pairs.add(out...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// Verify the candidates, in parallel chunks, and join the duplicates.
	uf := newUnionFind(total)
	var edges [][2]int32 // verified duplicate pairs, dense indexes
	var chunk []pair
	var last pair
	have := false
	flush := func() error {
		ok, err := n.verifyAll(chunk)
		if err != nil {
			return err
		}
		for i, p := range chunk {
			if ok[i] {
				n.edges.Add(1)
				a, b := n.dense(p.a), n.dense(p.b)
				uf.union(a, b)
				edges = append(edges, [2]int32{int32(a), int32(b)}, [2]int32{int32(b), int32(a)})
			}
		}
		chunk = chunk[:0]
		return ctx.Err()
	}
	err = pairs.iterate(func(p pair) error {
		if have && p == last {
			return nil
		}
		last, have = p, true
		n.candidates.Add(1)
		chunk = append(chunk, p)
		if len(chunk) == 1<<14 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}

	// Survivors: per component the state's documents first, then the
	// longest text, then the earliest in input order.
	keys := make([]uint64, total)
	for i := 0; i < n.nprior; i++ {
		keys[i] = uint64(i)
	}
	for s, st := range n.shards {
		for p := range st.docs {
			keys[n.offsets[s]+p] = nearKey(s, p)
		}
	}
	better := func(i, j int) bool { // is dense i preferred to dense j?
		pi, pj := i < n.nprior, j < n.nprior
		if pi != pj {
			return pi
		}
		li, lj := n.doc(keys[i]).textLen, n.doc(keys[j]).textLen
		if li != lj {
			return li > lj
		}
		return keys[i] < keys[j]
	}
	best := make([]int32, total)
	for i := range best {
		best[i] = -1
	}
	size := make([]int32, total)
	for i := 0; i < total; i++ {
		r := uf.find(i)
		size[r]++
		if best[r] < 0 || better(i, int(best[r])) {
			best[r] = int32(i)
		}
	}
	var checks []pair // (member, survivor) doc keys
	for i := 0; i < total; i++ {
		r := uf.find(i)
		if size[r] < 2 || int(best[r]) == i || i < n.nprior {
			continue
		}
		checks = append(checks, pair{keys[i], keys[best[r]]})
	}
	for i := 0; i < total; i++ {
		if uf.find(i) == i && size[i] >= 2 {
			n.clusters.Add(1)
		}
	}
	n.dropped = make([]uint64, (total+63)/64)
	if n.o.KeepIDs {
		n.survivor = map[int]int{}
	}
	star := map[int]bool{} // members whose overlap with their component's first survivor passes
	for c := 0; c < len(checks); c += 1 << 14 {
		part := checks[c:min(c+1<<14, len(checks))]
		ok, err := n.verifyAll(part)
		if err != nil {
			return err
		}
		for i, p := range part {
			if ok[i] {
				star[n.dense(p.a)] = true
			}
		}
	}
	// Greedy in each component, in order of preference: a member is
	// dropped when it duplicates a member already kept (the first
	// survivor, measured for every member, or another kept member it has a
	// verified pair with); so every dropped document has a measured overlap
	// over the threshold with a kept one, and two editions of one book
	// linked only through a third that contains neither are not lost.
	slices.SortFunc(edges, func(x, y [2]int32) int {
		if x[0] != y[0] {
			return int(x[0] - y[0])
		}
		return int(x[1] - y[1])
	})
	adj := func(i int) [][2]int32 {
		lo, _ := slices.BinarySearchFunc(edges, int32(i), func(e [2]int32, t int32) int { return int(e[0] - t) })
		hi := lo
		for hi < len(edges) && int(edges[hi][0]) == i {
			hi++
		}
		return edges[lo:hi]
	}
	members := map[int][]int{}
	for i := 0; i < total; i++ {
		if r := uf.find(i); size[r] >= 2 {
			members[r] = append(members[r], i)
		}
	}
	kept := make([]bool, total)
	for r, ms := range members {
		slices.SortFunc(ms, func(a, b int) int {
			if a == b {
				return 0
			}
			if better(a, b) {
				return -1
			}
			return 1
		})
		top := ms[0]
		kept[top] = true
		for _, m := range ms[1:] {
			via := -1
			if m >= n.nprior {
				if star[m] {
					via = top
				} else {
					for _, e := range adj(m) {
						if kept[e[1]] {
							via = int(e[1])
							break
						}
					}
				}
			}
			if via < 0 {
				kept[m] = true
				continue
			}
			n.dropped[m/64] |= 1 << (m % 64)
			n.ndropped.Add(1)
			if n.survivor != nil {
				n.survivor[m] = via
			}
		}
		_ = r
	}
	if keep != nil {
		if err := n.saveState(keep, keys); err != nil {
			return err
		}
	}
	return nil
}

// verifyAll measures each pair and reports which pass the threshold, using
// the configured workers; the answers do not depend on their number.
func (n *Near) verifyAll(ps []pair) ([]bool, error) {
	ok := make([]bool, len(ps))
	if len(ps) == 0 {
		return ok, nil
	}
	w := min(n.o.Workers, (len(ps)+255)/256)
	var wg sync.WaitGroup
	errs := make([]error, w)
	per := (len(ps) + w - 1) / w
	for k := 0; k < w; k++ {
		lo, hi := k*per, min((k+1)*per, len(ps))
		wg.Add(1)
		go func(k, lo, hi int) {
			defer wg.Done()
			var a, b []uint64
			var lastA uint64
			haveA := false
			for i := lo; i < hi; i++ {
				p := ps[i]
				var err error
				if !haveA || p.a != lastA {
					if a, err = n.readSample(p.a, a); err != nil {
						errs[k] = err
						return
					}
					lastA, haveA = p.a, true
				}
				if b, err = n.readSample(p.b, b); err != nil {
					errs[k] = err
					return
				}
				da, db := n.doc(p.a), n.doc(p.b)
				n.verified.Add(1)
				ok[i] = Overlap(n.o.Measure, a, da.tau, b, db.tau) >= n.o.Threshold
			}
		}(k, lo, hi)
	}
	wg.Wait()
	return ok, errors.Join(errs...)
}

// Duplicate reports whether the document observed under id is a near
// duplicate of a survivor. Safe for concurrent use after Seal.
func (n *Near) Duplicate(id string) (bool, error) {
	if n.dropped == nil {
		return false, errors.New("dedup: Duplicate before Seal")
	}
	dk, ok := n.ids[idHash(id)]
	if !ok {
		return false, fmt.Errorf("dedup: document %q was not observed", id)
	}
	if dk>>32 == 0 {
		return false, nil // a state document, published before
	}
	d := n.dense(dk)
	return n.dropped[d/64]&(1<<(d%64)) != 0, nil
}

// Survivor names the document that made id a duplicate ("" when id is
// kept or when the survivor is a state document); it needs KeepIDs.
func (n *Near) Survivor(id string) string {
	dk, ok := n.ids[idHash(id)]
	if !ok || n.survivor == nil || dk>>32 == 0 {
		return ""
	}
	s, ok := n.survivor[n.dense(dk)]
	if !ok || s < n.nprior {
		return ""
	}
	for sh, off := range n.offsets {
		if st := n.shards[sh]; st != nil && s >= off && s < off+len(st.docs) {
			return n.names[nearKey(sh, s-off)]
		}
	}
	return ""
}

// Counters reports what near-dedup saw and decided.
func (n *Near) Counters() map[string]int64 {
	return map[string]int64{
		"docs":              n.docs.Load(),
		"docs_no_shingles":  n.empty.Load(),
		"docs_state":        int64(len(n.prior)),
		"docs_state_seen":   n.aliases.Load(),
		"candidate_pairs":   n.candidates.Load(),
		"verified_pairs":    n.verified.Load(),
		"duplicate_pairs":   n.edges.Load(),
		"clusters":          n.clusters.Load(),
		"docs_near_dup":     n.ndropped.Load(),
		"spills":            n.bands.spills,
		"spilled_bytes":     n.bands.spilled,
		"band_records":      n.bands.total,
		"sample_file_bytes": n.sampleAt,
	}
}

// Close removes the temporary files.
func (n *Near) Close() error {
	n.smu.Lock()
	defer n.smu.Unlock()
	if n.samples != nil {
		n.samples.Close()
		n.samples = nil
	}
	if n.priorSamples != nil {
		n.priorSamples.Close()
		n.priorSamples = nil
	}
	if n.tmpDir != "" {
		os.RemoveAll(n.tmpDir)
		n.tmpDir = ""
	}
	n.bands.remove()
	return nil
}

// unionFind over dense indexes, with path halving and union by index (the
// lower root wins), so the structure does not depend on the order of unions.
type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	return &unionFind{p}
}

func (u *unionFind) find(i int) int {
	for int(u.parent[i]) != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = int(u.parent[i])
	}
	return i
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		u.parent[rb] = int32(ra)
	} else {
		u.parent[ra] = int32(rb)
	}
}

// stateMeta is the parameters a state was made with; a state is reused
// only by a build with the same ones.
type stateMeta struct {
	Format     int     `json:"format"`
	Shingle    string  `json:"shingle"`
	Size       int     `json:"size"`
	Bands      int     `json:"bands"`
	Rows       int     `json:"rows"`
	Seed       uint64  `json:"seed"`
	SampleRate float64 `json:"sample_rate"`
	SampleMin  int     `json:"sample_min"`
	SampleMax  int     `json:"sample_max"`
	Docs       int     `json:"docs"`
}

func (n *Near) meta(docs int) stateMeta {
	return stateMeta{Format: 1, Shingle: n.o.Shingle, Size: n.o.Size, Bands: n.o.Bands, Rows: n.o.Rows, Seed: n.o.Seed,
		SampleRate: n.o.SampleRate, SampleMin: n.o.SampleMin, SampleMax: n.o.SampleMax, Docs: docs}
}

const stateDocSize = 48

// loadState reads the survivors of a previous build: their table, their
// samples (read in place) and their band records (a sorted run merged with
// this build's).
func (n *Near) loadState() error {
	data, err := os.ReadFile(filepath.Join(n.o.State, "near.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil // a first build
	}
	if err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	var m stateMeta
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("dedup: state %s: %w", n.o.State, err)
	}
	want := n.meta(m.Docs)
	if m != want {
		return fmt.Errorf("dedup: state %s was made with other parameters (%+v, this build %+v)", n.o.State, m, want)
	}
	raw, err := os.ReadFile(filepath.Join(n.o.State, "docs.bin"))
	if err != nil || len(raw) != m.Docs*stateDocSize {
		return fmt.Errorf("dedup: state %s: docs.bin does not hold %d documents (%v)", n.o.State, m.Docs, err)
	}
	n.prior = make([]nearDoc, m.Docs)
	n.priorIDs = make(map[uint64]uint32, m.Docs)
	for i := range n.prior {
		b := raw[i*stateDocSize:]
		d := nearDoc{idHash: binary.LittleEndian.Uint64(b), textHash: binary.LittleEndian.Uint64(b[8:]),
			textLen: int64(binary.LittleEndian.Uint64(b[16:])), tau: binary.LittleEndian.Uint64(b[24:]),
			sampleOff: int64(binary.LittleEndian.Uint64(b[32:])), sampleLen: binary.LittleEndian.Uint32(b[40:])}
		n.prior[i] = d
		n.priorIDs[d.idHash] = uint32(i)
	}
	if n.priorSamples, err = os.Open(filepath.Join(n.o.State, "samples.bin")); err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	n.bands.extra = append(n.bands.extra, filepath.Join(n.o.State, "bands.bin"))
	return nil
}

// bandKeeper copies the sorted band records as they are merged at Seal, so
// that the survivors' can be saved.
type bandKeeper struct {
	dir  string
	f    *os.File
	w    *bufio.Writer
	name string
}

func newBandKeeper(tempDir string) (*bandKeeper, error) {
	d, err := os.MkdirTemp(tempDir, "near-keep-")
	if err != nil {
		return nil, fmt.Errorf("dedup: %w", err)
	}
	name := filepath.Join(d, "bands")
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("dedup: %w", err)
	}
	return &bandKeeper{dir: d, f: f, w: bufio.NewWriterSize(f, 1<<20), name: name}, nil
}

func (k *bandKeeper) add(p pair) error {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], p.a)
	binary.LittleEndian.PutUint64(b[8:], p.b)
	_, err := k.w.Write(b[:])
	return err
}

func (k *bandKeeper) remove() {
	if k.f != nil {
		k.f.Close()
	}
	os.RemoveAll(k.dir)
}

// saveState writes the state's documents and this build's survivors to a
// new folder and puts it in place of the old: near.json, docs.bin (48
// bytes a document), samples.bin and bands.bin (16-byte records sorted by
// band key, then document). A document's index in the new state follows
// its key order (state documents first, then input order), so the band
// records stay sorted when renumbered.
func (n *Near) saveState(keep *bandKeeper, keys []uint64) error {
	if err := keep.w.Flush(); err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	tmp := n.o.State + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	index := map[uint64]uint32{} // doc key -> index in the new state
	df, err := os.Create(filepath.Join(tmp, "docs.bin"))
	if err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	sf, err := os.Create(filepath.Join(tmp, "samples.bin"))
	if err != nil {
		df.Close()
		return fmt.Errorf("dedup: state: %w", err)
	}
	dw, sw := bufio.NewWriterSize(df, 1<<20), bufio.NewWriterSize(sf, 1<<20)
	var off int64
	var sample []uint64
	for i, dk := range keys {
		d := n.doc(dk)
		if i >= n.nprior && (d.sampleLen == 0 || n.dropped[i/64]&(1<<(i%64)) != 0) {
			continue // no shingles, an alias of a state document, or a duplicate
		}
		if sample, err = n.readSample(dk, sample); err != nil {
			break
		}
		for _, h := range sample {
			binary.Write(sw, binary.LittleEndian, h)
		}
		var b [stateDocSize]byte
		binary.LittleEndian.PutUint64(b[:], d.idHash)
		binary.LittleEndian.PutUint64(b[8:], d.textHash)
		binary.LittleEndian.PutUint64(b[16:], uint64(d.textLen))
		binary.LittleEndian.PutUint64(b[24:], d.tau)
		binary.LittleEndian.PutUint64(b[32:], uint64(off))
		binary.LittleEndian.PutUint32(b[40:], d.sampleLen)
		dw.Write(b[:])
		index[dk] = uint32(len(index))
		off += int64(d.sampleLen) * 8
	}
	for _, c := range []struct {
		w *bufio.Writer
		f *os.File
	}{{dw, df}, {sw, sf}} {
		if ferr := c.w.Flush(); ferr != nil && err == nil {
			err = ferr
		}
		if cerr := c.f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	// The survivors' band records, renumbered.
	var kept []pair
	var werr error
	flushKept := func(bw *bufio.Writer) {
		for _, p := range kept {
			var b [16]byte
			binary.LittleEndian.PutUint64(b[:8], p.a)
			binary.LittleEndian.PutUint64(b[8:], p.b)
			if _, err := bw.Write(b[:]); err != nil && werr == nil {
				werr = err
			}
		}
		kept = kept[:0]
	}
	bf, err := os.Create(filepath.Join(tmp, "bands.bin"))
	if err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	bw := bufio.NewWriterSize(bf, 1<<20)
	src := &pairSorter{extra: []string{keep.name}}
	err = src.iterate(func(p pair) error {
		if i, ok := index[p.b]; ok {
			kept = append(kept, pair{p.a, uint64(i)})
			if len(kept) == 4096 {
				flushKept(bw)
			}
		}
		return werr
	})
	flushKept(bw)
	if err == nil {
		err = werr
	}
	if ferr := bw.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	if cerr := bf.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	mj, _ := json.MarshalIndent(n.meta(len(index)), "", "  ")
	if err := os.WriteFile(filepath.Join(tmp, "near.json"), mj, 0o644); err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	// The old state's samples are read no more: swap the folders.
	if n.priorSamples != nil {
		n.priorSamples.Close()
		n.priorSamples = nil
	}
	if err := os.RemoveAll(n.o.State); err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	if err := os.Rename(tmp, n.o.State); err != nil {
		return fmt.Errorf("dedup: state: %w", err)
	}
	return nil
}
