package main

import (
	"bytes"
	"io"
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
