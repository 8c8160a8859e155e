package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestCommitReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.bin")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(p, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "new ")
	// Before Commit the target is the old file and the new one is hidden.
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("target before commit: %q", b)
	}
	if n := names(t, dir); len(n) != 2 || !IsTemp(n[0]) || n[0][0] != '.' {
		t.Fatalf("folder during the write: %v", n)
	}
	io.WriteString(f, "content")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new content" {
		t.Fatalf("target: %q", b)
	}
	if n := names(t, dir); !slices.Equal(n, []string{"m.bin"}) {
		t.Fatalf("folder after commit: %v", n)
	}
	if err := f.Commit(); err != nil || f.Abort() != nil {
		t.Error("a second Commit or Abort is not a no-op")
	}
}

func TestAbortAndFailedWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.bin")
	f, _ := Create(p, 0o644)
	io.WriteString(f, "half")
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := WriteFile(p, 0o644, func(w io.Writer) error { io.WriteString(w, "half"); return boom }); err != boom {
		t.Fatalf("WriteFile returned %v, want the writer's error", err)
	}
	if n := names(t, dir); len(n) != 0 {
		t.Fatalf("an aborted write left %v", n)
	}
	if err := WriteFile(p, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}

// TestUniqueTemps: two writers of one target never share a temporary file,
// and the last commit wins whole.
func TestUniqueTemps(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.bin")
	a, _ := Create(p, 0o644)
	b, _ := Create(p, 0o644)
	io.WriteString(a, "aaaa")
	io.WriteString(b, "bb")
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "bb" {
		t.Errorf("target %q", got)
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a[1].bin")
	other := filepath.Join(dir, "a1.bin")
	for _, target := range []string{p, p, other} {
		f, _ := Create(target, 0o644)
		f.f.Close() // killed: never committed nor aborted
	}
	if err := RemoveStale(p); err != nil {
		t.Fatal(err)
	}
	n := names(t, dir)
	if len(n) != 1 || !IsTemp(n[0]) || n[0][:7] != ".a1.bin" {
		t.Errorf("after RemoveStale: %v (another target's temporary file must stay)", n)
	}
}
