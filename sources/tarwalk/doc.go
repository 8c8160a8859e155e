// Package tarwalk walks the regular files of a tar stream (arXiv's monthly
// source tarballs and each paper's inner tar, the Books3 tarball) the way
// sources need it: with each member's byte offset for error reports, with
// damage kept local (a corrupt header is reported and the walk resumes at
// the next block that holds a valid header), and with a truncated archive
// told apart from a finished one.
//
// Resynchronisation looks for a block that holds a valid ustar or GNU
// header (magic "ustar" at byte 257 and a checksum that holds): pre-POSIX
// (V7) headers have no magic, so in a V7 archive the walk cannot resume
// after damage and ends there.
//
// It exists so that every tar-based source reads tar the same way.
package tarwalk
