#include "dataset/record_scanner.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include "common/error.h"
#include "dataset/chunk_source.h"
#include "dataset/csv_scan.h"
#include "dataset/ndjson_scan.h"

namespace driftd {
namespace detail {
namespace {

unsigned thread_count(const ScanOptions& options) { return std::max(options.threads, 1U); }

std::unique_ptr<ChunkSource> make_source(const DataFile& file, std::span<const std::string> columns,
                                         const ScanOptions& options, bool collect_keys) {
  if (file.format() == FileFormat::kCsv) {
    return make_csv_source(file, columns, options.chunk_bytes);
  }
  return make_ndjson_source(file, columns, options.chunk_bytes, collect_keys);
}

// One scan: chunks are cut in order by whichever thread asks for work,
// parsed and mapped by that thread, and folded in order by one thread at a
// time (the one that completes the next chunk to fold, or that finds it
// completed).
class Scan {
 public:
  Scan(const DataFile& file, ChunkSource& source, const ScanOptions& options,
       const MapToSlot& map_to_slot, const FoldSlot& fold_slot)
      : file_(file),
        source_(source),
        map_to_slot_(map_to_slot),
        fold_slot_(fold_slot),
        slots_(scan_window(options)) {}

  void run(unsigned threads) {
    std::vector<std::thread> helpers;
    try {
      for (unsigned i = 1; i < threads; ++i) helpers.emplace_back([this] { work(); });
    } catch (...) {
      stop(std::current_exception());
    }
    work();
    for (std::thread& helper : helpers) helper.join();
    if (error_) std::rethrow_exception(error_);
    if (rows_ == 0) throw InputError(source_.no_rows_message());
  }

 private:
  struct Slot {
    bool done = false;    // parsed and mapped (or failed)
    bool mapped = false;  // map_to_slot filled the slot
    std::exception_ptr error;
  };

  void stop(std::exception_ptr error) {
    const std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
    stopped_ = true;
    wake_.notify_all();
  }

  void work() {
    try {
      const std::unique_ptr<ParseScratch> scratch = source_.make_scratch();
      RecordBatch batch;
      ChunkPlan plan;
      while (cut(plan)) {
        const std::size_t slot = plan.index % slots_.size();
        bool mapped = false;
        std::exception_ptr error;
        try {
          source_.parse(plan, batch, *scratch);
          if (batch.rows() != plan.rows) {
            throw std::logic_error("record scanner: a chunk's rows were miscounted");
          }
          if (plan.rows > 0) {
            map_to_slot_(batch, slot);
            mapped = true;
          }
        } catch (...) {
          error = std::current_exception();
        }
        file_.release(plan.begin, plan.end - plan.begin);

        std::unique_lock lock(mutex_);
        slots_[slot] = Slot{true, mapped, std::move(error)};
        if (!folding_) fold_ready(lock);
      }
    } catch (...) {
      stop(std::current_exception());
    }
  }

  // The next chunk, once the window has room for it; false when there is
  // none left or the scan stopped. One cutter at a time, under cut_mutex_
  // and not mutex_: completing and folding chunks never wait for a cut.
  bool cut(ChunkPlan& plan) {
    const std::lock_guard cutting(cut_mutex_);
    {
      std::unique_lock lock(mutex_);
      // At most slots_.size() chunks between the next to fold and the next
      // to cut: the bound on memory (record_scanner.h).
      wake_.wait(lock, [&] {
        return stopped_ || exhausted_ || next_chunk_ < next_fold_ + slots_.size();
      });
      if (stopped_ || exhausted_) return false;
    }
    // next_chunk_ moves only under cut_mutex_: the window still has room.
    const bool found = source_.next_chunk(plan);
    const std::lock_guard lock(mutex_);
    if (!found) {
      exhausted_ = true;
      wake_.notify_all();
      return false;
    }
    ++next_chunk_;
    rows_ += plan.rows;
    return true;
  }

  // Folds the completed chunks in order, starting at next_fold_, until one
  // is not completed yet. REQUIRES: lock held; nobody else folding.
  void fold_ready(std::unique_lock<std::mutex>& lock) {
    folding_ = true;
    while (!stopped_ && slots_[next_fold_ % slots_.size()].done) {
      const std::size_t slot = next_fold_ % slots_.size();
      std::exception_ptr error = std::move(slots_[slot].error);
      const bool mapped = slots_[slot].mapped;
      lock.unlock();
      if (!error && mapped) {
        try {
          fold_slot_(slot);
        } catch (...) {
          error = std::current_exception();
        }
      }
      lock.lock();
      slots_[slot] = Slot{};
      ++next_fold_;
      if (error) {
        // The first failure in file order: every chunk before it folded.
        if (!error_) error_ = std::move(error);
        stopped_ = true;
      }
      wake_.notify_all();
    }
    folding_ = false;
  }

  const DataFile& file_;
  ChunkSource& source_;  // next_chunk() under cut_mutex_; parse() concurrently
  const MapToSlot& map_to_slot_;
  const FoldSlot& fold_slot_;

  // Lock order: cut_mutex_, then mutex_.
  std::mutex cut_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Guarded by mutex_ (next_chunk_ also only moves under cut_mutex_):
  std::vector<Slot> slots_;     // chunk i's outcome in slots_[i % size]
  std::size_t next_chunk_ = 0;  // chunks cut so far
  std::size_t next_fold_ = 0;   // chunks folded (or skipped) so far
  std::uint64_t rows_ = 0;      // rows of the chunks cut so far
  bool folding_ = false;
  bool exhausted_ = false;      // no chunk left to cut
  bool stopped_ = false;        // an error: no more cutting or folding
  std::exception_ptr error_;
};

}  // namespace

std::size_t scan_window(const ScanOptions& options) { return 2 * std::size_t{thread_count(options)}; }

void run_scan(const DataFile& file, std::span<const std::string> columns,
              const ScanOptions& options, const MapToSlot& map_to_slot, const FoldSlot& fold_slot) {
  const std::unique_ptr<ChunkSource> source = make_source(file, columns, options, false);
  Scan(file, *source, options, map_to_slot, fold_slot).run(thread_count(options));
}

}  // namespace detail

std::vector<std::string> column_names(const DataFile& file, unsigned threads) {
  if (file.format() == FileFormat::kCsv) return detail::csv_header(file);
  ScanOptions options;
  options.threads = threads;
  const std::unique_ptr<detail::ChunkSource> source = detail::make_source(file, {}, options, true);
  std::vector<std::vector<std::string>> partials(detail::scan_window(options));
  std::vector<std::string> names;
  std::unordered_set<std::string> seen;
  const detail::MapToSlot map = [&](const RecordBatch& batch, std::size_t slot) {
    partials[slot] = detail::BatchWriter::keys(batch);
  };
  const detail::FoldSlot fold = [&](std::size_t slot) {
    for (std::string& key : partials[slot]) {
      if (seen.insert(key).second) names.push_back(std::move(key));
    }
  };
  detail::Scan(file, *source, options, map, fold).run(detail::thread_count(options));
  return names;
}

}  // namespace driftd
