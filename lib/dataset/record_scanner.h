// The record scanner: reads a CSV or NDJSON file (data_file.h) in chunks of
// whole records, projected on the columns asked for, on several threads,
// and hands each chunk to the caller as a RecordBatch of views into the file.
// Table / read_table (table.h) are built on it; driftctl compare uses it
// directly.
//
// What a cell is (the same rules as table.h):
//   CSV     the first record is the header (duplicate names are refused);
//           every other record has exactly as many fields. Fields are
//           separated by commas, records by LF or CRLF; a double quote
//           starts and ends a quoted section, in which commas and line
//           breaks are text and "" stands for one quote; the quotes
//           themselves are removed. An empty field is missing. A blank line
//           is skipped when the header has more than one column (with one
//           column it is a missing value).
//   NDJSON  one JSON object per non-blank line; every line is fully
//           validated. A requested key absent from a line, or null, is
//           missing. Strings are unescaped; numbers, true and false are their
//           JSON text as written (so 2.5e3 stays "2.5e3"; parse_number gives
//           the same double as for any other spelling); arrays and objects
//           are their JSON text with the whitespace outside strings removed.
//           With duplicate keys in a line the last one wins.
//
// Errors throw driftd::InputError: "PATH: no column 'x'" (CSV; for NDJSON
// an absent key is just missing everywhere), "PATH:1: duplicate column name
// 'a'", "PATH:LINE: row has 3 fields, the header has 2", "PATH:LINE:
// unterminated quoted field in column 2 ('b')" (the line where the quote
// opened), "PATH:LINE: invalid JSON: ...", "PATH:LINE: expected a JSON
// object, got array", "PATH: no data rows after the header", "PATH: empty
// file (no JSON records)".
//
// Thread safety: column_names() and scan_records() may run on any thread
// and on the same DataFile at once. Inside one scan, see scan_records().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataset/data_file.h"

namespace driftd {

namespace detail {
class BatchWriter;
}

// CSV: the header's names. NDJSON: the union of the top-level keys, in
// order of first appearance; that reads (and validates) the whole file, on
// `threads` threads.
std::vector<std::string> column_names(const DataFile& file, unsigned threads = 1);

// One chunk of whole records of a file, projected on the requested columns
// (column j is the j-th name asked for). Cells are views into the file or
// into the batch; they live as long as the batch. A row's cells are stored
// next to each other: reading row by row is the fast order.
class RecordBatch {
 public:
  std::size_t rows() const { return rows_; }
  std::size_t columns() const { return columns_; }
  // nullopt: missing.
  std::optional<std::string_view> cell(std::size_t row, std::size_t column) const {
    const std::string_view text = cells_[row * columns_ + column];
    if (text.data() == nullptr) return std::nullopt;
    return text;
  }
  // 1-based line of the file where the record starts.
  std::uint64_t line(std::size_t row) const { return lines_[row]; }
  // Index in the file of the batch's first data row (0 for the first row
  // after a CSV header).
  std::uint64_t first_row() const { return first_row_; }

 private:
  friend class detail::BatchWriter;

  // [row * columns_ + column]; data() == nullptr: missing. Row-major: the
  // parsers write a record's cells next to each other. Room for the chunk's
  // rows and a spare one that parsing may write and drop.
  std::vector<std::string_view> cells_;
  std::size_t rows_ = 0;
  std::size_t columns_ = 0;
  std::vector<std::uint64_t> lines_;  // [row]
  std::uint64_t first_row_ = 0;
  std::string text_;  // unescaped cells; reserved whole: appending never moves it
  std::size_t text_capacity_ = 0;  // what text_ must be able to hold for this chunk
  std::vector<std::string> keys_;  // NDJSON key discovery: new keys, in order
};

struct ScanOptions {
  // A chunk is the shortest run of whole records of at least this many bytes
  // (or the rest of the file). 0 counts as 1: one record per chunk.
  std::size_t chunk_bytes = std::size_t{8} << 20;
  // Threads that parse and map chunks, the caller's included. 0 counts as 1.
  unsigned threads = 1;
};

namespace detail {

// Chunks parsed or mapped but not folded yet, at most.
std::size_t scan_window(const ScanOptions& options);

using MapToSlot = std::function<void(const RecordBatch& batch, std::size_t slot)>;
using FoldSlot = std::function<void(std::size_t slot)>;

// scan_records without the Partial type: map_to_slot stores what it makes
// in slot `slot` (< scan_window()), fold_slot consumes it.
void run_scan(const DataFile& file, std::span<const std::string> columns,
              const ScanOptions& options, const MapToSlot& map_to_slot, const FoldSlot& fold_slot);

}  // namespace detail

// Reads `file`'s records projected on `columns` (distinct names), chunk by
// chunk. `map` turns each chunk with at least one row into a Partial, on the
// scanning threads, several chunks at once: it must be safe to call
// concurrently. `fold` receives the Partials one at a time, in file order,
// on one thread at a time: what it computes does not depend on
// options.threads. Chunk boundaries depend only on the file and
// options.chunk_bytes.
//
// Memory: at most options.threads batches at once (each holds a view, 16
// bytes, per projected cell, 8 bytes per row, and at most the chunk's size
// of unescaped text) and at most 2 x threads Partials waiting for fold
// (scan_window). The file's pages are released (DataFile::release) as soon
// as their chunk is mapped.
//
// Errors: an error of the file (above) or an exception of map or fold stops
// the scan and is rethrown here; when several chunks fail, the one reported
// is the first in file order, whatever the threads did. A file with no data
// rows throws after the scan.
template <class Partial>
void scan_records(const DataFile& file, std::span<const std::string> columns,
                  const ScanOptions& options, std::function<Partial(const RecordBatch&)> map,
                  std::function<void(Partial&&)> fold) {
  std::vector<std::optional<Partial>> partials(detail::scan_window(options));
  detail::run_scan(
      file, columns, options,
      [&](const RecordBatch& batch, std::size_t slot) { partials[slot].emplace(map(batch)); },
      [&](std::size_t slot) {
        Partial partial = std::move(*partials[slot]);
        partials[slot].reset();
        fold(std::move(partial));
      });
}

}  // namespace driftd
