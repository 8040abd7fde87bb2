#include "cluster/window_result.h"

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "cluster/framed_format.h"
#include "cluster/sparse_counts.h"
#include "common/binary_codec.h"
#include "common/error.h"

namespace driftd::cluster {
namespace {

// The layout of docs/histogram-format.md, "Window results (cluster mode)".
constexpr std::size_t kChecksumBytes = FramedFormat::kChecksumBytes;
// Everything up to the stream's length.
constexpr std::size_t kFixedBytes = 52;
// The smallest result: one-byte names, a block of zeros, no changes.
constexpr std::size_t kMinBytes = kFixedBytes + 2 + 2 + 1 + 4 + kChecksumBytes;
constexpr FramedFormat kFormat{{'D', 'W', 'R', 'S'}, 1, kMinBytes, "window result"};
constexpr std::size_t kChangeBytes = 18;

bool valid_time(std::int64_t ms) { return ms >= kMinTimestampMs && ms <= kMaxTimestampMs; }

std::string bounds_problem(const Interval& bounds) {
  if (!valid_time(bounds.start) || !valid_time(bounds.end)) {
    return "bounds [" + std::to_string(bounds.start) + ", " + std::to_string(bounds.end) +
           ") lie outside the timestamps";
  }
  if (bounds.start >= bounds.end) {
    return "bounds [" + std::to_string(bounds.start) + ", " + std::to_string(bounds.end) +
           ") are empty";
  }
  return {};
}

// The severity a transition leaves (AlertRuleState::observe); empty when
// `severity` is it.
std::string transition_problem(Transition transition, Severity severity) {
  const auto level = static_cast<unsigned>(severity);
  const auto kind = static_cast<unsigned>(transition);
  if (kind < static_cast<unsigned>(Transition::kFired) ||
      kind > static_cast<unsigned>(Transition::kResolved)) {
    return "transition " + std::to_string(kind) + " is not fired, escalated, deescalated or resolved";
  }
  if (level > static_cast<unsigned>(Severity::kCritical)) {
    return "severity " + std::to_string(level) + " is not none, warn or critical";
  }
  bool consistent = false;
  switch (transition) {
    case Transition::kFired: consistent = severity != Severity::kNone; break;
    case Transition::kEscalated: consistent = severity == Severity::kCritical; break;
    case Transition::kDeescalated: consistent = severity == Severity::kWarn; break;
    case Transition::kResolved: consistent = severity == Severity::kNone; break;
    case Transition::kNone: break;
  }
  if (!consistent) {
    return std::string(to_string(transition)) + " leaving severity " + to_string(severity);
  }
  return {};
}

}  // namespace

std::string window_result_problem(const WindowResult& result) {
  for (const std::string* name : {&result.stream, &result.owner}) {
    if (name->empty() || name->size() > kMaxPartialNameBytes) {
      return std::string(name == &result.stream ? "stream" : "owner") + " must have 1 to " +
             std::to_string(kMaxPartialNameBytes) + " bytes, has " + std::to_string(name->size());
    }
  }
  if (std::string problem = bounds_problem(result.bounds); !problem.empty()) return problem;
  if (result.counts.empty() || result.counts.size() > kMaxPartialCounters) {
    return "counts must have 1 to " + std::to_string(kMaxPartialCounters) + " words, has " +
           std::to_string(result.counts.size());
  }
  if (result.changes.size() > kMaxResultChanges) {
    return "more than " + std::to_string(kMaxResultChanges) + " alert changes";
  }
  constexpr std::size_t kMaxIndex = std::numeric_limits<std::uint32_t>::max();
  for (std::size_t i = 0; i < result.changes.size(); ++i) {
    const AlertChange& change = result.changes[i];
    const std::string which = "alert change " + std::to_string(i) + ": ";
    if (change.subject > kMaxIndex) return which + "subject above 2^32 - 1";
    if (change.rule > kMaxIndex) return which + "rule above 2^32 - 1";
    if (std::string problem = transition_problem(change.transition, change.severity);
        !problem.empty()) {
      return which + problem;
    }
    if (std::isnan(change.value)) return which + "value is NaN";
  }
  return {};
}

std::vector<std::byte> encode_window_result(const WindowResult& result) {
  if (const std::string problem = window_result_problem(result); !problem.empty()) {
    throw std::invalid_argument("invalid window result: " + problem);
  }
  std::vector<std::byte> out;
  out.reserve(kMinBytes + result.stream.size() + result.owner.size() +
              kChangeBytes * result.changes.size());
  kFormat.begin(out);
  append_le<std::int64_t>(out, result.reference_version);
  append_le<std::uint64_t>(out, result.layout_fingerprint);
  append_le<std::int64_t>(out, result.bounds.start);
  append_le<std::int64_t>(out, result.bounds.end);
  append_le<std::uint64_t>(out, result.late);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(result.counts.size()));
  FramedFormat::append_name(out, result.stream);
  FramedFormat::append_name(out, result.owner);
  append_sparse_counts(out, result.counts);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(result.changes.size()));
  for (const AlertChange& change : result.changes) {
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(change.subject));
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(change.rule));
    append_le<std::uint8_t>(out, static_cast<std::uint8_t>(change.transition));
    append_le<std::uint8_t>(out, static_cast<std::uint8_t>(change.severity));
    append_le<std::uint64_t>(out, std::bit_cast<std::uint64_t>(change.value));
  }
  kFormat.end(out);
  return out;
}

WindowResult decode_window_result(std::span<const std::byte> bytes) {
  LittleEndianReader reader = kFormat.open(bytes);
  WindowResult out;
  out.reference_version = reader.get<std::int64_t>("reference version");
  out.layout_fingerprint = reader.get<std::uint64_t>("layout fingerprint");
  out.bounds.start = reader.get<std::int64_t>("window start");
  out.bounds.end = reader.get<std::int64_t>("window end");
  if (const std::string problem = bounds_problem(out.bounds); !problem.empty()) {
    throw InputError("window result " + problem);
  }
  out.late = reader.get<std::uint64_t>("late");
  const auto counters = reader.get<std::uint32_t>("counters");
  if (counters < 1 || counters > kMaxPartialCounters) {
    throw InputError("window result counters must be 1 to " +
                     std::to_string(kMaxPartialCounters) + ", got " + std::to_string(counters));
  }
  out.stream = kFormat.read_name(reader, "stream");
  out.owner = kFormat.read_name(reader, "owner");
  out.counts.assign(counters, 0);
  read_sparse_counts(reader, out.counts, "counts", ZeroBlock::allowed);

  const auto changes = reader.get<std::uint32_t>("change count");
  if (changes > kMaxResultChanges) {
    throw InputError("window result has " + std::to_string(changes) +
                     " alert changes, more than " + std::to_string(kMaxResultChanges));
  }
  if (changes > reader.remaining() / kChangeBytes) {
    throw InputError("window result is truncated at alert changes");
  }
  out.changes.reserve(changes);
  for (std::uint32_t i = 0; i < changes; ++i) {
    const std::string which = "window result alert change " + std::to_string(i);
    const auto subject = reader.get<std::uint32_t>("subject");
    const auto rule = reader.get<std::uint32_t>("rule");
    const auto transition = static_cast<Transition>(reader.get<std::uint8_t>("transition"));
    const auto severity = static_cast<Severity>(reader.get<std::uint8_t>("severity"));
    if (const std::string problem = transition_problem(transition, severity); !problem.empty()) {
      throw InputError(which + ": " + problem);
    }
    const double value = std::bit_cast<double>(reader.get<std::uint64_t>("value"));
    if (std::isnan(value)) throw InputError(which + " has a NaN value");
    out.changes.push_back({subject, rule, transition, severity, value});
  }
  if (reader.remaining() != 0) throw InputError("window result has trailing bytes");
  return out;
}

}  // namespace driftd::cluster
