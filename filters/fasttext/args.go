package fasttext

import "fmt"

// Loss is fastText's loss function, numbered as in its model files.
type Loss int32

// The losses fastText knows. Softmax is the supervised default.
const (
	LossHS      Loss = 1 // hierarchical softmax over a Huffman tree of the labels
	LossNS      Loss = 2 // negative sampling
	LossSoftmax Loss = 3 // full softmax
	LossOVA     Loss = 4 // one-vs-all: an independent sigmoid per label
)

// String returns the name fastText's -loss option uses.
func (l Loss) String() string {
	switch l {
	case LossHS:
		return "hs"
	case LossNS:
		return "ns"
	case LossSoftmax:
		return "softmax"
	case LossOVA:
		return "ova"
	}
	return fmt.Sprintf("loss(%d)", int32(l))
}

// ParseLoss maps fastText's -loss names to a Loss.
func ParseLoss(s string) (Loss, error) {
	for _, l := range []Loss{LossHS, LossNS, LossSoftmax, LossOVA} {
		if l.String() == s {
			return l, nil
		}
	}
	if s == "one-vs-all" {
		return LossOVA, nil
	}
	return 0, fmt.Errorf("fasttext: unknown loss %q (want hs, ns, softmax or ova)", s)
}

// ModelKind is fastText's model type, numbered as in its model files.
type ModelKind int32

// The model kinds. Only Supervised models can predict labels.
const (
	KindCBOW       ModelKind = 1
	KindSkipGram   ModelKind = 2
	KindSupervised ModelKind = 3
)

// Args are the hyperparameters stored at the head of a fastText model file,
// in file order. Lr, thread counts and the like are training-only and are
// not stored, so they are not here (see [Options]).
type Args struct {
	Dim          int32
	WS           int32
	Epoch        int32
	MinCount     int32
	Neg          int32
	WordNgrams   int32
	Loss         Loss
	Model        ModelKind
	Bucket       int32
	Minn         int32
	Maxn         int32
	LRUpdateRate int32
	T            float64 // sampling threshold (unused by supervised models)
}
