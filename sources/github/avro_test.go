package github

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

func avroRows(t testing.TB, data []byte) (ids []string, reasons []string) {
	r, err := newAvroReader("x.avro", TableContents, io.NopCloser(bytes.NewReader(data)), func(err error) {
		if !errors.Is(err, pipeline.ErrCorrupt) {
			t.Fatalf("skip %v is not corrupt", err)
		}
		reasons = append(reasons, pipeline.SkipReason(err))
	})
	if err != nil {
		return nil, []string{"open: " + pipeline.SkipReason(err)}
	}
	var row Row
	for r.Next(&row) {
		ids = append(ids, row.ID)
	}
	r.Close()
	return ids, reasons
}

// TestAvroDamagedBlock: a byte flipped inside one snappy block fails that
// block's checksum; the rows of the other blocks are all read.
func TestAvroDamagedBlock(t *testing.T) {
	data, err := os.ReadFile("testdata/export-avro/contents-000000000000.avro")
	if err != nil {
		t.Fatal(err)
	}
	all, reasons := avroRows(t, data)
	if len(all) != 17 || len(reasons) != 1 || reasons[0] != "github-blob-sha1" {
		t.Fatalf("clean file: %d rows, skips %v", len(all), reasons)
	}
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 0x55
	got, reasons := avroRows(t, bad)
	if len(reasons) == 0 || len(got) >= len(all) || len(got) < len(all)-4 {
		t.Fatalf("damaged file: %d of %d rows, skips %v", len(got), len(all), reasons)
	}
	// Cut in the middle: the blocks before the cut are kept.
	got, reasons = avroRows(t, data[:len(data)*2/3])
	if len(got) == 0 || reasons[len(reasons)-1] != "truncated-avro" {
		t.Fatalf("cut file: %d rows, skips %v", len(got), reasons)
	}
}

// FuzzAvro: no panic, no hang, bounded rows, on any bytes.
func FuzzAvro(f *testing.F) {
	files, _ := filepath.Glob("testdata/export-avro/*.avro")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := newAvroReader("fuzz", TableContents, io.NopCloser(bytes.NewReader(data)), func(error) {})
		if err != nil {
			return
		}
		var row Row
		for n := 0; r.Next(&row); n++ {
			if n > len(data) {
				t.Fatal("more rows than bytes")
			}
		}
		r.Close()
	})
}
