package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
)

// Logging flags shared by every command: --log-format text|json and
// --log-level debug|info|warn|error. Logs go to stderr; results to stdout.
func addLogFlags(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.String("log-format", "text", "log format: text (key=value) or json (one object per line)")
	pf.String("log-level", "info", "least severe level logged: debug, info, warn or error")
}

// newLogger makes the logger the command's flags ask for, writing to w. A
// command built without the root's flags (tests) gets text at info.
func newLogger(cmd *cobra.Command, w io.Writer) (*slog.Logger, error) {
	format, level := "text", "info"
	if f := cmd.Flags().Lookup("log-format"); f != nil {
		format = f.Value.String()
	}
	if f := cmd.Flags().Lookup("log-level"); f != nil {
		level = f.Value.String()
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, usageError{fmt.Errorf("--log-level %q: want debug, info, warn or error", level)}
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError{fmt.Errorf("--log-format %q: want text or json", format)}
}
