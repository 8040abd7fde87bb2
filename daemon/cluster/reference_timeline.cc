#include "cluster/reference_timeline.h"

#include <algorithm>
#include <limits>

#include "cluster/numbered_key.h"

namespace driftd::cluster {
namespace {

constexpr std::string_view kSwitchInfix = "/switch/";

}  // namespace

std::string reference_switch_key(std::string_view stream, int64_t from_ms) {
  return numbered_key(stream, kSwitchInfix, static_cast<std::uint64_t>(from_ms));
}

std::optional<SwitchKey> parse_reference_switch_key(std::string_view key) {
  const std::optional<NumberedKey> parsed = parse_numbered_key(key, kSwitchInfix);
  if (!parsed || parsed->number > static_cast<std::uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return SwitchKey{parsed->stream, static_cast<int64_t>(parsed->number)};
}

void ReferenceTimeline::set_first(ReferenceRecord record) {
  if (has_first()) {
    entries_.front().record = std::move(record);
  } else {
    entries_.insert(entries_.begin(), Entry{kFirst, std::move(record)});
  }
}

void ReferenceTimeline::add_switch(int64_t from_ms, ReferenceRecord record) {
  const auto at = std::ranges::lower_bound(entries_, from_ms, {}, &Entry::from_ms);
  if (at != entries_.end() && at->from_ms == from_ms) {
    at->record = std::move(record);
  } else {
    entries_.insert(at, Entry{from_ms, std::move(record)});
  }
}

const ReferenceTimeline::Entry* ReferenceTimeline::of_version(int64_t version) const {
  const auto found = std::ranges::find(entries_, version,
                                       [](const Entry& entry) { return entry.record.version; });
  return found == entries_.end() ? nullptr : &*found;
}

const ReferenceTimeline::Entry* ReferenceTimeline::after_version(int64_t version) const {
  const Entry* entry = of_version(version);
  if (entry == nullptr || entry + 1 == entries_.data() + entries_.size()) return nullptr;
  return entry + 1;
}

const ReferenceTimeline::Entry* ReferenceTimeline::before_version(int64_t version) const {
  const Entry* entry = of_version(version);
  if (entry == nullptr || entry == entries_.data()) return nullptr;
  return entry - 1;
}

}  // namespace driftd::cluster
