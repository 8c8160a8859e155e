package fasttext_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// FuzzRead feeds Read corrupted model files: it must return an error or a
// model that predicts without panicking, never crash or hang.
func FuzzRead(f *testing.F) {
	text := "__label__a x y z\n__label__b u v w\n__label__a x\n"
	for _, o := range []func(*fasttext.Options){
		func(o *fasttext.Options) {},
		func(o *fasttext.Options) { o.WordNgrams, o.Bucket = 2, 7 },
		func(o *fasttext.Options) { o.Minn, o.Maxn, o.Bucket, o.Loss = 2, 3, 11, fasttext.LossHS },
	} {
		opts := fasttext.DefaultOptions()
		opts.Dim, opts.Epoch = 2, 1
		o(&opts)
		m, err := fasttext.Train(strings.NewReader(text), opts)
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := fasttext.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		m.Predict("x y u zz é", 0, 0)
		m.AppendPredictLine(nil, []byte("x\n"), 1, 0.5)
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), data) {
			t.Fatalf("a model read from %d bytes wrote %d different bytes", len(data), buf.Len())
		}
	})
}
