#include "cluster/owner_state.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "cluster/framed_format.h"
#include "cluster/merge_checkpoint.h"
#include "cluster/numbered_key.h"
#include "cluster/pane_partial.h"
#include "common/binary_codec.h"
#include "common/error.h"

namespace driftd::cluster {
namespace {

// The layout of docs/histogram-format.md, "Owner states (cluster mode)".
constexpr std::size_t kChecksumBytes = FramedFormat::kChecksumBytes;
// Everything up to the stream's length.
constexpr std::size_t kFixedBytes = 20;
constexpr std::size_t kRuleStateBytes = 13;
// The smallest merge checkpoint (merge_checkpoint.cc) is larger than this;
// it checks its own size.
constexpr std::size_t kMinNestedBytes = 8;
// The smallest state: a one-byte name, no rule states.
constexpr std::size_t kMinBytes = kFixedBytes + 2 + 4 + kMinNestedBytes + kChecksumBytes;
constexpr FramedFormat kFormat{{'D', 'O', 'S', 'T'}, 1, kMinBytes, "owner state"};

// What a rule state must keep (AlertRuleState), for encoder and decoder.
std::string rule_state_problem(Severity severity, double cusum) {
  const auto level = static_cast<unsigned>(severity);
  if (level > static_cast<unsigned>(Severity::kCritical)) {
    return "severity " + std::to_string(level) + " is not none, warn or critical";
  }
  if (!std::isfinite(cusum) || cusum < 0) return "CUSUM is not a finite number >= 0";
  if (severity != Severity::kNone && cusum != 0) return "CUSUM is not 0 while firing";
  // -0.0 would not re-encode to itself.
  if (std::signbit(cusum)) return "CUSUM is -0";
  return {};
}

}  // namespace

std::string owner_state_problem(const OwnerState& state) {
  if (state.stream.empty() || state.stream.size() > kMaxPartialNameBytes) {
    return "stream must have 1 to " + std::to_string(kMaxPartialNameBytes) + " bytes, has " +
           std::to_string(state.stream.size());
  }
  if (state.rules.size() > kMaxOwnerRuleStates) {
    return "more than " + std::to_string(kMaxOwnerRuleStates) + " rule states";
  }
  for (std::size_t i = 0; i < state.rules.size(); ++i) {
    const AlertRuleState& rule = state.rules[i];
    if (std::string problem = rule_state_problem(rule.severity(), rule.cusum()); !problem.empty()) {
      return "rule state " + std::to_string(i) + ": " + problem;
    }
  }
  if (std::string problem = merge_checkpoint_problem(state.merge); !problem.empty()) {
    return "merge checkpoint: " + problem;
  }
  return {};
}

std::vector<std::byte> encode_owner_state(const OwnerState& state) {
  if (const std::string problem = owner_state_problem(state); !problem.empty()) {
    throw std::invalid_argument("invalid owner state: " + problem);
  }
  const std::vector<std::byte> merge = encode_merge_checkpoint(state.merge);
  std::vector<std::byte> out;
  out.reserve(kMinBytes + state.stream.size() + kRuleStateBytes * state.rules.size() +
              merge.size());
  kFormat.begin(out);
  append_le<std::uint64_t>(out, state.late_reported);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(state.rules.size()));
  FramedFormat::append_name(out, state.stream);
  for (const AlertRuleState& rule : state.rules) {
    append_le<std::uint8_t>(out, static_cast<std::uint8_t>(rule.severity()));
    append_le<std::uint32_t>(out, rule.streak());
    append_le<std::uint64_t>(out, std::bit_cast<std::uint64_t>(rule.cusum()));
  }
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(merge.size()));
  out.insert(out.end(), merge.begin(), merge.end());
  kFormat.end(out);
  return out;
}

OwnerState decode_owner_state(std::span<const std::byte> bytes) {
  LittleEndianReader reader = kFormat.open(bytes);
  OwnerState out;
  out.late_reported = reader.get<std::uint64_t>("late reported");
  const auto rules = reader.get<std::uint32_t>("rule state count");
  if (rules > kMaxOwnerRuleStates) {
    throw InputError("owner state has " + std::to_string(rules) + " rule states, more than " +
                     std::to_string(kMaxOwnerRuleStates));
  }
  out.stream = kFormat.read_name(reader, "stream");
  if (rules > reader.remaining() / kRuleStateBytes) {
    throw InputError("owner state is truncated at rule states");
  }
  out.rules.reserve(rules);
  for (std::uint32_t i = 0; i < rules; ++i) {
    const auto severity = static_cast<Severity>(reader.get<std::uint8_t>("severity"));
    const auto streak = reader.get<std::uint32_t>("streak");
    const double cusum = std::bit_cast<double>(reader.get<std::uint64_t>("CUSUM"));
    if (const std::string problem = rule_state_problem(severity, cusum); !problem.empty()) {
      throw InputError("owner state rule state " + std::to_string(i) + ": " + problem);
    }
    out.rules.push_back(AlertRuleState::restore(severity, streak, cusum));
  }
  const auto merge_bytes = reader.get<std::uint32_t>("merge checkpoint length");
  out.merge = decode_merge_checkpoint(reader.take(merge_bytes, "merge checkpoint"));
  if (reader.remaining() != 0) throw InputError("owner state has trailing bytes");
  return out;
}

namespace {

constexpr std::string_view kChunkInfix = "/capture/";

}  // namespace

std::string capture_chunk_key(std::string_view stream, std::uint64_t number) {
  return numbered_key(stream, kChunkInfix, number);
}

std::optional<CaptureChunkKey> parse_capture_chunk_key(std::string_view key) {
  const std::optional<NumberedKey> parsed = parse_numbered_key(key, kChunkInfix);
  if (!parsed) return std::nullopt;
  return CaptureChunkKey{parsed->stream, parsed->number};
}

}  // namespace driftd::cluster
