// Private to lib/dataset: what the record scanner's orchestration
// (record_scanner.cc) asks of a file format (csv_scan.h, ndjson_scan.h).
//
// A ChunkSource cuts a file into chunks of whole records, one after the
// other (next_chunk: sequential, cheap), and parses a chunk into a
// RecordBatch (parse: any number of threads at once, each with its own
// ParseScratch and batch). next_chunk counts the records of each chunk so
// that the scanner knows every chunk's first row and line before parsing.
//
// BatchWriter is how a format fills a RecordBatch.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dataset/record_scanner.h"

namespace driftd::detail {

struct ChunkPlan {
  std::size_t index = 0;  // 0, 1, 2... in file order
  std::size_t begin = 0;  // file offsets of whole records: [begin, end)
  std::size_t end = 0;
  std::uint64_t first_line = 1;  // line at `begin`
  std::uint64_t first_row = 0;   // data rows before `begin`
  std::uint64_t rows = 0;        // data rows in the chunk
};

// Where a source's next chunk starts: next_chunk()'s position.
struct ChunkCursor {
  std::size_t index = 0;
  std::size_t begin = 0;
  std::uint64_t line = 1;
  std::uint64_t row = 0;

  // The plan of the chunk [begin, end), which holds `line_feeds` line feeds
  // and `rows` data rows; the cursor moves past it.
  ChunkPlan advance(std::size_t end, std::uint64_t line_feeds, std::uint64_t rows) {
    const ChunkPlan plan{index++, begin, end, line, row, rows};
    begin = end;
    line += line_feeds;
    row += rows;
    return plan;
  }
};

// A format's per-thread parsing state (a JSON parser, buffers).
class ParseScratch {
 public:
  virtual ~ParseScratch() = default;
};

class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // The chunk after the previous one (the first data chunk at the first
  // call), or false after the last. REQUIRES: one caller at a time.
  virtual bool next_chunk(ChunkPlan& plan) = 0;
  virtual std::unique_ptr<ParseScratch> make_scratch() const = 0;
  // The plan's records, projected, into `batch`; throws InputError for the
  // first bad record. Thread-safe (const).
  virtual void parse(const ChunkPlan& plan, RecordBatch& batch, ParseScratch& scratch) const = 0;
  // "PATH: no data rows after the header" and the like.
  virtual std::string no_rows_message() const = 0;
};

class BatchWriter {
 public:
  explicit BatchWriter(RecordBatch& batch) : batch_(batch) {}

  // Empties the batch (keeping its memory) for the plan's chunk, projected
  // on `columns` columns: room for plan.rows rows (and the spare one),
  // cells unset.
  void reset(std::size_t columns, const ChunkPlan& plan) {
    batch_.columns_ = columns;
    batch_.rows_ = 0;
    batch_.cells_.resize(columns * (plan.rows + 1));
    batch_.lines_.resize(plan.rows);
    batch_.first_row_ = plan.first_row;
    batch_.text_.clear();
    batch_.text_capacity_ = plan.end - plan.begin;
    batch_.keys_.clear();
  }

  // Every cell missing.
  void clear_cells() { std::fill(batch_.cells_.begin(), batch_.cells_.end(), std::string_view()); }
  // Row `row`'s cells, for rows 0 to plan.rows (the spare one).
  std::string_view* row(std::size_t row) { return batch_.cells_.data() + row * batch_.columns_; }
  // The next row starts on `line`: its cells become part of the batch.
  // Throws when the chunk has more rows than its plan (a miscount).
  void add_row(std::uint64_t line) {
    if (batch_.rows_ == batch_.lines_.size()) {
      throw std::logic_error("record scanner: more rows than the chunk's plan");
    }
    batch_.lines_[batch_.rows_++] = line;
  }
  std::size_t rows() const { return batch_.rows_; }
  std::vector<std::string>& keys() { return batch_.keys_; }
  static const std::vector<std::string>& keys(const RecordBatch& batch) { return batch.keys_; }

  // Room for `size` more bytes of unescaped text, whose view stays valid
  // (the text never moves). REQUIRES: the text of a chunk is at most the
  // chunk's size (unescaping only shortens), as reset() was told.
  char* text_space(std::size_t size) {
    std::string& text = batch_.text_;
    if (text.capacity() < batch_.text_capacity_) {
      if (!text.empty()) throw std::logic_error("BatchWriter: text moved");
      text.reserve(batch_.text_capacity_);
    }
    if (text.size() + size > text.capacity()) {
      throw std::logic_error("BatchWriter: text larger than its chunk");
    }
    const std::size_t offset = text.size();
    text.resize(offset + size);
    return text.data() + offset;
  }
  // Gives back the end of the last text_space() that was not used.
  void shrink_text(std::size_t unused) { batch_.text_.resize(batch_.text_.size() - unused); }

 private:
  RecordBatch& batch_;
};

}  // namespace driftd::detail
