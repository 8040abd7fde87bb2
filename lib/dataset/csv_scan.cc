#include "dataset/csv_scan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string_view>
#include <unordered_set>

#include "common/error.h"
#include "dataset/csv_masks.h"

namespace driftd::detail {
namespace {

// Blocks classified per kernel call: 2 KiB of text, 768 bytes of masks.
constexpr std::size_t kMaskBatch = 32;
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// Bit i of the result: the XOR of bits 0..i of x.
std::uint64_t prefix_xor(std::uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

std::uint64_t bits_below(unsigned bit) { return (std::uint64_t{1} << bit) - 1; }
std::size_t highest_bit(std::uint64_t x) { return 63 - static_cast<std::size_t>(std::countl_zero(x)); }

struct Block {
  std::size_t base = 0;  // file offset of bit 0
  CsvBlockMasks masks;   // bits at or past the walked range's end cleared
  // Bit i: byte i is inside a quoted section (an opening quote is, its
  // closing quote is not).
  std::uint64_t inside = 0;
};

// The 64-byte blocks of bytes[begin, end), begin outside quotes, with their
// masks and quoted regions. Blocks may extend past `end` into the rest of
// the file; the last block of the file is copied into a zero-padded buffer.
class BlockReader {
 public:
  BlockReader(std::string_view bytes, std::size_t begin, std::size_t end)
      : bytes_(bytes), end_(end), next_(begin) {}

  // Inlined: once per 64 bytes in the walks' loops.
  __attribute__((always_inline)) bool next(Block& block) {
    if (index_ == count_ && !refill()) return false;
    block.base = base_ + index_ * kCsvBlockBytes;
    block.masks = masks_[index_++];
    if (block.base + kCsvBlockBytes > end_) {
      const std::uint64_t keep = bits_below(static_cast<unsigned>(end_ - block.base));
      block.masks.quotes &= keep;
      block.masks.commas &= keep;
      block.masks.newlines &= keep;
    }
    block.inside = prefix_xor(block.masks.quotes) ^ carry_;
    carry_ = std::uint64_t{0} - (block.inside >> 63);
    return true;
  }

  // After the last block: whether the range ended inside quotes.
  bool ends_inside_quotes() const { return carry_ != 0; }

 private:
  bool refill() {
    if (next_ >= end_) return false;
    const std::size_t wanted = std::min(kMaskBatch, (end_ - next_ + kCsvBlockBytes - 1) / kCsvBlockBytes);
    const std::size_t readable = (bytes_.size() - next_) / kCsvBlockBytes;
    if (readable > 0) {
      count_ = std::min(wanted, readable);
      csv_block_masks(bytes_.data() + next_, count_, masks_);
    } else {
      char padded[kCsvBlockBytes] = {};
      std::memcpy(padded, bytes_.data() + next_, bytes_.size() - next_);
      count_ = 1;
      csv_block_masks(padded, 1, masks_);
    }
    base_ = next_;
    next_ += count_ * kCsvBlockBytes;
    index_ = 0;
    return true;
  }

  std::string_view bytes_;
  std::size_t end_;
  std::size_t next_;  // offset of the next block to classify
  std::size_t base_ = 0;
  std::size_t index_ = 0;
  std::size_t count_ = 0;
  std::uint64_t carry_ = 0;  // all ones when the next block starts inside quotes
  CsvBlockMasks masks_[kMaskBatch];
};

struct WalkEnd {
  bool unterminated = false;
  // When unterminated: the record and the field the open quote is in.
  std::size_t record_begin = 0;
  std::size_t field_index = 0;
};

// Line feeds inside quoted sections among the bits of `mask`. Rare: most
// blocks have none, and need no population count (a libgcc call on the
// x86-64 baseline, which has no POPCNT).
std::uint64_t quoted_line_feeds(const Block& block, std::uint64_t mask) {
  const std::uint64_t quoted = block.masks.newlines & block.inside & mask;
  return quoted == 0 ? 0 : static_cast<std::uint64_t>(std::popcount(quoted));
}

// Walks the fields of the whole records in bytes[begin, end), begin at a
// record start. For each field, on_field(index in its record, begin, end,
// has_quotes, ends_record_by_line_feed); after each record's last field,
// on_record(record begin, record end (its line feed, or `end`), field
// count, ended_by_line_feed, line feeds in [begin, next record)), which
// returns false to stop the walk.
template <class OnField, class OnRecord>
WalkEnd walk_fields(std::string_view bytes, std::size_t begin, std::size_t end, OnField&& on_field,
                    OnRecord&& on_record) {
  BlockReader reader(bytes, begin, end);
  Block block;
  std::size_t field_begin = begin;
  std::size_t record_begin = begin;
  std::size_t field_index = 0;
  std::uint64_t records_ended = 0;  // by a line feed
  std::uint64_t quoted_before = 0;  // quoted line feeds in [begin, block.base)
  std::size_t last_quote = kNone;   // before block.base
  while (reader.next(block)) {
    const CsvBlockMasks& masks = block.masks;
    std::uint64_t separators = (masks.commas | masks.newlines) & ~block.inside;
    while (separators != 0) {
      const auto bit = static_cast<unsigned>(std::countr_zero(separators));
      separators &= separators - 1;
      const std::size_t at = block.base + bit;
      const bool ends_record = ((masks.newlines >> bit) & 1) != 0;
      const std::uint64_t quotes_before = masks.quotes & bits_below(bit);
      const std::size_t previous_quote =
          quotes_before != 0 ? block.base + highest_bit(quotes_before) : last_quote;
      const bool has_quotes = previous_quote != kNone && previous_quote >= field_begin;
      on_field(field_index, field_begin, at, has_quotes, ends_record);
      ++field_index;
      field_begin = at + 1;
      if (ends_record) {
        ++records_ended;
        const std::uint64_t line_feeds =
            records_ended + quoted_before + quoted_line_feeds(block, bits_below(bit));
        if (!on_record(record_begin, at, field_index, true, line_feeds)) return {};
        record_begin = field_begin;
        field_index = 0;
      }
    }
    quoted_before += quoted_line_feeds(block, ~std::uint64_t{0});
    if (masks.quotes != 0) last_quote = block.base + highest_bit(masks.quotes);
  }
  if (reader.ends_inside_quotes()) return {true, record_begin, field_index};
  if (field_begin < end || field_index > 0) {
    on_field(field_index, field_begin, end, last_quote != kNone && last_quote >= field_begin, false);
    on_record(record_begin, end, field_index + 1, false, records_ended + quoted_before);
  }
  return {};
}

// The text of a field with quotes: "" inside a quoted section is one quote,
// other quotes are removed. Writes at most raw.size() bytes to out; returns
// how many.
std::size_t unquote(std::string_view raw, char* out) {
  std::size_t size = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '"') {
      out[size++] = c;
    } else if (quoted && i + 1 < raw.size() && raw[i + 1] == '"') {
      out[size++] = '"';
      ++i;
    } else {
      quoted = !quoted;
    }
  }
  return size;
}

// The field without the '\r' of a CRLF record end.
std::string_view field_bytes(std::string_view bytes, std::size_t begin, std::size_t end,
                             bool ends_record) {
  if (ends_record && end > begin && bytes[end - 1] == '\r') --end;
  return {bytes.data() + begin, end - begin};
}

// A record that is one empty field: a blank line ("", "\r" before the line
// feed) or "" (an empty quoted field).
bool is_blank_record(std::string_view record, bool ended_by_line_feed) {
  if (ended_by_line_feed && !record.empty() && record.back() == '\r') record.remove_suffix(1);
  return record.empty() || record == "\"\"";
}

std::string where(const DataFile& file, std::uint64_t line) {
  return file.path().string() + ":" + std::to_string(line) + ": ";
}

std::string column_label(std::size_t index, const std::vector<std::string>& names) {
  std::string label = "column " + std::to_string(index + 1);
  if (index < names.size()) label += " ('" + names[index] + "')";
  return label;
}

// The error of a walk from `begin` (on `first_line`) that ended inside
// quotes, naming the line of the quote that opened the last quoted section:
// in the unterminated record, a quote outside quotes opens one, and inside
// one "" is a quote, a lone " closes it.
[[noreturn]] void throw_unterminated(const DataFile& file, std::size_t begin,
                                     std::uint64_t first_line, const WalkEnd& walk,
                                     const std::vector<std::string>& names) {
  const std::string_view bytes = file.bytes();
  std::size_t open = walk.record_begin;
  bool quoted = false;
  for (std::size_t i = walk.record_begin; i < bytes.size(); ++i) {
    if (bytes[i] != '"') continue;
    if (!quoted) {
      quoted = true;
      open = i;
    } else if (i + 1 < bytes.size() && bytes[i + 1] == '"') {
      ++i;
    } else {
      quoted = false;
    }
  }
  const auto line_feeds = std::count(bytes.begin() + static_cast<std::ptrdiff_t>(begin),
                                     bytes.begin() + static_cast<std::ptrdiff_t>(open), '\n');
  throw InputError(where(file, first_line + static_cast<std::uint64_t>(line_feeds)) +
                   "unterminated quoted field in " + column_label(walk.field_index, names));
}

struct Header {
  std::vector<std::string> names;
  std::size_t data_begin = 0;       // offset of the first data record
  std::uint64_t data_first_line = 1;  // its line
};

Header read_header(const DataFile& file) {
  const std::string_view bytes = file.bytes();
  Header header;
  const auto on_field = [&](std::size_t, std::size_t begin, std::size_t end, bool has_quotes,
                            bool ends_record) {
    const std::string_view raw = field_bytes(bytes, begin, end, ends_record);
    if (!has_quotes) {
      header.names.emplace_back(raw);
      return;
    }
    std::string name(raw.size(), '\0');
    name.resize(unquote(raw, name.data()));
    header.names.push_back(std::move(name));
  };
  const auto on_record = [&](std::size_t, std::size_t end, std::size_t, bool ended_by_line_feed,
                             std::uint64_t line_feeds) {
    header.data_begin = ended_by_line_feed ? end + 1 : end;
    header.data_first_line = 1 + line_feeds;
    return false;
  };
  const WalkEnd walk = walk_fields(bytes, 0, bytes.size(), on_field, on_record);
  if (walk.unterminated) throw_unterminated(file, 0, 1, walk, header.names);
  std::unordered_set<std::string_view> seen;
  for (const std::string& name : header.names) {
    if (!seen.insert(name).second) {
      throw InputError(where(file, 1) + "duplicate column name '" + name + "'");
    }
  }
  return header;
}

class CsvSource final : public ChunkSource {
 public:
  CsvSource(const DataFile& file, Header header, std::span<const std::string> columns,
            std::size_t chunk_bytes)
      : file_(file),
        names_(std::move(header.names)),
        slot_of_field_(names_.size(), kNone),
        columns_(columns.size()),
        chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)),
        cursor_{0, header.data_begin, header.data_first_line, 0} {
    for (std::size_t slot = 0; slot < columns.size(); ++slot) {
      const auto it = std::find(names_.begin(), names_.end(), columns[slot]);
      if (it == names_.end()) {
        throw InputError(file.path().string() + ": no column '" + columns[slot] + "'");
      }
      std::size_t& field_slot = slot_of_field_[static_cast<std::size_t>(it - names_.begin())];
      if (field_slot != kNone) {
        throw InputError(file.path().string() + ": column '" + columns[slot] + "' requested twice");
      }
      field_slot = slot;
    }
  }

  bool next_chunk(ChunkPlan& plan) override {
    const std::string_view bytes = file_.bytes();
    if (cursor_.begin >= bytes.size()) return false;
    const std::size_t begin = cursor_.begin;
    // The chunk ends at the first record end at or after this offset.
    const std::size_t last_byte = begin + std::min(chunk_bytes_, bytes.size() - begin) - 1;
    BlockReader reader(bytes, begin, bytes.size());
    Block block;
    std::size_t end = bytes.size();
    std::size_t record_begin = begin;
    std::uint64_t line_feeds = 0;
    std::uint64_t rows = 0;
    bool cut = false;
    while (!cut && reader.next(block)) {
      std::uint64_t record_ends = block.masks.newlines & ~block.inside;
      std::uint64_t walked = ~std::uint64_t{0};  // the block's bits inside the chunk
      while (record_ends != 0) {
        const auto bit = static_cast<unsigned>(std::countr_zero(record_ends));
        record_ends &= record_ends - 1;
        const std::size_t at = block.base + bit;
        rows += is_row(record_begin, at, true);
        ++line_feeds;
        record_begin = at + 1;
        if (at >= last_byte) {
          end = at + 1;
          walked = bits_below(bit);
          cut = true;
          break;
        }
      }
      line_feeds += quoted_line_feeds(block, walked);
    }
    if (record_begin < end) rows += is_row(record_begin, end, false);
    plan = cursor_.advance(end, line_feeds, rows);
    return true;
  }

  std::unique_ptr<ParseScratch> make_scratch() const override {
    return std::make_unique<ParseScratch>();
  }

  void parse(const ChunkPlan& plan, RecordBatch& batch, ParseScratch&) const override {
    const std::string_view bytes = file_.bytes();
    BatchWriter writer(batch);
    writer.reset(columns_, plan);
    const std::size_t field_count = names_.size();
    // The record being walked goes to row `row`; a record that is not a row
    // (a blank line) leaves its cells there for the next one to overwrite.
    std::string_view* row = writer.row(0);
    std::uint64_t record_line = plan.first_line;
    // Inlined: the walk's hot loop calls it once per field.
    const auto on_field = [&](std::size_t index, std::size_t begin, std::size_t end, bool has_quotes,
                              bool ends_record) __attribute__((always_inline)) {
      if (index >= field_count || slot_of_field_[index] == kNone) return;
      std::string_view text = field_bytes(bytes, begin, end, ends_record);
      if (has_quotes) text = unquoted_text(text, writer);
      row[slot_of_field_[index]] = text.empty() ? std::string_view() : text;
    };
    const auto on_record = [&](std::size_t begin, std::size_t end, std::size_t fields,
                               bool ended_by_line_feed, std::uint64_t line_feeds) {
      const bool blank = fields == 1 && field_count > 1 &&
                         is_blank_record(bytes.substr(begin, end - begin), ended_by_line_feed);
      if (!blank) {
        if (fields != field_count) throw_ragged(record_line, fields);
        writer.add_row(record_line);
        row = writer.row(writer.rows());
      }
      record_line = plan.first_line + line_feeds;
      return true;
    };
    const WalkEnd walk = walk_fields(bytes, plan.begin, plan.end, on_field, on_record);
    if (walk.unterminated) throw_unterminated(file_, plan.begin, plan.first_line, walk, names_);
  }

  std::string no_rows_message() const override {
    return file_.path().string() + ": no data rows after the header";
  }

 private:
  // A data row, unless a blank record that the header's width skips.
  bool is_row(std::size_t begin, std::size_t end, bool ended_by_line_feed) const {
    return names_.size() == 1 || end - begin > 3 ||
           !is_blank_record(file_.bytes().substr(begin, end - begin), ended_by_line_feed);
  }

  [[noreturn, gnu::cold, gnu::noinline]] void throw_ragged(std::uint64_t line,
                                                           std::size_t fields) const {
    throw InputError(where(file_, line) + "row has " + std::to_string(fields) +
                     " fields, the header has " + std::to_string(names_.size()));
  }

  static std::string_view unquoted_text(std::string_view raw, BatchWriter& writer) {
    // Common case: one quoted section, no quote inside: a view of the file.
    if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"' &&
        std::memchr(raw.data() + 1, '"', raw.size() - 2) == nullptr) {
      return raw.substr(1, raw.size() - 2);
    }
    char* out = writer.text_space(raw.size());
    const std::size_t size = unquote(raw, out);
    writer.shrink_text(raw.size() - size);
    return {out, size};
  }

  const DataFile& file_;
  const std::vector<std::string> names_;
  std::vector<std::size_t> slot_of_field_;  // [field]: its batch column, or kNone
  const std::size_t columns_;
  const std::size_t chunk_bytes_;
  // next_chunk()'s position: guarded by its one caller at a time.
  ChunkCursor cursor_;
};

}  // namespace

std::vector<std::string> csv_header(const DataFile& file) { return read_header(file).names; }

std::unique_ptr<ChunkSource> make_csv_source(const DataFile& file,
                                             std::span<const std::string> columns,
                                             std::size_t chunk_bytes) {
  return std::make_unique<CsvSource>(file, read_header(file), columns, chunk_bytes);
}

}  // namespace driftd::detail
