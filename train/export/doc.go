// Package export writes a build's token shards in the files other trainers
// read directly, so an output can feed them without tokenmill's loader:
//
//   - Megatron-LM's indexed dataset (megatron/core/datasets/indexed_dataset.py),
//     one PREFIX.bin and PREFIX.idx per source. The .bin is the documents'
//     tokens back to back, little-endian, uint16 when the vocabulary has
//     fewer than 65500 pieces and int32 otherwise (Megatron's
//     DType.optimal_dtype). The .idx is the 9-byte magic "MMIDIDX\x00\x00",
//     uint64 version 1, uint8 dtype code (8 uint16, 4 int32), uint64
//     sequence count N, uint64 document-index count N+1, then N int32
//     sequence lengths, N int64 byte offsets into the .bin, and N+1 int64
//     document indices 0, 1, ..., N: each document is one sequence, as
//     Megatron's preprocess_data.py writes it without sentence splitting.
//   - Dolma's tokenizer output (dolma/tokenizer/memmap_writer.py), read by
//     OLMo: NAME.npy, a raw NumPy memmap with no .npy header (uint16 up to
//     65536 pieces, uint32 above), and NAME.csv.gz, one CSV row per document
//     "start,end,id,src,loc" with start and end token offsets into the
//     memmap (end exclusive), src the token shard and loc the row in it. One
//     pair per token shard, so files stay the size of the build's shards.
//
// Token shards hold no BOS or EOS; both formats get the tokenizer's EOS
// appended to every document (Megatron's --append-eod, Dolma's default), and
// no BOS. Every token is checked against the vocabulary before it is
// narrowed to the file's type, so an id that would wrap is an error, not a
// silent different token.
//
// Files are written through atomicfile: a file is complete under its name
// or absent. Memory is bounded by one batch of rows: the Megatron index's
// lengths are spilled to a temporary file while the .bin is written and
// streamed into the .idx at the end.
package export
