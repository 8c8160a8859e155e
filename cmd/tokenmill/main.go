// Command tokenmill turns raw public dumps into training-ready token streams
// and feeds a training job with them. It is a thin layer of flags, progress
// and exit codes over the library packages; the logic lives there.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "tokenmill:", err)
		os.Exit(exitCode(err))
	}
}
