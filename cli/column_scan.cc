#include "cli/column_scan.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "dataset/table.h"

namespace driftd::cli {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool digits(std::string_view text, std::size_t from, std::size_t count) {
  if (text.size() < from + count) return false;
  for (std::size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// "hh:mm", then optionally ":ss" and ".fraction", then optionally "Z" or
// "+hh:mm" / "-hh:mm" / "+hhmm".
bool looks_like_time(std::string_view text) {
  if (!digits(text, 0, 2) || text.size() < 5 || text[2] != ':' || !digits(text, 3, 2)) {
    return false;
  }
  std::size_t at = 5;
  if (at < text.size() && text[at] == ':') {
    if (!digits(text, at + 1, 2)) return false;
    at += 3;
    if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
      ++at;
      const std::size_t start = at;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
      if (at == start) return false;
    }
  }
  if (at == text.size()) return true;
  if (text[at] == 'Z' && at + 1 == text.size()) return true;
  if (text[at] != '+' && text[at] != '-') return false;
  const std::string_view zone = text.substr(at + 1);
  return (zone.size() == 5 && digits(zone, 0, 2) && zone[2] == ':' && digits(zone, 3, 2)) ||
         (zone.size() == 4 && digits(zone, 0, 4)) || (zone.size() == 2 && digits(zone, 0, 2));
}

}  // namespace

bool looks_like_date(std::string_view text) {
  if (text.size() < 10 || !digits(text, 0, 4) || text[4] != '-' || !digits(text, 5, 2) ||
      text[7] != '-' || !digits(text, 8, 2)) {
    return false;
  }
  if (text.size() == 10) return true;
  return (text[10] == 'T' || text[10] == ' ') && looks_like_time(text.substr(11));
}

uint32_t CategoryCounts::add(std::string_view text) {
  auto it = ids_.find(text);
  if (it == ids_.end()) {
    it = ids_.emplace(std::string(text), static_cast<uint32_t>(texts_.size())).first;
    texts_.emplace_back(text);
    counts_.push_back(0);
  }
  ++counts_[it->second];
  return it->second;
}

std::vector<uint32_t> CategoryCounts::merge(const CategoryCounts& other) {
  std::vector<uint32_t> remap(other.texts_.size());
  for (std::size_t i = 0; i < other.texts_.size(); ++i) {
    auto it = ids_.find(std::string_view(other.texts_[i]));
    if (it == ids_.end()) {
      it = ids_.emplace(other.texts_[i], static_cast<uint32_t>(texts_.size())).first;
      texts_.push_back(other.texts_[i]);
      counts_.push_back(0);
    }
    counts_[it->second] += other.counts_[i];
    remap[i] = it->second;
  }
  return remap;
}

void CategoryCounts::clear() {
  ids_.clear();
  texts_.clear();
  counts_.clear();
}

void NumericProfile::add(double value) {
  if (!std::isfinite(value)) {
    if (value < 0) ++negative_infinite;
    if (value > 0) ++positive_infinite;
    return;
  }
  if (finite == 0) {
    min = max = shift = value;
  } else {
    min = std::min(min, value);
    max = std::max(max, value);
  }
  ++finite;
  sum += value - shift;
  sum_squares += (value - shift) * (value - shift);
  all_integer = all_integer && value == std::trunc(value);
  if (last) increasing = increasing && *last < value;
  if (!first) first = value;
  last = value;
}

void NumericProfile::fold(const NumericProfile& later) {
  if (later.finite > 0 && finite == 0) {
    min = later.min;
    max = later.max;
    shift = later.shift;
    sum = later.sum;
    sum_squares = later.sum_squares;
  } else if (later.finite > 0) {
    min = std::min(min, later.min);
    max = std::max(max, later.max);
    // later's sums re-centred on this shift: x - s = (x - s') + d.
    const double d = later.shift - shift;
    const double count = static_cast<double>(later.finite);
    sum += later.sum + count * d;
    sum_squares += later.sum_squares + 2 * d * later.sum + count * d * d;
  }
  finite += later.finite;
  negative_infinite += later.negative_infinite;
  positive_infinite += later.positive_infinite;
  all_integer = all_integer && later.all_integer;
  increasing = increasing && later.increasing && (!last || !later.first || *last < *later.first);
  if (!first) first = later.first;
  if (later.last) last = later.last;
}

double NumericProfile::standard_deviation() const {
  const double n = static_cast<double>(finite);
  const double mean = sum / n;
  return std::sqrt(std::max(0.0, sum_squares / n - mean * mean));
}

ColumnScan::ColumnScan(const ColumnRequest& request)
    : mode_(request.mode),
      binner_(request.mode == ScanMode::kRefine ? &request.grid->binner() : request.binner),
      keep_rows_(request.keep_rows),
      grid_(request.grid),
      tally_grid_(request.grid != nullptr && request.tally),
      collect_(request.collect),
      max_collected_(request.max_collected) {
  // kRefine's counts and the grid's tally are dense per column (thousands
  // of bins): only the total of a read, which folds chunks, has them.
  if (mode_ == ScanMode::kBin) bin_counts_.assign(binner_->bin_count() + 1, 0);
}

void ColumnScan::add_cell(std::optional<std::string_view> cell) {
  ++rows_;
  if (kind_ == Kind::kMixed) return;  // to be read again as text
  if (mode_ == ScanMode::kRefine) {
    // The first read found this column numeric: only finite numbers count.
    if (cell) {
      if (const std::optional<double> number = parse_number(*cell); number && std::isfinite(*number)) {
        pending_.push_back(*number);
      }
    }
    return;
  }
  if (!cell) {
    add_missing();
    return;
  }
  if (mode_ == ScanMode::kText) {
    add_text(*cell);
    return;
  }
  const std::optional<double> number = parse_number(*cell);
  if (!number) {
    if (mode_ == ScanMode::kBin || kind_ == Kind::kNumeric) {
      become_mixed();
    } else {
      add_text(*cell);
    }
  } else if (kind_ == Kind::kText) {
    become_mixed();
  } else if (std::isnan(*number)) {
    kind_ = Kind::kNumeric;  // "nan" is a number, and missing
    add_missing();
  } else {
    add_number(*number);
  }
}

void ColumnScan::add_missing() {
  ++missing_;
  switch (kind_) {
    case Kind::kMixed:
      return;
    case Kind::kText:
      if (keep_rows_ && !too_many_categories_) row_ids_.push_back(kMissingRow);
      return;
    case Kind::kEmpty:
    case Kind::kNumeric:
      if (mode_ == ScanMode::kBin) {
        pending_.push_back(kNaN);
      } else if (mode_ == ScanMode::kDetect) {
        values_.push_back(kNaN);
      } else if (keep_rows_) {
        row_ids_.push_back(kMissingRow);
      }
      return;
  }
}

void ColumnScan::add_number(double value) {
  kind_ = Kind::kNumeric;
  if (mode_ == ScanMode::kBin) {
    pending_.push_back(value);
  } else {
    values_.push_back(value);  // profiled by finish_chunk
  }
}

void ColumnScan::drop_values() {
  values_.clear();
  values_.shrink_to_fit();
  own_grid_.reset();
  grid_ = nullptr;
  tally_ = {};
}

void ColumnScan::start_text() {
  kind_ = Kind::kText;
  drop_values();
  if (keep_rows_) row_ids_.assign(rows_ - 1, kMissingRow);
}

void ColumnScan::add_text(std::string_view text) {
  if (kind_ == Kind::kEmpty && mode_ == ScanMode::kDetect) start_text();
  kind_ = Kind::kText;
  if (too_many_categories_) return;
  all_dates_ = all_dates_ && looks_like_date(text);
  const uint32_t id = categories_.add(text);
  if (categories_.size() > kMaxTrackedCategories) {
    drop_categories();
    return;
  }
  if (keep_rows_) row_ids_.push_back(id);
}

void ColumnScan::drop_categories() {
  too_many_categories_ = true;
  categories_.clear();
  row_ids_.clear();
  row_ids_.shrink_to_fit();
}

void ColumnScan::become_mixed() {
  kind_ = Kind::kMixed;
  drop_values();
  pending_.clear();
  row_ids_.clear();
  row_ids_.shrink_to_fit();
  categories_.clear();
  bin_counts_.clear();
}

void ColumnScan::start_grid(std::size_t max_cells) {
  if (mode_ != ScanMode::kDetect) throw std::logic_error("ColumnScan::start_grid: a kDetect scan");
  if (gridded() || (kind_ != Kind::kNumeric && kind_ != Kind::kEmpty)) return;
  own_grid_ = std::make_shared<const ValueGrid>(grid_from_values(values_, max_cells));
  grid_ = own_grid_.get();
  tally_grid_ = true;
  tally_ = grid_->empty_tally();
  grid_->tally(values_, tally_);
  values_ = {};
}

void ColumnScan::reserve_values(std::size_t rows) {
  if (mode_ == ScanMode::kDetect && !gridded()) values_.reserve(rows);
}

std::size_t ColumnScan::value_bytes() const {
  return (values_.capacity() + collected_.capacity()) * sizeof(double);
}

std::size_t ColumnScan::value_bytes_after(const ColumnScan& later) const {
  if (mode_ != ScanMode::kDetect || gridded()) return value_bytes();
  const std::size_t needed = values_.size() + later.values_.size();
  const std::size_t capacity = values_.capacity();
  const std::size_t grown = needed <= capacity ? capacity : std::max(2 * capacity, needed);
  return value_bytes() + (grown - capacity) * sizeof(double);
}

void ColumnScan::finish_chunk() {
  if (mode_ == ScanMode::kDetect) {
    if (kind_ == Kind::kNumeric) {
      for (const double value : values_) profile_.add(value);  // NaN (missing) is left out
    }
    if (grid_ != nullptr && kind_ == Kind::kNumeric) {
      pending_cells_.resize(values_.size());
      grid_->binner().assign(values_, pending_cells_);
    }
    return;  // tallied when folded
  }
  if (mode_ == ScanMode::kRefine) {
    pending_cells_.resize(pending_.size());
    binner_->assign(pending_, pending_cells_);
    return;  // counted, collected and tallied when folded
  }
  if (mode_ != ScanMode::kBin || kind_ == Kind::kMixed) return;
  if (grid_ != nullptr) {
    pending_cells_.resize(pending_.size());
    grid_->binner().assign(pending_, pending_cells_);
  }
  if (keep_rows_) {
    const std::size_t start = row_ids_.size();
    row_ids_.resize(start + pending_.size());
    binner_->assign(pending_, std::span<uint32_t>(row_ids_).subspan(start));
    for (std::size_t i = start; i < row_ids_.size(); ++i) ++bin_counts_[row_ids_[i]];
  } else {
    binner_->count(pending_, bin_counts_);
  }
  if (grid_ == nullptr) pending_.clear();  // else tallied when folded
}

void ColumnScan::fold_pending(const ColumnScan& later) {
  if (grid_ == nullptr) return;
  if (tally_grid_) {
    if (tally_.counts.empty()) tally_ = grid_->empty_tally();
    grid_->tally(later.pending_, later.pending_cells_, tally_);
  }
  if (mode_ != ScanMode::kRefine) return;
  if (bin_counts_.empty()) bin_counts_.assign(binner_->bin_count() + 1, 0);
  std::size_t to_collect = 0;
  for (const uint32_t bin : later.pending_cells_) {
    ++bin_counts_[bin];
    to_collect += (*collect_)[bin] ? 1 : 0;
  }
  if (collect_overflow_ || to_collect == 0) return;
  const std::size_t needed = collected_.size() + to_collect;
  if (needed > max_collected_) {
    collect_overflow_ = true;
    collected_ = {};
    return;
  }
  // Grown by doubling, but never past the cap: memory stays within it.
  if (needed > collected_.capacity()) {
    collected_.reserve(std::min(max_collected_, std::max(needed, 2 * collected_.capacity())));
  }
  for (std::size_t i = 0; i < later.pending_.size(); ++i) {
    if ((*collect_)[later.pending_cells_[i]]) collected_.push_back(later.pending_[i]);
  }
}

void ColumnScan::pad_row_ids() {
  if (keep_rows_ && !too_many_categories_) row_ids_.resize(rows_, kMissingRow);
}

void ColumnScan::fold(ColumnScan&& later) {
  const uint64_t rows_before = rows_;
  rows_ += later.rows_;
  missing_ += later.missing_;
  if (mode_ == ScanMode::kRefine) {
    fold_pending(later);
    return;
  }
  if (kind_ == Kind::kMixed) return;
  if (later.kind_ == Kind::kMixed ||
      (kind_ == Kind::kNumeric && later.kind_ == Kind::kText) ||
      (kind_ == Kind::kText && later.kind_ == Kind::kNumeric)) {
    become_mixed();
    return;
  }
  if (mode_ == ScanMode::kBin) {
    for (std::size_t b = 0; b < bin_counts_.size(); ++b) bin_counts_[b] += later.bin_counts_[b];
    fold_pending(later);
    row_ids_.insert(row_ids_.end(), later.row_ids_.begin(), later.row_ids_.end());
    if (later.kind_ == Kind::kNumeric) kind_ = Kind::kNumeric;
    return;
  }
  const bool text = kind_ == Kind::kText || later.kind_ == Kind::kText;
  if (!text) {  // numeric or empty (kDetect: values; kText never gets here)
    if (gridded() && later.grid_ == grid_ && later.pending_cells_.size() == later.values_.size()) {
      grid_->tally(later.values_, later.pending_cells_, tally_);
    } else if (gridded()) {  // a chunk scanned before the grid was started
      grid_->tally(later.values_, tally_);
    } else {
      values_.insert(values_.end(), later.values_.begin(), later.values_.end());
    }
    profile_.fold(later.profile_);
    if (later.kind_ == Kind::kNumeric) kind_ = Kind::kNumeric;
    return;
  }
  if (kind_ == Kind::kEmpty && mode_ == ScanMode::kDetect) drop_values();
  kind_ = Kind::kText;
  all_dates_ = all_dates_ && later.all_dates_;
  if (too_many_categories_ || later.too_many_categories_) {
    if (!too_many_categories_) drop_categories();
    return;
  }
  const std::vector<uint32_t> remap = categories_.merge(later.categories_);
  if (categories_.size() > kMaxTrackedCategories) {
    drop_categories();
    return;
  }
  if (!keep_rows_) return;
  rows_ = rows_before;
  pad_row_ids();
  rows_ += later.rows_;
  for (const uint32_t id : later.row_ids_) {
    row_ids_.push_back(id == kMissingRow ? kMissingRow : remap[id]);
  }
  pad_row_ids();
}

}  // namespace driftd::cli
