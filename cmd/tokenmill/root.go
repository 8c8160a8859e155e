package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// usageError marks errors caused by how the command was called (exit 2),
// as opposed to failures while running it (exit 1).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "tokenmill",
		Short:         "Build training-ready token streams from public dumps",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
	}
	root.SetVersionTemplate("tokenmill {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	addLogFlags(root)
	// One line per subcommand; each lives in its own file.
	root.AddCommand(
		// subcommands, one per line
		withDemoModelGuard(newBuildCmd()),
		newInspectCmd(),
		newRecipeCmd(),
		newLmCmd(),
		newTokenizerCmd(),
		newClassifyCmd(),
		newTrainCmd(),
		newExportCmd(),
		newSampleCmd(),
		newLangidCmd(),
		newModelsCmd(),
		newReportCmd(),
		newServeCmd(),
		newFeedCmd(),
	)
	return root
}
