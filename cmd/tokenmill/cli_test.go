package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs `tokenmill ARGS` in-process with stdin as its standard input
// and returns what it printed: stdout, followed by stderr unless quiet.
func runCLI(t testing.TB, stdin string, quiet bool, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	if quiet {
		root.SetErr(io.Discard)
	}
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// TestLogFlags: --log-format json writes one JSON object per log line,
// --log-level error silences the warnings, and bad values are usage errors.
func TestLogFlags(t *testing.T) {
	recipe := filepath.Join(t.TempDir(), "r.yaml")
	// No tokenizer: the build warns that it writes text shards only.
	os.WriteFile(recipe, []byte("sources:\n  - name: commoncrawl\n    inputs: [embed://sample/commoncrawl]\n"), 0o644)
	out := t.TempDir()
	logs, err := runCLI(t, "", false, "--log-format", "json", "build", "--recipe", recipe, "--out", out, "--progress", "none")
	if err != nil {
		t.Fatal(err)
	}
	var warned bool
	for _, l := range strings.Split(logs, "\n") {
		var rec map[string]any
		if strings.HasPrefix(l, "{") && json.Unmarshal([]byte(l), &rec) == nil && rec["level"] == "WARN" &&
			strings.Contains(fmt.Sprint(rec["msg"]), "no tokenizer") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no JSON warning about the missing tokenizer in:\n%s", logs)
	}
	logs, err = runCLI(t, "", false, "--log-level", "error", "build", "--recipe", recipe, "--out", t.TempDir(), "--progress", "none")
	if err != nil || strings.Contains(logs, "no tokenizer") {
		t.Errorf("--log-level error still warns (%v):\n%s", err, logs)
	}
	for _, bad := range [][]string{{"--log-format", "xml"}, {"--log-level", "loud"}} {
		_, err := runCLI(t, "", true, append(bad, "build", "--recipe", recipe, "--out", t.TempDir())...)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: got %v, want a usage error", bad, err)
		}
	}
}
