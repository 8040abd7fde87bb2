#include "ingest/error_sink.h"

namespace driftd::ingest {

void FirstErrors::on_rejected(std::size_t line, EventOutcome outcome, std::string_view reason) {
  ++total_;
  if (entries_.size() < limit_) {
    entries_.push_back(Entry{line, outcome, std::string(reason)});
  }
}

}  // namespace driftd::ingest
