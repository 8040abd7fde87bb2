// Where EventDecoder::decode_ndjson reports the events it rejects, so the
// HTTP layer can tell the client which lines were bad and why.
//
// on_rejected() gets the 1-based line number of the event in the body (for
// a JSON-array body, the line where the element starts), whether it was
// malformed or lacked a valid event time, and a short reason in English.
// The reason view is valid only during the call.
//
// Thread safety: called from the decoding thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace driftd::ingest {

// What became of one event.
enum class EventOutcome : std::uint8_t {
  kRow,               // decoded into a row
  kMalformed,         // not one valid JSON object: counted, skipped
  kInvalidEventTime,  // event time missing or invalid: counted, skipped
};

class ErrorSink {
 public:
  virtual ~ErrorSink() = default;
  virtual void on_rejected(std::size_t line, EventOutcome outcome, std::string_view reason) = 0;
};

// Keeps the first `limit` rejections (copies) and counts them all: what an
// HTTP response reports.
class FirstErrors final : public ErrorSink {
 public:
  struct Entry {
    std::size_t line;
    EventOutcome outcome;
    std::string reason;
  };

  explicit FirstErrors(std::size_t limit) : limit_(limit) {}
  void on_rejected(std::size_t line, EventOutcome outcome, std::string_view reason) override;

  const std::vector<Entry>& entries() const { return entries_; }
  std::size_t total() const { return total_; }

 private:
  std::size_t limit_;
  std::size_t total_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace driftd::ingest
