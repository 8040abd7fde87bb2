#include "cluster/pane_partial.h"

#include <algorithm>
#include <stdexcept>

#include "cluster/framed_format.h"
#include "cluster/sparse_counts.h"
#include "common/binary_codec.h"
#include "common/error.h"

namespace driftd::cluster {
namespace {

// The layout of docs/histogram-format.md, "Pane partials (cluster mode)".
constexpr std::size_t kChecksumBytes = FramedFormat::kChecksumBytes;
// The smallest partial: the fixed header (61 bytes with the stream's
// length), one-byte names, no partitions, no panes, the checksum.
constexpr std::size_t kMinBytes = 61 + 1 + 1 + 1 + 4 + 4 + kChecksumBytes;
constexpr FramedFormat kFormat{{'D', 'P', 'P', 'T'}, 1, kMinBytes, "pane partial"};
constexpr std::size_t kPartitionBytes = 21;
// A pane's id, then one run: its zeros, one literal and that literal.
constexpr std::size_t kMinPaneBytes = 8 + 1 + 1 + 1 + 1;
constexpr std::uint8_t kBehindFlag = 1;

bool valid_time(std::int64_t ms) { return ms >= kMinTimestampMs && ms <= kMaxTimestampMs; }

std::string problem_of(const PanePartial& partial) {
  for (const std::string* name : {&partial.stream, &partial.producer}) {
    if (name->empty() || name->size() > kMaxPartialNameBytes) {
      return std::string(name == &partial.stream ? "stream" : "producer") + " must have 1 to " +
             std::to_string(kMaxPartialNameBytes) + " bytes, has " + std::to_string(name->size());
    }
  }
  if (partial.counters < 1 || partial.counters > kMaxPartialCounters) {
    return "counters must be 1 to " + std::to_string(kMaxPartialCounters) + ", is " +
           std::to_string(partial.counters);
  }
  if (partial.partitions.size() > kMaxPartialPartitions) {
    return "more than " + std::to_string(kMaxPartialPartitions) + " partitions";
  }
  for (std::size_t i = 0; i < partial.partitions.size(); ++i) {
    const PartitionProgress& progress = partial.partitions[i];
    const std::string which = "partition " + std::to_string(progress.partition);
    if (progress.partition < 0) return which + ": negative";
    if (i > 0 && progress.partition <= partial.partitions[i - 1].partition) {
      return which + ": partitions are not distinct and ascending";
    }
    if (progress.next_offset < 0) return which + ": negative next offset";
    if (!valid_time(progress.watermark_ms)) return which + ": watermark outside the timestamps";
  }
  if (partial.panes.size() > kMaxPartialPanes) {
    return "more than " + std::to_string(kMaxPartialPanes) + " panes";
  }
  if (partial.panes.size() * std::uint64_t{partial.counters} > kMaxPartialCountWords) {
    return "panes x counters above " + std::to_string(kMaxPartialCountWords);
  }
  for (std::size_t i = 0; i < partial.panes.size(); ++i) {
    const PaneDelta& delta = partial.panes[i];
    const std::string which = "pane " + std::to_string(delta.pane);
    if (!valid_time(delta.pane)) return which + ": outside the panes of the timestamps";
    if (i > 0 && delta.pane <= partial.panes[i - 1].pane) {
      return which + ": panes are not distinct and ascending";
    }
    if (delta.counts.size() != partial.counters) {
      return which + ": " + std::to_string(delta.counts.size()) + " counts, not " +
             std::to_string(partial.counters);
    }
    const auto nonzero = [](std::uint64_t count) { return count != 0; };
    if (std::none_of(delta.counts.begin(), delta.counts.end(), nonzero)) {
      return which + ": all zeros";
    }
  }
  return {};
}

}  // namespace

std::vector<std::byte> encode_pane_partial(const PanePartial& partial) {
  if (const std::string problem = problem_of(partial); !problem.empty()) {
    throw std::invalid_argument("invalid pane partial: " + problem);
  }
  std::vector<std::byte> out;
  out.reserve(kMinBytes + partial.stream.size() + partial.producer.size() +
              kPartitionBytes * partial.partitions.size() + kMinPaneBytes * partial.panes.size());
  kFormat.begin(out);
  append_le<std::uint64_t>(out, partial.sequence);
  append_le<std::int64_t>(out, partial.reference_version);
  append_le<std::uint64_t>(out, partial.layout_fingerprint);
  append_le<std::uint64_t>(out, partial.events_seen);
  append_le<std::uint64_t>(out, partial.malformed);
  append_le<std::uint64_t>(out, partial.invalid_event_time);
  append_le<std::uint32_t>(out, partial.counters);
  FramedFormat::append_name(out, partial.stream);
  FramedFormat::append_name(out, partial.producer);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(partial.partitions.size()));
  for (const PartitionProgress& progress : partial.partitions) {
    append_le<std::int32_t>(out, progress.partition);
    append_le<std::int64_t>(out, progress.next_offset);
    append_le<std::int64_t>(out, progress.watermark_ms);
    append_le<std::uint8_t>(out, progress.behind ? kBehindFlag : 0);
  }
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(partial.panes.size()));
  for (const PaneDelta& delta : partial.panes) {
    append_le<std::int64_t>(out, delta.pane);
    append_sparse_counts(out, delta.counts);
  }
  kFormat.end(out);
  return out;
}

PanePartial decode_pane_partial(std::span<const std::byte> bytes) {
  LittleEndianReader reader = kFormat.open(bytes);
  PanePartial out;
  out.sequence = reader.get<std::uint64_t>("sequence");
  out.reference_version = reader.get<std::int64_t>("reference version");
  out.layout_fingerprint = reader.get<std::uint64_t>("layout fingerprint");
  out.events_seen = reader.get<std::uint64_t>("events seen");
  out.malformed = reader.get<std::uint64_t>("malformed");
  out.invalid_event_time = reader.get<std::uint64_t>("invalid event time");
  out.counters = reader.get<std::uint32_t>("counters");
  if (out.counters < 1 || out.counters > kMaxPartialCounters) {
    throw InputError("pane partial counters must be 1 to " + std::to_string(kMaxPartialCounters) +
                     ", got " + std::to_string(out.counters));
  }
  out.stream = kFormat.read_name(reader, "stream");
  out.producer = kFormat.read_name(reader, "producer");

  const auto partitions = reader.get<std::uint32_t>("partition count");
  if (partitions > kMaxPartialPartitions) {
    throw InputError("pane partial has " + std::to_string(partitions) + " partitions, more than " +
                     std::to_string(kMaxPartialPartitions));
  }
  if (partitions > reader.remaining() / kPartitionBytes) {
    throw InputError("pane partial is truncated at partitions");
  }
  out.partitions.reserve(partitions);
  for (std::uint32_t i = 0; i < partitions; ++i) {
    PartitionProgress progress;
    progress.partition = reader.get<std::int32_t>("partition");
    const std::string which = "pane partial partition " + std::to_string(progress.partition);
    if (progress.partition < 0) throw InputError(which + " is negative");
    if (i > 0 && progress.partition <= out.partitions.back().partition) {
      throw InputError(which + " follows partition " +
                       std::to_string(out.partitions.back().partition) +
                       ": partitions must be distinct and ascending");
    }
    progress.next_offset = reader.get<std::int64_t>("next offset");
    if (progress.next_offset < 0) throw InputError(which + " has a negative next offset");
    progress.watermark_ms = reader.get<std::int64_t>("watermark");
    if (!valid_time(progress.watermark_ms)) {
      throw InputError(which + " has a watermark outside the timestamps driftd accepts");
    }
    const auto flags = reader.get<std::uint8_t>("partition flags");
    if ((flags & ~kBehindFlag) != 0) throw InputError(which + " has unknown flags");
    progress.behind = (flags & kBehindFlag) != 0;
    out.partitions.push_back(progress);
  }

  const auto panes = reader.get<std::uint32_t>("pane count");
  if (panes > kMaxPartialPanes) {
    throw InputError("pane partial has " + std::to_string(panes) + " panes, more than " +
                     std::to_string(kMaxPartialPanes));
  }
  if (panes * std::uint64_t{out.counters} > kMaxPartialCountWords) {
    throw InputError("pane partial has " + std::to_string(panes) + " panes of " +
                     std::to_string(out.counters) + " counters, more than " +
                     std::to_string(kMaxPartialCountWords) + " counts");
  }
  if (panes > reader.remaining() / kMinPaneBytes) {
    throw InputError("pane partial is truncated at panes");
  }
  out.panes.reserve(panes);
  for (std::uint32_t i = 0; i < panes; ++i) {
    PaneDelta delta;
    delta.pane = reader.get<std::int64_t>("pane");
    const std::string which = "pane " + std::to_string(delta.pane);
    if (!valid_time(delta.pane)) {
      throw InputError("pane partial " + which + " lies outside the panes of the timestamps");
    }
    if (i > 0 && delta.pane <= out.panes.back().pane) {
      throw InputError("pane partial " + which + " follows pane " +
                       std::to_string(out.panes.back().pane) +
                       ": panes must be distinct and ascending");
    }
    delta.counts.assign(out.counters, 0);
    read_sparse_counts(reader, delta.counts, which, ZeroBlock::refused);
    out.panes.push_back(std::move(delta));
  }
  if (reader.remaining() != 0) throw InputError("pane partial has trailing bytes");
  return out;
}

std::vector<std::vector<std::byte>> encode_pane_partial_records(const PanePartial& partial,
                                                              std::size_t max_record_bytes) {
  std::vector<std::vector<std::byte>> records;
  records.push_back(encode_pane_partial(partial));
  if (records.back().size() <= max_record_bytes || partial.panes.size() <= 1) return records;
  records.clear();
  PanePartial one = partial;  // the header; tallies and progress on the last
  one.events_seen = one.malformed = one.invalid_event_time = 0;
  one.partitions.clear();
  for (std::size_t p = 0; p < partial.panes.size(); ++p) {
    if (p + 1 == partial.panes.size()) {
      one.events_seen = partial.events_seen;
      one.malformed = partial.malformed;
      one.invalid_event_time = partial.invalid_event_time;
      one.partitions = partial.partitions;
    }
    one.panes.assign(1, partial.panes[p]);
    records.push_back(encode_pane_partial(one));
  }
  return records;
}

}  // namespace driftd::cluster
