package tarwalk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

// walk reads every member of the fixture and returns one line per member
// ("name@offset=content") and per skip ("skip reason@offset").
func walk(t testing.TB, name string, data []byte) []string {
	var out []string
	skip := func(err error) {
		var re *pipeline.RecordError
		if !errors.As(err, &re) || !errors.Is(err, pipeline.ErrCorrupt) {
			t.Fatalf("skip %v is not a corrupt RecordError", err)
		}
		out = append(out, fmt.Sprintf("skip %s@%d", pipeline.SkipReason(err), re.Offset))
	}
	w := New(name, bytes.NewReader(data), skip)
	for w.Next() {
		b, err := io.ReadAll(w)
		line := fmt.Sprintf("%s@%d=%q", w.Header().Name, w.Offset(), b)
		if err != nil {
			line += " err " + pipeline.SkipReason(err)
		}
		out = append(out, line)
	}
	if err := w.Err(); err != nil {
		t.Fatalf("fatal error %v", err)
	}
	return out
}

func TestWalk(t *testing.T) {
	long := strings.Repeat("d", 120) + "/" + strings.Repeat("e", 60) + ".txt"
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"normal.tar", []string{
			`2301/a.txt@512="alpha\n"`,
			`2301/b.txt@1536=` + fmt.Sprintf("%q", strings.Repeat("b", 600)),
			`2301/c.txt@3072=""`,
		}},
		// The long name takes a ././@LongLink header and its data block
		// before the member's own header; the offset is the member's header.
		{"gnu-longname.tar", []string{
			`short.txt@0="one\n"`,
			long + `@2048="two\n"`,
			`after.txt@3072="three\n"`,
		}},
		{"pax.tar", []string{
			`ünïcode/名前.txt@1024="pax one\n"`,
			strings.Repeat("p", 150) + `.txt@3072="pax two\n"`,
		}},
		// b's header is reported where it is; the walk resumes at c.
		{"corrupt-header.tar", []string{
			`a.txt@0="good a\n"`,
			`skip bad-tar-header@1024`,
			`c.txt@2048="good c\n"`,
		}},
		// a is whole; b is cut in its data: its bytes so far come back with
		// the truncation error, and the walk ends there.
		{"truncated.tar", []string{
			`2301/a.txt@512="alpha\n"`,
			`2301/b.txt@1536=` + fmt.Sprintf("%q", strings.Repeat("b", 100)) + ` err truncated-tar`,
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got := walk(t, tc.file, data)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestSkipUnread: members left unread are skipped by Next, and a header cut
// after a whole member is a truncation, not a clean end.
func TestSkipUnread(t *testing.T) {
	data, _ := os.ReadFile("testdata/normal.tar")
	w := New("normal.tar", bytes.NewReader(data), nil)
	var names []string
	for w.Next() {
		names = append(names, w.Header().Name)
	}
	if strings.Join(names, ",") != "2301/a.txt,2301/b.txt,2301/c.txt" || w.Err() != nil {
		t.Errorf("%v %v", names, w.Err())
	}

	var reasons []string
	w = New("cut.tar", bytes.NewReader(data[:6*512+200]), func(err error) { reasons = append(reasons, pipeline.SkipReason(err)) })
	names = nil
	for w.Next() {
		names = append(names, w.Header().Name)
	}
	if strings.Join(names, ",") != "2301/a.txt,2301/b.txt" || strings.Join(reasons, ",") != "truncated-tar" {
		t.Errorf("names %v reasons %v", names, reasons)
	}
}

func TestReadAll(t *testing.T) {
	data, _ := os.ReadFile("testdata/normal.tar")
	w := New("normal.tar", bytes.NewReader(data), nil)
	var got []string
	for w.Next() {
		b, err := w.ReadAll(100)
		if err != nil {
			got = append(got, w.Header().Name+":"+pipeline.SkipReason(err))
			continue
		}
		got = append(got, fmt.Sprintf("%s:%d", w.Header().Name, len(b)))
	}
	if s := strings.Join(got, " "); s != "2301/a.txt:6 2301/b.txt:member-too-large 2301/c.txt:0" {
		t.Errorf("got %s", s)
	}
}

type failReader struct{ r io.Reader }

var errDisk = errors.New("disk on fire")

func (f *failReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errDisk
	}
	return n, err
}

// TestStorageError: a failing reader is fatal, not a skipped record.
func TestStorageError(t *testing.T) {
	data, _ := os.ReadFile("testdata/normal.tar")
	w := New("x.tar", &failReader{bytes.NewReader(data[:2*512])}, func(err error) { t.Errorf("skip %v", err) })
	for w.Next() {
		io.Copy(io.Discard, w)
	}
	if !errors.Is(w.Err(), errDisk) {
		t.Errorf("err %v", w.Err())
	}
}

// FuzzWalk: no panic, no endless loop, never more members than blocks.
func FuzzWalk(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.tar")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		w := New("fuzz", bytes.NewReader(data), nil)
		n := 0
		for w.Next() {
			io.Copy(io.Discard, io.LimitReader(w, 1<<20))
			if n++; n > len(data)/512+1 {
				t.Fatal("more members than blocks")
			}
		}
	})
}
