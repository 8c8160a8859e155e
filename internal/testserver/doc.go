// Package testserver starts the real servers that tokenmill's tests run
// against, on loopback, in temporary folders: versitygw for S3. The binaries
// are installed by scripts/test.sh into .tools/bin; without them a test
// skips, unless TOKENMILL_REQUIRE_SERVERS is set (as CI does), where it fails.
package testserver
