package fasttext

import (
	"fmt"
	"math"
)

// Prediction is one label with its probability as fastText reports it.
type Prediction struct {
	Label string  // with its "__label__" prefix, as in the model
	Prob  float32 // p + 1e-5 for softmax models, as fastText prints it
}

// scored is fastText's (log-probability, label index) heap entry.
type scored struct {
	score float32
	label int32
}

// comparePairs is fastText's heap order: the heap's top is the lowest score.
func comparePairs(a, b scored) bool { return a.score > b.score }

type predictState struct {
	lb     lineBuf
	text   []byte
	hidden []float32
	output []float32
	heap   []scored
}

func (m *Model) getState() *predictState {
	if s, ok := m.states.Get().(*predictState); ok {
		return s
	}
	return &predictState{
		hidden: make([]float32, m.args.Dim),
		output: make([]float32, m.output.rows()),
	}
}

// stdLog is fastText's std_log: the 1e-5 keeps log(0) finite, and is why a
// reported probability is p + 1e-5.
func stdLog(x float32) float32 { return float32(math.Log(float64(x) + 1e-5)) }

// Predict returns the k most probable labels for text, best first, skipping
// labels whose probability is below threshold; k ≤ 0 means all labels.
// Text is one line, as Python's fasttext predict sees it: fastText adds the
// "</s>" of its line end, and reading stops at a '\n' (remove newlines
// first if the whole text matters). Predict is safe for concurrent use.
func (m *Model) Predict(text string, k int, threshold float32) []Prediction {
	s := m.getState()
	s.text = append(s.text[:0], text...)
	out := m.predict(s, nil, s.text, true, k, threshold)
	m.states.Put(s)
	return out
}

// AppendPredictLine predicts for line as fastText's command line reads it
// from a stream, appending to dst: a '\n' ends the line and adds "</s>";
// without a '\n' (the last line of a file without a final newline) there is
// no "</s>". Nothing after the first '\n' is read. The appended Label
// strings are shared with the model; the call allocates nothing once dst has
// room for k predictions.
func (m *Model) AppendPredictLine(dst []Prediction, line []byte, k int, threshold float32) []Prediction {
	s := m.getState()
	out := m.predict(s, dst, line, false, k, threshold)
	m.states.Put(s)
	return out
}

func (m *Model) predict(s *predictState, dst []Prediction, line []byte, eos bool, k int, threshold float32) []Prediction {
	m.dict.line(&s.lb, line, eos)
	ids := s.lb.ids
	if len(ids) == 0 {
		return dst
	}
	nlabels := int(m.dict.nlabels)
	if k <= 0 || k > nlabels {
		k = nlabels
	}
	m.computeHidden(ids, s.hidden)
	heap := s.heap[:0]
	switch m.args.Loss {
	case LossHS:
		heap = m.hs.dfs(m.output, k, threshold, int32(2*nlabels-2), 0, heap, s.hidden)
	default:
		out := s.output
		for i := range out {
			out[i] = m.output.dotRow(s.hidden, int32(i))
		}
		if m.args.Loss == LossSoftmax {
			softmax(out)
		} else {
			for i, v := range out {
				out[i] = m.sigmoidTable(v)
			}
		}
		heap = findKBest(k, threshold, heap, out)
	}
	stdSortHeap(heap, comparePairs)
	for _, h := range heap {
		dst = append(dst, Prediction{
			Label: m.dict.entries[m.dict.nwords+h.label].word,
			Prob:  float32(math.Exp(float64(h.score))),
		})
	}
	s.heap = heap[:0]
	return dst
}

// computeHidden is Model::computeHidden: the mean of the input rows, summed
// in input order and then scaled by the float32 of 1/n.
func (m *Model) computeHidden(ids []int32, hidden []float32) {
	clear(hidden)
	in := m.fast
	if d, ok := in.(*denseMatrix); ok {
		for _, id := range ids {
			addTo(hidden, d.row(id))
		}
	} else {
		for _, id := range ids {
			in.addRowTo(hidden, id)
		}
	}
	scale := float32(1.0 / float64(len(ids)))
	for j := range hidden {
		hidden[j] *= scale
	}
}

// softmax is SoftmaxLoss::computeOutput after the matrix product.
func softmax(out []float32) {
	mx := out[0]
	for _, v := range out {
		mx = max(v, mx)
	}
	var z float32
	for i, v := range out {
		out[i] = float32(math.Exp(float64(v - mx)))
		z += out[i]
	}
	for i := range out {
		out[i] /= z
	}
}

// findKBest is Loss::findKBest: a bounded heap of the k best log scores.
func findKBest(k int, threshold float32, heap []scored, out []float32) []scored {
	for i, p := range out {
		if p < threshold {
			continue
		}
		lp := stdLog(p)
		if len(heap) == k && lp < heap[0].score {
			continue
		}
		heap = append(heap, scored{lp, int32(i)})
		stdPushHeap(heap, comparePairs)
		if len(heap) > k {
			stdPopHeap(heap, comparePairs)
			heap = heap[:len(heap)-1]
		}
	}
	return heap
}

const (
	sigmoidTableSize = 512
	maxSigmoid       = 8
	logTableSize     = 512
)

// initLoss prepares what the model's loss needs for prediction.
func (m *Model) initLoss() error {
	m.sigmoid = make([]float32, sigmoidTableSize+1)
	for i := range m.sigmoid {
		x := float32(i*2*maxSigmoid)/sigmoidTableSize - maxSigmoid
		m.sigmoid[i] = float32(1.0 / (1.0 + float64(float32(math.Exp(float64(-x))))))
	}
	if m.args.Loss == LossHS {
		counts := make([]int64, m.dict.nlabels)
		for i := range counts {
			counts[i] = m.dict.entries[m.dict.nwords+int32(i)].count
		}
		m.hs = buildTree(counts)
		if m.hs == nil {
			return fmt.Errorf("%w: label counts make no Huffman tree", ErrFormat)
		}
	}
	return nil
}

// sigmoidTable is Loss::sigmoid: a 512-entry table, clamped outside ±8.
func (m *Model) sigmoidTable(x float32) float32 {
	if x < -maxSigmoid {
		return 0
	}
	if x > maxSigmoid {
		return 1
	}
	i := int64((x + maxSigmoid) * sigmoidTableSize / maxSigmoid / 2)
	return m.sigmoid[i]
}

// hsTree is the Huffman tree of HierarchicalSoftmaxLoss.
type hsTree struct {
	osz   int32
	nodes []hsNode
	paths [][]int32
	codes [][]bool
}

type hsNode struct {
	parent, left, right int32
	count               int64
	binary              bool
}

// buildTree is HierarchicalSoftmaxLoss::buildTree, the Huffman tree over
// the label counts. It returns nil if the counts cannot make a tree.
func buildTree(counts []int64) *hsTree {
	if len(counts) == 0 {
		return nil
	}
	osz := int32(len(counts))
	t := &hsTree{osz: osz, nodes: make([]hsNode, max(2*osz-1, 0))}
	for i := range t.nodes {
		t.nodes[i] = hsNode{parent: -1, left: -1, right: -1, count: 1e15}
	}
	for i := int32(0); i < osz; i++ {
		t.nodes[i].count = counts[i]
	}
	leaf, node := osz-1, osz
	for i := osz; i < 2*osz-1; i++ {
		var mini [2]int32
		for j := range mini {
			// node < i: only built nodes. fastText relies on the 1e15 count
			// of unbuilt nodes instead, which corrupt counts could defeat.
			if leaf >= 0 && (node >= i || t.nodes[leaf].count < t.nodes[node].count) {
				mini[j] = leaf
				leaf--
			} else if node < i {
				mini[j] = node
				node++
			} else {
				return nil
			}
		}
		t.nodes[i].left, t.nodes[i].right = mini[0], mini[1]
		t.nodes[i].count = t.nodes[mini[0]].count + t.nodes[mini[1]].count
		t.nodes[mini[0]].parent = i
		t.nodes[mini[1]].parent = i
		t.nodes[mini[1]].binary = true
	}
	for i := int32(0); i < osz; i++ {
		var path []int32
		var code []bool
		for j := i; t.nodes[j].parent != -1; j = t.nodes[j].parent {
			path = append(path, t.nodes[j].parent-osz)
			code = append(code, t.nodes[j].binary)
		}
		t.paths = append(t.paths, path)
		t.codes = append(t.codes, code)
	}
	return t
}

// dfs is HierarchicalSoftmaxLoss::dfs: a best-first walk pruned by the
// current k-th best score.
func (t *hsTree) dfs(wo matrix, k int, threshold float32, node int32, score float32, heap []scored, hidden []float32) []scored {
	if score < stdLog(threshold) {
		return heap
	}
	if len(heap) == k && score < heap[0].score {
		return heap
	}
	n := &t.nodes[node]
	if n.left == -1 && n.right == -1 {
		heap = append(heap, scored{score, node})
		stdPushHeap(heap, comparePairs)
		if len(heap) > k {
			stdPopHeap(heap, comparePairs)
			heap = heap[:len(heap)-1]
		}
		return heap
	}
	f := wo.dotRow(hidden, node-t.osz)
	f = float32(1.0 / float64(1+float32(math.Exp(float64(-f)))))
	heap = t.dfs(wo, k, threshold, n.left, score+stdLog(1.0-f), heap, hidden)
	heap = t.dfs(wo, k, threshold, n.right, score+stdLog(f), heap, hidden)
	return heap
}

// DocProb returns the probability fastText reports for label on a whole
// document: its newlines are read as spaces, so every line counts (the
// LLaMA / RedPajama recipe classifies a page with its lines joined by
// spaces and keeps p(__label__wiki) ≥ 0.25). ok is false when the model has
// no such label or the document has no feature at all.
func (m *Model) DocProb(doc string, label string) (prob float32, ok bool) {
	s := m.getState()
	defer m.states.Put(s)
	buf := append(s.text[:0], doc...)
	for i, c := range buf {
		if c == '\n' {
			buf[i] = ' '
		}
	}
	s.text = buf
	preds := m.predict(s, nil, buf, true, 0, 0)
	for _, p := range preds {
		if p.Label == label {
			return p.Prob, true
		}
	}
	return 0, false
}
